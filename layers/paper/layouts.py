"""The paper layouts: the map page and the one-page briefing (the atlas of such pages is
:mod:`layers.paper.atlas`).

The map page is the map of the view (drawn by :mod:`layers.paper.map`, EPSG:4326 with
aspect ``1 / cos(lat0)``) with a side panel (legend, inset), caveat and credits. A
briefing page is landscape A4 or Letter: on the left the map with its legend, locator
inset, caveat and credits; on the right the timeline of the events in force on the view's
date (begun by it), with dates, titles, quotes and sources.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from geo.dataset import Dataset
from geo.dates import format_date
from geo.measure import Measurement
from geo.model import Event
from geo.situation import Situation, state_at
from layers import styles
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import View
from layers.features import view_features
from layers.paper.furniture import draw_inset
from layers.paper.map import draw_map
from layers.paper.map_content import at_paper_scale, prepare
from layers.paper.measure import draw_measurement
from layers.paper.page import (
    DEFAULT_PAPER,
    INK,
    MUTED,
    Page,
    basemap_note,
    draw_legend,
    figure_bytes,
    footer_height,
    footer_items,
    greyscale,
    header,
    legend_items,
    page_number,
    paragraph_height,
    short_citation,
    wrap,
)

MARGIN = 0.35
#: Width in inches of the map column on landscape A4; the timeline takes the rest.
MAP_COLUMN = 6.1
#: Share of the page width (inside the margins and the gap) the map column takes.
MAP_SHARE = MAP_COLUMN / (11.69 - 2 * MARGIN - 0.3)
GAP = 0.3
#: Font size of the legend under the map.
LEGEND_FONT = 6.3
FOOTER_FONT = 5.8
INSET_WIDTH = 1.9


@dataclass(frozen=True)
class TimelineFit:
    """How much of the timeline to show.

    ``fontsize`` in points; ``quote_lines`` cuts quotes (None = whole); ``context`` is how
    context events (not in the article) appear: ``full``, ``no-quote`` or ``compact`` (one
    paragraph: date, title and publishers); ``columns`` is 1 or 2.
    """

    fontsize: float
    quote_lines: int | None
    context: str
    columns: int = 1


#: Tried in turn until the timeline fits the column; the last one may drop early events.
FITS: tuple[TimelineFit, ...] = (
    TimelineFit(7.2, None, "full"),
    TimelineFit(7.0, None, "no-quote"),
    TimelineFit(6.8, 4, "compact"),
    TimelineFit(6.4, 3, "compact"),
    TimelineFit(6.6, 4, "compact", 2),
    TimelineFit(6.2, 3, "compact", 2),
    TimelineFit(5.8, 2, "compact", 2),
)

Paragraph = tuple[list[str], dict[str, Any]]


# --- Map page ------------------------------------------------------------------------


def map_figure(
    dataset: Dataset,
    view: View,
    *,
    paper: str = DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
    measurement: Measurement | None = None,
) -> Figure:
    """The stand-alone map page: header, map, side panel (legend, inset), caveat, credits.

    Returns a fresh :class:`~matplotlib.figure.Figure` of the paper (and orientation) of
    ``sheet``, else of landscape ``paper``; ``measurement`` is drawn on the map.
    """
    page, margin, panel = Page(paper, sheet), 0.35, 2.55
    frames = at_paper_scale(view_features(dataset, view), view.bounds)  # credits: as drawn
    map_width = page.width - 2 * margin - panel - 0.3
    items = footer_items(dataset, frames) + basemap_note(view)
    footer = footer_height(items, map_width, 6.3)
    map_top = header(page, view, margin)
    map_bottom = page.bottom + margin + footer + 0.12
    content = prepare(dataset, view, frames, (map_width, map_top - map_bottom))
    ax = page.axes(margin, map_bottom, map_width, map_top - map_bottom)
    draw_map(ax, content, labels=labels)
    if measurement is not None:
        draw_measurement(ax, measurement)
    page.paragraphs(margin, page.bottom + margin + footer, map_width, items, 6.3)
    panel_x = page.width - margin - panel
    inset_h = panel * 0.62
    draw_inset(page.axes(panel_x, map_bottom, panel, inset_h), dataset, content.extent)
    page.text(panel_x, map_bottom + inset_h + 0.06, "Location of the map", fontsize=7, color=MUTED)
    legend_bottom = map_bottom + inset_h + 0.35
    legend_ax = page.axes(panel_x, legend_bottom, panel, map_top - legend_bottom)
    draw_legend(legend_ax, content.frames, extent=content.extent)
    return finish(page)


def finish(page: Page) -> Figure:
    """The page's figure, turned grey when its print options ask."""
    if page.sheet.greyscale:
        greyscale(page.figure)
    return page.figure


def map_extent(figure: Figure) -> tuple[float, float, float, float]:
    """The extent (min lon, min lat, max lon, max lat) of the map drawn on ``figure``."""
    for ax in figure.axes:
        if ax.get_label() == "map":
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            return (float(x0), float(y0), float(x1), float(y1))
    raise ValueError("the figure has no map axes")


# --- Briefing ------------------------------------------------------------------------


def briefing_figure(
    dataset: Dataset,
    view: View,
    *,
    paper: str = DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
    measurement: Measurement | None = None,
    when: str | None = None,
    number: tuple[int, int] | None = None,
) -> Figure:
    """The briefing page of ``view``: map column on the left, timeline on the right.

    Returns a fresh :class:`~matplotlib.figure.Figure` of the paper of ``sheet`` (else
    landscape ``paper``). ``when`` replaces the date in the subtitle (atlas pages that
    stand for several days); ``number`` is (page, pages) for ``Page k of n``.
    """
    situation = state_at(dataset, view.day)
    frames = at_paper_scale(view_features(dataset, view, situation), view.bounds)
    return briefing_page(
        dataset, view, situation, frames, paper=paper, labels=labels, sheet=sheet,
        measurement=measurement, when=when, number=number,
    )  # fmt: skip


def briefing_page(
    dataset: Dataset,
    view: View,
    situation: Situation,
    frames: dict[str, gpd.GeoDataFrame],
    *,
    paper: str,
    labels: bool,
    sheet: PrintOptions | None,
    measurement: Measurement | None,
    when: str | None,
    number: tuple[int, int] | None,
) -> Figure:
    """:func:`briefing_figure` of the ``situation`` on ``view.day`` and its ``frames``
    (``view_features(dataset, view, situation)``)."""
    page = Page(paper, sheet)
    top = header(page, view, MARGIN, when=when)
    column = MAP_SHARE * (page.width - 2 * MARGIN - GAP)
    _map_column(page, dataset, view, frames, top, labels, column, measurement)
    x = MARGIN + column + GAP
    draw_timeline(page, dataset, situation.events, x, top, page.width - MARGIN - x, view.day)
    if number is not None:
        page_number(page, *number, MARGIN)
    return finish(page)


def _map_column(
    page: Page,
    dataset: Dataset,
    view: View,
    frames: dict[str, gpd.GeoDataFrame],
    top: float,
    labels: bool,
    column: float,
    measurement: Measurement | None,
) -> None:
    """Map, then legend and inset side by side, then caveat and credits (all in inches)."""
    frames = at_paper_scale(frames, view.bounds)  # the credits and legend of what is drawn
    items = footer_items(dataset, frames) + basemap_note(view)
    footer = footer_height(items, column, FOOTER_FONT)
    entries = len(legend_items(frames))  # at most: the legend lists those in the extent
    legend_h = (math.ceil(entries / 2) + 1.4) * LEGEND_FONT * 1.75 / 72
    inset_w = min(INSET_WIDTH, column * 0.36)
    inset_h = inset_w * 0.62
    band = max(legend_h, inset_h + 0.15)
    band_bottom = page.bottom + MARGIN + footer + 0.1
    map_bottom = band_bottom + band + 0.15
    content = prepare(dataset, view, frames, (column, top - map_bottom))
    ax = page.axes(MARGIN, map_bottom, column, top - map_bottom)
    draw_map(ax, content, labels=labels)
    if measurement is not None:
        draw_measurement(ax, measurement)
    legend_w = column - inset_w - 0.2
    draw_legend(
        page.axes(MARGIN, band_bottom, legend_w, band),
        content.frames,
        extent=content.extent,
        ncols=2,
        fontsize=LEGEND_FONT,
    )
    inset_x = MARGIN + column - inset_w
    inset_top = band_bottom + band
    draw_inset(page.axes(inset_x, inset_top - inset_h, inset_w, inset_h), dataset, content.extent)
    page.text(
        inset_x,
        inset_top - inset_h - 0.04,
        "Location of the map",
        fontsize=6,
        color=MUTED,
        va="top",
    )
    page.paragraphs(MARGIN, page.bottom + MARGIN + footer, column, items, FOOTER_FONT)


# --- Timeline ------------------------------------------------------------------------


def event_paragraphs(
    dataset: Dataset, event: Event, fit: TimelineFit, width: float
) -> list[Paragraph]:
    """Wrapped lines of one event and their styles.

    Date line (bold), title, quote in quotation marks (italic, maybe cut to
    ``fit.quote_lines`` lines) and the source, as ``(lines, text keywords)`` pairs; a
    context event under a ``compact`` fit is one paragraph.
    """
    size = fit.fontsize
    quoted = bool(event.quote) and (event.in_article or fit.context == "full")
    source_ids = (
        [event.quote_source] if quoted and event.quote_source else event.provenance.sources
    )
    when = event.describe()
    sources = [dataset.source(s) for s in source_ids]
    if not event.in_article and fit.context == "compact":
        publishers = "; ".join(dict.fromkeys(s.publisher for s in sources))
        text = f"{when} – {event.title} ({publishers})"
        return [(wrap(text, width, size - 0.4), {"fontsize": size - 0.4, "color": "#333333"})]
    tag = " · in the article" if event.in_article else ""
    paragraphs: list[Paragraph] = [
        (wrap(f"{when}{tag}", width, size * 1.08), {"fontsize": size, "fontweight": "bold"}),
        (wrap(event.title, width, size), {"fontsize": size}),
    ]
    if quoted:
        lines = wrap(f"“{event.quote}”", width, size - 0.4)
        if fit.quote_lines is not None and len(lines) > fit.quote_lines:
            lines = [*lines[: fit.quote_lines - 1], lines[fit.quote_lines - 1].rstrip() + " […]"]
        paragraphs.append(
            (lines, {"fontsize": size - 0.4, "fontstyle": "italic", "color": "#333333"})
        )
    cited = "; ".join(short_citation(s) for s in sources)
    paragraphs.append(
        (
            wrap(f"Source: {cited}", width, size - 1.2),
            {"fontsize": size - 1.2, "color": MUTED},
        )
    )
    return paragraphs


def paragraphs_height(paragraphs: Sequence[Paragraph]) -> float:
    """Height in inches of an event's paragraphs plus the space after it."""
    return sum(paragraph_height(len(lines), kw["fontsize"]) for lines, kw in paragraphs) + 0.07


def flow(heights: Sequence[float], height: float, columns: int) -> list[int] | None:
    """Column index of each block when blocks fill ``columns`` columns of ``height`` in turn.

    Returns None when they do not fit.
    """
    placed: list[int] = []
    column, used = 0, 0.0
    for block in heights:
        if used + block > height and used > 0:
            column, used = column + 1, 0.0
        if column >= columns or block > height:
            return None
        placed.append(column)
        used += block
    return placed


@dataclass(frozen=True)
class TimelineLayout:
    """The chosen fit, the paragraphs and column of each event shown (oldest first), and
    how many of the oldest events were left out."""

    fit: TimelineFit
    blocks: list[list[Paragraph]]
    columns: list[int]
    dropped: int


def fit_timeline(
    dataset: Dataset, events: Sequence[Event], width: float, height: float
) -> TimelineLayout:
    """Lay the events out with the first :data:`FITS` entry that fits ``height`` inches.

    ``width`` and ``height`` are the column's size in inches. With the last fit, the
    oldest events are left out until the rest fits (room is kept for a note saying so).
    """
    rows = list(events)
    for fit in FITS:
        blocks = _blocks(dataset, rows, fit, width)
        placed = flow([paragraphs_height(b) for b in blocks], height, fit.columns)
        if placed is not None:
            return TimelineLayout(fit, blocks, placed, 0)
    room = height - paragraph_height(2, FITS[-1].fontsize)
    for dropped in range(1, len(rows) + 1):
        heights = [paragraphs_height(b) for b in blocks[dropped:]]
        placed = flow(heights, room, FITS[-1].columns)
        if placed is not None:
            return TimelineLayout(FITS[-1], blocks[dropped:], placed, dropped)
    return TimelineLayout(FITS[-1], [], [], len(rows))


def _blocks(
    dataset: Dataset, rows: list[Event], fit: TimelineFit, width: float
) -> list[list[Paragraph]]:
    text_width = (width - GAP * (fit.columns - 1)) / fit.columns - 0.18
    return [event_paragraphs(dataset, row, fit, text_width) for row in rows]


def draw_timeline(
    page: Page,
    dataset: Dataset,
    events: Sequence[Event],
    x: float,
    top: float,
    width: float,
    day: dt.date,
) -> None:
    """The timeline column: heading, then each of ``events`` (inches on ``page``).

    ``events`` are those in force on ``day`` (:attr:`geo.situation.Situation.events`), in
    date order. Each event gets the map's event symbol (filled: in the article; hollow: context).
    """
    page.text(
        x,
        top,
        f"Timeline up to {format_date(day)}",
        fontsize=10,
        fontweight="bold",
        va="top",
        color=INK,
    )
    y0 = top - 0.3
    if not events:
        page.text(x, y0, "No events in the data up to this date.", fontsize=7, va="top")
        return
    layout = fit_timeline(dataset, events, width, y0 - MARGIN - page.bottom)
    fit = layout.fit
    if layout.dropped:
        plural = "s" if layout.dropped > 1 else ""
        note = f"{layout.dropped} earlier event{plural} not shown (see the atlas)."
        page.text(
            x,
            y0,
            note,
            fontsize=fit.fontsize - 0.5,
            va="top",
            fontstyle="italic",
            color=MUTED,
        )
        y0 -= paragraph_height(2, fit.fontsize)
    column_width = (width - GAP * (fit.columns - 1)) / fit.columns
    shown = events[layout.dropped :]
    tops = [y0] * fit.columns
    for row, block, column in zip(shown, layout.blocks, layout.columns, strict=True):
        left = x + column * (column_width + GAP)
        marker_y = tops[column] - block[0][1]["fontsize"] * 0.6 / 72
        _event_marker(page, left + 0.06, marker_y, row.in_article)
        tops[column] = _draw_block(page, left + 0.18, tops[column], block)


def _draw_block(page: Page, x: float, y: float, block: list[Paragraph]) -> float:
    for lines, kwargs in block:
        page.text(x, y, "\n".join(lines), va="top", linespacing=1.25, **kwargs)
        y -= paragraph_height(len(lines), kwargs["fontsize"])
    return y - 0.07


def _event_marker(page: Page, x: float, y: float, in_article: bool) -> None:
    look = styles.style("event" if in_article else "event-context")
    kwargs = styles.matplotlib_style(look, "Point")
    page.figure.add_artist(
        Line2D(
            [x / page.width],
            [y / page.height],
            transform=page.figure.transFigure,
            linestyle="none",
            marker=kwargs["marker"],
            markersize=5.5,
            markerfacecolor=kwargs["color"],
            markeredgecolor=kwargs["edgecolor"],
            markeredgewidth=kwargs["linewidth"],
        )
    )


def briefing_pdf(
    dataset: Dataset,
    view: View,
    *,
    paper: str = DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
    measurement: Measurement | None = None,
) -> bytes:
    """The one-page briefing of ``view`` as PDF bytes (deterministic)."""
    figure = briefing_figure(
        dataset, view, paper=paper, labels=labels, sheet=sheet, measurement=measurement
    )
    return figure_bytes(figure, "pdf", title=(sheet.title if sheet else "") or view.title)
