"""The paper map: a view drawn with matplotlib into a plain Axes (PNG, PDF, SVG pages).

Projection
----------
Maps are drawn in EPSG:4326 longitude/latitude with the axes aspect set to
``1 / cos(lat0)``, ``lat0`` being the centre latitude of the view: an equirectangular
projection that is true to scale along ``lat0``. Over the few degrees a briefing map spans
it matches the web map's Web Mercator to within about 1 %, so both look alike, nothing is
reprojected, and north is up everywhere (the north arrow is exact).

Content
-------
The map draws the same feature frames as the web map (:func:`layers.features.layer_features`)
with the same styles (:func:`layers.styles.style` turned into matplotlib keywords by
:func:`layers.styles.matplotlib_style`), over an offline vector basemap (sea colour plus the
Natural Earth land of :data:`layers.catalog.LAND_BOUNDARIES`); no tiles, so no network is needed.
In the axes: labels as the catalogue says, a scale bar whose length is geodesic (WGS 84)
at ``lat0`` and a north arrow; :func:`draw_inset` draws the locator map into another.
The page around the map (title, legend panel, caveat, credits, saving) is
:mod:`layers.paper.page`; the pages themselves are :mod:`layers.paper.layouts`.
"""

from __future__ import annotations

import functools
import math
import textwrap
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo import settings
from geo.dataset import Dataset
from geo.metric import geodesic_km, line_parts
from layers import catalog, styles
from layers.briefing.view import Bounds, View
from layers.paper.page import ALERT_COLOUR, INK, MUTED

#: Offline vector basemap colours (not a layer: always drawn under the layers).
SEA_COLOUR = "#dbe7f0"
LAND_COLOUR = "#f5f2eb"


@dataclass(frozen=True)
class MapContent:
    """What one map shows, prepared for drawing.

    ``extent`` (min lon, min lat, max lon, max lat, EPSG:4326) is the view's bounds grown
    to the shape of the map frame; ``frames`` are the layer frames of
    :func:`layers.features.layer_features` clipped to the extent and simplified.
    """

    view: View
    extent: Bounds
    lat0: float
    frames: Mapping[str, gpd.GeoDataFrame]
    land: tuple[BaseGeometry, ...]


# --- Preparation ---------------------------------------------------------------------


def fit_extent(
    bounds: Bounds, width_in: float, height_in: float, region: Bounds = settings.REGION_BBOX
) -> tuple[Bounds, float]:
    """Grow ``bounds`` (EPSG:4326) about its centre to fill a frame of the given size, then
    keep it inside ``region`` (the extract of the boundaries: beyond it the land would end
    in a straight line).

    The grown extent is shifted into ``region`` where it fits (it still holds ``bounds``
    when ``bounds`` lies in ``region``, as :func:`layers.briefing.view.check_bounds` makes sure);
    where it is larger than ``region`` it is cut to it, and the map frame is then a
    little smaller than asked. Returns the extent and ``lat0``, the centre latitude whose
    ``1 / cos`` is the aspect of the map.
    """
    min_x, min_y, max_x, max_y = bounds
    lat0 = (min_y + max_y) / 2
    cx = (min_x + max_x) / 2
    shrink = math.cos(math.radians(lat0))
    width, height = (max_x - min_x) * shrink, max_y - min_y
    if width / height < width_in / height_in:
        width = height * width_in / height_in
    else:
        height = width * height_in / width_in
    half_x, half_y = width / shrink / 2, height / 2
    x0, x1 = _keep_inside(cx - half_x, cx + half_x, region[0], region[2])
    y0, y1 = _keep_inside(lat0 - half_y, lat0 + half_y, region[1], region[3])
    return (x0, y0, x1, y1), (y0 + y1) / 2


def _keep_inside(low: float, high: float, floor: float, ceiling: float) -> tuple[float, float]:
    """``[low, high]`` shifted into ``[floor, ceiling]``, or cut to it if longer."""
    if high - low >= ceiling - floor:
        return max(low, floor), min(high, ceiling)
    shift = max(0.0, floor - low) - max(0.0, high - ceiling)
    return low + shift, high + shift


def prepare(
    dataset: Dataset,
    view: View,
    frames: Mapping[str, gpd.GeoDataFrame],
    frame_in: tuple[float, float],
) -> MapContent:
    """Clip and simplify ``frames`` for a map frame of ``frame_in`` inches (width, height).

    Geometries stay EPSG:4326; they are clipped to the fitted extent plus a margin and
    simplified to about a thousandth of its width (invisible at print resolution).
    """
    extent, lat0 = fit_extent(view.bounds, *frame_in)
    min_x, min_y, max_x, max_y = extent
    pad = 0.05 * (max_x - min_x)
    window = (min_x - pad, min_y - pad, max_x + pad, max_y + pad)
    tolerance = (max_x - min_x) / 1200
    clipped = {name: _clip_frame(frame, window, tolerance) for name, frame in frames.items()}
    countries = dataset.boundaries.get(catalog.LAND_BOUNDARIES)
    land = () if countries is None else _clip_geometries(countries.geometry, window, tolerance)
    return MapContent(view, extent, lat0, clipped, tuple(g for g in land if not g.is_empty))


def _clip_geometries(
    geometries: Iterable[BaseGeometry], window: Bounds, tolerance: float
) -> list[BaseGeometry]:
    array = np.asarray(list(geometries), dtype=object)
    if array.size == 0:
        return []
    simple = shapely.simplify(array, tolerance, preserve_topology=True)
    return list(shapely.clip_by_rect(simple, *window))


def _clip_frame(frame: gpd.GeoDataFrame, window: Bounds, tolerance: float) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame
    result = frame.copy()
    result["geometry"] = _clip_geometries(frame.geometry, window, tolerance)
    kept: gpd.GeoDataFrame = result[~result.geometry.is_empty]
    return kept


# --- Layers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Symbol:
    """A point symbol as drawn: at ``x, y`` (EPSG:4326) with a half-size of ``half_pt``
    points, moved aside from its feature's point ``home`` when it would cover a symbol of
    a layer drawn above it (:func:`give_way`)."""

    x: float
    y: float
    half_pt: float
    home: tuple[float, float]


def _zorder(look: styles.Style, geom_type: str, draw_order: float) -> float:
    """Filled areas under outlines under lines under points; within each, the catalogue's
    ``draw_order`` (so sites are drawn above events)."""
    if geom_type.endswith("Point"):
        base = 4.0
    elif geom_type.endswith("LineString"):
        base = 3.0
    else:
        base = 2.0 if look.fill is None or look.fill_opacity == 0 else 1.0
    return base + draw_order / 1000


def _half_pt(look: styles.Style) -> float:
    """Half the width in points of a point symbol (matplotlib markers of
    :func:`layers.styles.matplotlib_style`: ``radius * 1.5`` points across)."""
    return look.radius * 0.75


def draw_layers(ax: Axes, content: MapContent) -> list[Symbol]:
    """Draw the basemap and every visible feature with its palette style (EPSG:4326 axes).

    Layers stack as :func:`_zorder` says; a point symbol that would cover most of a symbol
    of a layer drawn above it is moved beside it (:func:`give_way`) with a short tick to
    its true place. Returns the point symbols as drawn (obstacles for labels).
    """
    ax.set_facecolor(SEA_COLOUR)
    land = [_polygon_path(g) for g in content.land if isinstance(g, Polygon | MultiPolygon)]
    ax.add_collection(
        PatchCollection([PathPatch(p) for p in land], facecolor=LAND_COLOUR, edgecolor="none")
    )
    ax.apply_aspect()
    orders = draw_orders(content.frames)
    points = _point_groups(content, orders)
    symbols: list[Symbol] = []
    for layer_id, frame in content.frames.items():
        draw_order = orders[layer_id]
        for (key, status, geom_type), group in frame.groupby(
            ["style_key", "status", frame.geom_type], sort=True
        ):
            look = styles.style(str(key), str(status))
            zorder = _zorder(look, str(geom_type), draw_order)
            if str(geom_type).endswith("Point"):
                above = [g for g in points if g[0] > draw_order]
                placed = give_way(ax, list(group.geometry), _half_pt(look), above)
                symbols += placed
                _draw_points(ax, placed, look, zorder)
            else:
                _draw_geometries(ax, list(group.geometry), look, str(geom_type), zorder)
    return symbols


def draw_orders(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, float]:
    """The draw order of each frame's layer: its catalogue entry's, or for a layer the
    catalogue does not hold (the change layer of a comparison) just above the frame
    before it, so it stacks where it was put."""
    orders: dict[str, float] = {}
    last = 0.0
    for layer_id in frames:
        spec = catalog.find(layer_id)
        last = float(spec.draw_order) if spec is not None else last + 0.5
        orders[layer_id] = last
    return orders


def _point_groups(
    content: MapContent, orders: Mapping[str, float]
) -> list[tuple[float, float, np.ndarray]]:
    """``(draw_order, half size in points, coordinates)`` of every point style drawn."""
    groups: list[tuple[float, float, np.ndarray]] = []
    for layer_id, frame in content.frames.items():
        points = frame[frame.geom_type.isin(("Point", "MultiPoint"))]
        for key, group in points.groupby("style_key", sort=True):
            coords = shapely.get_coordinates(np.asarray(list(group.geometry), dtype=object))
            half = _half_pt(styles.STYLES[str(key)])
            groups.append((orders[layer_id], half, coords))
    return groups


def give_way(
    ax: Axes,
    geometries: list[BaseGeometry],
    half_pt: float,
    above: list[tuple[float, float, np.ndarray]],
) -> list[Symbol]:
    """Where each point symbol of half-size ``half_pt`` goes, given the symbols ``above``
    it (``(draw_order, half size, coordinates)``).

    A symbol whose centre is within ``other + half_pt / 2`` points of a symbol above it,
    and that symbol not much smaller (at least 0.6 times), would be mostly hidden: it is
    moved away from it until the two just touch (straight down-left when they coincide;
    several at one place fan out). Town dots are far smaller than event circles, so an
    event at a town stays on its dot.
    """
    ax.apply_aspect()
    to_display, to_data = ax.transData, ax.transData.inverted()
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    per_pt = figure.dpi / 72
    coords = shapely.get_coordinates(np.asarray(geometries, dtype=object))
    blockers = [
        (half, to_display.transform(xy))
        for _, half, xy in above
        if half >= 0.6 * half_pt and len(xy)
    ]
    moved_at: dict[tuple[float, float], int] = {}
    symbols: list[Symbol] = []
    for x, y in coords:
        here = to_display.transform((x, y))
        target = here
        for half, centres in blockers:
            gaps = np.hypot(*(centres - here).T) / per_pt
            index = int(np.argmin(gaps))
            if gaps[index] >= half + half_pt / 2:
                continue
            centre = centres[index]
            away = here - centre
            turn = moved_at.get((float(centre[0]), float(centre[1])), 0)
            moved_at[(float(centre[0]), float(centre[1]))] = turn + 1
            if np.hypot(*away) < 0.5 * per_pt or turn:
                angle = math.radians(225 + 50 * turn)
                away = np.array([math.cos(angle), math.sin(angle)])
            unit = away / np.hypot(*away)
            target = centre + unit * (half + half_pt + 0.8) * per_pt
            break
        tx, ty = to_data.transform(target)
        symbols.append(Symbol(float(tx), float(ty), half_pt, (float(x), float(y))))
    return symbols


def _draw_points(ax: Axes, symbols: list[Symbol], look: styles.Style, zorder: float) -> None:
    kwargs = styles.matplotlib_style(look, "Point")
    moved = [s for s in symbols if (s.x, s.y) != s.home]
    if moved:
        ticks = [np.array([s.home, (s.x, s.y)]) for s in moved]
        ax.add_collection(
            LineCollection(ticks, colors=look.color, linewidths=0.6, zorder=zorder - 0.0005)
        )
    ax.scatter(
        [s.x for s in symbols],
        [s.y for s in symbols],
        marker=kwargs["marker"],
        s=kwargs["markersize"],
        facecolor=kwargs["color"],
        edgecolor=kwargs["edgecolor"],
        linewidth=kwargs["linewidth"],
        alpha=kwargs["alpha"],
        zorder=zorder,
    )


def _draw_geometries(
    ax: Axes, geometries: list[BaseGeometry], look: styles.Style, geom_type: str, zorder: float
) -> None:
    kwargs = styles.matplotlib_style(look, geom_type)
    if geom_type.endswith("LineString"):
        segments = [np.asarray(line.coords) for g in geometries for line in line_parts(g)]
        collection = LineCollection(
            segments,
            colors=kwargs["color"],
            linewidths=kwargs["linewidth"],
            linestyles=kwargs["linestyle"],
            alpha=kwargs["alpha"],
            zorder=zorder,
        )
        collection.set_capstyle("round")
        ax.add_collection(collection)
    else:
        patches = [PathPatch(_polygon_path(g)) for g in geometries]
        ax.add_collection(PatchCollection(patches, zorder=zorder, **kwargs))


def _polygon_path(geometry: BaseGeometry) -> MplPath:
    """One compound matplotlib path (holes included) of a (Multi)Polygon."""
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
    paths = [MplPath(np.asarray(r.coords), closed=True) for r in rings if len(r.coords) >= 4]
    if not paths:
        return MplPath(np.zeros((1, 2)))
    return MplPath.make_compound_path(*paths)


# --- Labels --------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelRequest:
    """One label to place: ``text`` (plain, already in the naming convention) in ``look``
    and ``colour`` for a feature; ``anchors`` are the points (EPSG:4326) tried in turn,
    ``gap_pt`` how far a ``beside`` label keeps from its point; ``essential`` labels are
    never left out."""

    text: str
    look: styles.LabelStyle
    colour: str
    anchors: tuple[tuple[float, float], ...]
    gap_pt: float
    essential: bool


@dataclass(frozen=True)
class Placement:
    """Where a label went: anchor, offset in points, alignment, font size and whether a
    leader line joins it to its anchor."""

    anchor: tuple[float, float]
    offset: tuple[float, float]
    ha: str
    va: str
    fontsize: float
    leader: bool = False


#: Font-size factors an essential label tries before a leader line.
ESSENTIAL_SIZES = (1.0, 0.85)
#: Distances (points) of a label at the end of a leader line, and the directions tried
#: (evenly spread, starting north-east).
LEADER_DISTANCES = (16.0, 26.0, 40.0, 56.0, 76.0)
LEADER_ANGLES = 16
_DIRECTIONS = (
    (1, 1, "left", "bottom"),
    (1, -1, "left", "top"),
    (-1, 1, "right", "bottom"),
    (-1, -1, "right", "top"),
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
)


def label_requests(
    content: MapContent,
    symbols: Sequence[Symbol] = (),
    label_layers: Sequence[str] = catalog.LABEL_ORDER,
) -> list[LabelRequest]:
    """The labels of ``content`` in placement order: by ``label_layers`` (default: the
    catalogue's label priority, :data:`layers.catalog.LABEL_ORDER`), then in feature order.

    An area label is anchored in the part of its area that carries no label of its own
    (AZERBAIJAN away from the oblast and the districts, which are labelled themselves); a
    point label keeps clear of the largest of the ``symbols`` drawn at its point.
    """
    inner = box(*content.extent)
    areas = _labelled_areas(content, inner)
    requests: list[LabelRequest] = []
    for layer_id in label_layers:
        frame = content.frames.get(layer_id)
        label = catalog.layer(layer_id).label
        if frame is None or frame.empty or label is None:
            continue
        look = styles.LABEL_STYLES[label.look]
        for row in frame.itertuples(index=False):
            geometry = row.geometry.intersection(inner)
            if geometry.is_empty or not row.label:
                continue
            palette = styles.STYLES[str(row.style_key)]
            if look.placement == "centre":
                anchors, gap = interior_points(_own_part(geometry, layer_id, areas)), 0.0
            else:
                point = geometry if geometry.geom_type == "Point" else _pole(geometry)
                half = max(
                    [_half_pt(palette)]
                    + [s.half_pt for s in symbols if _same_point((s.x, s.y), (point.x, point.y))]
                )
                anchors, gap = ((point.x, point.y),), half + 1.5
            text = str(row.label).upper() if look.upper else str(row.label)
            if look.wrap is not None:
                text = textwrap.fill(text, look.wrap)
            requests.append(LabelRequest(text, look, palette.color, anchors, gap, label.essential))
    return requests


def _same_point(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 1e-7 and abs(a[1] - b[1]) < 1e-7


def _labelled_areas(content: MapContent, inner: BaseGeometry) -> list[tuple[str, BaseGeometry]]:
    """``(layer id, area)`` of every feature labelled in its centre, inside ``inner``."""
    areas: list[tuple[str, BaseGeometry]] = []
    for layer_id in catalog.LABEL_ORDER:
        frame = content.frames.get(layer_id)
        label = catalog.layer(layer_id).label
        if frame is None or label is None or styles.LABEL_STYLES[label.look].placement != "centre":
            continue
        for row in frame.itertuples(index=False):
            if row.label:
                areas.append((layer_id, row.geometry.intersection(inner)))
    return areas


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


def _placements(request: LabelRequest) -> Iterator[Placement]:
    """Candidate placements of ``request``, best first."""
    sizes = ESSENTIAL_SIZES if request.essential else (1.0,)
    for factor in sizes:
        size = request.look.fontsize * factor
        for anchor in request.anchors:
            if request.look.placement == "centre":
                yield Placement(anchor, (0.0, 0.0), "center", "center", size)
                continue
            for dx, dy, ha, va in _DIRECTIONS:
                gap = request.gap_pt
                rise = dy * gap * (0.5 if dx else 1.0)
                yield Placement(anchor, (dx * gap, rise), ha, va, size)
    if not request.essential:
        return
    size = request.look.fontsize * ESSENTIAL_SIZES[-1]
    for distance in LEADER_DISTANCES:
        for step in range(LEADER_ANGLES):
            angle = 2 * math.pi * step / LEADER_ANGLES + math.pi / 4
            east, north = math.cos(angle), math.sin(angle)
            ha = "left" if east > 0.3 else "right" if east < -0.3 else "center"
            va = "bottom" if north > 0.3 else "top" if north < -0.3 else "center"
            offset = (east * distance, north * distance)
            yield Placement(request.anchors[0], offset, ha, va, size, leader=True)


def draw_labels(
    ax: Axes,
    content: MapContent,
    symbols: Sequence[Symbol] = (),
    obstacles: Iterable[Bbox] = (),
    *,
    label_layers: Sequence[str] = catalog.LABEL_ORDER,
) -> None:
    """Label features by importance in the view's naming convention (``label`` column).

    Labels are placed in ``label_layers`` order (default: the catalogue's priority order,
    :func:`label_requests`), each at
    the first of its candidate positions (:func:`_placements`) that stays inside the map
    and clear of the labels placed before and of the ``obstacles`` (display boxes: map
    furniture, point symbols). An essential label (countries, the oblast, the districts,
    peacekeeping and the monitoring centre) then tries smaller sizes and leader lines and,
    failing all, is placed where it overlaps least; other labels are left out.
    """
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    canvas = figure.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    renderer = agg.get_renderer()  # type: ignore[no-untyped-call]
    frame_box = ax.get_window_extent(renderer)
    frame = (frame_box.x0, frame_box.y0, frame_box.x1, frame_box.y1)
    taken = _Boxes([(b.x0, b.y0, b.x1, b.y1) for b in obstacles])
    to_display, per_pt = ax.transData, figure.dpi / 72
    for request in label_requests(content, symbols, label_layers):
        chosen: Placement | None = None
        least: tuple[float, Placement] | None = None
        for placement in _placements(request):
            extent = _measure(request, placement, to_display, per_pt)
            if not _inside(extent, frame):
                continue
            if not taken.overlaps(extent):
                chosen = placement
                break
            if request.essential:
                covered = taken.covered(extent)
                if least is None or covered < least[0]:
                    least = (covered, placement)
        if chosen is None and request.essential:
            chosen = least[1] if least else next(_placements(request))
        if chosen is not None:
            taken.add(_expanded(_measure(request, chosen, to_display, per_pt), 1.04, 1.1))
            _draw_label(ax, request, chosen)


Box = tuple[float, float, float, float]


class _Boxes:
    """Display boxes ``(x0, y0, x1, y1)`` taken on a map, tested against a new box at once
    (the tests of :meth:`matplotlib.transforms.Bbox.overlaps`, edges touching count)."""

    def __init__(self, boxes: Sequence[Box]) -> None:
        array = np.asarray(boxes, dtype=float).reshape(-1, 4)
        self.boxes = np.column_stack(
            (
                np.minimum(array[:, 0], array[:, 2]),
                np.minimum(array[:, 1], array[:, 3]),
                np.maximum(array[:, 0], array[:, 2]),
                np.maximum(array[:, 1], array[:, 3]),
            )
        )

    def add(self, box: Box) -> None:
        self.boxes = np.vstack((self.boxes, _Boxes([box]).boxes))

    def overlaps(self, box: Box) -> bool:
        b = self.boxes
        x0, x1 = sorted(box[::2])
        y0, y1 = sorted(box[1::2])
        hits = (x0 <= b[:, 2]) & (b[:, 0] <= x1) & (y0 <= b[:, 3]) & (b[:, 1] <= y1)
        return bool(hits.any())

    def covered(self, box: Box) -> float:
        """Area (display units) ``box`` shares with the taken boxes, summed."""
        b = self.boxes
        width = np.minimum(box[2], b[:, 2]) - np.maximum(box[0], b[:, 0])
        height = np.minimum(box[3], b[:, 3]) - np.maximum(box[1], b[:, 1])
        return float((np.maximum(width, 0.0) * np.maximum(height, 0.0)).sum())


def _inside(box: Box, frame: Box) -> bool:
    """Both corners of ``box`` in ``frame`` or on its edge."""
    return all(frame[0] <= x <= frame[2] for x in box[::2]) and all(
        frame[1] <= y <= frame[3] for y in box[1::2]
    )


def _expanded(box: Box, sw: float, sh: float) -> Box:
    """``box`` grown about its centre by the factors ``sw`` and ``sh`` (as
    :meth:`matplotlib.transforms.Bbox.expanded`)."""
    dw, dh = (sw - 1) * (box[2] - box[0]) / 2, (sh - 1) * (box[3] - box[1]) / 2
    return (box[0] - dw, box[1] - dh, box[2] + dw, box[3] + dh)


def _measure(request: LabelRequest, placement: Placement, to_display: Any, per_pt: float) -> Box:
    """The display box of ``request`` placed at ``placement``: the text's box about its
    own position (:func:`text_box`, measured once) moved to the anchor plus the offset."""
    look = request.look
    x0, y0, x1, y1 = text_box(
        request.text, placement.fontsize, look.weight, look.style, placement.ha, placement.va,
        per_pt * 72,
    )  # fmt: skip
    ax_, ay_ = to_display.transform(placement.anchor)
    x, y = ax_ + placement.offset[0] * per_pt, ay_ + placement.offset[1] * per_pt
    return (x0 + x, y0 + y, x1 + x, y1 + y)


_TEXT_BOX_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8192)
def text_box(
    text: str, fontsize: float, weight: str, style: str, ha: str, va: str, dpi: float
) -> Box:
    """The display box (pixels at ``dpi``) of a plain-text label about its position (the
    text's anchor point at the origin), as matplotlib lays it out (Agg metrics, the
    default font family). Depends only on its arguments (and the rcParams fonts, which
    paper output never changes), so it is measured once per process; the cache is
    bounded (:func:`functools.lru_cache`)."""
    with _TEXT_BOX_LOCK:
        figure = _measuring_figure(dpi)
        probe = Text(
            0, 0, text, fontsize=fontsize, fontweight=weight, fontstyle=style,
            ha=ha, va=va, parse_math=False, transform=IdentityTransform(),
        )  # fmt: skip
        probe.set_figure(figure)
        extent = probe.get_window_extent(figure.canvas.get_renderer())  # type: ignore[attr-defined]
    return (float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1))


@functools.lru_cache(maxsize=8)
def _measuring_figure(dpi: float) -> Figure:
    figure = Figure(dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


#: The white halo behind every label: a stroked outline drawn as its own artist under
#: the text, so that the text itself stays text in PDF and SVG (a path effect on the text
#: would turn it into outlines).
HALO = Stroke(linewidth=2.2, foreground="white")


def _draw_label(ax: Axes, request: LabelRequest, placement: Placement) -> None:
    """The haloed label (data text: never read as maths), with its leader line."""
    look = request.look
    font: dict[str, Any] = {"fontsize": placement.fontsize, "color": look.colour or request.colour}
    font |= {"fontweight": look.weight, "fontstyle": look.style}
    common: dict[str, Any] = {
        "xy": placement.anchor,
        "xytext": placement.offset,
        "textcoords": "offset points",
        "ha": placement.ha,
        "va": placement.va,
        "parse_math": False,
        "multialignment": "center" if look.placement == "centre" else "left",
    }
    zorder = 6.0 if look.placement == "centre" else 6.5
    if placement.leader:
        ax.annotate(
            "",
            xy=placement.anchor,
            xytext=placement.offset,
            textcoords="offset points",
            zorder=zorder - 0.02,
            arrowprops={
                "arrowstyle": "-",
                "color": font["color"],
                "linewidth": 0.6,
                "shrinkA": 0,
                "shrinkB": 1.5,
            },
        )
    ax.annotate(request.text, **common, zorder=zorder - 0.01, path_effects=[HALO], **font)
    ax.annotate(request.text, **common, zorder=zorder, **font)


# --- Map furniture -------------------------------------------------------------------


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most ``limit`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(limit))
    return max(step * power for step in (1, 2, 5) if step * power <= limit)


def scale_bar(extent: Bounds, lat0: float, share: float = 0.22) -> tuple[float, float]:
    """A round scale-bar length about ``share`` of the map width.

    The kilometres per degree of longitude are geodesic (geopy, WGS 84) at ``lat0`` and
    the centre longitude. Returns ``(km, degrees of longitude)``.
    """
    min_x, _, max_x, _ = extent
    lon0, step = (min_x + max_x) / 2, 0.1
    west, east = Point(lon0 - step / 2, lat0), Point(lon0 + step / 2, lat0)
    km_per_degree = geodesic_km(west, east) / step
    km = nice_length((max_x - min_x) * km_per_degree * share)
    return km, km / km_per_degree


def draw_scale_bar(ax: Axes, content: MapContent) -> list[Artist]:
    """A two-part black and white scale bar in the lower-left corner of the map; returns
    its artists (obstacles for labels)."""
    min_x, min_y, max_x, max_y = content.extent
    km, degrees = scale_bar(content.extent, content.lat0)
    x0, y0 = min_x + 0.03 * (max_x - min_x), min_y + 0.045 * (max_y - min_y)
    height = 0.012 * (max_y - min_y)
    panel = ax.add_patch(
        Rectangle(
            (x0 - 0.012 * (max_x - min_x), y0 - 0.03 * (max_y - min_y)),
            degrees + 0.05 * (max_x - min_x),
            0.085 * (max_y - min_y),
            facecolor="white",
            edgecolor="#999999",
            linewidth=0.4,
            alpha=0.85,
            zorder=7,
        )
    )
    for index, colour in enumerate((INK, "white")):
        ax.add_patch(
            Rectangle(
                (x0 + index * degrees / 2, y0),
                degrees / 2,
                height,
                facecolor=colour,
                edgecolor=INK,
                linewidth=0.6,
                zorder=8,
            )
        )
    artists: list[Artist] = [panel]
    for x, text in ((x0, "0"), (x0 + degrees, f"{km:g} km")):
        artists.append(
            ax.text(
                x, y0 + 2.2 * height, text, fontsize=6.5, ha="center", va="bottom", color=INK,
                zorder=8,
            )
        )  # fmt: skip
    return artists


def draw_north_arrow(ax: Axes) -> list[Artist]:
    """A north arrow in the upper-right corner (north is up on this projection); returns
    its artist (an obstacle for labels)."""
    arrow = ax.annotate(
        "N",
        xy=(0.955, 0.955),
        xytext=(0.955, 0.865),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        color=INK,
        zorder=8,
        arrowprops={
            "arrowstyle": "-|>,head_width=0.35,head_length=0.8",
            "color": INK,
            "linewidth": 1.4,
            "shrinkA": 6,
            "shrinkB": 0,
        },
        bbox={
            "boxstyle": "circle,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
    )
    return [arrow]


def draw_inset(ax: Axes, dataset: Dataset, extent: Bounds) -> None:
    """Locator map of :data:`geo.settings.REGION_BBOX` with the map extent boxed."""
    min_x, min_y, max_x, max_y = settings.REGION_BBOX
    countries = dataset.boundaries.get(catalog.LAND_BOUNDARIES)
    geometries = (
        []
        if countries is None
        else _clip_geometries(countries.geometry, settings.REGION_BBOX, 0.03)
    )
    ax.set_facecolor(SEA_COLOUR)
    patches = [PathPatch(_polygon_path(g)) for g in geometries if not g.is_empty]
    ax.add_collection(
        PatchCollection(patches, facecolor=LAND_COLOUR, edgecolor="#8a8a8a", linewidth=0.35)
    )
    x0, y0, x1, y1 = extent
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            facecolor="none",
            edgecolor=ALERT_COLOUR,
            linewidth=1.2,
            zorder=3,
        )
    )
    ax.set_xlim(min_x, max_x)
    ax.set_ylim(min_y, max_y)
    ax.set_aspect(1 / math.cos(math.radians((min_y + max_y) / 2)), adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#777777")


def _degree_label(value: float, axis: str) -> str:
    hemisphere = ("E" if value >= 0 else "W") if axis == "x" else ("N" if value >= 0 else "S")
    return f"{abs(value):g}°{hemisphere}"


def draw_map(
    ax: Axes,
    content: MapContent,
    *,
    labels: bool = True,
    label_layers: Sequence[str] = catalog.LABEL_ORDER,
) -> None:
    """Draw the layers, scale bar, north arrow and labels of ``content`` into ``ax``
    (labels of ``label_layers``, in that order; default: the catalogue's label priority).

    ``ax`` is a plain axes in EPSG:4326 degrees; its limits become ``content.extent`` and
    its aspect ``1 / cos(lat0)``; its label becomes ``"map"`` (so callers can find it).
    """
    min_x, min_y, max_x, max_y = content.extent
    ax.set_label("map")
    ax.set_xlim(min_x, max_x)
    ax.set_ylim(min_y, max_y)
    ax.set_aspect(1 / math.cos(math.radians(content.lat0)), adjustable="box")
    symbols = draw_layers(ax, content)
    xticks = list(range(math.ceil(min_x), math.floor(max_x) + 1))
    yticks = list(range(math.ceil(min_y), math.floor(max_y) + 1))
    ax.set_xticks(xticks, [_degree_label(t, "x") for t in xticks])
    ax.set_yticks(yticks, [_degree_label(t, "y") for t in yticks])
    ax.tick_params(labelsize=6, length=2.5, colors=MUTED, pad=1.5)
    ax.grid(color="white", linewidth=0.4, alpha=0.7, zorder=0.5)
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#555555")
    furniture = [*draw_scale_bar(ax, content), *draw_north_arrow(ax)]
    if labels:
        draw_labels(
            ax, content, symbols, obstacles(ax, furniture, symbols), label_layers=label_layers
        )


#: Points of room a label keeps from the map furniture.
FURNITURE_CLEARANCE_PT = 4.0


def obstacles(ax: Axes, furniture: Iterable[Artist], symbols: Iterable[Symbol]) -> list[Bbox]:
    """Display boxes labels keep clear of: the map furniture and the point symbols."""
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    canvas = figure.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    renderer = agg.get_renderer()  # type: ignore[no-untyped-call]
    per_pt = figure.dpi / 72
    boxes = [
        artist.get_window_extent(renderer).padded(FURNITURE_CLEARANCE_PT * per_pt)
        for artist in furniture
    ]
    for symbol in symbols:
        x, y = ax.transData.transform((symbol.x, symbol.y))
        half = symbol.half_pt * per_pt
        boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes
