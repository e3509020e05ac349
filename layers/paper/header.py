"""The head of a paper page: the title (wrapped to at most two lines, then shortened with
"…", always inside the page), the situation line that always carries the date shown (a
custom subtitle is put before it, never in its place), and the producer and "as of"
imprint at the top right. Text is measured as matplotlib lays it out
(:func:`layers.paper.text_metrics.text_width_in`), so nothing runs off the page.
"""

from __future__ import annotations

from geo.dates import format_date
from geo.naming import CONVENTIONS
from layers.briefing.print_options import PrintOptions, imprint_line
from layers.briefing.view import View
from layers.paper.page import INK, MUTED, Page
from layers.paper.text_metrics import text_width_in

#: Size of a page title, in points; its lines are this many times the size apart.
TITLE_SIZE = 15.0
TITLE_SPACING = 1.18
#: Most lines a title takes before it is shortened with "…".
TITLE_LINES = 2
#: Size of the situation line, in points.
SUBTITLE_SIZE = 9.5
IMPRINT_SIZE = 7.5
#: Between the parts of the situation line.
DOT = "  ·  "


def fit_lines(
    text: str,
    width_in: float,
    fontsize: float,
    *,
    weight: str = "normal",
    max_lines: int = TITLE_LINES,
) -> list[str]:
    """``text`` wrapped at word boundaries into lines at most ``width_in`` inches wide at
    ``fontsize`` (measured), at most ``max_lines`` of them: the last ends with "…" when
    text was left out. A word longer than a line is cut.

    >>> fit_lines("Two\\n\\nlines", 5.0, 15.0)
    ['Two lines']
    >>> lines = fit_lines("word " * 80, 3.0, 15.0)
    >>> len(lines), lines[-1].endswith("…")
    (2, True)
    """
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    current = ""
    for index, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if text_width_in(trial, fontsize, weight) <= width_in:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word
        if len(lines) == max_lines:
            current = " ".join([lines.pop(), *words[index:]])
            break
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
    last = lines[-1]
    if text_width_in(last, fontsize, weight) > width_in or len(" ".join(lines)) < len(
        " ".join(words)
    ):
        lines[-1] = shorten_to(last, width_in, fontsize, weight)
    return lines


def shorten_to(text: str, width_in: float, fontsize: float, weight: str = "normal") -> str:
    """``text`` cut (at a word boundary where one is near) so that it and a closing "…"
    fit ``width_in`` inches; ``text`` itself when it fits."""
    if text_width_in(text, fontsize, weight) <= width_in:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width_in(text[:middle].rstrip() + " …", fontsize, weight) <= width_in:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > low * 0.6:
        cut = cut[:space]
    return cut.rstrip() + " …"


def title_line(title: str, width_in: float, fontsize: float = TITLE_SIZE) -> str:
    """A title as one line fitting ``width_in`` inches (measured), shortened with "…".

    >>> title_line("Two\\n\\nlines", 5.0)
    'Two lines'
    """
    return fit_lines(title, width_in, fontsize, weight="bold", max_lines=1)[0]


def situation(view: View, when: str | None = None) -> str:
    """``Situation on 9 November 2020`` (``when`` instead of the view's date)."""
    return f"Situation on {when or format_date(view.day)}"


def subtitle(view: View, when: str | None = None) -> str:
    """``Situation on 9 November 2020 · place names: Both forms (neutral)`` (``when``
    instead of the view's date when given)."""
    return f"{situation(view, when)}{DOT}place names: {CONVENTIONS[view.convention]}"


def situation_line(sheet: PrintOptions, dates: str, default: str, width_in: float) -> str:
    """The line under the title: ``default`` (the dates and the naming), or the sheet's
    subtitle followed by ``dates``, which are never cut (the subtitle is shortened)."""
    if not sheet.subtitle:
        return shorten_to(default, width_in, SUBTITLE_SIZE)
    tail = f"{DOT}{dates}"
    room = width_in - text_width_in(tail, SUBTITLE_SIZE)
    return shorten_to(sheet.subtitle, max(room, 0.5), SUBTITLE_SIZE) + tail


def header(
    page: Page,
    view: View,
    margin: float,
    *,
    when: str | None = None,
    dates: str | None = None,
    line: str | None = None,
    right_in: float = 0.0,
) -> float:
    """Title, situation line and imprint at the top of ``page``; return the y (inches)
    below them.

    The title (the sheet's, else the view's) takes at most :data:`TITLE_LINES` lines
    beside the imprint. The situation line always holds ``dates`` (default: "Situation on
    <the view's date, or ``when``>"): it is ``line`` (default: the dates and the naming
    convention), or the sheet's subtitle followed by the dates. ``right_in`` inches at
    the right are kept free (the animation's date strip).
    """
    sheet = page.sheet
    top = page.top - margin
    width = page.width - 2 * margin
    imprint = imprint_line(sheet)
    if imprint:
        imprint = shorten_to(imprint, width * 0.45, IMPRINT_SIZE)
        page.text(
            page.width - margin, top + 0.02, imprint, fontsize=IMPRINT_SIZE, va="top",
            ha="right", color=MUTED,
        )  # fmt: skip
    room = width - max(right_in, text_width_in(imprint, IMPRINT_SIZE) + 0.25 if imprint else 0.0)
    lines = fit_lines(sheet.title or view.title, room, TITLE_SIZE, weight="bold")
    page.text(
        margin, top, "\n".join(lines), fontsize=TITLE_SIZE, fontweight="bold", va="top",
        color=INK, linespacing=TITLE_SPACING,
    )  # fmt: skip
    y = top - len(lines) * TITLE_SIZE * TITLE_SPACING / 72 - 0.08
    dates = dates or situation(view, when)
    default = line or f"{dates}{DOT}place names: {CONVENTIONS[view.convention]}"
    text = situation_line(sheet, dates, default, width - right_in)
    page.text(margin, y, text, fontsize=SUBTITLE_SIZE, va="top", color="#333333")
    return y - SUBTITLE_SIZE * 1.25 / 72 - 0.16
