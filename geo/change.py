"""What changed on the map between two days: areas, places and sites.

Inputs are a :class:`geo.dataset.Dataset` (EPSG:4326) and two days; the situation on
each day comes from :func:`geo.situation.state_at`, so "who held what" means exactly what
the map draws (a smaller area in force is cut out of a larger one).

Areas are intersected and measured in :data:`EQUAL_AREA_CRS`, a Lambert azimuthal
equal-area projection on the WGS 84 ellipsoid centred on the region of interest
(:data:`geo.settings.REGION_BBOX`). It preserves area exactly everywhere (unlike the
UTM zone of :data:`geo.settings.METRIC_CRS`, whose scale drifts away from 45° E), and
being centred on the region keeps the shape distortion of the 12° x 6° box small. Area
geometries in the records are returned in EPSG:4326.

A part of the region that no control record covers on a day has the holder
:data:`UNMAPPED` on that day (e.g. Kalbajar before its capture on 2 April 1993: the map
draws no holder there); a change from or to it is reported like any other.

The change as rows (a frame of the changed areas, plain table rows) is
:mod:`geo.change_table`; the days on which the map changes, :func:`geo.situation.frame_dates`.

The projected control of each situation (its records, their equal-area shapes and
union) is cached in memory, keyed by the records in force, so switching one of the two
days re-projects only the situation that changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import shapely
from pyproj import CRS
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.identity_cache import IdentityCache
from geo.locate import polygon_country
from geo.metric import project
from geo.model import ControlPeriod, Place, Site
from geo.situation import check_day_pair, in_force, state_at

_LON_0 = (settings.REGION_BBOX[0] + settings.REGION_BBOX[2]) / 2
_LAT_0 = (settings.REGION_BBOX[1] + settings.REGION_BBOX[3]) / 2

#: Equal-area CRS for intersecting and measuring control areas: Lambert azimuthal
#: equal-area on WGS 84, centred on the middle of the region (45° E, 40.5° N).
EQUAL_AREA_CRS = CRS.from_proj4(
    f"+proj=laea +lat_0={_LAT_0} +lon_0={_LON_0} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)

#: Holder of a part of the region that no control record covers on a day.
UNMAPPED = "unmapped"

#: Positional accuracy (km) of the boundaries the control areas are cut from (Natural
#: Earth 1:10m): a place nearer than this to the edge of its area may in truth lie on the
#: other side (e.g. Kapan and Kornidzor, in Armenia, fall just inside Azerbaijani
#: districts at that scale; see their notes in places.yaml).
BOUNDARY_ACCURACY_KM = 1.0

#: Pieces of change smaller than this (km²) are dropped: they are slivers where two
#: records' outlines do not quite coincide, not territory that changed hands.
MIN_CHANGE_KM2 = 0.01

#: How many situations (sets of control records in force) keep their projected areas in
#: memory; the whole dataset has about 30. Shared by all users: derived from data only.
CACHE_SITUATIONS = 64

SiteChangeKind = Literal["appeared", "ended", "appeared and ended"]


def direction_key(from_holder: str, to_holder: str) -> str:
    """The key of a change of holder, e.g. ``'armenian->azerbaijani'``."""
    return f"{from_holder}->{to_holder}"


@dataclass(frozen=True)
class AreaChange:
    """An area held by ``from_holder`` on the before day and ``to_holder`` on the after day.

    ``geometry`` is in EPSG:4326; ``km2`` is measured in :data:`EQUAL_AREA_CRS`.
    ``before_id`` / ``after_id`` are the control records in force at each end (``None``
    where the holder is :data:`UNMAPPED`); ``sources`` are theirs, without repeats;
    ``status`` is the less sure of their two statuses.
    """

    area_name: str
    from_holder: str
    to_holder: str
    km2: float
    geometry: BaseGeometry
    before_id: str | None
    after_id: str | None
    sources: tuple[str, ...]
    status: str

    @property
    def direction(self) -> str:
        """``'<from_holder>-><to_holder>'``."""
        return direction_key(self.from_holder, self.to_holder)

    @property
    def record_ids(self) -> tuple[str, ...]:
        """The control records this change rests on."""
        return tuple(i for i in (self.before_id, self.after_id) if i is not None)


@dataclass(frozen=True)
class PlaceChange:
    """A gazetteer place whose point lies in areas of different holders on the two days.

    Record ids, ``sources`` and ``status`` as in :class:`AreaChange`. ``edge_km`` is the
    distance from the place to the outline of the area it lies in on the after day (on
    the before day if unmapped after), measured in :data:`EQUAL_AREA_CRS`.
    """

    place_id: str
    name: str
    kind: str
    from_holder: str
    to_holder: str
    before_id: str | None
    after_id: str | None
    sources: tuple[str, ...]
    status: str
    edge_km: float

    @property
    def direction(self) -> str:
        """``'<from_holder>-><to_holder>'``."""
        return direction_key(self.from_holder, self.to_holder)

    @property
    def on_edge(self) -> bool:
        """True when the place is within :data:`BOUNDARY_ACCURACY_KM` of its area's edge,
        so which side it is on is uncertain at the boundaries' scale."""
        return self.edge_km < BOUNDARY_ACCURACY_KM


@dataclass(frozen=True)
class SiteChange:
    """A site whose period starts and/or ends after the before day, by the after day."""

    site_id: str
    name: str
    kind: str
    operator: str
    change: SiteChangeKind
    start: dt.date | None
    end: dt.date | None
    sources: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class HolderArea:
    """Area (km², in :data:`EQUAL_AREA_CRS`) a holder held on the before and after days."""

    before_km2: float
    after_km2: float


@dataclass(frozen=True)
class Change:
    """Everything that changed on the map from ``before`` to ``after``.

    ``areas`` are sorted by direction, then largest first; ``km2_by_direction`` sums
    their km² per :attr:`AreaChange.direction`; ``km2_by_holder`` gives, per holder in
    force on either day (never :data:`UNMAPPED`), the area held on each day.
    """

    before: dt.date
    after: dt.date
    areas: tuple[AreaChange, ...]
    km2_by_direction: Mapping[str, float]
    km2_by_holder: Mapping[str, HolderArea]
    places: tuple[PlaceChange, ...]
    sites: tuple[SiteChange, ...]

    @property
    def towns(self) -> tuple[PlaceChange, ...]:
        """The :attr:`places` that are points on the map (towns, villages, ...): not those
        naming an area (a district's name point is its administrative centre, and the
        area's own row says how much of it changed, issue 22)."""
        return tuple(p for p in self.places if p.kind not in settings.BOUNDARY_NAME_KINDS)

    @property
    def km2(self) -> float:
        """Total area that changed hands."""
        return sum(area.km2 for area in self.areas)

    @property
    def is_empty(self) -> bool:
        """True when nothing changed hands, appeared or ended."""
        return not (self.areas or self.places or self.sites)


@dataclass(frozen=True)
class _Held:
    """One control record as in force on a day, with its geometry in both CRSs."""

    id: str
    area_name: str
    holder: str
    status: str
    sources: tuple[str, ...]
    geometry: BaseGeometry  # EPSG:4326
    equal_area: BaseGeometry  # EQUAL_AREA_CRS


@dataclass(frozen=True, eq=False)
class _Control:
    """The control of one situation: its records and the union of their equal-area shapes
    (geometries prepared for fast predicates). Compared and hashed by identity: one
    object per set of records in force while cached (:func:`_control`)."""

    held: tuple[_Held, ...]
    union: BaseGeometry


#: What changed between two situations: the areas, and each holder's area on both days.
_PairChange: TypeAlias = tuple[tuple[AreaChange, ...], dict[str, HolderArea]]

#: The projected control of each situation, by the records in force (by identity).
_CACHE: IdentityCache[_Control] = IdentityCache(CACHE_SITUATIONS, "projected control")

#: The areas that changed hands between two situations and the area each holder held,
#: kept per pair of situations (:class:`_Control` objects, by identity): two days with
#: the same records in force as two others (most days of a comparison after the war)
#: need no overlay again. As many pairs as situations are kept.
_PAIRS: IdentityCache[_PairChange] = IdentityCache(CACHE_SITUATIONS, "area changes")
#: The places that changed hands between two situations, by the pair and the places and
#: countries they were found in (the dataset's, by identity).
_PLACES: IdentityCache[tuple[PlaceChange, ...]] = IdentityCache(CACHE_SITUATIONS, "place changes")


def clear_cache() -> None:
    """Forget the cached situations and pairs (for benchmarks; results never depend on
    the cache)."""
    for cache in (_CACHE, _PAIRS, _PLACES):
        cache.clear()


def compare(dataset: Dataset, before: dt.date, after: dt.date) -> Change:
    """What changed on the map from ``before`` to ``after`` (``before <= after``).

    Raises
    ------
    StateError
        If a day is outside the map's span or ``before`` is later than ``after``.
    """
    check_day_pair(before, after, dataset.span)
    old, new = _control(dataset, before), _control(dataset, after)
    areas, by_holder = _pair(old, new)
    by_direction: dict[str, float] = {}
    for area in areas:
        by_direction[area.direction] = by_direction.get(area.direction, 0.0) + area.km2
    return Change(
        before=before,
        after=after,
        areas=areas,
        km2_by_direction=by_direction,
        km2_by_holder=dict(by_holder),
        places=_kept_place_changes(dataset, old, new),
        sites=tuple(_site_changes(dataset.sites, before, after)),
    )


def _control(dataset: Dataset, day: dt.date) -> _Control:
    """The control records in force on ``day``, as the map draws them (cached).

    The situation's control depends only on which records are in force (the rule of
    :func:`geo.situation.state_at`), so the result is cached under those records (by
    identity: the same record objects share an entry, edited ones do not).
    """
    records = tuple(c for c in dataset.control if in_force(c, day))

    def make() -> _Control:
        held = _project(state_at(dataset, day).control)
        union = shapely.union_all([h.equal_area for h in held])
        shapely.prepare([union, *(h.equal_area for h in held)])
        return _Control(held=held, union=union)

    return _CACHE.get(records, None, make)


def _pair(old: _Control, new: _Control) -> _PairChange:
    """The areas that changed hands from ``old`` to ``new`` (by direction, then largest
    first) and each holder's area on both sides, made once per pair of situations."""

    def make() -> _PairChange:
        areas = tuple(sorted(_area_changes(old, new), key=lambda a: (a.direction, -a.km2)))
        return areas, _holder_totals(old.held, new.held)

    return _PAIRS.get((old, new), None, make)


def _kept_place_changes(
    dataset: Dataset, old: _Control, new: _Control
) -> tuple[PlaceChange, ...]:
    """:func:`_place_changes` from ``old`` to ``new``, made once per pair of situations
    and the dataset's places and countries (held by the entry, compared by identity)."""
    sources = (old, new, dataset.places, dataset.boundaries["countries"])
    return _PLACES.get(sources, None, lambda: tuple(_place_changes(dataset, old.held, new.held)))


def _project(control: Sequence[ControlPeriod]) -> tuple[_Held, ...]:
    """Control records in force (:attr:`geo.situation.Situation.control`) with equal-area
    shapes."""
    if not control:
        return ()
    projected = project([c.geometry for c in control], source=settings.CRS, target=EQUAL_AREA_CRS)
    return tuple(
        _Held(
            id=period.id,
            area_name=period.area_name,
            holder=period.holder,
            status=period.provenance.status,
            sources=period.provenance.sources,
            geometry=period.geometry,
            equal_area=shapely.make_valid(projected[index]),
        )
        for index, period in enumerate(control)
    )


def _area_changes(before: _Control, after: _Control) -> list[AreaChange]:
    """Pieces whose holder differs, pairwise between records in force on the two days,
    and pieces mapped on one day only."""
    pieces: list[tuple[_Held | None, _Held | None, BaseGeometry]] = []
    for old in before.held:
        for new in after.held:
            if old.holder != new.holder and old.equal_area.intersects(new.equal_area):
                pieces.append((old, new, old.equal_area.intersection(new.equal_area)))
    pieces += [
        (old, None, old.equal_area.difference(after.union))
        for old in before.held
        if not after.union.covers(old.equal_area)
    ]
    pieces += [
        (None, new, new.equal_area.difference(before.union))
        for new in after.held
        if not before.union.covers(new.equal_area)
    ]

    kept = [(old, new, _polygonal(g)) for old, new, g in pieces]
    kept = [(old, new, g) for old, new, g in kept if g.area / 1e6 >= MIN_CHANGE_KM2]
    if not kept:
        return []
    geographic = project([g for _, _, g in kept], source=EQUAL_AREA_CRS, target=settings.CRS)
    return [
        AreaChange(
            area_name=_area_name(old, new),
            from_holder=old.holder if old else UNMAPPED,
            to_holder=new.holder if new else UNMAPPED,
            km2=g.area / 1e6,
            geometry=geographic[index],
            before_id=old.id if old else None,
            after_id=new.id if new else None,
            sources=_merged_sources(old, new),
            status=_least_sure(old, new),
        )
        for index, (old, new, g) in enumerate(kept)
    ]


def _area_name(*records: _Held | None) -> str:
    """The after record's area name, else the before record's."""
    return next(r.area_name for r in reversed(records) if r is not None)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the polygon parts of an overlay result (shared edges come back as lines)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _merged_sources(*records: _Held | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for r in records if r is not None for s in r.sources))


def _least_sure(*records: _Held | None) -> str:
    statuses = [r.status for r in records if r is not None]
    return max(statuses, key=settings.STATUSES.index)


def _holder_totals(before: tuple[_Held, ...], after: tuple[_Held, ...]) -> dict[str, HolderArea]:
    def per_holder(held: tuple[_Held, ...]) -> dict[str, float]:
        totals: dict[str, float] = {}
        for h in held:
            totals[h.holder] = totals.get(h.holder, 0.0) + h.equal_area.area / 1e6
        return totals

    old, new = per_holder(before), per_holder(after)
    holders = [h for h in settings.HOLDERS if h in old or h in new]
    return {h: HolderArea(old.get(h, 0.0), new.get(h, 0.0)) for h in holders}


def _holder_at(held: Iterable[_Held], point: Point) -> _Held | None:
    """The record whose area (EPSG:4326, as drawn) covers ``point``, if any."""
    return next((h for h in held if h.geometry.covers(point)), None)


def _place_changes(
    dataset: Dataset, before: tuple[_Held, ...], after: tuple[_Held, ...]
) -> list[PlaceChange]:
    moved: list[tuple[Place, _Held | None, _Held | None]] = []
    countries = dataset.boundaries["countries"]
    for place in dataset.places.values():
        if place.boundary_note is not None and place.country != polygon_country(place, countries):
            continue  # the labelling rule of geo.locate: no control area applies to it
        point = Point(place.lon, place.lat)
        old, new = _holder_at(before, point), _holder_at(after, point)
        if (old.holder if old else UNMAPPED) != (new.holder if new else UNMAPPED):
            moved.append((place, old, new))
    if not moved:
        return []
    points = [Point(p.lon, p.lat) for p, _, _ in moved]
    projected = project(points, source=settings.CRS, target=EQUAL_AREA_CRS)
    changes: list[PlaceChange] = []
    for index, (place, old, new) in enumerate(moved):
        held = new if new is not None else old
        assert held is not None  # the holders differ, so at least one is mapped
        outline = held.equal_area.boundary
        changes.append(
            PlaceChange(
                place_id=place.id,
                name=place.names.en,
                kind=place.kind,
                from_holder=old.holder if old else UNMAPPED,
                to_holder=new.holder if new else UNMAPPED,
                before_id=old.id if old else None,
                after_id=new.id if new else None,
                sources=_merged_sources(old, new),
                status=_least_sure(old, new),
                edge_km=outline.distance(projected[index]) / 1000.0,
            )
        )
    return sorted(changes, key=lambda c: (c.direction, c.name))


def _site_changes(sites: Iterable[Site], before: dt.date, after: dt.date) -> list[SiteChange]:
    changes: list[SiteChange] = []
    for site in sites:
        began = site.span.start is not None and before < site.span.start <= after
        ended = site.span.end is not None and before < site.span.end <= after
        if not (began or ended):
            continue
        kind: SiteChangeKind = (
            "appeared and ended" if began and ended else "appeared" if began else "ended"
        )
        changes.append(
            SiteChange(
                site_id=site.id,
                name=site.name,
                kind=site.kind,
                operator=site.operator,
                change=kind,
                start=site.span.start,
                end=site.span.end,
                sources=site.provenance.sources,
                status=site.provenance.status,
            )
        )
    return sorted(changes, key=lambda c: (c.start or dt.date.min, c.site_id))
