"""Playback by day (issue 25): its controls, the plan handed to the map's frame, and the
frame's report of where it stopped.

"Play by day" (the date row's **By day** menu: an end day, *Until*, and the speed in days
a second) starts a playback from the day shown: the session holds it under
:data:`ui.dates.BY_DAY_KEY` (an id, the first day, the end, the speed), and each run of
the date's fragment hands the map the plan (:func:`frame_payload`,
:func:`layers.web.day_plan.day_plan`: the situations' dated groups registered in
:mod:`layers.web.group_store`). The frame plays it on its own timer
(:mod:`layers.web.playback`); the server runs nothing meanwhile, so the slider, the typed
date and the timeline stay on the first day until the playback stops.

The frame reports where it stopped (its Pause button, the end, or the app's Pause, which
sends it a stop): :func:`take_report` keeps the day for the next run
(:func:`apply_stopped`, before the date widgets are drawn), which moves the date, the
timeline and the address there. A report carries its frame's id and a count, and names
the playback: one already taken, or of another playback, is no move (streamlit-folium
hands the app the map's last report on every run). A date chosen by the user while the
frame plays ends the playback there, without a report: the user's day wins.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Hashable, Mapping
from typing import Any

import streamlit as st

from geo.dataset import Dataset
from geo.dates import format_date
from geo.errors import StateError
from geo.periods import KeyDays, period_of
from layers.briefing.view import View, parse_day
from layers.web import group_store
from layers.web.date_widgets import DAY_SLIDER
from layers.web.day_plan import day_plan
from layers.web.playback import AHEAD_DAYS, stop_payload
from ui.dates import BY_DAY_KEY, BY_DAY_MENU_KEY, set_day
from ui.map_reports import first_sight

#: Session-state keys: the end day chosen, the speed, the day the frame stopped at (to
#: apply), the last report taken, and the plan sent (its id and payload).
UNTIL_KEY = "by_day_until"
UNTIL_DAY_KEY = "by_day_until_day"  # the day shown when Until was typed (kept as typed)
SPEED_KEY = "by_day_speed"
#: The By day menu's widgets that hold a value (kept while the menu is folded).
MENU_KEYS = (UNTIL_KEY, SPEED_KEY)
STOPPED_KEY = "by_day_stopped"
REPORT_KEY = "by_day_report"
PLAN_KEY = "by_day_plan"
#: Speeds offered, label -> days a second.
SPEEDS: dict[str, float] = {"2/s": 2.0, "5/s": 5.0, "10/s": 10.0, "20/s": 20.0}
DEFAULT_SPEED = "10/s"
#: What the map component must return for :func:`take_report`.
RETURNED_OBJECTS = ["last_geocoder_result"]


def default_until(days: KeyDays, day: dt.date) -> dt.date | None:
    """The end a playback from ``day`` stops at unless another is chosen: the last key
    date of ``day``'s period (the periods of the "Key dates" menu) when later, else the
    latest day; None when ``day`` is the latest."""
    if day >= days.latest:
        return None
    if days.periods:
        period = days.periods[period_of(days.periods, day)]
        if period.days and period.days[-1] > day:
            return period.days[-1]
    return days.latest


def by_day_menu(days: KeyDays) -> None:
    """The **By day** menu: Until, the speed and the Play by day button."""
    state = st.session_state
    day: dt.date = state[DAY_SLIDER]
    state.setdefault(SPEED_KEY, DEFAULT_SPEED)
    until = typed_until(days)
    if (until is None or until <= day) and state.get(UNTIL_DAY_KEY) != day:
        fallback = default_until(days, day) or days.latest  # follows the date
        state[UNTIL_KEY] = fallback.isoformat()
    st.text_input(
        "Until", key=UNTIL_KEY, max_chars=10, placeholder="YYYY-MM-DD", width=140,
        on_change=lambda: state.update({UNTIL_DAY_KEY: state[DAY_SLIDER]}),
        help="The last day played, YYYY-MM-DD (at first the end of the shown day's period "
        "of key dates, else the latest day).",
    )  # fmt: skip
    st.segmented_control("Days a second", list(SPEEDS), key=SPEED_KEY, required=True)
    st.button("Play by day", key="by_day_play", on_click=start, args=(days,),
              icon=":material/play_arrow:", disabled=day >= days.latest)  # fmt: skip
    st.caption(
        "Every day from the date shown, the map's date stamp each day and its layers "
        "where the situation changes. Pause on the map or with Pause above; the date "
        "follows where it stopped."
    )


def typed_until(days: KeyDays) -> dt.date | None:
    """The day typed under Until, if it is one of the span."""
    try:
        return parse_day(str(st.session_state.get(UNTIL_KEY) or "").strip(), days.span)
    except StateError:
        return None


def start(days: KeyDays) -> None:
    """Play by day from the date shown to Until (a callback)."""
    state = st.session_state
    day: dt.date = state[DAY_SLIDER]
    until = typed_until(days)
    if until is None or until <= day:
        state["day_problem"] = (
            f"Type an end day after {day.isoformat()} and up to "
            f"{days.latest.isoformat()} (YYYY-MM-DD) to play by day."
        )
        return
    state["playing"] = False  # one playback at a time
    speed = SPEEDS.get(state.get(SPEED_KEY) or DEFAULT_SPEED, SPEEDS[DEFAULT_SPEED])
    state[BY_DAY_KEY] = {
        "id": secrets.token_hex(6),
        "start": day,
        "until": min(until, days.latest),
        "speed": speed,
        "stop": False,
        "reapply": True,
        "signature": None,
    }
    state[BY_DAY_MENU_KEY] = False  # the menu folds: open, it covers the map's corner


def apply_stopped() -> None:
    """Move the date to where the frame stopped; end a playback whose first day is no
    longer the date (the user chose another: that day wins). Call before the date
    widgets."""
    state = st.session_state
    day = state.pop(STOPPED_KEY, None)
    if isinstance(day, dt.date):
        set_day(day)
    play = state.get(BY_DAY_KEY)
    if play and state.get(DAY_SLIDER) != play["start"]:
        state.pop(BY_DAY_KEY, None)


def frame_payload(version: Hashable, dataset: Dataset, view: View) -> str:
    """What the map's player is handed this run: the plan of the session's playback by
    day (made once per playback), a stop, or nothing."""
    state = st.session_state
    play: dict[str, Any] | None = state.get(BY_DAY_KEY)
    if not play:
        return ""
    if view.day != play["start"]:  # the user chose another day: that day wins
        state.pop(BY_DAY_KEY, None)
        return ""
    signature = (view.layers, view.convention)
    if play["signature"] is None:
        play = state[BY_DAY_KEY] = play | {"signature": signature}
    elif play["signature"] != signature and not play["stop"]:
        # other layers or names than the plan's: stop, the frame's day drawn anew
        play = state[BY_DAY_KEY] = play | {"stop": True, "reapply": False}
    if play["stop"]:
        return stop_payload(play["id"], reapply=play["reapply"])
    made = state.get(PLAN_KEY)
    if made is None or made[0] != play["id"]:
        with st.spinner("Preparing the days…"):
            plan = day_plan(version, dataset, view, play["until"], register=group_store.register)
        ahead = max(AHEAD_DAYS, round(2 * play["speed"]))  # two seconds ahead
        payload = plan.payload(
            play["id"], play["speed"], route=group_store.GROUP_ROUTE, ahead=ahead
        )
        made = state[PLAN_KEY] = (play["id"], payload, plan.end, plan.cut)
    return str(made[1])


def playing_note() -> str | None:
    """A line on the playback by day under way (its end; whether it was cut short)."""
    play = st.session_state.get(BY_DAY_KEY)
    made = st.session_state.get(PLAN_KEY)
    if not play or play["stop"] or made is None or made[0] != play["id"]:
        return None
    note = f"Playing by day to {format_date(made[2])}"
    return note + (" (cut short: at most ten years or 64 situations at once)" if made[3] else "")


def take_report(value: Mapping[str, Any] | None) -> bool:
    """Take where the frame's playback stopped from the map's value (its
    ``last_geocoder_result``, see :mod:`layers.web.playback`); True when the date must
    move there (the caller reruns the page)."""
    found = value.get("last_geocoder_result") if value else None
    report = found.get("playback") if isinstance(found, Mapping) else None
    if not isinstance(report, Mapping):
        return False
    name = report.get("report")
    if not isinstance(name, str) or not first_sight(REPORT_KEY, name):
        return False  # unnamed, or the map's last report handed again
    state = st.session_state
    play = state.get(BY_DAY_KEY)
    if not play or report.get("plan") != play["id"]:
        return False  # of an earlier playback
    try:
        day = dt.date.fromisoformat(str(report.get("day")))
    except ValueError:
        return False
    if not play["start"] <= day <= play["until"]:
        return False
    state.pop(BY_DAY_KEY, None)
    state[STOPPED_KEY] = day
    return True
