"""Where labels and event markers go on a paper map: each request at the first of its
candidate positions that stays inside the map, keeps clear of what was placed before
and of the obstacles (furniture, symbols, ground whose holder changed), and crosses no
boundary line (:class:`Placer`). What may not be left out tries smaller sizes and leader
lines first: a must-show name (issue 22) only short ones (:data:`MUST_LEADER_MAX_PT`),
then the position that overlaps least; other labels with no free position are left out.
Label text is data: drawn as plain text, never as maths.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patheffects import Normal, Stroke
from matplotlib.transforms import Bbox
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from layers import styles
from layers.paper.halo import draw_halo
from layers.paper.text_metrics import Box, text_box


@dataclass(frozen=True)
class LabelRequest:
    """One label to place: ``text`` (plain, already in the naming convention) in ``look``
    and ``colour`` for a feature; ``anchors`` are the points (EPSG:4326) tried in turn,
    ``gap_pt`` how far a ``beside`` label keeps from its point; ``essential`` labels are
    never left out; ``must`` ones (must-show, :mod:`layers.story`) neither, and stay
    within a short leader of their point. ``marker`` draws the text in a box (``box``:
    face colour, edge colour, edge width) with a leader to its point at any distance (a
    numbered event marker, :mod:`layers.paper.markers`)."""

    text: str
    look: styles.LabelStyle
    colour: str
    anchors: tuple[tuple[float, float], ...]
    gap_pt: float
    essential: bool
    must: bool = False
    marker: bool = False
    box: tuple[str, str, float] = ("none", "none", 0.0)
    feature_id: str = ""


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
#: A must-show name stays within this many points of its symbol (issue 22).
MUST_LEADER_MAX_PT = 30.0
#: Distances (points) of a numbered event marker from its point.
MARKER_DISTANCES = (7.0, 11.0, 16.0, 23.0, 32.0, 44.0, 60.0)
#: Padding of a marker's box, as a share of its type size (matplotlib's ``pad``).
MARKER_PAD = 0.28
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


def _around(
    anchor: tuple[float, float], distance: float, size: float, leader: bool
) -> Iterator[Placement]:
    """Placements ``distance`` points from ``anchor`` in :data:`LEADER_ANGLES` directions."""
    for step in range(LEADER_ANGLES):
        angle = 2 * math.pi * step / LEADER_ANGLES + math.pi / 4
        east, north = math.cos(angle), math.sin(angle)
        ha = "left" if east > 0.3 else "right" if east < -0.3 else "center"
        va = "bottom" if north > 0.3 else "top" if north < -0.3 else "center"
        yield Placement(anchor, (east * distance, north * distance), ha, va, size, leader=leader)


def candidates(request: LabelRequest) -> Iterator[Placement]:
    """Candidate placements of ``request``, best first."""
    if request.marker:
        for distance in MARKER_DISTANCES:
            yield from _around(request.anchors[0], distance, request.look.fontsize, True)
        return
    sizes = ESSENTIAL_SIZES if request.essential or request.must else (1.0,)
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
    if not (request.essential or request.must):
        return
    size = request.look.fontsize * ESSENTIAL_SIZES[-1]
    for distance in LEADER_DISTANCES:
        if request.must and distance > MUST_LEADER_MAX_PT:
            return
        yield from _around(request.anchors[0], distance, size, True)


class Boxes:
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
        self.boxes = np.vstack((self.boxes, Boxes([box]).boxes))

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


def expanded(box: Box, sw: float, sh: float) -> Box:
    """``box`` grown about its centre by the factors ``sw`` and ``sh`` (as
    :meth:`matplotlib.transforms.Bbox.expanded`)."""
    dw, dh = (sw - 1) * (box[2] - box[0]) / 2, (sh - 1) * (box[3] - box[1]) / 2
    return (box[0] - dw, box[1] - dh, box[2] + dw, box[3] + dh)


#: Segments in each piece of a boundary line tested against label boxes.
LINE_PIECE = 8


@dataclass
class Placer:
    """Places requests one after the other on ``ax`` (see the module docstring).

    ``obstacles`` are display boxes nothing may cover; ``lines`` the boundary lines
    (EPSG:4326) labels prefer not to cross.
    """

    ax: Axes
    obstacles: Iterable[Bbox] = ()
    lines: Sequence[BaseGeometry] = ()
    points: Sequence[tuple[float, float]] = ()
    placed: list[tuple[LabelRequest, Placement]] = field(default_factory=list)

    def __post_init__(self) -> None:
        figure = self.ax.get_figure(root=True)
        assert isinstance(figure, Figure)
        canvas = figure.canvas
        agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        renderer = agg.get_renderer()  # type: ignore[no-untyped-call]
        frame_box = self.ax.get_window_extent(renderer)
        self.frame = (frame_box.x0, frame_box.y0, frame_box.x1, frame_box.y1)
        self.taken = Boxes([(b.x0, b.y0, b.x1, b.y1) for b in self.obstacles])
        self.to_display = self.ax.transData
        self._anchors: dict[tuple[float, float], np.ndarray] = {}
        self.per_pt = figure.dpi / 72
        self.tree = shapely.STRtree(list(self._display_lines()))
        xy = np.asarray(self.points, dtype=float).reshape(-1, 2)
        self.dots = self.to_display.transform(xy) if len(xy) else xy

    def _display_lines(self) -> Iterator[LineString]:
        """The boundary lines in display pixels, in pieces of at most
        :data:`LINE_PIECE` segments (the same points: a box crosses the line where it
        crosses a piece), so that the tree's boxes are tight and a box is tested
        exactly against a few segments rather than a whole border."""
        for line in self.lines:
            for part in getattr(line, "geoms", [line]):
                coords = np.asarray(part.coords)
                if len(coords) < 2:
                    continue
                shown = self.to_display.transform(coords)
                for start in range(0, len(shown) - 1, LINE_PIECE):
                    yield LineString(shown[start : start + LINE_PIECE + 1])

    def display(self, anchor: tuple[float, float]) -> np.ndarray:
        """``anchor`` (EPSG:4326) in display pixels, transformed once per anchor (the
        axes do not move while labels are placed; every candidate box asks again)."""
        found = self._anchors.get(anchor)
        if found is None:
            found = self._anchors[anchor] = self.to_display.transform(anchor)
        return found

    def ambiguous(self, extent: Box, anchor: tuple[float, float]) -> bool:
        """Whether the box ``extent`` lies nearer another symbol's point than its own
        ``anchor`` (a reader would give the label to the wrong place)."""
        if not len(self.dots):
            return False
        own = self.display(anchor)
        others = self.dots[np.hypot(*(self.dots - own).T) > 0.5 * self.per_pt]
        if not len(others):
            return False
        x0, y0, x1, y1 = extent

        def gaps(points: np.ndarray) -> np.ndarray:
            dx = np.maximum(np.maximum(x0 - points[:, 0], points[:, 0] - x1), 0.0)
            dy = np.maximum(np.maximum(y0 - points[:, 1], points[:, 1] - y1), 0.0)
            return np.hypot(dx, dy)

        return bool(gaps(others).min() < gaps(own.reshape(1, 2))[0])

    def crossed(self, extent: Box) -> bool:
        """Whether the box ``extent`` crosses a boundary line."""
        return bool(len(self.tree.query(shapely.box(*extent), predicate="intersects")))

    def measure(self, request: LabelRequest, placement: Placement) -> Box:
        """The display box of ``request`` at ``placement`` (its text's box, measured once,
        moved to the anchor plus the offset; a marker's box with its padding)."""
        look = request.look
        x0, y0, x1, y1 = text_box(
            request.text, placement.fontsize, look.weight, look.style, placement.ha,
            placement.va, self.per_pt * 72,
        )  # fmt: skip
        if request.marker:
            pad = (MARKER_PAD * placement.fontsize + request.box[2]) * self.per_pt
            x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
            x0, x1 = _shift(x0, x1, placement.ha, pad)
            y0, y1 = _shift(y0, y1, placement.va, pad)
        ax_, ay_ = self.display(placement.anchor)
        x, y = ax_ + placement.offset[0] * self.per_pt, ay_ + placement.offset[1] * self.per_pt
        return (x0 + x, y0 + y, x1 + x, y1 + y)

    def place(self, request: LabelRequest) -> Placement | None:
        """The placement of ``request`` (drawn), or ``None`` where it is left out."""
        chosen = None
        fallbacks: list[Placement | None] = [None, None]  # crossing a line; misleading
        least: tuple[tuple[bool, bool, bool, float], Placement] | None = None
        keep = request.essential or request.must or request.marker
        for placement in candidates(request):
            extent = self.measure(request, placement)
            if not _inside(extent, self.frame):
                continue
            overlap = self.taken.overlaps(extent)
            if overlap and not keep:
                continue  # neither chosen nor a fallback: lines and neighbours need not be tried
            crossed = self.crossed(extent)
            # a leader line says whose label it is: only a label beside its point can mislead
            wrong = (
                request.look.placement != "centre"
                and not placement.leader
                and self.ambiguous(extent, placement.anchor)
            )
            if not overlap and not crossed and not wrong:
                chosen = placement
                break
            if not overlap and not wrong and fallbacks[0] is None:
                fallbacks[0] = placement
            if not overlap and fallbacks[1] is None:
                fallbacks[1] = placement
            if keep:
                covered = self.taken.covered(extent)
                rank = (wrong, covered > 0, crossed, covered)  # misleading is worst
                if least is None or rank < least[0]:
                    least = (rank, placement)
        chosen = chosen or fallbacks[0] or (fallbacks[1] if not keep else None)
        if chosen is None and keep:
            chosen = least[1] if least else next(candidates(request))
        if chosen is not None:
            self.taken.add(expanded(self.measure(request, chosen), 1.04, 1.1))
            self.placed.append((request, chosen))
            draw_label(self.ax, request, chosen)
        return chosen


def _shift(low: float, high: float, align: str, pad: float) -> tuple[float, float]:
    """A marker's box moved so that its edge, not its text, sits at the anchored side."""
    if align in ("left", "bottom"):
        return low + pad, high + pad
    if align in ("right", "top"):
        return low - pad, high - pad
    return low, high


def draw_label(ax: Axes, request: LabelRequest, placement: Placement) -> None:
    """The haloed label (data text: never read as maths), with its leader line; a marker
    in its box."""
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
    if request.marker:
        _draw_marker(ax, request, placement, common, font)
        return
    if placement.leader:
        _leader(ax, placement, font["color"], zorder - 0.02, LEADER_SHRINK_PT)
    draw_halo(ax, request.text, **common, zorder=zorder - 0.01, **font)
    ax.annotate(request.text, **common, zorder=zorder, **font)


#: A leader line stops this many points short of its point (a town's ring, the ground).
LEADER_SHRINK_PT = 3.6


def _leader(ax: Axes, placement: Placement, colour: str, zorder: float, shrink: float) -> None:
    ax.annotate(
        "",
        xy=placement.anchor,
        xytext=placement.offset,
        textcoords="offset points",
        zorder=zorder,
        arrowprops={
            "arrowstyle": "-",
            "color": colour,
            "linewidth": 0.6,
            "shrinkA": 0,
            "shrinkB": shrink,
            "path_effects": [Stroke(linewidth=1.5, foreground="white", alpha=0.8), Normal()],
        },
    )


#: Markers are drawn above every label (a fact keyed to the timeline).
MARKER_ZORDER = 6.8


def _draw_marker(
    ax: Axes, request: LabelRequest, placement: Placement, common: dict[str, Any],
    font: dict[str, Any],
) -> None:  # fmt: skip
    face, edge, width = request.box
    _leader(ax, placement, edge, MARKER_ZORDER - 0.02, LEADER_SHRINK_PT)
    pad = MARKER_PAD * placement.fontsize
    offset = (
        placement.offset[0] + {"left": pad, "right": -pad}.get(placement.ha, 0.0),
        placement.offset[1] + {"bottom": pad, "top": -pad}.get(placement.va, 0.0),
    )
    ax.annotate(
        request.text, **{**common, "xytext": offset}, zorder=MARKER_ZORDER, **font,
        bbox={"boxstyle": f"round,pad={MARKER_PAD}", "facecolor": face, "edgecolor": edge,
              "linewidth": width},
    )  # fmt: skip
