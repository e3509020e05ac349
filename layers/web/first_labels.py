"""The permanent labels of the static first map's image (issue 25,
:mod:`layers.web.first_image`), where the live map puts them.

The live map binds each label as a Leaflet tooltip (:mod:`layers.web.groups`): a point's
label beside it (its box 4 px right of the point, centred on it vertically), an area's
label centred on its anchor (:mod:`layers.web.labels`), in the look of
:func:`layers.web.labels.web_font`; minor places' labels are hidden below
:data:`layers.web.labels.MINOR_LABEL_ZOOM`; then the overlay's decluttering
(:mod:`layers.web.overlay`) hides, in priority order, every label overlapping one already
kept. Here the same, with the labels' boxes measured from the font's own metrics (DejaVu
Sans, the browser's ``system-ui`` on the Debian machines this is served from; bold, as
CSS weights 600 and 700 both pick it).

The text is the feature's ``tooltip`` or ``label`` property, escaped by
:func:`layers.web.html.escape_text` when the feature was made (its entities are XML's
too); it is unescaped only to be measured.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import matplotlib
from PIL import ImageFont

from layers.catalog import MINOR_STYLES, Label, layer
from layers.styles import LABEL_STYLES
from layers.web.labels import MINOR_LABEL_ZOOM, WebFont, web_font

#: CSS line heights of a point's label (the map's ``12px/1.35``) and an area's (1.15).
POINT_LINE, AREA_LINE = 1.35, 1.15
#: DejaVu Sans's ascent and descent in em (its ``hhea`` table: 1901 and 483 of 2048).
ASCENT, DESCENT = 1901 / 2048, 483 / 2048
#: A point label's box starts this far right of its point (the tooltip's offset, 4 px,
#: and Leaflet's ``.leaflet-tooltip-right`` margin, 6 px), and its text this much
#: further (the label's padding).
OFFSET_PX, PADDING_PX = 10, 2


#: The live map's controls in its box, as Chromium lays them out (CSS pixels from the
#: box's top left; ``-n`` counts from the right or bottom edge): the zoom buttons, the
#: drawing tool's button, the scale bar, the attribution; the legend closed and open
#: (its top at most its ``max-height`` above its bottom). The date stamp is measured.
CONTROLS = ((10, 10, 44, 75), (10, 85, 75, 112), (5, -48, 95, -5), (-86, -22, 0, 0))
LEGEND_CLOSED, LEGEND_OPEN = (10, -80, 79, -58), (10, -476, 268, -58)
#: The date stamp: 10 px from the top right corner, 24 px high, its text padded by 8 px.
STAMP_FONT = WebFont(size=14, colour="#222222", style="normal", weight=700, spacing=0.0)


@dataclass(frozen=True)
class Frame:
    """A map box in the image's pixels: the labels it cuts are hidden, and its controls
    (``furniture``) are obstacles, as in the live map."""

    box: tuple[float, float, float, float]
    furniture: tuple[tuple[float, float, float, float], ...]


def frame_at(
    left: float, top: float, width: int, height: int, *, stamp: str, legend_open: bool
) -> Frame:
    """The :class:`Frame` of a ``width`` x ``height`` box whose top left corner is image
    pixel ``(left, top)``, its date stamp's plain text ``stamp``, its legend open or not."""

    def at(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A control's box: a negative start, or an end not above 0, counts from the right
        or bottom edge."""
        return (
            left + (x0 if x0 >= 0 else width + x0),
            top + (y0 if y0 >= 0 else height + y0),
            left + (x1 if x1 > 0 else width + x1),
            top + (y1 if y1 > 0 else height + y1),
        )

    stamp_width = text_width(stamp, STAMP_FONT) + 16
    furniture = [at(*c) for c in (*CONTROLS, LEGEND_OPEN if legend_open else LEGEND_CLOSED)]
    furniture.append((left + width - 10 - stamp_width, top + 10, left + width - 10, top + 34))
    return Frame((left, top, left + width, top + height), tuple(furniture))


class _Project(Protocol):
    def point(self, lon: float, lat: float) -> tuple[float, float]: ...


@dataclass(frozen=True)
class Placed:
    """A label: its escaped ``lines``, its font, its box's left, top, right and bottom
    in the image's pixels, whether it is centred (an area's), its priority and whether
    the decluttering kept it."""

    lines: tuple[str, ...]
    font: WebFont
    box: tuple[float, float, float, float]
    centred: bool
    priority: int
    kept: bool = True


@functools.cache
def _face(italic: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-BoldOblique.ttf" if italic else "DejaVuSans-Bold.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def text_width(text: str, font: WebFont) -> float:
    """Width in CSS pixels of plain ``text`` in ``font`` (letter spacing included)."""
    face = _face(font.style == "italic", font.size)
    return float(face.getlength(text)) + len(text) * font.spacing * font.size


def _font(label: Label) -> WebFont:
    return web_font(LABEL_STYLES[label.look])


def _label_of(layer_id: str) -> Label | None:
    label = layer(layer_id).label
    return label if label is not None and label.permanent_on_web else None


def _point_label(
    feature: Mapping[str, Any], label: Label, project: _Project, zoom: float
) -> Placed | None:
    props = feature["properties"]
    geometry = feature["geometry"]
    if geometry["type"] != "Point" or not props.get("tooltip"):
        return None
    if props["style_key"] in MINOR_STYLES and zoom < MINOR_LABEL_ZOOM:
        return None
    font = _font(label)
    x, y = project.point(*geometry["coordinates"][:2])
    width = text_width(html.unescape(props["tooltip"]), font) + 2 * PADDING_PX
    half = POINT_LINE * font.size / 2
    left = x + OFFSET_PX
    return Placed((props["tooltip"],), font, (left, y - half, left + width, y + half), False,
                  label.priority)  # fmt: skip


def _area_label(feature: Mapping[str, Any], label: Label, project: _Project) -> Placed | None:
    props = feature["properties"]
    if "label_at" not in props or not props.get("label"):
        return None
    font = _font(label)
    lines = tuple(props["label"].split("<br>"))  # escaped lines: "<" in data is "&lt;"
    x, y = project.point(*props["label_at"][:2])
    width = max(text_width(html.unescape(line), font) for line in lines) + 2 * PADDING_PX
    height = len(lines) * AREA_LINE * font.size
    box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
    return Placed(lines, font, box, True, label.priority)


def _overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    drawn: Sequence[tuple[str, Mapping[str, Any]]],
    project: _Project,
    frame: Frame | None = None,
) -> list[Placed]:
    """The permanent labels of ``drawn`` (``(layer id, feature)`` in drawing order, as
    :mod:`layers.web.first_image` draws them), each marked kept or hidden by the live
    map's decluttering: by priority (lower first), then in the order made; a label
    overlapping one kept is hidden. In a ``frame`` (the box the image is made for), the
    controls are kept first, a label off the box is left as it is, a point's label cut
    by the box's right edge moves to the point's left, and a label still cut is hidden.
    ``project`` gives a lon/lat's pixel (it has the zoom as ``zoom``)."""
    zoom = float(getattr(project, "zoom", 0.0))
    made: list[Placed] = []
    areas: list[Placed] = []
    for layer_id, feature in drawn:
        label = _label_of(layer_id)
        if label is None:
            continue
        beside = _point_label(feature, label, project, zoom)
        if beside is not None:
            made.append(beside)
        centred = _area_label(feature, label, project)
        if centred is not None:
            areas.append(centred)
    made.extend(areas)  # an area's labels are a layer of their own, after its features
    order = sorted(range(len(made)), key=lambda i: (made[i].priority, i))
    kept: list[tuple[float, float, float, float]] = list(frame.furniture) if frame else []
    hidden: set[int] = set()
    for i in order:
        box = made[i].box
        if frame is not None:
            if not _overlaps(box, frame.box):
                continue  # off the map: nothing to place
            if box[2] > frame.box[2] and not made[i].centred:  # to the point's other side
                point_x = box[0] - OFFSET_PX
                box = (2 * point_x - box[2], box[1], point_x - OFFSET_PX, box[3])
                made[i] = Placed(made[i].lines, made[i].font, box, False, made[i].priority)
            if box[0] < frame.box[0] or box[2] > frame.box[2]:
                hidden.add(i)
                continue
        if any(_overlaps(box, k) for k in kept):
            hidden.add(i)
        else:
            kept.append(box)
    return [
        Placed(p.lines, p.font, p.box, p.centred, p.priority, kept=i not in hidden)
        for i, p in enumerate(made)
    ]


def _baseline(top: float, line: float, font: WebFont) -> float:
    """The baseline of a line box of ``line`` em starting at ``top`` (CSS: the glyphs'
    ascent and descent centred in the line's height)."""
    return top + ((line - ASCENT - DESCENT) / 2 + ASCENT) * font.size


def labels_svg(placed: Sequence[Placed]) -> str:
    """The kept labels as SVG text with a white halo (the live labels' ``text-shadow``)."""
    out = [
        "<g font-family='system-ui, sans-serif' stroke='#fff' stroke-width='3' "
        "stroke-opacity='0.85' stroke-linejoin='round' paint-order='stroke'>"
    ]
    for label in placed:
        if not label.kept:
            continue
        font = label.font
        attrs = (
            f"font-size='{font.size}' font-weight='{font.weight}' fill='{font.colour}'"
            + (" font-style='italic'" if font.style == "italic" else "")
            + (f" letter-spacing='{font.spacing:g}em'" if font.spacing else "")
        )
        left, top, right, _ = label.box
        if label.centred:
            x, anchor = (left + right) / 2, " text-anchor='middle'"
            line_em = AREA_LINE
        else:
            x, anchor, line_em = left + PADDING_PX, "", POINT_LINE
        for n, text in enumerate(label.lines):
            y = _baseline(top + n * line_em * font.size, line_em, font)
            out.append(f"<text x='{x:.1f}' y='{y:.1f}' {attrs}{anchor}>{text}</text>")
    out.append("</g>")
    return "".join(out)
