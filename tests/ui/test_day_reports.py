"""The map's report of where a playback by day stopped is taken once, and only for the
playback under way (streamlit-folium hands the app the map's last report on every run)."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from ui import day_playback
from ui.dates import BY_DAY_KEY


def _script() -> None:
    import streamlit as st

    from ui import day_playback

    st.session_state["moved"] = day_playback.take_report(st.session_state["reported"])


def _value(day: str, report: str, plan: str = "p1") -> dict[str, object]:
    playback = {"day": day, "plan": plan, "reason": "pause", "report": report}
    return {"bounds": None, "last_geocoder_result": {"playback": playback}}


def _playing(at: AppTest, plan: str = "p1") -> None:
    at.session_state[BY_DAY_KEY] = {"id": plan, "start": dt.date(2020, 11, 15),
                                   "until": dt.date(2020, 12, 23), "stop": False}  # fmt: skip


def test_a_report_moves_the_date_once() -> None:
    at = AppTest.from_function(_script)
    _playing(at)
    at.session_state["reported"] = _value("2020-11-29", "frame:1")
    at.run()
    assert at.session_state["moved"] is True
    assert at.session_state[day_playback.STOPPED_KEY] == dt.date(2020, 11, 29)
    assert BY_DAY_KEY not in at.session_state
    # the next playback: the map's last report, handed again, is not its stop
    _playing(at, "p2")
    at.run()
    assert at.session_state["moved"] is False and BY_DAY_KEY in at.session_state


def test_a_report_of_another_playback_or_outside_its_days_is_no_move() -> None:
    at = AppTest.from_function(_script)
    _playing(at, "p2")
    at.session_state["reported"] = _value("2020-11-29", "frame:3", plan="p1")
    at.run()
    assert at.session_state["moved"] is False
    at.session_state["reported"] = _value("2021-06-01", "frame:4", plan="p2")
    at.run()
    assert at.session_state["moved"] is False
    at.session_state["reported"] = {"last_geocoder_result": {"playback": "2020-11-20"}}
    at.run()
    assert at.session_state["moved"] is False and BY_DAY_KEY in at.session_state
