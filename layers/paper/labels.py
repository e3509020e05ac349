"""Labels on a paper map, placed by importance: first the names the story must show
(:func:`layers.story.must_show`: never left out, at most a short leader line from their
symbol), then the numbered event markers (:mod:`layers.paper.markers`), then the other
labels by the catalogue's label priority, each clear of what was placed before, of the
map furniture and point symbols, and of ground whose holder changed where it is small on
the page (facts above decoration, issue 22); positions that cross a boundary line are
tried last (:mod:`layers.paper.placement`). Label text is data: drawn as plain text,
never as maths.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo.naming import upper
from layers import catalog, styles
from layers.briefing.view import Bounds
from layers.features import frame_rows
from layers.paper.map_content import MapContent, _once
from layers.paper.markers import marker_requests
from layers.paper.placement import LabelRequest, Placer
from layers.paper.symbols import Symbol, half_pt


def label_requests(
    content: MapContent,
    symbols: Sequence[Symbol] = (),
    label_layers: Sequence[str] = catalog.LABEL_ORDER,
) -> list[LabelRequest]:
    """The labels of ``content`` in placement order: the must-show names first
    (``content.story``), then by ``label_layers`` (default: the catalogue's label
    priority, :data:`layers.catalog.LABEL_ORDER`), then in feature order.

    An area label is anchored in the part of its area that carries no label of its own
    (AZERBAIJAN away from the oblast and the districts, which are labelled themselves); a
    point label keeps clear of the largest of the ``symbols`` drawn at its point. A
    must-show site's sourced strength is a second line under its name.
    """
    areas = _labelled_areas(content)
    story = content.story
    at_point = _SymbolHalves(symbols)
    requests: list[LabelRequest] = []
    named_points: set[tuple[str, tuple[float, float]]] = set()  # a name once at a point
    for layer_id in label_layers:
        frame = content.frames.get(layer_id)
        spec = catalog.find(layer_id)
        label = spec.label if spec is not None else None
        if frame is None or frame.empty or label is None:
            continue
        look = styles.LABEL_STYLES[label.look]
        for row, geometry in rows_inside(frame, content.extent):
            if geometry.is_empty or not row.label:
                continue
            palette = styles.STYLES[str(row.style_key)]
            if look.placement == "centre":
                anchors, gap = interior_points(_own_part(geometry, layer_id, areas)), 0.0
            elif geometry.geom_type in ("LineString", "MultiLineString"):  # a road, a river
                anchors, gap = line_points(geometry), half_pt(palette) + 1.5
            else:
                point = geometry if geometry.geom_type == "Point" else _pole(geometry)
                half = max([half_pt(palette), *at_point.halves(point.x, point.y)])
                anchors, gap = ((point.x, point.y),), half + 1.5
                here = (str(row.label), (round(point.x, 5), round(point.y, 5)))
                if here in named_points and str(row.id) not in story:
                    continue  # e.g. a town that is also a village of the line
                named_points.add(here)
            text = str(row.label)
            if look.upper:  # capitals by the label's language (Türkiyə: TÜRKİYƏ)
                text = upper(text, getattr(row, "names", None))
            if look.wrap is not None:
                text = textwrap.fill(text, look.wrap)
            must = str(row.id) in story
            note = story.notes.get(str(row.id)) if must else None
            if note:
                text = f"{text}\n{textwrap.fill(note, look.wrap or 40)}"
            requests.append(
                LabelRequest(
                    text, look, palette.color, anchors, gap, label.essential, must=must,
                    feature_id=str(row.id),
                )
            )  # fmt: skip
    requests = _named_by_neighbour(_once_per_point(requests))
    return [r for r in requests if r.must] + [r for r in requests if not r.must]


def _once_per_point(requests: list[LabelRequest]) -> list[LabelRequest]:
    """``requests`` with one point label per name and point (a town that is also a
    village of the line): a must-show one wins, else the first."""
    first: dict[tuple[str, tuple[float, float]], int] = {}
    for index, request in enumerate(requests):
        if request.look.placement == "centre" or len(request.anchors) != 1:
            continue
        key = (" ".join(request.text.split()), request.anchors[0])
        if key not in first or (request.must and not requests[first[key]].must):
            first[key] = index
    kept = set(first.values())
    return [
        r
        for i, r in enumerate(requests)
        if r.look.placement == "centre" or len(r.anchors) != 1 or i in kept
    ]


def _named_by_neighbour(requests: list[LabelRequest]) -> list[LabelRequest]:
    """``requests`` without the point labels that another label at the same point
    already holds in full (Stepanakert under "Russian peacekeeping force headquarters
    (Stepanakert / Xankəndi)"): one label says both, and is must-show if either was."""
    dropped: set[int] = set()
    must: set[int] = set()
    for index, request in enumerate(requests):
        if request.look.placement == "centre":
            continue
        flat = " ".join(request.text.split())
        for other_index, other in enumerate(requests):
            if (
                other_index != index
                and other_index not in dropped
                and other.anchors[:1] == request.anchors[:1]
                and len(other.text) > len(request.text)
                and flat in " ".join(other.text.split())
            ):
                dropped.add(index)
                if request.must:
                    must.add(other_index)
                break
    return [
        replace(r, must=True) if i in must else r
        for i, r in enumerate(requests)
        if i not in dropped
    ]


class _SymbolHalves:
    """The half sizes (points) of the ``symbols`` drawn at a point (within 1e-7 degrees
    on each axis), looked up in arrays rather than one symbol at a time."""

    def __init__(self, symbols: Sequence[Symbol]) -> None:
        self.xy = np.array([(s.x, s.y) for s in symbols], dtype=float).reshape(-1, 2)
        self.half = [s.half_pt for s in symbols]

    def halves(self, x: float, y: float) -> list[float]:
        """The half sizes of the symbols at ``(x, y)``, in the symbols' order."""
        if not self.half:
            return []
        near = (np.abs(self.xy[:, 0] - x) < 1e-7) & (np.abs(self.xy[:, 1] - y) < 1e-7)
        return [self.half[i] for i in np.flatnonzero(near)]


def _labelled_areas(content: MapContent) -> list[tuple[str, BaseGeometry]]:
    """``(layer id, area)`` of every feature labelled in its centre, inside the extent."""
    areas: list[tuple[str, BaseGeometry]] = []
    for layer_id in catalog.LABEL_ORDER:
        frame = content.frames.get(layer_id)
        label = catalog.layer(layer_id).label
        if frame is None or label is None or styles.LABEL_STYLES[label.look].placement != "centre":
            continue
        for row, part in rows_inside(frame, content.extent):
            if row.label:
                areas.append((layer_id, part))
    return areas


def rows_inside(frame: gpd.GeoDataFrame, extent: Bounds) -> list[tuple[Any, BaseGeometry]]:
    """The rows of ``frame`` (:func:`layers.features.frame_rows`) with the part of their
    geometry inside ``extent`` (EPSG:4326); made once per frame object and extent
    (:func:`layers.paper.map_content._once`: the same clipped frames on every atlas page
    of an extent). Shared: never changed."""

    def make() -> list[tuple[Any, BaseGeometry]]:
        inner = box(*extent)
        return [(row, row.geometry.intersection(inner)) for row in frame_rows(frame)]

    return _once(frame, ("rows inside", extent), make)


def _own_part(
    geometry: BaseGeometry, layer_id: str, areas: list[tuple[str, BaseGeometry]]
) -> BaseGeometry:
    """``geometry`` less the smaller labelled areas of other layers in it (if a tenth of it
    is left)."""
    inside = [
        area
        for other, area in areas
        if other != layer_id and area.area < geometry.area and area.intersects(geometry)
    ]
    if not inside:
        return geometry
    rest = geometry.difference(shapely.union_all(inside))
    return rest if rest.area > 0.1 * geometry.area else geometry


def _pole(geometry: BaseGeometry) -> Point:
    """The pole of inaccessibility of the largest part of an area (else a point on it)."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    areas = [p for p in parts if isinstance(p, Polygon) and p.area > 0]
    if not areas:
        return geometry.representative_point()
    largest = max(areas, key=lambda p: p.area)
    return polylabel(largest, tolerance=largest.length / 400)


def interior_points(geometry: BaseGeometry, count: int = 9) -> tuple[tuple[float, float], ...]:
    """Up to ``count`` points inside an area, best first: its pole of inaccessibility, then
    points of a grid over it nearest to that pole (EPSG:4326)."""
    pole = _pole(geometry)
    min_x, min_y, max_x, max_y = geometry.bounds
    xs, ys = np.meshgrid(np.linspace(min_x, max_x, 9)[1:-1], np.linspace(min_y, max_y, 9)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    inside = grid[shapely.contains(geometry, grid)]
    ordered = sorted(inside, key=lambda p: (p.distance(pole), p.x, p.y))
    return ((pole.x, pole.y), *((p.x, p.y) for p in ordered[: count - 1]))


#: Where along a line its label is tried, as fractions of its length (middle first).
LINE_LABEL_FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8)


def line_points(geometry: BaseGeometry) -> tuple[tuple[float, float], ...]:
    """Points on a line (its longest part) where its label is tried, middle first
    (:data:`LINE_LABEL_FRACTIONS`; EPSG:4326)."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    longest = max(parts, key=lambda part: part.length)
    points = (longest.interpolate(f, normalized=True) for f in LINE_LABEL_FRACTIONS)
    return tuple((p.x, p.y) for p in points)


#: Ground whose holder changed is kept free of labels and markers where its part on the
#: page is smaller than this (points across): larger areas show around them anyway.
PROTECT_MAX_PT = 30.0
#: Points around a place that changed holder kept free (its symbol is a ring).
PROTECT_PLACE_PT = 3.0


def protected(ax: Axes, content: MapContent) -> list[Bbox]:
    """Display boxes of the ground whose holder changed (``content.story.changed``) that
    is small on the page, and of the places that changed holder: no label or marker may
    cover them (facts above decoration)."""
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    per_pt = figure.dpi / 72
    inner = box(*content.extent)
    boxes: list[Bbox] = []
    for area in content.story.changed:
        for part in getattr(area.intersection(inner), "geoms", [area.intersection(inner)]):
            if part.is_empty or part.area == 0:
                continue
            (x0, y0), (x1, y1) = ax.transData.transform(np.reshape(part.bounds, (2, 2)))
            if max(abs(x1 - x0), abs(y1 - y0)) < PROTECT_MAX_PT * per_pt:
                boxes.append(Bbox.from_extents(x0, y0, x1, y1).padded(per_pt))
    for point in changed_points(content):
        x, y = ax.transData.transform(point)
        half = PROTECT_PLACE_PT * per_pt
        boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def changed_points(content: MapContent) -> list[tuple[float, float]]:
    """Points (EPSG:4326) of the places on the map whose holder changed in the window."""
    return list(content.changed_points)


def boundary_lines(content: MapContent) -> list[BaseGeometry]:
    """The boundary lines drawn on the map (outlines of the layers of
    ``data/boundaries.gpkg``), EPSG:4326, which labels prefer not to cross."""
    lines: list[BaseGeometry] = []
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        if spec is None or not isinstance(spec.source, catalog.BoundarySource) or frame.empty:
            continue
        lines += [g.boundary if g.geom_type.endswith("Polygon") else g for g in frame.geometry]
    return lines


def draw_labels(
    ax: Axes,
    content: MapContent,
    symbols: Sequence[Symbol] = (),
    obstacles: Iterable[Bbox] = (),
    *,
    label_layers: Sequence[str] = catalog.LABEL_ORDER,
    labels: bool = True,
    markers_off: Bounds | None = None,
) -> Placer:
    """Place the must-show names, the numbered event markers, then the other labels
    (see the module docstring); ``labels=False`` draws the markers only. Returns the
    placer (what was placed, and the boxes taken)."""
    placer = Placer(
        ax, [*obstacles, *protected(ax, content)], lines=boundary_lines(content),
        points=[(s.x, s.y) for s in symbols],
    )  # fmt: skip
    requests = label_requests(content, symbols, label_layers) if labels else []
    for request in requests:
        if request.must:
            placer.place(request)
    for request in marker_requests(content, outside=markers_off):
        placer.place(request)
    for request in requests:
        if not request.must:
            placer.place(request)
    return placer
