"""Control inside the former oblast, drawn from the communities (issue 21).

The recipe (data/SCHEMA.md, "Control from the communities"), all in
:data:`geo.settings.METRIC_CRS` (UTM 38N):

1. **Cells.** Each community of the oblast (``soviet_region`` in
   :data:`geo.settings.NKAO_REGIONS`; communities of the surrounding districts take no
   part) gets the Voronoi cell of its point, clipped to the oblast outline (boundaries layer
   ``nkao``): every piece of the oblast goes with its nearest community.
2. **The 1994 line.** The part of the oblast beyond the 1994 ceasefire line (layer
   ``ceasefire_line``, prolonged :data:`LINE_EXTENSION_M` at both ends as for the
   ``district_parts`` layer) is held by Azerbaijan from the ceasefire
   (:data:`CEASEFIRE_1994`) to the end of the map's span (the line did not move there in
   2020), whatever its nearest community: one record, cut out of the cells from that day.
3. **A day's areas.** The cells of the communities each side held that day, merged per
   side; a cell whose community has no period yet, or the side ``unknown``, is not drawn.
   Nothing is drawn before :data:`AREAS_FROM` (the map's convention for the oblast).
4. **Periods.** One :class:`geo.model.ControlPeriod` per side for every span over which its
   set of cells does not change (a few dozen, not hundreds of cell borders); ids
   ``oblast-<holder>-<first day>``; status ``approximate``; sources: the changes of hands
   that started the period, and Natural Earth.
5. **Approximate line.** Where the two sides' areas meet, the band of :data:`LINE_BAND_KM`
   on either side of the line between them (:class:`geo.model.ApproximateLine`): the line
   is drawn half-way between neighbouring communities, and the true one may lie anywhere
   between them.

Geometries in and out are EPSG:4326. Pure: no disk access.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.metric import from_metric, line_parts, polygon_parts, polygonal, to_metric
from geo.model import ApproximateLine, Community, ControlPeriod, Provenance, Span

if TYPE_CHECKING:
    import geopandas as gpd

#: First day the oblast's areas are drawn (the year 1992, as the curated records of the
#: seven districts; earlier community periods show on the villages layer only).
AREAS_FROM = dt.date(1992, 1, 1)
#: The 1994 ceasefire took effect (event ``ceasefire-1994-in-force``).
CEASEFIRE_1994 = dt.date(1994, 5, 12)
#: How far the 1994 line is prolonged at its ends to cut the oblast (metres, as
#: ``geo.boundary_layers.LINE_EXTENSION_M``).
LINE_EXTENSION_M = 5_000.0
#: Half-width of the approximate-line band (km). The line is drawn half-way between
#: neighbouring communities held by different sides, so it may be off by up to half their
#: distance: on 23 February 2021 such neighbours lie a median 5.6 km apart (3.4 to 13.5 km
#: for the middle 80 %; tests/geo/test_communities.py measures it), hence 2.5 km.
LINE_BAND_KM = 2.5
#: Pieces smaller than this (m2, metric CRS) are slivers where cut lines nearly meet, and
#: are dropped; coordinates are snapped to a 1 m grid first.
MIN_PIECE_M2 = 10_000.0
#: Words of the two holders in area names and notes.
HOLDER_WORDS = {"armenian": "Armenian", "azerbaijani": "Azerbaijani"}
#: The record of the ground beyond the 1994 line.
FRINGE_ID = "oblast-fringe-azerbaijani"
#: Sources of the 1994 line's record, where sources.yaml has them.
CEASEFIRE_SOURCES = ("karabakhfacts-ceasefire-1994",)
#: How many changes a period's note names before "and N more".
NOTE_CHANGES = 8


@dataclass(frozen=True)
class _Row:
    """A control period being made (its shape still metric)."""

    id: str
    area_name: str
    holder: str
    span: Span
    shape: BaseGeometry
    provenance: Provenance


@dataclass(frozen=True)
class CommunityAreas:
    """The control periods and approximate lines drawn from the communities (EPSG:4326)."""

    periods: tuple[ControlPeriod, ...]
    lines: tuple[ApproximateLine, ...]

    def held(self, holder: str, day: dt.date, outside_band: bool = False) -> BaseGeometry:
        """The union of the areas ``holder`` held on ``day`` (empty if none); with
        ``outside_band``, less the day's approximate-line band."""
        shapes = [p.geometry for p in self.periods if p.holder == holder and p.span.contains(day)]
        area = shapely.union_all(shapes) if shapes else Polygon()
        bands = [line.geometry for line in self.lines if line.span.contains(day)]
        return area.difference(shapely.union_all(bands)) if outside_band and bands else area


def area_name(holder: str) -> str:
    """The area name of the periods of ``holder`` (one name: they never overlap in time)."""
    return f"{HOLDER_WORDS[holder]}-held part of the former oblast (from the communities)"


def community_areas(
    communities: Sequence[Community],
    boundaries: Mapping[str, gpd.GeoDataFrame],
    known_sources: Collection[str] = (),
) -> CommunityAreas:
    """Control periods and approximate lines from ``communities`` (see the module docstring).

    ``boundaries`` needs the layers ``nkao`` and ``ceasefire_line`` (EPSG:4326). Communities
    whose point is not a number (a record with a problem) are left out. ``known_sources``:
    the ids of sources.yaml (the 1994 line's record cites the ceasefire agreement if there).
    """
    cells = _Cells.build(communities, boundaries)
    if cells is None:
        return CommunityAreas((), ())
    days = _change_days(cells.communities, with_fringe=not cells.fringe.is_empty)
    sides = [_sides(cells.communities, day) for day in days]
    periods: list[_Row] = []
    for holder in settings.HOLDERS:
        periods += _holder_periods(cells, days, sides, holder)
    lines = _lines(cells, days, sides)
    if not cells.fringe.is_empty:
        periods.append(_fringe(cells, known_sources))
    shapes = from_metric([p.shape for p in periods] + [line[2] for line in lines])
    records = [
        ControlPeriod(
            id=row.id,
            area_name=row.area_name,
            holder=row.holder,
            geometry=_valid(shape),
            span=row.span,
            provenance=row.provenance,
            derived_from=settings.COMMUNITIES_FILE,
        )
        for row, shape in zip(periods, shapes[: len(periods)], strict=True)
    ]
    bands = [
        ApproximateLine(
            id=f"oblast-line-{start.isoformat()}",
            span=Span(start, end, _precision(cells, start), _precision(cells, end)),
            geometry=_valid(shape),
            provenance=_line_provenance(),
        )
        for (start, end, _), shape in zip(lines, shapes[len(periods) :], strict=True)
    ]
    return CommunityAreas(tuple(records), tuple(bands))


@dataclass(frozen=True)
class _Cells:
    """The oblast's communities with their cells (metric), the oblast and the fringe."""

    communities: tuple[Community, ...]
    cells: dict[str, BaseGeometry]
    inside: dict[str, BaseGeometry]  # each cell less the fringe
    oblast: BaseGeometry
    fringe: BaseGeometry

    @classmethod
    def build(
        cls, communities: Sequence[Community], boundaries: Mapping[str, gpd.GeoDataFrame]
    ) -> _Cells | None:
        chosen = tuple(c for c in communities if c.in_oblast and _finite(c.lon) and _finite(c.lat))
        if not chosen:
            return None
        oblast4326 = shapely.union_all(boundaries["nkao"].geometry.to_numpy())
        line4326 = shapely.line_merge(
            shapely.union_all(boundaries["ceasefire_line"].geometry.to_numpy())
        )
        points = [Point(c.lon, c.lat) for c in chosen]
        oblast, line, *metric_points = to_metric([oblast4326, line4326, *points])
        fringe = _beyond_line(oblast, line)
        # One cell per distinct point (the loader reports communities sharing one): a
        # repeated point gets no cell.
        first: dict[tuple[float, float], int] = {}
        for index, point in enumerate(metric_points):
            first.setdefault((point.x, point.y), index)
        distinct = sorted(first.values())
        regions = shapely.voronoi_polygons(
            MultiPoint([metric_points[i] for i in distinct]),
            extend_to=oblast.buffer(50_000.0),
            ordered=True,
        )
        region_of = dict(zip(distinct, regions.geoms, strict=True))
        cells: dict[str, BaseGeometry] = {}
        for index, community in enumerate(chosen):
            region = region_of.get(index)
            cells[community.id] = (
                Polygon() if region is None else polygonal(region.intersection(oblast))
            )
        inside = {key: polygonal(cell.difference(fringe)) for key, cell in cells.items()}
        return cls(chosen, cells, inside, oblast, fringe)


def _clean(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of a metric shape on a 1 m grid, without slivers (valid)."""
    snapped = polygonal(shapely.set_precision(geometry, 1.0))
    parts = [p for p in polygon_parts(snapped) if p.area >= MIN_PIECE_M2]
    return polygonal(shapely.union_all(parts)) if parts else Polygon()


def _valid(geometry: BaseGeometry) -> BaseGeometry:
    """A reprojected shape made valid again (reprojection can fold a sliver's ring)."""
    return polygonal(shapely.make_valid(geometry))


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


def _beyond_line(oblast: BaseGeometry, line: BaseGeometry) -> BaseGeometry:
    """The parts of the (metric) oblast on the far side of the (metric) 1994 line from its
    largest part; empty when the line does not cut it."""
    from geo.boundary_layers import extend_line, split_sides

    lines = line_parts(line)
    if len(lines) != 1 or not lines[0].intersects(oblast):
        return Polygon()
    cut = extend_line(LineString(lines[0]), LINE_EXTENSION_M)
    pieces = [p for part in polygon_parts(oblast) for p in _split(part, cut)]
    if len(pieces) < 2:
        return Polygon()
    largest = max(pieces, key=lambda p: p.area)
    _near, far = split_sides(oblast, cut, largest.representative_point())
    return _clean(far)


def _split(polygon: Polygon, line: LineString) -> list[BaseGeometry]:
    from shapely.ops import split

    return list(split(polygon, line).geoms)


def _change_days(communities: Iterable[Community], *, with_fringe: bool) -> list[dt.date]:
    """:data:`AREAS_FROM`, the ceasefire (if the line cuts the oblast) and every later day
    a community's period starts, in order."""
    days = {AREAS_FROM}
    if with_fringe:
        days.add(CEASEFIRE_1994)
    for community in communities:
        days.update(
            p.span.start for p in community.held if p.span.start and p.span.start > AREAS_FROM
        )
    return sorted(days)


def _sides(communities: Iterable[Community], day: dt.date) -> dict[str, str]:
    """The side of each community with a period in force on ``day``."""
    sides = {}
    for community in communities:
        period = community.held_on(day)
        if period is not None:
            sides[community.id] = period.holder
    return sides


def _runs(
    days: Sequence[dt.date], keys: Sequence[Any]
) -> list[tuple[dt.date, dt.date | None, Any]]:
    """Spans ``(start, end, key)`` of consecutive days with equal keys (end exclusive)."""
    runs = []
    index = 0
    for key, group in itertools.groupby(range(len(days)), key=lambda i: keys[i]):
        count = len(list(group))
        end_index = index + count
        end = days[end_index] if end_index < len(days) else None
        runs.append((days[index], end, key))
        index = end_index
    return runs


def _holder_key(cells: _Cells, day: dt.date, sides: Mapping[str, str], holder: str) -> Any:
    fringe_cut = not cells.fringe.is_empty and day >= CEASEFIRE_1994
    return (frozenset(k for k, side in sides.items() if side == holder), fringe_cut)


def _holder_periods(
    cells: _Cells, days: Sequence[dt.date], sides: Sequence[Mapping[str, str]], holder: str
) -> list[_Row]:
    keys = [_holder_key(cells, day, s, holder) for day, s in zip(days, sides, strict=True)]
    rows = []
    for start, end, (members, fringe_cut) in _runs(days, keys):
        if not members:
            continue
        source = cells.inside if fringe_cut else cells.cells
        shape = _clean(shapely.union_all([source[m] for m in sorted(members)]))
        if shape.is_empty:
            continue
        rows.append(
            _Row(
                id=f"oblast-{holder}-{start.isoformat()}",
                area_name=area_name(holder),
                holder=holder,
                span=Span(start, end, _precision(cells, start), _precision(cells, end)),
                shape=shape,
                provenance=_period_provenance(cells, holder, start, len(members)),
            )
        )
    return rows


def _changes_on(cells: _Cells, day: dt.date) -> list[tuple[Community, str | None, str]]:
    """The communities whose period starts on ``day``: (community, side before, side after)."""
    changes = []
    for community in cells.communities:
        for index, period in enumerate(community.held):
            if period.span.start == day and day > AREAS_FROM:
                before = community.held[index - 1].holder if index else None
                changes.append((community, before, period.holder))
    return changes


def _period_provenance(cells: _Cells, holder: str, start: dt.date, count: int) -> Provenance:
    changes = [c for c in _changes_on(cells, start) if holder in (c[1], c[2])]
    sources: list[str] = []
    for community, _before, _after in changes:
        period = next(p for p in community.held if p.span.start == start)
        sources += [s for s in period.provenance.sources if s not in sources]
    sources.append(settings.NATURAL_EARTH_SOURCE_ID)
    words = [
        f"{community.names.en} ({before or 'no side'} to {after})"
        for community, before, after in changes
    ]
    more = len(words) - NOTE_CHANGES
    named = ", ".join(words[:NOTE_CHANGES]) + (f" and {more} more" if more > 0 else "")
    started = f" Changes that started this period: {named}." if named else ""
    if start == AREAS_FROM:
        started = " From the map's 1992 start for the oblast (year precision)."
    note = (
        f"Drawn from {count} communities of communities.yaml held by the {HOLDER_WORDS[holder]} "
        "side, by the recipe of data/SCHEMA.md ('Control from the communities'): each "
        "community's Voronoi cell, clipped to the oblast outline; ground beyond the 1994 "
        "ceasefire line is Azerbaijani from 12 May 1994. The line between the sides is "
        f"approximate (the hatched band, {LINE_BAND_KM:g} km either side).{started} Each "
        "community's side, dates and sources are on the Villages layer."
    )
    return Provenance("approximate", tuple(sources), note)


def _fringe(cells: _Cells, known_sources: Collection[str]) -> _Row:
    note = (
        "The part of the former oblast beyond the 1994 ceasefire line (Natural Earth's line, "
        "schematic at 1:10m), held by Azerbaijan from the ceasefire of 12 May 1994; the line "
        "did not move there in the 2020 war. Natural Earth's line leaves about 160 km2 of the "
        "oblast on this side; a published table gives about 560 km2 (about 400 of the "
        "Mardakert and 160 of the Martuni raion), so this area is too small."
    )
    sources = tuple(s for s in CEASEFIRE_SOURCES if s in known_sources)
    return _Row(
        id=FRINGE_ID,
        area_name="Eastern edge of the former oblast beyond the 1994 line",
        holder="azerbaijani",
        span=Span(CEASEFIRE_1994, None),
        shape=cells.fringe,
        provenance=Provenance("approximate", (*sources, settings.NATURAL_EARTH_SOURCE_ID), note),
    )


def _precision(cells: _Cells, day: dt.date | None) -> str:
    """The coarsest precision of the community periods starting on ``day``."""
    if day is None or day == CEASEFIRE_1994:
        return "day"
    if day == AREAS_FROM:
        return "year"
    order = settings.PRECISIONS
    found = [
        p.span.start_precision for c in cells.communities for p in c.held if p.span.start == day
    ]
    return max(found, key=order.index) if found else "day"


def _lines(
    cells: _Cells, days: Sequence[dt.date], sides: Sequence[Mapping[str, str]]
) -> list[tuple[dt.date, dt.date | None, BaseGeometry]]:
    keys = [
        (
            _holder_key(cells, day, s, "armenian"),
            _holder_key(cells, day, s, "azerbaijani"),
        )
        for day, s in zip(days, sides, strict=True)
    ]
    lines = []
    for start, end, (arm_key, aze_key) in _runs(days, keys):
        shapes = []
        for members, fringe_cut in (arm_key, aze_key):
            source = cells.inside if fringe_cut else cells.cells
            shapes.append(shapely.union_all([source[m] for m in sorted(members)]))
        band = line_band(shapes[0], shapes[1], LINE_BAND_KM * 1000.0)
        if not band.is_empty:
            lines.append((start, end, band))
    return lines


def line_band(first: BaseGeometry, second: BaseGeometry, half_width: float) -> BaseGeometry:
    """The band of ``half_width`` either side of where two areas meet, over the two areas
    (one metric CRS); empty when they do not meet.

    >>> from shapely.geometry import box
    >>> line_band(box(0, 0, 10_000, 10_000), box(10_000, 0, 20_000, 10_000), 1_000.0).bounds
    (9000.0, 0.0, 11000.0, 10000.0)
    """
    if first.is_empty or second.is_empty:
        return Polygon()
    shared = first.boundary.intersection(second.buffer(1.0))
    parts = [p for p in line_parts(shared) if p.length > 0]
    if not parts:
        return Polygon()
    band = shapely.union_all([p.buffer(half_width, cap_style="flat") for p in parts])
    return _clean(band.intersection(first.union(second)))


def _line_provenance() -> Provenance:
    note = (
        "Where the two sides' areas drawn from the communities meet, the line is drawn "
        "half-way between neighbouring communities held by different sides; the true line "
        f"may lie anywhere in this band ({LINE_BAND_KM:g} km either side of it; data/SCHEMA.md, "
        "'Control from the communities')."
    )
    return Provenance("approximate", (settings.NATURAL_EARTH_SOURCE_ID,), note)


__all__ = [
    "AREAS_FROM",
    "CEASEFIRE_1994",
    "LINE_BAND_KM",
    "CommunityAreas",
    "area_name",
    "community_areas",
    "line_band",
]
