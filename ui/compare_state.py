"""The comparison mode's state in the session and in the address (issue 24).

The mode (the sidebar radio ``mode``), the two dates (the date widgets ``compare_before``
and ``compare_after``) and the swipe bar's place (``compare_swipe``, reported by the map)
are session state; in comparison mode :func:`query` gives their URL parameters
(:class:`layers.briefing.compare_view.CompareView`), written with the view's by
:func:`ui.view_sync.sync_url`, and :func:`restore` sets them from an address (a shared
link, Back or Forward).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from geo.errors import StateError
from layers.briefing.compare_view import (
    COMPARE_MODE,
    DEFAULT_AFTER,
    DEFAULT_BEFORE,
    DEFAULT_SWIPE,
    CompareView,
    compare_from_query,
)
from ui.map_reports import first_sight

#: Session-state keys: the mode radio, the two date widgets, the swipe bar's place.
MODE_KEY = "mode"
BEFORE_KEY, AFTER_KEY = "compare_before", "compare_after"
SWIPE_KEY = "compare_swipe"
SWIPE_REVISION_KEY = "compare_swipe_revision"
#: The last report of the bar's place taken from the map (its frame's id and count).
SWIPE_REPORT_KEY = "compare_swipe_report"


def comparing() -> bool:
    """Whether the session is in comparison mode."""
    return bool(st.session_state.get(MODE_KEY) == COMPARE_MODE)


def current() -> CompareView:
    """The comparison the widgets describe (the defaults where they hold none yet)."""
    state = st.session_state
    try:
        return CompareView(
            state.get(BEFORE_KEY, DEFAULT_BEFORE),
            state.get(AFTER_KEY, DEFAULT_AFTER),
            float(state.get(SWIPE_KEY, DEFAULT_SWIPE)),
        )
    except (StateError, TypeError, ValueError):  # dates in the wrong order: shown as typed
        return CompareView(swipe=float(state.get(SWIPE_KEY, DEFAULT_SWIPE)))


def query() -> dict[str, str]:
    """The comparison's URL parameters in comparison mode; none in map mode."""
    if not comparing():
        return {}
    state = st.session_state
    before, after = state.get(BEFORE_KEY, DEFAULT_BEFORE), state.get(AFTER_KEY, DEFAULT_AFTER)
    shown = current()
    params = shown.to_query()
    params |= {"before": before.isoformat(), "after": after.isoformat()}  # even if reversed
    return params


def restore(params: Mapping[str, str | Sequence[str]], *, navigated: bool) -> list[str]:
    """Set mode, dates and swipe from an address's parameters; the messages of those that
    could not be used. Without ``mode=compare`` a session's first address leaves the
    widgets alone, and a Back or Forward step (``navigated``) returns to map mode."""
    compare, messages = compare_from_query(params)
    state = st.session_state
    if compare is None:
        if navigated:
            state[MODE_KEY] = "map"
        return messages
    state.update(
        {
            MODE_KEY: COMPARE_MODE,
            BEFORE_KEY: compare.before,
            AFTER_KEY: compare.after,
            SWIPE_KEY: compare.swipe,
            SWIPE_REVISION_KEY: swipe_revision() + 1,  # sent anew: the bar may stand elsewhere
        }
    )
    return messages


def swipe_revision() -> int:
    """Changes whenever the swipe is set from an address: the comparison map is then sent
    the bar's place even if it equals the last place it was sent (the bar may have
    moved since, reported after that)."""
    return int(st.session_state.get(SWIPE_REVISION_KEY, 0))


def take_swipe(value: object) -> bool:
    """Keep the swipe bar's place the comparison map reported (its ``all_drawings``: one
    feature whose ``swipe`` property is the share of the width); True if it moved."""
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], Mapping):
        return False
    props = value[0].get("properties")
    raw = props.get("swipe") if isinstance(props, Mapping) else None
    if not isinstance(raw, int | float) or isinstance(raw, bool):
        return False
    try:
        swipe = CompareView(swipe=float(raw)).swipe
    except StateError:
        return False
    state = st.session_state
    report = props.get("report") if isinstance(props, Mapping) else None
    # a report already taken is no move (after a Back step set the bar from the address,
    # it would undo it); a value without a name is taken as it is
    if isinstance(report, str) and not first_sight(SWIPE_REPORT_KEY, report):
        return False
    if state.get(SWIPE_KEY, DEFAULT_SWIPE) == swipe:
        return False
    state[SWIPE_KEY] = swipe
    return True
