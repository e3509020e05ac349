"""A session's first page in a browser: the map first, the rest after its report (issue 25).

The first run of a session in a browser draws the map alone (the header, the date
controls, the map, an empty timeline box, the sidebar's heading), so that the browser
lays out little before it loads the map's frame. The map's first report (streamlit-folium
sends one once its script has drawn the map) asks for the run that draws the rest: the
timeline's cards and the sidebar's panels. Should no report come, the empty timeline
box asks for that run itself (:func:`ui.timeline.timeline_frame`).

Two session-state flags: the page has had its first run (:data:`FILLED_KEY`), and the
timeline waits for the map (:data:`WAITING_KEY`). Any client other than a browser's
front end (a test of the script, the load test) gets the whole page in every run.
"""

from __future__ import annotations

import streamlit as st

from ui.folding import browser_session

#: Session-state flag: the date's fragment has run once in this session.
FILLED_KEY = "page_filled"
#: Session-state flag: the timeline's box is empty and waits for the map to report.
WAITING_KEY = "timeline_waiting"


def first_page() -> bool:
    """Whether this run draws a session's first page in a browser: the map alone, the
    rest in the run the map's first report asks for."""
    return not st.session_state.get(FILLED_KEY) and browser_session()


def start_page() -> bool:
    """Called once by each run of the date's fragment: True on a session's first page
    (the timeline now waits for the map's report); otherwise the page is drawn whole
    and nothing waits."""
    if first_page():
        st.session_state.update({FILLED_KEY: True, WAITING_KEY: True})
        return True
    st.session_state.pop(WAITING_KEY, None)
    return False


def fill_if_waiting() -> None:
    """While the timeline waits, ask for a run of the whole page, which fills it: on the
    map's report (its first comes when its script has drawn it; from
    :func:`ui.view_sync.map_fragment`), or from the empty box's own timer should no
    report come (:func:`ui.timeline.timeline_frame`)."""
    if st.session_state.pop(WAITING_KEY, False):
        st.rerun(scope="app")
