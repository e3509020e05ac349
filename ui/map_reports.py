"""A report of the map's frame is taken once.

streamlit-folium hands the map's last value back on every run of the script, so a report
the frame sent (the comparison map's swipe bar, where a playback by day stopped) would be
acted on again in every later run. The frame names each report (a fresh name per report);
:func:`first_sight` remembers, per kind of report, the last name taken.
"""

from __future__ import annotations

import streamlit as st


def first_sight(key: str, name: str) -> bool:
    """Whether the report ``name`` is new in this session for the session-state ``key``
    (the last name taken of its kind); it is remembered as taken."""
    state = st.session_state
    if state.get(key) == name:
        return False  # the map's last report, handed again
    state[key] = name
    return True
