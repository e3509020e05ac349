"""Date controls: the slider, a typed date applied on Enter, key-date steps, and playback.

The date lives in two widgets, the slider (``day_slider``, a date) and the typed date
(``day_input``, ISO text): :func:`set_day` sets both. Playback steps through the key
dates, one per run: the run ends with :func:`wait_and_step`, which sleeps
:func:`play_delay` seconds and reruns. The delay is the session-state value
``play_delay`` when set (the tests set 0), else :data:`PLAY_DELAY`, divided by the
chosen speed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from geo import settings
from geo.errors import StateError
from layers.briefing.view import parse_day
from layers.web.html import escape_markdown

#: Session-state keys of the widgets holding the date.
DAY_KEYS = ("day_slider", "day_input")
#: Seconds between steps at 1× (see the module docstring for the override).
PLAY_DELAY = 1.5
#: Session-state key that overrides :data:`PLAY_DELAY` (set to 0 by the tests).
DELAY_KEY = "play_delay"
#: Playback speeds offered, label -> factor.
SPEEDS: dict[str, float] = {"0.5×": 0.5, "1×": 1.0, "2×": 2.0}
DEFAULT_SPEED = "1×"


def set_day(day: dt.date) -> None:
    """Set the date of every date widget (call before they are drawn, or in a callback)."""
    st.session_state["day_slider"] = day
    st.session_state["day_input"] = day.isoformat()


def on_slider() -> None:
    """The slider moved: show its date in the typed field."""
    set_day(st.session_state["day_slider"])


def on_typed() -> None:
    """A date was typed and Enter (or Tab) pressed: apply it, or say why not."""
    text = str(st.session_state["day_input"]).strip()
    try:
        day = parse_day(text)
    except StateError as exc:
        first, last = settings.FIRST_DATE.isoformat(), settings.LAST_DATE.isoformat()
        st.session_state["day_problem"] = f"{exc} (between {first} and {last})"
        set_day(st.session_state["day_slider"])
        return
    set_day(day)


def on_step(days: tuple[dt.date, ...], forward: bool) -> None:
    """Go to the previous or next key date."""
    today = st.session_state["day_slider"]
    candidates = [d for d in days if d > today] if forward else [d for d in days if d < today]
    if candidates:
        set_day(candidates[0] if forward else candidates[-1])


def toggle_play() -> None:
    """Play or pause stepping through the key dates."""
    st.session_state["playing"] = not st.session_state.get("playing", False)
    st.session_state["play_tick"] = False


def play_tick(days: tuple[dt.date, ...]) -> None:
    """While playing, advance one key date per run; stop after the last one."""
    if not st.session_state.pop("play_tick", False):
        return
    later = [d for d in days if d > st.session_state["day_slider"]]
    if later:
        set_day(later[0])
    else:
        st.session_state["playing"] = False


def play_delay() -> float:
    """Seconds to wait before the next step (see the module docstring)."""
    base = float(st.session_state.get(DELAY_KEY, PLAY_DELAY))
    speed = SPEEDS.get(st.session_state.get("play_speed") or DEFAULT_SPEED, 1.0)
    return base / speed


def date_controls(days: tuple[dt.date, ...]) -> None:
    """Slider; a row: typed date, previous/next key date, one Play/Pause button, speed."""
    first, last = settings.FIRST_DATE, settings.LAST_DATE
    st.session_state.setdefault("play_speed", DEFAULT_SPEED)
    # One row that wraps when narrow (ui.layout styles it) and whose height does not change
    # while playing: one button whose label changes in place, short labels that do not
    # wrap, problems shown as toasts.
    row = st.container(horizontal=True, vertical_alignment="bottom", key="date-row")
    with row.container(key="date-slider"):
        st.slider("Date", first, last, key="day_slider", on_change=on_slider)
    row.text_input(
        "Go to date",
        key="day_input",
        on_change=on_typed,
        max_chars=10,
        placeholder="YYYY-MM-DD",
        help="Type a date YYYY-MM-DD and press Enter (or Tab).",
        width=140,
    )
    row.button("◀ Previous", on_click=on_step, args=(days, False), key="prev")
    row.button("Next ▶", on_click=on_step, args=(days, True), key="next")
    playing = bool(st.session_state.get("playing"))
    row.button("Pause" if playing else "Play", key="play", on_click=toggle_play,
               icon=":material/pause:" if playing else ":material/play_arrow:",
               width=110)  # fmt: skip
    row.segmented_control("Speed", list(SPEEDS), key="play_speed", width="content")
    problem = st.session_state.pop("day_problem", None)
    if problem:
        st.toast(escape_markdown(problem), icon="⚠️")  # a toast: the layout does not move


def wait_and_step(*, fragment: bool = False) -> None:
    """At the end of a run while playing: wait, then rerun one key date further: the
    page, or with ``fragment`` only the fragment this is called in when the run is a
    rerun of that fragment (Streamlit cannot rerun a fragment alone from a run of the
    whole page: the page runs again, and the next step is a fragment rerun only if the
    user acted on the fragment meanwhile)."""
    if not st.session_state.get("playing"):
        return
    time.sleep(play_delay())
    if st.session_state.get("playing"):  # not paused meanwhile
        st.session_state["play_tick"] = True
        if fragment:
            with contextlib.suppress(StreamlitAPIException):  # not in a run of the page
                st.rerun(scope="fragment")
        st.rerun()
