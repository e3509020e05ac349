"""Insets of a paper map (issue 22). On a region map on which Nagorno-Karabakh is small
(:func:`layers.framing.needs_karabakh_inset`) the oblast is shown enlarged in a corner of
the map where it hides least of the subject (:func:`plan_karabakh_inset`), with its
names and the numbered event markers of its area (drawn there rather than on the main
map), its extent framed on the main map. A map with no such inset gets the locator of
the map in the region beside it (:func:`draw_locator`). EPSG:4326 throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import shapely
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from shapely.geometry import Point, box

from geo.dataset import Dataset
from layers import catalog
from layers.briefing.view import Bounds
from layers.features import frame_rows
from layers.framing import karabakh_bounds, needs_karabakh_inset
from layers.paper.furniture import draw_inset
from layers.paper.map import draw_map
from layers.paper.map_content import MapContent, fit_frame, prepare
from layers.paper.page import INK, MUTED, Page

#: Caption of each kind of inset.
KARABAKH_CAPTION = "Nagorno-Karabakh, enlarged"
LOCATOR_CAPTION = "Location of the map"
CAPTION_FONT = 6.5
#: Largest share of the map's width and height an inset may take.
INSET_SHARE = (0.45, 0.62)
#: The inset must show the oblast at least this many times larger than the main map.
MIN_ENLARGEMENT = 1.5
#: Largest share of an inset's corner that may hide the subject (areas held, sites).
MAX_HIDDEN = 0.12
#: Corners tried, best first (the scale bar moves to the lower right when the inset
#: takes the lower left; the north arrow below an inset at the top right).
CORNERS = ("top right", "top left", "bottom left", "bottom right")
#: Inches between the inset and the map's edge.
INSET_MARGIN_IN = 0.06


@dataclass(frozen=True)
class InsetPlan:
    """Where the Karabakh inset goes: its ``extent`` (EPSG:4326), its ``corner`` and its
    frame as fractions of the map axes (left, bottom, width, height)."""

    extent: Bounds
    corner: str
    frame: tuple[float, float, float, float]


def plan_karabakh_inset(content: MapContent, map_size_in: tuple[float, float]) -> InsetPlan | None:
    """The inset of Nagorno-Karabakh for a map of ``content`` drawn ``map_size_in``
    (width, height) inches: ``None`` unless the oblast is small on the map, the inset
    enlarges it at least :data:`MIN_ENLARGEMENT` times and a corner hides at most
    :data:`MAX_HIDDEN` of its area of the subject."""
    map_w, map_h = map_size_in
    karabakh = karabakh_bounds(content.frames)
    if not needs_karabakh_inset(karabakh, content.extent, map_w) or karabakh is None:
        return None
    room = (map_w * INSET_SHARE[0], map_h * INSET_SHARE[1])
    extent, (w, h) = fit_frame(karabakh, room, flexible=False)
    x0, y0, x1, y1 = content.extent
    main_scale = map_w / (x1 - x0)
    if w / (extent[2] - extent[0]) < MIN_ENLARGEMENT * main_scale:
        return None
    fw, fh = w / map_w, h / map_h
    mx, my = INSET_MARGIN_IN / map_w, INSET_MARGIN_IN / map_h
    subject = _subject(content)
    must = _must_points(content)
    best: tuple[float, InsetPlan] | None = None
    for corner in CORNERS:
        left = 1 - fw - mx if "right" in corner else mx
        bottom = 1 - fh - my if "top" in corner else my
        frame = (left, bottom, fw, fh)
        area = box(
            x0 + left * (x1 - x0), y0 + bottom * (y1 - y0),
            x0 + (left + fw) * (x1 - x0), y0 + (bottom + fh) * (y1 - y0),
        )  # fmt: skip
        hidden = subject.intersection(area).area / area.area if not subject.is_empty else 0.0
        hidden += 1.0 if area.intersects(box(*karabakh)) else 0.0
        hidden += 1.0 if any(area.intersects(p) for p in must) else 0.0
        if best is None or hidden < best[0]:
            best = (hidden, InsetPlan(extent, corner, frame))
    return best[1] if best is not None and best[0] <= MAX_HIDDEN else None


def _must_points(content: MapContent) -> list[shapely.Geometry]:
    """The must-show point features (sites, places) of ``content``, as small discs: an
    inset never hides them."""
    return [
        row.geometry.buffer(0.12)
        for frame in content.frames.values()
        if not frame.empty
        for row in frame_rows(frame)
        if str(row.id) in content.story and row.geometry.geom_type == "Point"
    ]


def _subject(content: MapContent) -> shapely.Geometry:
    """What an inset must not hide: the features of the subject layers (areas held,
    sites; points as small discs) and the must-show places (EPSG:4326)."""
    shapes = []
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        if frame.empty or spec is None:
            continue
        for row in frame_rows(frame):
            if spec.subject or str(row.id) in content.story:
                geometry = row.geometry
                shapes.append(geometry.buffer(0.08) if geometry.geom_type == "Point" else geometry)
    return shapely.union_all(shapes) if shapes else Point().buffer(0)


def draw_karabakh_inset(
    dataset: Dataset, content: MapContent, main: Axes, plan: InsetPlan, *, labels: bool
) -> Axes:
    """Draw the inset of ``plan`` over the main map ``main`` (its frame in the main map's
    axes fractions) and frame its extent on the main map; return its axes."""
    figure = main.get_figure(root=True)
    assert figure is not None
    position = main.get_position()
    left, bottom, fw, fh = plan.frame
    rect = (
        position.x0 + left * position.width, position.y0 + bottom * position.height,
        fw * position.width, fh * position.height,
    )  # fmt: skip
    size_in = (rect[2] * figure.get_figwidth(), rect[3] * figure.get_figheight())
    inset = prepare(
        dataset, replace(content.view, bounds=plan.extent), content.frames, size_in,
        story=content.story, numbers=content.numbers,
    )  # fmt: skip
    ax = figure.add_axes(rect)
    ax.set_zorder(main.get_zorder() + 1)
    draw_map(ax, inset, labels=labels, north_arrow=False)
    ax.set_label("karabakh-inset")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(1.2)
        spine.set_color(INK)
    ax.text(
        0.02, 0.98, KARABAKH_CAPTION, transform=ax.transAxes, fontsize=CAPTION_FONT,
        fontweight="bold", va="top", ha="left", color=INK, zorder=9, parse_math=False,
        bbox={"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85},
    )  # fmt: skip
    x0, y0, x1, y1 = inset.extent
    main.add_patch(
        Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor=INK,
                  linewidth=0.8, linestyle=(0, (3, 2)), zorder=7.5)
    )  # fmt: skip
    return ax


def draw_locator(
    page: Page,
    dataset: Dataset,
    extent: Bounds,
    box_in: tuple[float, float, float, float],
    *,
    caption_above: bool = True,
) -> Axes:
    """The locator of ``extent`` in the region in ``box_in`` (left, bottom, width, height
    in inches), with its caption above or below it."""
    left, bottom, width, height = box_in
    room = height - 0.18
    inset_h = min(room, width * 0.62)
    y = bottom + room - inset_h if caption_above else bottom + height - inset_h
    ax = page.axes(left, y, width, inset_h)
    draw_inset(ax, dataset, extent)
    if caption_above:
        page.text(left, y + inset_h + 0.05, LOCATOR_CAPTION, fontsize=CAPTION_FONT, color=MUTED)
    else:
        page.text(left, y - 0.04, LOCATOR_CAPTION, fontsize=CAPTION_FONT, color=MUTED, va="top")
    return ax


__all__ = ["InsetPlan", "draw_karabakh_inset", "draw_locator", "plan_karabakh_inset"]
