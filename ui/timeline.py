"""The timeline beside the map: cards, a button per event, the highlighted event and
scrolling it into view (an event clicked on the map, or the one a playback is at)."""

from __future__ import annotations

import streamlit as st

from geo import settings
from geo.dataset import Dataset
from geo.situation import in_date_order
from layers.view import View
from layers.web.map import MAP_HEIGHT
from layers.web.timeline_panel import (
    TimelineEntry,
    current_event,
    scroll_script,
    timeline_entries,
)
from ui.dates import set_day

#: Session-state keys: the highlighted event, and the last scroll request (id, number).
SELECTED_KEY = "selected_event"
SCROLL_KEY = "timeline_scroll"


def select_event(event_id: str, *, scroll: bool = True) -> None:
    """Highlight an event's card and (by default) scroll the timeline to it."""
    state = st.session_state
    state[SELECTED_KEY] = event_id
    if scroll:
        _, number = state.get(SCROLL_KEY, ("", 0))
        state[SCROLL_KEY] = (event_id, number + 1)


def on_event(entry: TimelineEntry) -> None:
    """An event's button was pressed: set its date, fly the map there, highlight it."""
    set_day(min(max(entry.date, settings.FIRST_DATE), settings.LAST_DATE))
    st.session_state["fly"] = (entry.center, entry.zoom)
    select_event(entry.id, scroll=False)


def timeline(dataset: Dataset, view: View) -> None:
    """Every event in date order; later ones greyed; a button per event sets the date.

    While playing, the event the date has reached is highlighted and scrolled to.
    """
    state = st.session_state
    if state.get("playing"):
        now = current_event(in_date_order(dataset.events), view.day)
        if now is not None and now != state.get(SELECTED_KEY):
            select_event(now)
    st.subheader("Timeline")
    with st.container(height=MAP_HEIGHT, key="timeline"):
        for entry in timeline_entries(
            dataset, view.day, selected=state.get(SELECTED_KEY), convention=view.convention
        ):
            st.markdown(entry.html, unsafe_allow_html=True)  # escaped by layers.web.timeline_panel
            st.button("Show on map", key=f"event:{entry.id}", on_click=on_event, args=(entry,),
                      type="secondary" if entry.past else "tertiary")  # fmt: skip
        request = state.get(SCROLL_KEY)
        if request:  # same request, same page: Streamlit does not run it again
            st.iframe(scroll_script(*request), height=1)
