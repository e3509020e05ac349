"""The files of a briefing deck: PowerPoint slides and a PDF handout
(:data:`DECK_FORMATS`, :func:`deck_bytes`).

Slides are 16:9 (13.33 x 7.5 inches) in a projection style: title, "situation on" line,
one picture (the map with its legend, :func:`layers.paper.slides.slide_picture`), a
source line, and the classification banner at top and bottom when the deck sets one; the
talking points with their quotes and full citations go into the speaker notes
(:mod:`layers.paper.slide_notes`). The handout is one A4 (or Letter) portrait page per
slide: the same picture, drawn as vectors, with the notes below.

All text from the deck and the data goes in as literal text: python-pptx writes it as XML
text nodes, matplotlib draws it with ``parse_math=False``; nothing is parsed as markup.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from matplotlib.figure import Figure
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.errors import StateError
from layers.briefing.deck import Deck
from layers.briefing.print_options import banner_colours
from layers.paper import page as kit
from layers.paper.header import fit_lines
from layers.paper.page import paragraph_height, wrap
from layers.paper.slide_notes import notes_lines, notes_text, slide_notes
from layers.paper.slides import (
    AS_OF_PT,
    BANNER_PT,
    JUDGEMENT_LEAD,
    JUDGEMENT_PT,
    MIN_AS_OF_PT,
    NUMBER_PT,
    SLIDE_SIZE,
    SOURCE_PT,
    SizedPage,
    SlideLayout,
    as_of_line,
    draw_panel,
    fit_picture,
    line_size,
    slide_frames,
    slide_layout,
    slide_picture,
    source_line,
)


def _rgb(hex_colour: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_colour)  # type: ignore[no-untyped-call]
    return colour


INK = _rgb("222222")
GREY = _rgb("444444")
JUDGEMENT_INK = _rgb("7A1020")
COVER_TITLE_PT = 36.0
#: Handout paper (portrait) and its type sizes in points.
HANDOUT_MARGIN = 0.55
NOTE_PT = 8.4
#: Least height of the handout's map panel as a share of its width, and as a share of the
#: page's height (issue 22: at least half the page; the notes go on to another page).
HANDOUT_PANEL_ASPECT = 0.37
HANDOUT_MAP_SHARE = 0.5


# --- PowerPoint ----------------------------------------------------------------------


def deck_pptx(dataset: Dataset, deck: Deck) -> bytes:
    """The deck as a 16:9 PowerPoint file (bytes, identical for identical decks); see
    the module docstring. A cover slide (title, dates, classification, producer) comes
    first; each slide carries its number ("3 / 7") and its key judgement."""
    presentation = Presentation()
    presentation.slide_width = Inches(SLIDE_SIZE[0])
    presentation.slide_height = Inches(SLIDE_SIZE[1])
    presentation.core_properties.title = deck.title
    _cover(presentation, dataset, deck)
    layout = presentation.slide_layouts[5]  # "Title Only": the title stays a real title
    count = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        frames = slide_frames(dataset, slide)
        page = presentation.slides.add_slide(layout)
        line = source_line(dataset, slide, frames)
        place = slide_layout(
            slide.title, slide.key_judgement, line, banner=bool(deck.classification)
        )
        width, height = place.picture_frame[2:]
        _title(page, "\n".join(place.title_lines), place)
        as_of = as_of_line(slide)
        as_of_pt = line_size(as_of, place.as_of_box[2], AS_OF_PT, MIN_AS_OF_PT)
        _text_box(page, place.as_of_box, as_of, as_of_pt, GREY)
        if place.judgement_lines:
            box = _text_box(page, place.judgement_box, "\n".join(place.judgement_lines),
                            JUDGEMENT_PT, JUDGEMENT_INK, bold=True)  # fmt: skip
            box.name = "Key judgement"
        picture = slide_picture(dataset, slide, frames, frame_in=(width, height))
        with Image.open(io.BytesIO(picture)) as image:
            size = image.size
        left, top, fitted_w, fitted_h = fit_picture(size, place.picture_frame)
        page.shapes.add_picture(
            io.BytesIO(picture), Inches(left), Inches(top), Inches(fitted_w), Inches(fitted_h)
        )
        _text_box(page, place.source_box, "\n".join(place.source_lines), SOURCE_PT, GREY)
        marker = _text_box(page, place.number_box, f"{number} / {count}", NUMBER_PT, GREY,
                           align=PP_ALIGN.RIGHT)  # fmt: skip
        marker.name = "Slide number"
        if deck.classification:
            _banners(page, deck.classification)
        notes = slide_notes(dataset, slide, frames)
        page.notes_slide.notes_text_frame.text = notes_text(notes)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return fixed_zip_times(buffer.getvalue())


#: The time written for every member of a PPTX (python-pptx stamps the clock's):
#: identical decks give identical bytes.
ZIP_TIME = (2021, 2, 23, 0, 0, 0)


def fixed_zip_times(data: bytes) -> bytes:
    """The zip ``data`` rewritten with every member stamped :data:`ZIP_TIME` (same
    names, order and contents)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()


def cover_lines(deck: Deck) -> list[str]:
    """The lines under the cover's title: the span of the slides' dates, the number of
    slides and the producer."""
    days = sorted(slide.view.day for slide in deck.slides)
    count = f"{len(deck.slides)} slides"
    if not days:
        lines = [count]
    elif days[0] == days[-1]:
        lines = [f"Situation on {format_date(days[0])}  ·  {count}"]
    else:
        span = f"{format_date(days[0])} to {format_date(days[-1])}"
        lines = [f"Situations from {span}  ·  {count}"]
    if deck.producer:
        lines.append(f"Produced by {deck.producer}")
    return lines


def _cover(presentation: Any, dataset: Dataset, deck: Deck) -> None:
    """The cover slide: title, dates, producer, subject article and classification."""
    page = presentation.slides.add_slide(presentation.slide_layouts[6])  # blank
    width = SLIDE_SIZE[0] - 1.6
    title = "\n".join(fit_lines(deck.title, width, COVER_TITLE_PT, weight="bold", max_lines=3))
    box = _text_box(page, (0.8, 1.9, width, 2.1), title, COVER_TITLE_PT, INK, bold=True)
    box.name = "Cover title"
    box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    _text_box(page, (0.8, 4.2, width, 1.0), "\n".join(cover_lines(deck)), 20.0, GREY)
    article = dataset.source(settings.ARTICLE_SOURCE_ID)
    subject = f"Subject: {kit.short_citation(article)}, '{article.title}'"
    _text_box(page, (0.8, 5.5, width, 0.8), subject, 16.0, GREY)
    if deck.classification:
        _banners(page, deck.classification)


def _title(page: Any, text: str, place: SlideLayout) -> None:
    """The slide's title placeholder at :data:`TITLE_PT` in its box, never auto-fitted."""
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


def _banners(page: Any, text: str) -> None:
    """The classification banner at the top and bottom of a slide, coloured like the
    paper banner (:func:`layers.briefing.print_options.banner_colours`)."""
    for top in (0.0, SLIDE_SIZE[1] - 0.3):
        _banner(page, text, top)


def _banner(page: Any, text: str, top: float) -> None:
    background, ink = banner_colours(text)
    shape = _text_box(
        page, (0.0, top, SLIDE_SIZE[0], 0.3), text, BANNER_PT, _rgb(ink.lstrip("#")), bold=True,
        align=PP_ALIGN.CENTER,
    )  # fmt: skip
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(background.lstrip("#"))
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
        frames = slide_frames(dataset, slide)
        page = _handout_page(width, height, deck, number, len(deck.slides))
        top = height - margin - 0.45
        size = 15.0
        top = page.paragraphs(
            margin, top, text_w, [(slide.title, {"fontweight": "bold", "color": "#111111"})], size
        )
        top = page.paragraphs(margin, top, text_w, [(as_of_line(slide), {"color": "#444444"})], 9)
        if slide.key_judgement:
            judgement = (f"{JUDGEMENT_LEAD}{slide.key_judgement}",
                         {"fontweight": "bold", "color": "#7a1020"})  # fmt: skip
            top = page.paragraphs(margin, top, text_w, [judgement], 10)
        panel_h = max(text_w * HANDOUT_PANEL_ASPECT, height * HANDOUT_MAP_SHARE)
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


def deck_bytes(dataset: Dataset, deck: Deck, fmt: str, *, paper: str = kit.DEFAULT_PAPER) -> bytes:
    """The deck exported as ``fmt`` (a key of :data:`DECK_FORMATS`); ``paper`` is the
    handout's. :class:`StateError` for an unknown format."""
    if fmt == "pptx":
        return deck_pptx(dataset, deck)
    if fmt == "handout-pdf":
        return handout_pdf(dataset, deck, paper=paper)
    raise StateError(f"unknown deck format {fmt!r} (choose {', '.join(DECK_FORMATS)})")
