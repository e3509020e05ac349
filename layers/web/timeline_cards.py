"""The timeline's page of cards as one element of the page (issue 25): what the
component ``static/briefing/timeline_cards.js`` is given.

A date change used to send each card as two elements (a Markdown card and a "Show on
map" button): about 100 of the run's 124 deltas, and most of what the browser laid out
again. The component draws the page of cards and their buttons from one payload,
updating the cards in place. It inserts as markup only each card's ``html``, escaped by
:mod:`layers.web.timeline_panel` (through :func:`layers.web.html.escape_text`); ids go
into the page as text (``dataset``), never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from geo import io
from layers.web.assets import STATIC_DIR
from layers.web.timeline_panel import TimelineEntry

#: The component's script and style (served inline with the element: no iframe, no file
#: request).
CARDS_JS_FILE: Path = STATIC_DIR / "briefing" / "timeline_cards.js"
CARDS_CSS_FILE: Path = STATIC_DIR / "briefing" / "timeline_cards.css"

#: The component's one event: the id of the card whose "Show on map" was pressed.
PICKED = "picked"


@cache
def cards_js() -> str:
    """The text of ``static/briefing/timeline_cards.js``."""
    return io.read_text(CARDS_JS_FILE)


@cache
def cards_css() -> str:
    """The text of ``static/briefing/timeline_cards.css``."""
    return io.read_text(CARDS_CSS_FILE)


def cards_data(
    entries: Sequence[TimelineEntry], scroll: tuple[str, int] | None = None
) -> dict[str, object]:
    """The component's data: ``cards`` as ``[id, html, past]`` in order (``html``
    escaped, the picked card highlighted by it) and ``scroll``, the last request to
    scroll a card into view (``[id, number]``; the component acts on each number once).

    >>> from datetime import date
    >>> entry = TimelineEntry("a-b", date(2021, 2, 23), "<div>x</div>", True, (0.0, 0.0), 6)
    >>> cards_data([entry], ("a-b", 2))
    {'cards': [['a-b', '<div>x</div>', True]], 'scroll': ['a-b', 2]}
    """
    return {
        "cards": [[entry.id, entry.html, entry.past] for entry in entries],
        "scroll": list(scroll) if scroll else None,
    }
