"""The user's annotations on paper (PNG, PDF, SVG, briefing, atlas, slides, the
before-and-after page, animations): drawn by :func:`layers.paper.map.draw_map` over the
layers, from ``content.view.annotations`` (:mod:`layers.briefing.annotations`).

Arrows are the outline of :func:`layers.briefing.arrows.arrow_outline` computed in
display units (so they keep their shape whatever the extent); callouts a leader line
from the point they refer to, a dot there and a boxed text; free text haloed text in the
annotation's colour; lines and areas in its colour with their label; points a symbol.
Labels are user text: drawn as plain text, never maths (``parse_math=False``), the halo
a separate artist so the text stays text in PDF and SVG. The text boxes are returned, so
the data's labels give way to them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Polygon
from matplotlib.text import Annotation as TextArtist

from layers.briefing.annotations import Annotation
from layers.briefing.arrows import PAPER_SIZES, arrow_outline
from layers.paper.halo import draw_halo
from layers.paper.page import INK

#: Stacking: above the layers, the measured line and the data's labels.
ZORDER = 11.0
_MARKERS = {"dot": "o", "square": "s", "triangle": "^", "star": "*"}
#: Characters a line of annotation text holds before it wraps (at spaces only).
WRAP_CHARS = 36


def wrapped(label: str) -> str:
    """``label`` in lines of about :data:`WRAP_CHARS` characters (a word is never cut).

    >>> wrapped("~1,960 Russian peacekeepers in Nagorno-Karabakh and the Lachin corridor")
    '~1,960 Russian peacekeepers in\\nNagorno-Karabakh and the Lachin\\ncorridor'
    """
    return "\n".join(textwrap.wrap(label, WRAP_CHARS, break_long_words=False)) or label


def font_size(ax: Axes) -> float:
    """Annotation text size (points): larger on larger pages and slides."""
    figure = ax.get_figure(root=True)
    width = figure.get_size_inches()[0] if figure is not None else 11.0
    return max(7.5, min(11.0, float(width) * 0.7))


def draw_annotations(ax: Axes, annotations: Sequence[Annotation]) -> list[Artist]:
    """Draw ``annotations`` into a map axes in EPSG:4326 degrees (its limits and aspect
    already set); return the text artists (obstacles for the data's labels)."""
    texts: list[Artist] = []
    size = font_size(ax)
    for index, annotation in enumerate(annotations):
        z = ZORDER + index * 0.01
        kind = annotation.kind
        if kind == "arrow":
            texts += _arrow(ax, annotation, z, size)
        elif kind == "callout":
            texts += _callout(ax, annotation, z, size)
        elif kind == "text":
            texts += _text(ax, annotation, annotation.path[0], z, size, (0, 0), "center")
        elif kind == "line":
            xs, ys = zip(*annotation.path, strict=True)
            ax.plot(xs, ys, color=annotation.hex, linewidth=2.2, solid_capstyle="round", zorder=z)
            texts += _along(ax, annotation, z, size)
        elif kind == "area":
            ax.add_patch(
                Polygon(annotation.path, closed=True, facecolor=annotation.hex, alpha=0.18,
                        edgecolor="none", zorder=z)
            )  # fmt: skip
            ax.add_patch(
                Polygon(annotation.path, closed=True, fill=False, edgecolor=annotation.hex,
                        linewidth=1.8, linestyle=(0, (6, 2)), zorder=z)
            )  # fmt: skip
            texts += _text(ax, annotation, _centre(annotation.path), z, size, (0, 0), "center")
        else:
            x, y = annotation.path[0]
            ax.plot([x], [y], marker=_MARKERS[annotation.symbol], markersize=9 if
                    annotation.symbol == "star" else 7, color=annotation.hex,
                    markeredgecolor="white", markeredgewidth=1.0, zorder=z)  # fmt: skip
            texts += _text(ax, annotation, (x, y), z, size, (6, 0), "left")
    return texts


def _to_display(ax: Axes, points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in ax.transData.transform(points)]


def _arrow(ax: Axes, annotation: Annotation, z: float, size: float) -> list[Artist]:
    figure = ax.get_figure(root=True)
    per_pt = (figure.dpi if figure is not None else 72.0) / 72
    sizes = PAPER_SIZES
    scaled = type(sizes)(*(v * per_pt for v in (sizes.tail, sizes.body, sizes.head_width,
                                                 sizes.head_length)))  # fmt: skip
    outline = arrow_outline(_to_display(ax, annotation.path), scaled, curved=annotation.curved)
    if not outline:
        return []
    data = ax.transData.inverted().transform(outline)
    ax.add_patch(
        Polygon(data, closed=True, facecolor=annotation.hex, edgecolor="white", linewidth=0.8,
                joinstyle="round", zorder=z)
    )  # fmt: skip
    return _along(ax, annotation, z, size)


def _along(ax: Axes, annotation: Annotation, z: float, size: float) -> list[Artist]:
    """The label of a line or arrow, above the middle of its path."""
    if not annotation.label:
        return []
    path = annotation.path
    middle = len(path) // 2
    if len(path) % 2 == 0:
        (x0, y0), (x1, y1) = path[middle - 1], path[middle]
        at = ((x0 + x1) / 2, (y0 + y1) / 2)
    else:
        at = path[middle]
    return _text(ax, annotation, at, z, size, (0, 7), "center", va="bottom")


def _callout(ax: Axes, annotation: Annotation, z: float, size: float) -> list[Artist]:
    (tx, ty), (lx, ly) = annotation.path
    ax.plot([tx, lx], [ty, ly], color=annotation.hex, linewidth=1.3, zorder=z)
    ax.plot([tx], [ty], marker="o", markersize=4.5, color=annotation.hex,
            markeredgecolor="white", markeredgewidth=0.8, zorder=z)  # fmt: skip
    text = ax.annotate(
        wrapped(annotation.label), (lx, ly), ha="center", va="center", fontsize=size, color=INK,
        fontweight="bold", parse_math=False, zorder=z + 0.005, annotation_clip=True,
        bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": annotation.hex,
              "linewidth": 1.3},
    )  # fmt: skip
    return [text]


def _text(
    ax: Axes,
    annotation: Annotation,
    at: tuple[float, float],
    z: float,
    size: float,
    offset: tuple[float, float],
    ha: str,
    va: str = "center",
) -> list[Artist]:
    if not annotation.label:
        return []
    common = {
        "xy": at, "xytext": offset, "textcoords": "offset points", "ha": ha, "va": va,
        "fontsize": size, "fontweight": "bold", "color": annotation.hex, "parse_math": False,
        "annotation_clip": True, "multialignment": "center" if ha == "center" else "left",
    }  # fmt: skip
    label = wrapped(annotation.label)
    draw_halo(ax, label, **common, zorder=z)
    text: TextArtist = ax.annotate(label, **common, zorder=z + 0.005)  # type: ignore[arg-type]
    return [text]


def _centre(path: Sequence[tuple[float, float]]) -> tuple[float, float]:
    from shapely.geometry import Polygon as Shape

    point = Shape(path).representative_point()
    return float(point.x), float(point.y)
