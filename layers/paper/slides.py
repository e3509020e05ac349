"""The slides of a briefing deck (:mod:`layers.briefing.deck`): where things go on a
slide, its text lines, and its picture (the map with its legend). The files are written
by :mod:`layers.paper.deck_files` (PowerPoint, PDF handout); the speaker notes are
:mod:`layers.paper.slide_notes`.

Slides are 16:9 (13.33 x 7.5 inches) in a projection style: title, "situation on" line,
one picture (the map with its legend), a source line, and the classification banner at
top and bottom when the deck sets one; the talking points with their quotes and full
citations go into the speaker notes. The handout is one A4 (or Letter) portrait page per
slide: the same picture, drawn as vectors, with the notes below.

Projection style
----------------
The picture is drawn by :mod:`layers.paper.map` on a figure :data:`PROJECTION_SCALE`
times smaller than its frame on the slide and rendered at that many times the
resolution: every type size, line width and symbol comes out that many times larger than
on paper (map labels 12-17 pt, legend 18 pt, lines twice as thick), and as labels take
more room, the collision check keeps only a few. The picture is placed at the size of
its pixels' aspect fitted into the frame (:func:`fit_picture`), never cropped or
stretched (python-pptx placeholders would crop it).

All text from the deck and the data goes in as literal text: python-pptx writes it as XML
text nodes, matplotlib draws it with ``parse_math=False``; nothing is parsed as markup.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.naming import CONVENTIONS
from geo.situation import state_at
from layers import catalog
from layers.briefing.deck import Slide
from layers.features import view_features
from layers.paper import map as paper_map
from layers.paper import page as kit
from layers.paper.header import fit_lines, subtitle
from layers.paper.map_content import MapContent, prepare
from layers.paper.page import Page

#: Slide size in inches (16:9, PowerPoint's "widescreen").
SLIDE_SIZE = (13.333, 7.5)
#: Type and lines on the slide picture are this many times their size on paper.
PROJECTION_SCALE = 2.0
#: Resolution of the slide picture on the slide, in pixels per inch.
PICTURE_DPI = 150.0
#: zlib level of the slide pictures: 1 writes them about four times faster than the
#: default 6, for files about a third larger.
PNG_COMPRESSION = 1
#: Map frame on the slide: left, top, width, height in inches (the top and height follow
#: the texts above and below, :func:`slide_layout`).
PICTURE_FRAME = (0.4, 1.42, 12.53, 5.3)
#: Share of the picture's width given to the legend.
LEGEND_SHARE = 0.31
#: Type sizes on the slide, in points: one title size on every slide (issue 22: titles
#: shrunk by PowerPoint's auto-fit came out 23 to 28 pt), the key judgement, and a source
#: line readable when projected (at least 14 pt).
TITLE_PT = 26.0
AS_OF_PT = 18.0
MIN_AS_OF_PT = 14.0
JUDGEMENT_PT = 17.0
#: Words before the key judgement on the slide.
JUDGEMENT_LEAD = "Key judgement: "
NUMBER_PT = 14.0
#: Legend type on the slide: 18 pt, down to 14 pt only if the entries would not fit.
LEGEND_PT = 18.0
MIN_LEGEND_PT = 14.0
SOURCE_PT = 14.0
BANNER_PT = 14.0
#: Highlighted events: ring colour, its size in points across (wide enough to ring a
#: site symbol and its casing without covering it, issue 22) and the legend label.
HIGHLIGHT_COLOUR = "#d81b60"
HIGHLIGHT_RING_PT = 24.0
HIGHLIGHT_LABEL = "Highlighted event (see notes)"

#: Short caveat of approximate or proposed shapes, for the source line.
SHORT_CAVEAT = "Hatched or dashed shapes are approximate or proposed."


# --- Slide text ----------------------------------------------------------------------


def as_of_line(slide: Slide) -> str:
    """``Situation on 10 November 2020 · place names: ...``; with a comparison,
    ``Situation on 1 December 2020 · compared with 10 November 2020 · names: ...``."""
    if slide.compare is None:
        return subtitle(slide.view)
    day, before = format_date(slide.view.day), format_date(slide.compare.before)
    names = CONVENTIONS[slide.view.convention]
    return f"Situation on {day}  ·  compared with {before}  ·  names: {names}"


def line_size(text: str, width_in: float, largest: float, smallest: float) -> float:
    """The largest type size from ``largest`` down to ``smallest`` (points) at which
    ``text`` fits one line of ``width_in`` inches (average character width 0.56 em)."""
    fitting = width_in * 72 / (max(len(text), 1) * 0.56)
    return max(smallest, min(largest, float(int(fitting))))


def source_line(
    dataset: Dataset, slide: Slide, frames: Mapping[str, gpd.GeoDataFrame], limit: int = 190
) -> str:
    """The slide's source line: the article, the publishers of the slide's events (as
    many as fit ``limit`` characters), the boundaries, and the caveat when uncertain
    shapes are drawn."""
    events = {event.id: event for event in dataset.events}
    cited = [s for e in slide.events if e in events for s in events[e].provenance.sources]
    article = dataset.source(settings.ARTICLE_SOURCE_ID)
    others = [
        p
        for p in dict.fromkeys(dataset.source(s).publisher for s in cited)
        if p != article.publisher
    ]
    head = f"Sources: {kit.short_citation(article)}"
    tail = "; Natural Earth (boundaries). Full citations in the notes."
    if kit.uncertain_shown(frames):
        tail += f" {SHORT_CAVEAT}"
    shown: list[str] = []
    for index, publisher in enumerate(others):
        rest = len(others) - index - 1
        more = f"; and {rest} more" if rest else ""
        if len(head + "; " + "; ".join([*shown, publisher]) + more + tail) > limit:
            shown.append(f"and {len(others) - index} more")
            break
        shown.append(publisher)
    return head + "".join(f"; {p}" for p in shown) + tail


# --- The picture: map and legend ------------------------------------------------------


class SizedPage(Page):
    """A :class:`~layers.page.Page` of any size (inches), e.g. portrait paper."""

    def __init__(self, width: float, height: float) -> None:  # no paper name: no super()
        self.width, self.height = width, height
        self.figure = Figure(figsize=(width, height))
        FigureCanvasAgg(self.figure)


def draw_panel(
    page: Page,
    dataset: Dataset,
    slide: Slide,
    frames: Mapping[str, gpd.GeoDataFrame],
    box: tuple[float, float, float, float],
    *,
    legend_pt: float,
    min_legend_pt: float,
) -> MapContent:
    """Draw the slide's map (with highlighted events) and its legend into ``box``
    (left, bottom, width, height in inches on ``page``); the legend takes the right
    :data:`LEGEND_SHARE` of the box. Returns the map content (extent, EPSG:4326)."""
    left, bottom, width, height = box
    legend_w = width * LEGEND_SHARE
    gutter_left, gutter_bottom = 0.3, 0.2  # room for the degree labels
    map_w = width - legend_w - gutter_left - 0.12
    map_h = height - gutter_bottom - 0.04
    content = few_labels(prepare(dataset, slide.view, frames, (map_w, map_h)))
    ax = page.axes(left + gutter_left, bottom + gutter_bottom, map_w, map_h)
    paper_map.draw_map(ax, content, labels=True)
    highlighted = _draw_highlights(ax, dataset, slide)
    legend_ax = page.axes(left + width - legend_w, bottom, legend_w, height)
    draw_legend(legend_ax, frames, highlighted, legend_pt, min_legend_pt)
    return content


def few_labels(content: MapContent) -> MapContent:
    """``content`` with labels kept only for the layers whose catalogue label is kept on
    slides, minor features left out (:class:`layers.catalog.Label`: country names and
    towns and cities), and for every name that must show (:mod:`layers.story`:
    Nagorno-Karabakh, Syunik, the sites in force, the key places); the legend names the
    rest."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        label = spec.label if spec is not None and spec.label and spec.label.on_slides else None
        minor = frame["style_key"].isin(label.minor_styles if label else ())
        kept = ~minor if label else minor  # all False: the layer keeps no label
        kept = kept | frame["id"].astype(str).isin(content.story.labels)
        if frame.empty or kept.all():
            frames[layer_id] = frame
            continue
        quiet = frame.copy()
        quiet.loc[~kept, "label"] = ""
        frames[layer_id] = quiet
    return replace(content, frames=frames)


def _draw_highlights(ax: Axes, dataset: Dataset, slide: Slide) -> bool:
    """Ring each highlighted event (points), outline it (areas) or underline it (lines);
    return whether any was drawn."""
    events = {event.id: event for event in dataset.events}
    geometries = [events[e].geometry for e in slide.highlight if e in events]
    halo = [withStroke(linewidth=4.2, foreground="white")]
    for geometry in geometries:
        for part in _parts(geometry):
            if part.geom_type == "Point":
                ax.scatter(
                    [part.x], [part.y], s=HIGHLIGHT_RING_PT**2, facecolor="none",
                    edgecolor=HIGHLIGHT_COLOUR, linewidth=1.8, zorder=4.6, path_effects=halo,
                )  # fmt: skip
            elif isinstance(part, LineString):
                lines = LineCollection(
                    [np.asarray(part.coords)], colors=HIGHLIGHT_COLOUR, linewidths=2.2,
                    alpha=0.9, zorder=4.6, path_effects=halo,
                )  # fmt: skip
                ax.add_collection(lines)
            elif isinstance(part, Polygon):
                patch = PathPatch(_ring_path(part))
                ax.add_collection(
                    PatchCollection(
                        [patch], facecolor="none", edgecolor=HIGHLIGHT_COLOUR,
                        linewidth=1.7, zorder=4.6, path_effects=halo,
                    )
                )  # fmt: skip
    return bool(geometries)


def _parts(geometry: BaseGeometry) -> Iterator[BaseGeometry]:
    if hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _parts(part)
    else:
        yield geometry


def _ring_path(polygon: Polygon) -> MplPath:
    rings = [polygon.exterior, *polygon.interiors]
    return MplPath.make_compound_path(*(MplPath(np.asarray(r.coords)) for r in rings))


def legend_entries(
    frames: Mapping[str, gpd.GeoDataFrame], highlighted: bool
) -> list[tuple[Artist, str]]:
    """The legend of the slide: the static map's entries, plus the highlight ring."""
    items = kit.legend_items(frames)
    if highlighted:
        ring = Line2D(
            [], [], linestyle="none", marker="o", markersize=11, markerfacecolor="none",
            markeredgecolor=HIGHLIGHT_COLOUR, markeredgewidth=2.0,
        )  # fmt: skip
        items.append((ring, HIGHLIGHT_LABEL))
    return items


def draw_legend(
    ax: Axes,
    frames: Mapping[str, gpd.GeoDataFrame],
    highlighted: bool,
    fontsize: float,
    min_fontsize: float,
) -> float:
    """Draw the legend into ``ax`` at the largest size from ``fontsize`` down to
    ``min_fontsize`` (points) at which it fits; return that size."""
    ax.set_axis_off()
    items = legend_entries(frames, highlighted)
    if not items:
        return fontsize
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    canvas = figure.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    renderer = agg.get_renderer()  # type: ignore[no-untyped-call]
    size = fontsize
    while True:
        width_in = ax.get_position().width * figure.get_figwidth()
        chars = max(12, int((width_in - 3.2 * size / 72) * 72 / (size * 0.6)))
        legend = ax.legend(
            [h for h, _ in items],
            [textwrap.fill(label, chars) for _, label in items],
            loc="upper left", bbox_to_anchor=(0, 1), fontsize=size, frameon=False,
            handlelength=2.0, handleheight=1.0, borderaxespad=0, borderpad=0,
            labelspacing=0.45, handletextpad=0.6,
        )  # fmt: skip
        fits = legend.get_window_extent(renderer).height <= ax.get_window_extent(renderer).height
        if fits or size <= min_fontsize:
            return size
        legend.remove()
        size = max(min_fontsize, size - 1)


def slide_frames(dataset: Dataset, slide: Slide) -> dict[str, gpd.GeoDataFrame]:
    return view_features(dataset, slide.view, state_at(dataset, slide.view.day))


def slide_picture(
    dataset: Dataset,
    slide: Slide,
    frames: Mapping[str, gpd.GeoDataFrame] | None = None,
    *,
    frame_in: tuple[float, float] = (PICTURE_FRAME[2], PICTURE_FRAME[3]),
    dpi: float = PICTURE_DPI,
) -> bytes:
    """The slide's picture (map and legend) as PNG bytes for a frame of ``frame_in``
    inches at ``dpi`` on the slide, in the projection style (see the module docstring)."""
    frames = slide_frames(dataset, slide) if frames is None else frames
    width, height = (v / PROJECTION_SCALE for v in frame_in)
    page = SizedPage(width, height)
    page.figure.set_dpi(dpi * PROJECTION_SCALE)  # text is measured once, at this resolution
    draw_panel(
        page, dataset, slide, frames, (0.0, 0.0, width, height),
        legend_pt=LEGEND_PT / PROJECTION_SCALE, min_legend_pt=MIN_LEGEND_PT / PROJECTION_SCALE,
    )  # fmt: skip
    buffer = io.BytesIO()
    page.figure.savefig(
        buffer, format="png", dpi=dpi * PROJECTION_SCALE, metadata={"Software": None},
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )  # fmt: skip
    return buffer.getvalue()


def fit_picture(
    size_px: tuple[int, int], frame: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Left, top, width, height (inches) of a picture of ``size_px`` (width, height)
    scaled to fit ``frame`` (left, top, width, height) whole, centred, keeping its aspect."""
    left, top, width, height = frame
    aspect = size_px[0] / size_px[1]
    if width / height > aspect:
        fitted_w, fitted_h = height * aspect, height
    else:
        fitted_w, fitted_h = width, width / aspect
    return left + (width - fitted_w) / 2, top + (height - fitted_h) / 2, fitted_w, fitted_h


# --- Layout of a slide ------------------------------------------------------------


@dataclass(frozen=True)
class SlideLayout:
    """Where things go on a slide (inches; boxes are left, top, width, height): the title
    in :data:`TITLE_PT` (one size on every slide: one or two lines, then shortened with
    "…"), the situation line, the key judgement (one or two lines), the picture frame,
    the source line (:data:`SOURCE_PT`, at most two lines) and the slide number."""

    title_pt: float
    title_lines: tuple[str, ...]
    title_box: tuple[float, float, float, float]
    as_of_box: tuple[float, float, float, float]
    judgement_lines: tuple[str, ...]
    judgement_box: tuple[float, float, float, float]
    picture_frame: tuple[float, float, float, float]
    source_lines: tuple[str, ...]
    source_box: tuple[float, float, float, float]
    number_box: tuple[float, float, float, float]


#: Inches of one line of type of ``size`` points (line spacing 1.2).
def _line_in(size: float) -> float:
    return size * 1.2 / 72


def slide_layout(
    title: str, judgement: str = "", source: str = "", *, banner: bool = False
) -> SlideLayout:
    """The layout of a slide titled ``title`` with its key ``judgement`` and ``source``
    line: every text measured, so the picture takes what is left."""
    left, width = PICTURE_FRAME[0], PICTURE_FRAME[2]
    top = 0.38 if banner else 0.3
    title_lines = tuple(fit_lines(title, width, TITLE_PT, weight="bold", max_lines=2))
    title_h = len(title_lines) * _line_in(TITLE_PT) + 0.05
    as_of_top = top + title_h
    judgement_top = as_of_top + _line_in(AS_OF_PT) + 0.06
    judgement_lines = (
        tuple(fit_lines(f"{JUDGEMENT_LEAD}{judgement}", width, JUDGEMENT_PT, weight="bold"))
        if judgement
        else ()
    )
    judgement_h = len(judgement_lines) * _line_in(JUDGEMENT_PT)
    bottom = SLIDE_SIZE[1] - (0.36 if banner else 0.22)
    source_lines = tuple(fit_lines(source, width - 1.0, SOURCE_PT, max_lines=2)) if source else ()
    source_h = max(1, len(source_lines)) * _line_in(SOURCE_PT)
    source_top = bottom - source_h
    picture_top = judgement_top + judgement_h + 0.08
    picture_h = source_top - 0.06 - picture_top
    return SlideLayout(
        title_pt=TITLE_PT,
        title_lines=title_lines,
        title_box=(left, top, width, title_h),
        as_of_box=(left, as_of_top, width, _line_in(AS_OF_PT)),
        judgement_lines=judgement_lines,
        judgement_box=(left, judgement_top, width, judgement_h),
        picture_frame=(left, picture_top, width, picture_h),
        source_lines=source_lines,
        source_box=(left, source_top, width - 1.0, source_h),
        number_box=(left + width - 0.9, source_top, 0.9, _line_in(NUMBER_PT)),
    )
