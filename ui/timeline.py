"""The timeline beside the map: cards, a button per event, the highlighted event and
scrolling it into view (an event clicked on the map, or the one a playback is at).

In a browser the page of cards is one element, the component of
:mod:`layers.web.timeline_cards` (issue 25: each card as a Markdown element and a button
was most of what a date change made the browser lay out again); any other client (a test
of the script, the load test) gets each card as Markdown and a "Show on map" button
keyed ``event:<id>``, which do the same (:func:`on_event`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import partial

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.dataset import Dataset
from geo.dates import DaySpan
from geo.user_layers import UserLayer
from layers.briefing.view import View
from layers.web.map import MAP_HEIGHT
from layers.web.timeline_cards import PICKED, cards_css, cards_data, cards_js
from layers.web.timeline_panel import (
    TimelineEntry,
    playing_event,
    timeline_page,
)
from ui.dates import set_day
from ui.folding import browser_session
from ui.map_first import fill_if_waiting

#: Session-state keys: the highlighted event, the last scroll request (id, number) and
#: the window of a long timeline (day, focus id or None, shift in windows; see
#: :func:`page_request`).
SELECTED_KEY = "selected_event"
SCROLL_KEY = "timeline_scroll"
PAGE_KEY = "timeline_page"
#: Key of the cards' component (its state holds the card last picked).
CARDS_KEY = "timeline_cards"

#: The cards' component: the page of cards and their buttons drawn in the page itself
#: (no iframe), styles in the page's tree (the tests and the page find the cards).
_cards = st.components.v2.component(
    "briefing.timeline_cards", js=cards_js(), css=cards_css(), isolate_styles=False
)


def select_event(event_id: str, *, scroll: bool = True) -> None:
    """Highlight an event's card, show the window of the timeline holding it and (by
    default) scroll the timeline to it."""
    state = st.session_state
    state[SELECTED_KEY] = event_id
    state[PAGE_KEY] = (None, event_id, 0)  # the day is taken by the next run
    if scroll:
        _, number = state.get(SCROLL_KEY, ("", 0))
        state[SCROLL_KEY] = (event_id, number + 1)


def on_event(entry: TimelineEntry, span: DaySpan) -> None:
    """An event's button was pressed: set its date (within the data's ``span``), fly the
    map there, highlight it."""
    set_day(span.clamp(entry.date))
    st.session_state["fly"] = (entry.center, entry.zoom)
    select_event(entry.id, scroll=False)


def _picked(entries: Mapping[str, TimelineEntry], span: DaySpan) -> None:
    """A card's "Show on map" was pressed in the cards' component: :func:`on_event` for
    that card (one of ``entries``, the page the browser showed)."""
    value = st.session_state.get(CARDS_KEY)
    picked = value.get(PICKED) if isinstance(value, Mapping) else None
    entry = entries.get(picked) if isinstance(picked, str) else None
    if entry is not None:
        on_event(entry, span)


def page_request(day: dt.date) -> tuple[str | None, int]:
    """The focus and shift of the timeline's window on ``day``: an event just picked (on
    the map, by its card, by a playback) is the focus until the date moves otherwise;
    after a date change the window is the date's, until "Earlier" or "Later" shift it."""
    state = st.session_state
    asked, focus, shift = state.get(PAGE_KEY, (day, None, 0))
    if asked is not None and asked != day:
        focus, shift = None, 0
    state[PAGE_KEY] = (day, focus, shift)
    return focus, shift


def _shift_page(by: int) -> None:
    day, focus, shift = st.session_state[PAGE_KEY]
    st.session_state[PAGE_KEY] = (day, focus, shift + by)


#: Seconds after which the empty box asks for the filling run itself, should the map
#: never report (a frame that failed to load): longer than the map takes on a loaded
#: machine, so that the cards are not laid out while it is drawn.
FALLBACK_SECONDS = 4.0


@st.fragment(run_every=FALLBACK_SECONDS)
def timeline_frame() -> None:
    """The timeline's heading and its empty box, as :func:`timeline` draws them: a
    session's first run sends these, so that the browser lays out only the map before
    its iframe loads (issue 25). The cards come with the run the map's first report
    asks for (:func:`ui.map_first.fill_if_waiting`); should no report come, this
    fragment's own rerun after :data:`FALLBACK_SECONDS` asks for that run instead."""
    ctx = get_script_run_ctx()
    timer = ctx is not None and bool(ctx.fragment_ids_this_run)  # not the page's run
    if timer:
        fill_if_waiting()
    st.subheader("Timeline")
    with st.container(height=MAP_HEIGHT, key="timeline"):
        st.caption("Loading the events…")


def _plain_cards(entries: Sequence[TimelineEntry], span: DaySpan) -> None:
    """The cards as Markdown and "Show on map" buttons keyed ``event:<id>``, for a client
    without a front end (where nothing would run the cards' component)."""
    for entry in entries:
        st.markdown(entry.html, unsafe_allow_html=True)  # escaped by layers.web.timeline_panel
        st.button("Show on map", key=f"event:{entry.id}", on_click=on_event,
                  args=(entry, span), type="secondary" if entry.past else "tertiary")  # fmt: skip


def timeline(dataset: Dataset, view: View, mine: Sequence[UserLayer] = ()) -> None:
    """The events in date order (with the dated features of the user's layers ``mine``);
    later ones greyed; a button per event sets the date. A long timeline shows a window
    of :data:`layers.web.timeline_panel.PAGE_SIZE` cards around the date (or the picked
    event) with "Earlier" and "Later" buttons and a count.

    While playing, the event the date has reached is highlighted and scrolled to.
    """
    state = st.session_state
    if state.get("playing"):
        now = playing_event(dataset, view.day)
        if now is not None and now != state.get(SELECTED_KEY):
            select_event(now)
    focus, shift = page_request(view.day)
    page = timeline_page(
        dataset,
        view.day,
        mine,
        selected=state.get(SELECTED_KEY),
        focus=focus,
        shift=shift,
        convention=view.convention,
    )
    st.subheader("Timeline")
    with st.container(height=MAP_HEIGHT, key="timeline"):
        if page.earlier or page.later:
            st.caption(page.caption())
            st.button(f"Earlier ({page.earlier:,} more)", key="timeline:earlier",
                      on_click=_shift_page, args=(-1,), disabled=not page.earlier)  # fmt: skip
        if browser_session():
            _cards(
                key=CARDS_KEY,
                data=cards_data(page.entries, state.get(SCROLL_KEY)),
                on_picked_change=partial(_picked, {e.id: e for e in page.entries}, dataset.span),
            )
        else:
            _plain_cards(page.entries, dataset.span)
        if page.earlier or page.later:
            st.button(f"Later ({page.later:,} more)", key="timeline:later",
                      on_click=_shift_page, args=(1,), disabled=not page.later)  # fmt: skip
