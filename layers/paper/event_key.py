"""The key of the numbered event markers on a map page without a timeline (the map page,
the animation): one line per event on the map, its number in the marker's box, its date
in its precision ("1993" for a year) and its title, set in columns under the map
(issue 22). Plain text (never maths).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from layers import catalog, styles
from layers.features import frame_rows
from layers.paper.header import shorten_to
from layers.paper.map_content import MapContent
from layers.paper.markers import MARKER_STYLES, markers
from layers.paper.page import INK, Page

#: Type size of the key, its line spacing (as a share of the size) and column gap.
KEY_FONT = 6.0
KEY_SPACING = 1.55
COLUMN_GAP = 0.25
#: Least width of a column of the key, inches.
MIN_COLUMN_IN = 3.4
HEADING = "Events on the map, by the numbers of their markers (quotes and sources: briefing PDF)"


@dataclass(frozen=True)
class KeyEntry:
    """One event of the key: its number, whether it is in the article, date and title."""

    number: int
    in_article: bool
    when: str
    title: str


def key_entries(content: MapContent) -> list[KeyEntry]:
    """The events whose markers are on the map, in number order."""
    shown = {n for marker in markers(content) for n in marker.numbers}
    entries = []
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        if spec is None or not spec.event_markers or frame.empty:
            continue
        for row in frame_rows(frame):
            number = content.numbers.get(str(row.id))
            if number is None or number not in shown:
                continue
            when = dict(row.details).get("Date", "")
            article = MARKER_STYLES.get(str(row.style_key)) == "event"
            entries.append(KeyEntry(number, article, str(when), str(row.label)))
    return sorted(entries, key=lambda e: e.number)


def columns_for(width_in: float) -> int:
    """How many columns of the key fit ``width_in`` inches."""
    return max(1, int((width_in + COLUMN_GAP) // (MIN_COLUMN_IN + COLUMN_GAP)))


def key_height(entries: list[KeyEntry], width_in: float) -> float:
    """Height in inches the key of ``entries`` takes at ``width_in`` (0 without entries)."""
    if not entries:
        return 0.0
    rows = math.ceil(len(entries) / columns_for(width_in))
    return (rows + 1.3) * KEY_FONT * KEY_SPACING / 72 + 0.05


def draw_key(page: Page, entries: list[KeyEntry], x: float, top: float, width: float) -> float:
    """Draw the key at ``x``, from ``top`` down, ``width`` inches wide; return the y below."""
    if not entries:
        return top
    step = KEY_FONT * KEY_SPACING / 72
    page.text(x, top, HEADING, fontsize=KEY_FONT + 0.4, fontweight="bold", va="top", color=INK)
    columns = columns_for(width)
    column_w = (width - COLUMN_GAP * (columns - 1)) / columns
    rows = math.ceil(len(entries) / columns)
    y0 = top - step * 1.3
    for index, entry in enumerate(entries):
        column, row = divmod(index, rows)
        left, y = x + column * (column_w + COLUMN_GAP), y0 - row * step
        look = styles.STYLES["event" if entry.in_article else "event-context"]
        page.text(
            left + 0.08, y - step / 2, str(entry.number), fontsize=KEY_FONT - 0.4,
            fontweight="bold", ha="center", va="center", color="#111111",
            bbox={"boxstyle": "round,pad=0.25", "facecolor": look.fill, "edgecolor": look.color,
                  "linewidth": 0.6},
        )  # fmt: skip
        text = shorten_to(f"{entry.when} – {entry.title}", column_w - 0.28, KEY_FONT)
        page.text(left + 0.24, y - step / 2, text, fontsize=KEY_FONT, va="center", color=INK)
    return y0 - rows * step - 0.05


__all__ = ["KeyEntry", "columns_for", "draw_key", "key_entries", "key_height"]
