"""A briefing deck (:mod:`layers.briefing.deck`) as PowerPoint slides and as a PDF handout.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

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
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.errors import StateError
from geo.model import Event, Source
from geo.naming import CONVENTIONS
from geo.situation import state_at
from layers import catalog
from layers.briefing.deck import Deck, Slide
from layers.features import view_features
from layers.paper import map as paper_map
from layers.paper import page as kit
from layers.paper.map_content import MapContent, prepare
from layers.paper.page import Page, paragraph_height, wrap

#: Slide size in inches (16:9, PowerPoint's "widescreen").
SLIDE_SIZE = (13.333, 7.5)
#: Type and lines on the slide picture are this many times their size on paper.
PROJECTION_SCALE = 2.0
#: Resolution of the slide picture on the slide, in pixels per inch.
PICTURE_DPI = 150.0
#: zlib level of the slide pictures: 1 writes them about four times faster than the
#: default 6, for files about a third larger.
PNG_COMPRESSION = 1
#: Map frame on the slide: left, top, width, height in inches.
PICTURE_FRAME = (0.4, 1.42, 12.53, 5.3)
#: Share of the picture's width given to the legend.
LEGEND_SHARE = 0.31
#: Type sizes on the slide, in points.
TITLE_PT = 28.0
MIN_TITLE_PT = 22.0
AS_OF_PT = 20.0
MIN_AS_OF_PT = 16.0
#: Legend type on the slide: 18 pt, down to 14 pt only if the entries would not fit.
LEGEND_PT = 18.0
MIN_LEGEND_PT = 14.0
SOURCE_PT = 11.0
BANNER_PT = 14.0
#: Highlighted events: ring colour and the legend label.
HIGHLIGHT_COLOUR = "#d81b60"
HIGHLIGHT_LABEL = "Highlighted event (see notes)"


def _rgb(hex_colour: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_colour)  # type: ignore[no-untyped-call]
    return colour


#: Short caveat of approximate or proposed shapes, for the source line.
SHORT_CAVEAT = "Hatched or dashed shapes are approximate or proposed."
INK = _rgb("222222")
GREY = _rgb("555555")
BANNER_FILL = _rgb("333333")
WHITE = _rgb("FFFFFF")
#: Handout paper (portrait) and its type sizes in points.
HANDOUT_MARGIN = 0.55
NOTE_PT = 8.4
#: Height of the handout's map panel as a share of its width (flatter than the slide's,
#: to leave the notes room).
HANDOUT_PANEL_ASPECT = 0.37


# --- Notes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One event a talking point rests on: its date and title, its quote (empty for
    context events) and the numbers of its sources in :attr:`SlideNotes.sources`;
    ``again`` when an earlier point of the slide already quoted it."""

    when: str
    title: str
    quote: str
    quote_ref: int | None
    refs: tuple[int, ...]
    again: bool = False


@dataclass(frozen=True)
class PointNotes:
    """A talking point and the evidence it rests on."""

    text: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class SlideNotes:
    """What the speaker notes and the handout say about one slide (plain text).

    ``sources`` are full citations, numbered from 1 in order of first use;
    ``map_credit`` credits the boundaries and the publishers of the features drawn.
    """

    points: tuple[PointNotes, ...]
    highlighted: tuple[Evidence, ...]
    sources: tuple[str, ...]
    map_credit: str


def full_citation(source: Source) -> str:
    """``Publisher, 'Title', 23 February 2021. https://...`` (URL when known)."""
    return source.citation() + (f". {source.url}" if source.url else "")


def event_when(event: Event) -> str:
    """The event's date in its precision, with its end when it is a span."""
    end = f" – {format_date(event.end)}" if event.end else ""
    return format_date(event.date, event.precision) + end


def slide_notes(
    dataset: Dataset, slide: Slide, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> SlideNotes:
    """The notes of ``slide``: points with their events' quotes and source numbers, the
    highlighted events, the numbered full citations and the map credit.

    ``frames`` are the slide's layer frames (:func:`layers.features.view_features`);
    computed when not given.
    """
    frames = view_features(dataset, slide.view) if frames is None else frames
    events = {event.id: event for event in dataset.events}
    numbers: dict[str, int] = {}
    seen: set[str] = set()

    def ref(source_id: str) -> int:
        return numbers.setdefault(source_id, len(numbers) + 1)

    def evidence(event: Event) -> Evidence:
        quote_ref = ref(event.quote_source) if event.quote and event.quote_source else None
        refs = tuple(ref(s) for s in event.provenance.sources)
        again = event.id in seen
        seen.add(event.id)
        quote = "" if again else event.quote
        return Evidence(event_when(event), event.title, quote, quote_ref, refs, again)

    points = tuple(
        PointNotes(point.text, tuple(evidence(events[e]) for e in point.events if e in events))
        for point in slide.points
    )
    highlighted = tuple(evidence(events[e]) for e in slide.highlight if e in events)
    sources = tuple(full_citation(dataset.source(s)) for s in numbers)
    return SlideNotes(points, highlighted, sources, map_credit(dataset, frames))


def map_credit(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> str:
    """Boundaries credit and the publishers of the features drawn, one line."""
    publishers = dict.fromkeys(
        s.publisher
        for s in kit.cited_sources(dataset, frames)
        if s.id not in settings.REQUIRED_SOURCE_IDS
    )
    drawn = f" Features drawn from: {'; '.join(publishers)}." if publishers else ""
    return f"{kit.NATURAL_EARTH_CREDIT}.{drawn}"


def _refs(numbers: Sequence[int]) -> str:
    return "[" + ", ".join(str(n) for n in numbers) + "]"


def notes_lines(notes: SlideNotes) -> list[tuple[str, str]]:
    """The notes as ``(kind, text)`` lines: ``heading``, ``point``, ``quote``, ``event``,
    ``source`` or ``credit``; the PPTX notes and the handout are written from them."""
    lines: list[tuple[str, str]] = []
    if notes.points:
        lines.append(("heading", "Talking points"))
    for number, point in enumerate(notes.points, start=1):
        lines.append(("point", f"{number}. {point.text}"))
        for item in point.evidence:
            if item.quote:
                lines.append(("quote", f"“{item.quote}” {_refs([item.quote_ref or 0])}"))
            above = " (see above)" if item.again else ""
            lines.append(("event", f"{item.when} – {item.title}{above} {_refs(item.refs)}"))
    if notes.highlighted:
        lines.append(("heading", "Highlighted on the map"))
        lines += [("event", f"{i.when} – {i.title} {_refs(i.refs)}") for i in notes.highlighted]
    if notes.sources:
        lines.append(("heading", "Sources"))
        lines += [("source", f"[{n}] {text}") for n, text in enumerate(notes.sources, start=1)]
    lines.append(("heading", "Map"))
    lines.append(("credit", notes.map_credit))
    return lines


def notes_text(notes: SlideNotes) -> str:
    """The speaker notes as plain text (headings in capitals, blank line before each)."""
    parts: list[str] = []
    for kind, text in notes_lines(notes):
        if kind == "heading":
            parts.append(("\n" if parts else "") + text.upper())
        else:
            parts.append("    " + text if kind in ("quote", "event") else text)
    return "\n".join(parts)


# --- Slide text ----------------------------------------------------------------------


def as_of_line(slide: Slide) -> str:
    """``Situation on 10 November 2020 · place names: ...``; with a comparison,
    ``Situation on 1 December 2020 · compared with 10 November 2020 · names: ...``."""
    if slide.compare is None:
        return kit.subtitle(slide.view)
    day, before = format_date(slide.view.day), format_date(slide.compare.before)
    names = CONVENTIONS[slide.view.convention]
    return f"Situation on {day}  ·  compared with {before}  ·  names: {names}"


def line_size(text: str, width_in: float, largest: float, smallest: float) -> float:
    """The largest type size from ``largest`` down to ``smallest`` (points) at which
    ``text`` fits one line of ``width_in`` inches (average character width 0.56 em)."""
    fitting = width_in * 72 / (max(len(text), 1) * 0.56)
    return max(smallest, min(largest, float(int(fitting))))


def source_line(
    dataset: Dataset, slide: Slide, frames: Mapping[str, gpd.GeoDataFrame], limit: int = 230
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
    towns and cities); the legend names the rest."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        label = spec.label if spec is not None and spec.label and spec.label.on_slides else None
        minor = frame["style_key"].isin(label.minor_styles if label else ())
        kept = ~minor if label else minor  # all False: the layer keeps no label
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
                    [part.x], [part.y], s=190, facecolor="none", edgecolor=HIGHLIGHT_COLOUR,
                    linewidth=1.8, zorder=4.6, path_effects=halo,
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


def _slide_frames(dataset: Dataset, slide: Slide) -> dict[str, gpd.GeoDataFrame]:
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
    frames = _slide_frames(dataset, slide) if frames is None else frames
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


# --- PowerPoint ----------------------------------------------------------------------


#: Width of a character as a share of the type size, for bold titles (wide fallback fonts
#: such as DejaVu Sans Bold included).
TITLE_CHAR_WIDTH = 0.62


@dataclass(frozen=True)
class SlideLayout:
    """Where things go on a slide (inches): a title of one or two lines, the situation
    line, the picture frame (left, top, width, height) and the source line."""

    title_pt: float
    title_box: tuple[float, float, float, float]
    as_of_box: tuple[float, float, float, float]
    picture_frame: tuple[float, float, float, float]
    source_box: tuple[float, float, float, float]


def slide_layout(title: str) -> SlideLayout:
    """The layout for ``title``: one line at :data:`TITLE_PT` down to
    :data:`MIN_TITLE_PT`, else two lines at the larger of the two that fits (the
    picture frame gives up the room of the second line)."""
    left, top, width, height = PICTURE_FRAME
    longest = max((len(line) for line in title.splitlines()), default=1)
    one_line = width * 72 / (max(longest, 1) * TITLE_CHAR_WIDTH)
    lines = len(title.splitlines()) or 1
    if lines == 1 and one_line >= MIN_TITLE_PT:
        size, extra = min(TITLE_PT, float(int(one_line))), 0.0
    else:
        size, extra = (24.0 if one_line * 2 >= 24.0 else MIN_TITLE_PT), 0.4
    source_top = top + height + 0.02
    return SlideLayout(
        title_pt=size,
        title_box=(left, 0.34, width, 0.62 + extra),
        as_of_box=(left, 0.98 + extra, width, 0.42),
        picture_frame=(left, top + extra, width, height - extra),
        source_box=(left, source_top, width, 0.42),
    )


def deck_pptx(dataset: Dataset, deck: Deck) -> bytes:
    """The deck as a 16:9 PowerPoint file (bytes); see the module docstring."""
    presentation = Presentation()
    presentation.slide_width = Inches(SLIDE_SIZE[0])
    presentation.slide_height = Inches(SLIDE_SIZE[1])
    presentation.core_properties.title = deck.title
    layout = presentation.slide_layouts[5]  # "Title Only": the title stays a real title
    for slide in deck.slides:
        frames = _slide_frames(dataset, slide)
        page = presentation.slides.add_slide(layout)
        place = slide_layout(slide.title)
        width, height = place.picture_frame[2:]
        _title(page, slide.title, place)
        as_of = as_of_line(slide)
        as_of_pt = line_size(as_of, place.as_of_box[2], AS_OF_PT, MIN_AS_OF_PT)
        _text_box(page, place.as_of_box, as_of, as_of_pt, GREY)
        picture = slide_picture(dataset, slide, frames, frame_in=(width, height))
        with Image.open(io.BytesIO(picture)) as image:
            size = image.size
        left, top, fitted_w, fitted_h = fit_picture(size, place.picture_frame)
        page.shapes.add_picture(
            io.BytesIO(picture), Inches(left), Inches(top), Inches(fitted_w), Inches(fitted_h)
        )
        line = source_line(dataset, slide, frames)
        _text_box(page, place.source_box, line, SOURCE_PT, GREY)
        if deck.classification:
            _banner(page, deck.classification, 0.0)
            _banner(page, deck.classification, SLIDE_SIZE[1] - 0.3)
        notes = slide_notes(dataset, slide, frames)
        page.notes_slide.notes_text_frame.text = notes_text(notes)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _title(page: Any, text: str, place: SlideLayout) -> None:
    shape = page.shapes.title
    left, top, width, height = place.title_box
    shape.left, shape.top = Inches(left), Inches(top)
    shape.width, shape.height = Inches(width), Inches(height)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = Emu(0)
    frame.text = text
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(place.title_pt)
            run.font.bold = True
            run.font.color.rgb = INK


def _text_box(
    page: Any,
    box: tuple[float, float, float, float],
    text: str,
    size: float,
    colour: RGBColor,
    *,
    bold: bool = False,
    align: Any = PP_ALIGN.LEFT,
) -> Any:
    left, top, width, height = box
    shape = page.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Emu(0)
    frame.margin_top = frame.margin_bottom = Emu(0)
    frame.text = text
    for paragraph in frame.paragraphs:
        paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = colour
    return shape


def _banner(page: Any, text: str, top: float) -> None:
    shape = _text_box(
        page, (0.0, top, SLIDE_SIZE[0], 0.3), text, BANNER_PT, WHITE, bold=True,
        align=PP_ALIGN.CENTER,
    )  # fmt: skip
    shape.fill.solid()
    shape.fill.fore_color.rgb = BANNER_FILL
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    shape.name = "Classification banner"


# --- PDF handout ---------------------------------------------------------------------

_NOTE_LOOK: dict[str, dict[str, Any]] = {
    "heading": {"fontsize": NOTE_PT + 1, "fontweight": "bold", "color": kit.INK},
    "point": {"fontsize": NOTE_PT, "color": kit.INK},
    "quote": {"fontsize": NOTE_PT - 0.8, "fontstyle": "italic", "color": "#333333"},
    "event": {"fontsize": NOTE_PT - 1.2, "color": kit.MUTED},
    "source": {"fontsize": NOTE_PT - 2.0, "color": "#444444"},
    "credit": {"fontsize": NOTE_PT - 2.0, "color": "#444444"},
}
_INDENT = {"quote": 0.25, "event": 0.25}


def handout_figures(
    dataset: Dataset, deck: Deck, *, paper: str = kit.DEFAULT_PAPER
) -> Iterator[Figure]:
    """One portrait page per slide: header, title, situation line, map and legend, source
    line, then the notes (continued on further pages if they do not fit)."""
    height, width = kit.PAPERS[paper]
    margin = HANDOUT_MARGIN
    text_w = width - 2 * margin
    for number, slide in enumerate(deck.slides, start=1):
        frames = _slide_frames(dataset, slide)
        page = _handout_page(width, height, deck, number, len(deck.slides))
        top = height - margin - 0.45
        size = 15.0
        top = page.paragraphs(
            margin, top, text_w, [(slide.title, {"fontweight": "bold", "color": "#111111"})], size
        )
        top = page.paragraphs(margin, top, text_w, [(as_of_line(slide), {"color": "#444444"})], 9)
        panel_h = text_w * HANDOUT_PANEL_ASPECT
        box = (margin, top - 0.08 - panel_h, text_w, panel_h)
        draw_panel(page, dataset, slide, frames, box, legend_pt=8.0, min_legend_pt=6.5)
        top = box[1] - 0.1
        line = source_line(dataset, slide, frames, limit=400)
        top = page.paragraphs(margin, top, text_w, [(line, {"color": "#444444"})], 7)
        lines = notes_lines(slide_notes(dataset, slide, frames))
        pages = [page]

        def next_page(
            pages: list[SizedPage] = pages, number: int = number
        ) -> tuple[SizedPage, float]:
            fresh = _handout_page(width, height, deck, number, len(deck.slides), continued=True)
            pages.append(fresh)
            return fresh, height - margin - 0.45

        _write_notes(page, lines, (margin, top - 0.15, text_w), next_page)
        yield from (p.figure for p in pages)


def _handout_page(
    width: float, height: float, deck: Deck, number: int, count: int, *, continued: bool = False
) -> SizedPage:
    page = SizedPage(width, height)
    margin = HANDOUT_MARGIN
    more = " (notes continued)" if continued else ""
    look = {"fontsize": 8, "color": kit.MUTED, "va": "top"}
    page.text(margin, height - margin, deck.title, **look)
    page.text(
        width - margin, height - margin, f"Slide {number} of {count}{more}", ha="right", **look
    )
    if deck.classification:
        banner = {"fontsize": 9, "fontweight": "bold", "ha": "center", "color": "#9b1c1c"}
        page.text(width / 2, height - 0.25, deck.classification, va="top", **banner)
        page.text(width / 2, 0.25, deck.classification, va="bottom", **banner)
    return page


def _write_notes(
    page: SizedPage,
    lines: list[tuple[str, str]],
    where: tuple[float, float, float],
    next_page: Callable[[], tuple[SizedPage, float]],
) -> None:
    """Write note lines at ``where`` (x, top, width in inches) down the page, going on to
    ``next_page()`` when it is full."""
    x, y, width = where

    def height(index: int) -> float:
        kind, text = lines[index]
        size = _NOTE_LOOK[kind]["fontsize"]
        wrapped = wrap(text, width - _INDENT.get(kind, 0.0), size)
        return (0.1 if kind == "heading" else 0.0) + paragraph_height(len(wrapped), size) + 0.035

    for index, (kind, text) in enumerate(lines):
        look = dict(_NOTE_LOOK[kind])
        size = look.pop("fontsize")
        indent = _INDENT.get(kind, 0.0)
        wrapped = wrap(text, width - indent, size)
        before = 0.1 if kind == "heading" else 0.0
        needed = height(index)
        with_next = needed + (
            height(index + 1) if kind == "heading" and index + 1 < len(lines) else 0
        )
        if y - with_next < HANDOUT_MARGIN + 0.2:  # a heading stays with its first line
            page, y = next_page()
        y -= before
        page.text(
            x + indent, y, "\n".join(wrapped), fontsize=size, va="top", linespacing=1.25, **look
        )
        y -= needed - before


def handout_pdf(dataset: Dataset, deck: Deck, *, paper: str = kit.DEFAULT_PAPER) -> bytes:
    """The handout as one PDF (bytes, deterministic metadata)."""
    return kit.figures_pdf(handout_figures(dataset, deck, paper=paper), title=deck.title)


#: Export formats of a deck: key -> (label, MIME type, file extension).
DECK_FORMATS: dict[str, tuple[str, str, str]] = {
    "pptx": (
        "Slides (PowerPoint)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    "handout-pdf": ("Handout: one slide per page with notes (PDF)", "application/pdf", "pdf"),
}


def deck_bytes(
    dataset: Dataset, deck: Deck, fmt: str, *, paper: str = kit.DEFAULT_PAPER
) -> bytes:
    """The deck exported as ``fmt`` (a key of :data:`DECK_FORMATS`); ``paper`` is the
    handout's. :class:`StateError` for an unknown format."""
    if fmt == "pptx":
        return deck_pptx(dataset, deck)
    if fmt == "handout-pdf":
        return handout_pdf(dataset, deck, paper=paper)
    raise StateError(f"unknown deck format {fmt!r} (choose {', '.join(DECK_FORMATS)})")
