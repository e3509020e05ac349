"""Labels on a paper map, placed by importance (the catalogue's label priority), each
at the first candidate position clear of the labels placed before and of the map
furniture and point symbols; essential labels (:class:`layers.catalog.Label`) try
smaller sizes and leader lines before overlapping anything. Label text is data: drawn
as plain text, never as maths.
"""

from __future__ import annotations

import functools
import math
import textwrap
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from layers import catalog, styles
from layers.paper.map_content import MapContent
from layers.paper.symbols import Symbol, half_pt


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
    named_points: set[tuple[str, tuple[float, float]]] = set()  # a name once at a point
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
            elif geometry.geom_type in ("LineString", "MultiLineString"):  # a road, a river
                anchors, gap = line_points(geometry), half_pt(palette) + 1.5
            else:
                point = geometry if geometry.geom_type == "Point" else _pole(geometry)
                half = max(
                    [half_pt(palette)]
                    + [s.half_pt for s in symbols if _same_point((s.x, s.y), (point.x, point.y))]
                )
                anchors, gap = ((point.x, point.y),), half + 1.5
                here = (str(row.label), (round(point.x, 5), round(point.y, 5)))
                if here in named_points:  # e.g. a town that is also a village of the line
                    continue
                named_points.add(here)
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


#: Where along a line its label is tried, as fractions of its length (middle first).
LINE_LABEL_FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8)


def line_points(geometry: BaseGeometry) -> tuple[tuple[float, float], ...]:
    """Points on a line (its longest part) where its label is tried, middle first
    (:data:`LINE_LABEL_FRACTIONS`; EPSG:4326)."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    longest = max(parts, key=lambda part: part.length)
    points = (longest.interpolate(f, normalized=True) for f in LINE_LABEL_FRACTIONS)
    return tuple((p.x, p.y) for p in points)


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


