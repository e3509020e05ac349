"""Date controls: the slider, a typed date applied on Enter, steps, key dates, playback.

The date lives in two widgets, the slider (``day_slider``, a date) and the typed date
(``day_input``, ISO text): :func:`set_day` sets both. Their span is the data's
(:attr:`geo.dataset.Dataset.span`, in :class:`geo.periods.KeyDays`): decades, so the
slider is for coarse moves and the rest are precise. ◀ and ▶ step by the unit chosen
under "Key dates" (a key date, a month or a year: :data:`geo.periods.STEP_UNITS`), which
also lists the key dates by period (:func:`geo.periods.periods`), with the article's date
and the latest day, and holds the speed. Playback steps by the same unit, one step per
run: the run ends with :func:`wait_and_step`, which sleeps :func:`play_delay` seconds
and reruns. The delay is the session-state value ``play_delay`` when set (the tests set
0), else :data:`STEP_SECONDS`, divided by the chosen speed (steps per second): a year a second
covers a decade in ten seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable

import streamlit as st
from streamlit.errors import StreamlitAPIException

from geo import settings
from geo.dates import format_date
from geo.errors import StateError
from geo.periods import STEP_UNITS, KeyDays, period_of, step
from layers.briefing.view import parse_day
from layers.web.date_widgets import DAY_INPUT, DAY_SLIDER, NEXT, PREV, SLIDER_BOX
from layers.web.html import escape_markdown
from ui.folding import unfolded

#: Session-state keys of the widgets holding the date.
DAY_KEYS = (DAY_SLIDER, DAY_INPUT)
#: Seconds between steps at one step a second (see the module docstring for the override).
STEP_SECONDS = 1.0
#: Session-state key that overrides :data:`STEP_SECONDS` (set to 0 by the tests).
DELAY_KEY = "play_delay"
#: Playback speeds offered, label -> steps per second.
SPEEDS: dict[str, float] = {"½/s": 0.5, "1/s": 1.0, "2/s": 2.0}
DEFAULT_SPEED = "1/s"
#: Session-state keys of the step unit, the period shown under "Key dates" (and the day
#: it was chosen for) and the key date picked there.
STEP_KEY = "play_step"
DEFAULT_STEP = "key"
PERIOD_KEY, PERIOD_DAY_KEY, PICK_KEY = "key_period", "key_period_day", "key_pick"
#: Keys of the menus (their state: open or not; their CSS class ``st-key-…``).
MENU_KEY, BY_DAY_MENU_KEY = "key-dates", "by-day"
#: Session-state key of the playback by day under way (:mod:`ui.day_playback`).
BY_DAY_KEY = "by_day"
#: The widgets whose values a comparison keeps while the date row is not drawn.
KEPT_KEYS = (*DAY_KEYS, "play_speed", STEP_KEY)


def set_day(day: dt.date) -> None:
    """Set the date of every date widget (call before they are drawn, or in a callback)."""
    st.session_state[DAY_SLIDER] = day
    st.session_state[DAY_INPUT] = day.isoformat()


def keep_in_span(days: KeyDays) -> None:
    """Keep the date, within the data's span, when that span changes (a data file edited
    while the session is open, or midnight moving "today"); call in every run of the
    page, before the date widgets are drawn.

    The slider's ends are the span's, and Streamlit takes a slider with other ends for a
    new widget, which would start at its first day: the date is handed to it again."""
    day = st.session_state.get(DAY_SLIDER)
    if isinstance(day, dt.date):
        set_day(days.span.clamp(day))


def on_slider() -> None:
    """The slider moved: show its date in the typed field."""
    set_day(st.session_state[DAY_SLIDER])


def on_typed(days: KeyDays) -> None:
    """A date was typed and Enter (or Tab) pressed: apply it, or say why not."""
    text = str(st.session_state[DAY_INPUT]).strip()
    try:
        day = parse_day(text, days.span)
    except StateError as exc:
        problem = str(exc)
        if days.span.describe() not in problem:
            problem += f" (between {days.span.first.isoformat()} and {days.span.last.isoformat()})"
        st.session_state["day_problem"] = problem
        set_day(st.session_state[DAY_SLIDER])
        return
    set_day(day)


def step_unit() -> str:
    """The unit the steps and the playback move by (a key of :data:`STEP_UNITS`)."""
    unit = st.session_state.get(STEP_KEY) or DEFAULT_STEP
    return unit if unit in STEP_UNITS else DEFAULT_STEP


def on_step(days: KeyDays, forward: bool) -> None:
    """Go one step back or forward (a key date, a month or a year)."""
    now = st.session_state[DAY_SLIDER]
    target = step(now, step_unit(), forward=forward, span=days.span, key_days=days.days)
    if target is not None:
        set_day(target)


def on_pick() -> None:
    """A key date was picked under "Key dates": go there (the pick is then cleared)."""
    picked = st.session_state.get(PICK_KEY)
    if isinstance(picked, dt.date):
        set_day(picked)
    st.session_state[PICK_KEY] = None


def by_day_playing() -> bool:
    """Whether a playback by day is under way (not asked to stop)."""
    play = st.session_state.get(BY_DAY_KEY)
    return play is not None and not play["stop"]


def toggle_play() -> None:
    """Play or pause stepping; pause a playback by day (the map's frame is asked to stop
    and report where it is, :mod:`ui.day_playback`)."""
    if by_day_playing():
        play = st.session_state[BY_DAY_KEY]
        st.session_state[BY_DAY_KEY] = play | {"stop": True, "reapply": True}
        return
    st.session_state["playing"] = not st.session_state.get("playing", False)
    st.session_state["play_tick"] = False


def play_tick(days: KeyDays) -> None:
    """While playing, advance one step per run; stop after the last one."""
    if not st.session_state.pop("play_tick", False):
        return
    now = st.session_state[DAY_SLIDER]
    later = step(now, step_unit(), forward=True, span=days.span, key_days=days.days)
    if later is not None:
        set_day(later)
    else:
        st.session_state["playing"] = False


def play_delay() -> float:
    """Seconds to wait before the next step (see the module docstring)."""
    base = float(st.session_state.get(DELAY_KEY, STEP_SECONDS))
    speed = SPEEDS.get(st.session_state.get("play_speed") or DEFAULT_SPEED, 1.0)
    return base / speed


def date_controls(
    days: KeyDays,
    by_day: Callable[[KeyDays], None] | None = None,
    by_day_keys: tuple[str, ...] = (),
) -> None:
    """Slider; a row: typed date, previous/next step, one Play/Pause button, a menu of
    the key dates by period, the step unit and the speed, and the menu ``by_day`` draws
    (the playback by day, :func:`ui.day_playback.by_day_menu`, whose widgets' keys are
    ``by_day_keys``). A browser is sent the menus' widgets only while a menu is open
    (:mod:`ui.folding`): on a date change it lays out their buttons alone."""
    first, last = days.span.first, days.span.last
    state = st.session_state
    state.setdefault("play_speed", DEFAULT_SPEED)
    state.setdefault(STEP_KEY, DEFAULT_STEP)
    unit = step_unit()
    # One row that wraps when narrow (ui.layout styles it) and whose height does not change
    # while playing: one button whose label changes in place, short labels that do not
    # wrap, problems shown as toasts.
    row = st.container(horizontal=True, vertical_alignment="bottom", key="date-row")
    with row.container(key=SLIDER_BOX):
        st.slider("Date", first, last, key=DAY_SLIDER, on_change=on_slider)
    row.text_input(
        "Go to date",
        key=DAY_INPUT,
        on_change=on_typed,
        args=(days,),
        max_chars=10,
        placeholder="YYYY-MM-DD",
        help=f"Type a date YYYY-MM-DD ({first.isoformat()} to {last.isoformat()}) and "
        "press Enter (or Tab).",
        width=140,
    )
    word = STEP_UNITS[unit]
    back, ahead = ("◀ Previous", "Next ▶") if unit == "key" else (f"◀ {word}", f"{word} ▶")
    row.button(back, on_click=on_step, args=(days, False), key=PREV)
    row.button(ahead, on_click=on_step, args=(days, True), key=NEXT)
    playing = bool(state.get("playing")) or by_day_playing()
    row.button("Pause" if playing else "Play", key="play", on_click=toggle_play,
               icon=":material/pause:" if playing else ":material/play_arrow:",
               width=110)  # fmt: skip
    menu = row.popover("Key dates", key=MENU_KEY, icon=":material/event:", on_change="rerun")
    with menu:
        if unfolded(menu.open, keep=(PERIOD_KEY, STEP_KEY, "play_speed")):
            key_date_menu(days)
            st.segmented_control("Step (◀ ▶ and Play)", list(STEP_UNITS), key=STEP_KEY,
                                 format_func=STEP_UNITS.__getitem__, required=True)  # fmt: skip
            st.segmented_control("Speed (steps a second while playing)", list(SPEEDS),
                                 key="play_speed", required=True)  # fmt: skip
    if by_day is not None:
        icon = ":material/calendar_view_day:"
        other = row.popover("By day", key=BY_DAY_MENU_KEY, icon=icon, on_change="rerun")
        with other:
            if unfolded(other.open, keep=by_day_keys):
                by_day(days)
    problem = state.pop("day_problem", None)
    if problem:
        st.toast(escape_markdown(problem), icon="⚠️")  # a toast: the layout does not move


def key_date_menu(days: KeyDays) -> None:
    """The key dates by period (the period of the date shown unless another is chosen),
    the article's date and the latest day."""
    state = st.session_state
    now = state[DAY_SLIDER]
    groups = days.periods
    if groups:
        if state.get(PERIOD_DAY_KEY) != now or not 0 <= state.get(PERIOD_KEY, -1) < len(groups):
            state[PERIOD_KEY] = period_of(groups, now)  # follows the date until chosen
            state[PERIOD_DAY_KEY] = now
        index = st.selectbox(
            "Period", range(len(groups)), key=PERIOD_KEY,
            format_func=lambda i: f"{groups[i].label} ({len(groups[i].days)} key dates)",
        )  # fmt: skip
        st.selectbox(
            "Key date", groups[index].days, index=None, key=PICK_KEY, on_change=on_pick,
            placeholder="Pick a key date", format_func=format_date,
        )  # fmt: skip
    if days.span.contains(settings.ARTICLE_DATE):
        st.button(f"The article: {format_date(settings.ARTICLE_DATE)}", key="key:article",
                  on_click=set_day, args=(settings.ARTICLE_DATE,))  # fmt: skip
    st.button(f"Latest: {format_date(days.latest)}", key="key:latest",
              on_click=set_day, args=(days.latest,))  # fmt: skip


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
