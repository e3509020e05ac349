"""The timeline of a briefing page: each event in force on the day, in date order, with
its number (the one its marker carries on the map, :func:`layers.story.event_numbers`),
date in its precision, title, quote and sources, fitted to a column or several
(:func:`fit_timeline`, :func:`draw_timeline`). Plain text throughout (never maths).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from matplotlib.lines import Line2D

from geo.dataset import Dataset
from geo.dates import format_date
from geo.model import Event
from layers import styles
from layers.paper.page import INK, MUTED, Page, paragraph_height, short_citation, wrap

MARGIN = 0.35
GAP = 0.3
#: A timeline wider than this many inches is set in more columns.
COLUMN_WIDTH = 3.8


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
    fits = fits_for(width)
    for fit in fits:
        blocks = _blocks(dataset, rows, fit, width)
        placed = flow([paragraphs_height(b) for b in blocks], height, fit.columns)
        if placed is not None:
            return TimelineLayout(fit, blocks, placed, 0)
    last = fits[-1]
    room = height - paragraph_height(2, last.fontsize)
    for dropped in range(1, len(rows) + 1):
        heights = [paragraphs_height(b) for b in blocks[dropped:]]
        placed = flow(heights, room, last.columns)
        if placed is not None:
            return TimelineLayout(last, blocks[dropped:], placed, dropped)
    return TimelineLayout(last, [], [], len(rows))


def fits_for(width: float) -> tuple[TimelineFit, ...]:
    """:data:`FITS` for a column ``width`` inches wide: a wide one (a portrait page's
    width) is set in one more column per :data:`COLUMN_WIDTH` inches."""
    extra = max(0, int(width // COLUMN_WIDTH) - 1)
    return tuple(replace(fit, columns=min(fit.columns + extra, 4)) for fit in FITS)


def _blocks(
    dataset: Dataset, rows: list[Event], fit: TimelineFit, width: float
) -> list[list[Paragraph]]:
    text_width = (width - GAP * (fit.columns - 1)) / fit.columns - INDENT
    return [event_paragraphs(dataset, row, fit, text_width) for row in rows]


def draw_timeline(
    page: Page,
    dataset: Dataset,
    events: Sequence[Event],
    x: float,
    top: float,
    width: float,
    day: dt.date,
    numbers: Mapping[str, int] | None = None,
    bottom: float | None = None,
) -> None:
    """The timeline column: heading, then each of ``events`` (inches on ``page``, down to
    ``bottom``, default the page's margin).

    ``events`` are those in force on ``day`` (:attr:`geo.situation.Situation.events`), in
    date order. Each event gets the map's marker: its number in ``numbers`` (event id ->
    number, :func:`layers.story.event_numbers`) in an amber box (in the article) or a
    white one (context); a plain symbol where the map draws no events.
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
    floor = page.bottom + MARGIN if bottom is None else bottom
    layout = fit_timeline(dataset, events, width, y0 - floor)
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
        number = (numbers or {}).get(row.id)
        _event_marker(page, left + 0.09, marker_y, row.in_article, number)
        tops[column] = _draw_block(page, left + INDENT, tops[column], block)


def _draw_block(page: Page, x: float, y: float, block: list[Paragraph]) -> float:
    for lines, kwargs in block:
        page.text(x, y, "\n".join(lines), va="top", linespacing=1.25, **kwargs)
        y -= paragraph_height(len(lines), kwargs["fontsize"])
    return y - 0.07


#: Inches the text of an event stands right of its marker.
INDENT = 0.26


def _event_marker(
    page: Page, x: float, y: float, in_article: bool, number: int | None = None
) -> None:
    look = styles.style("event" if in_article else "event-context")
    if number is not None:  # the map's numbered marker
        page.text(
            x, y, str(number), fontsize=5.6, fontweight="bold", ha="center", va="center",
            color="#111111",
            bbox={"boxstyle": "round,pad=0.28", "facecolor": look.fill,
                  "edgecolor": look.color, "linewidth": 0.8 if in_article else 0.6},
        )  # fmt: skip
        return
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
