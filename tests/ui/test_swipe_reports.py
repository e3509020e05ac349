"""The swipe bar's reports: streamlit-folium hands the app the map's last report on every
run, so a report already taken must not move the bar again (after a Back step set it
from the address, it did: the bar went back to where it was moved)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui import compare_state


def _script() -> None:
    import streamlit as st

    from ui import compare_state

    reported = st.session_state["reported"]
    st.session_state["moved"] = compare_state.take_swipe(reported)


def _report(swipe: float, report: str) -> list[dict[str, object]]:
    return [{"type": "Feature", "properties": {"swipe": swipe, "report": report}}]


def test_a_report_is_taken_once_and_a_new_one_moves_the_bar() -> None:
    at = AppTest.from_function(_script)
    at.session_state["reported"] = _report(0.35, "frame:1")
    at.run()
    assert at.session_state["moved"] is True
    assert at.session_state[compare_state.SWIPE_KEY] == 0.35
    # a Back step sets the bar from the address; the map's last report comes again
    at.session_state[compare_state.SWIPE_KEY] = 0.3
    at.run()
    assert at.session_state["moved"] is False
    assert at.session_state[compare_state.SWIPE_KEY] == 0.3
    # the user moves the bar to the same place again: a new report, a move
    at.session_state["reported"] = _report(0.35, "frame:2")
    at.run()
    assert at.session_state["moved"] is True
    assert at.session_state[compare_state.SWIPE_KEY] == 0.35


def test_a_report_without_a_name_is_taken_by_its_place() -> None:
    at = AppTest.from_function(_script)
    at.session_state["reported"] = [{"properties": {"swipe": 0.6}}]
    at.run()
    assert at.session_state["moved"] is True
    at.run()
    assert at.session_state["moved"] is False  # the same place: no move
