"""The keys of the app's date widgets, and the page selectors that find them: stated once.

The widgets are drawn by :mod:`ui.dates`; the map frame's date preview
(:mod:`layers.web.date_preview`) listens on the app page for the same widgets, and the
browser tests and benchmarks drive them. Streamlit gives the element of a widget (or
container) drawn with ``key=K`` the CSS class ``st-key-K`` (:func:`key_class`); that is
Streamlit's rendering, not ours, so ``tests/e2e/test_date_widgets.py`` checks in a
browser that every selector here finds its widget.
"""

from __future__ import annotations

#: Session-state key of the date slider (a ``datetime.date``).
DAY_SLIDER = "day_slider"
#: Session-state key of the typed date (ISO text).
DAY_INPUT = "day_input"
#: Key of the container around the slider (the slider's own element has no key class).
SLIDER_BOX = "date-slider"
#: Keys of the buttons stepping back and ahead (a key date, a day, a month...).
PREV, NEXT = "prev", "next"


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of a widget drawn with ``key``."""
    return f"st-key-{key}"


def selector(key: str, inside: str = "") -> str:
    """A CSS selector of the element of ``key``, or of its ``inside`` elements."""
    return f".{key_class(key)} {inside}".rstrip()


#: What the preview script and the browser tests find, by name: the typed date's
#: ``<input>``, the slider's range ``<input>``, the step buttons.
SELECTORS: dict[str, str] = {
    "day_input": selector(DAY_INPUT, "input"),
    "slider": selector(SLIDER_BOX, "input[type='range']"),
    "prev": selector(PREV, "button"),
    "next": selector(NEXT, "button"),
}
