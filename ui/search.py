"""Place search in the sidebar: any name form, typos tolerated, regions included; the map
flies to the result and pins it, and close alternatives are offered ("Did you mean")."""

from __future__ import annotations

import streamlit as st
from shapely.geometry import box

from geo.gazetteer import Entry, LocalGazetteer
from layers.web.html import escape_markdown
from layers.web.timeline_panel import POINT_ZOOM, fly_to

#: Session-state keys: the result line, the alternatives offered, the pin on the map.
RESULT_KEY = "search_result"
ALTERNATIVES_KEY = "search_alternatives"
PIN_KEY = "pin"
#: Alternatives offered under a result.
ALTERNATIVES = 3


def show_entry(entry: Entry) -> None:
    """Fly the map to an entry (a region's extent, a place's point) and pin it."""
    if entry.bounds is not None:
        st.session_state["fly"] = fly_to(box(*entry.bounds))
    else:
        st.session_state["fly"] = ((entry.lat, entry.lon), POINT_ZOOM)
    st.session_state[PIN_KEY] = (entry.lat, entry.lon, entry.label)


def on_search(gazetteer: LocalGazetteer) -> None:
    """A query was entered: show the best match and keep the next ones as alternatives,
    or say that nothing matches."""
    state = st.session_state
    query = str(state["search"]).strip()
    matches = gazetteer.search(query) if query else []
    state[ALTERNATIVES_KEY] = [m.entry for m in matches[1 : 1 + ALTERNATIVES]]
    if not matches:
        state[RESULT_KEY] = f"No place called “{query}” in the gazetteer." if query else ""
        state[PIN_KEY] = None
        return
    best = matches[0]
    show_entry(best.entry)
    matched = "" if best.name == best.entry.label else f", as “{best.name}”"
    state[RESULT_KEY] = f"Found {best.entry.label} ({best.entry.kind}{matched})"


def on_alternative(entry: Entry) -> None:
    """An alternative was picked: show it instead."""
    show_entry(entry)
    st.session_state[RESULT_KEY] = f"Found {entry.label} ({entry.kind})"
    st.session_state[ALTERNATIVES_KEY] = []


def place_search(gazetteer: LocalGazetteer) -> None:
    """Find a place or region by any of its names (Khankendi, Шуша, Syunik, ...)."""
    sidebar = st.sidebar
    sidebar.text_input(
        "Find a place or region",
        key="search",
        on_change=on_search,
        args=(gazetteer,),
        placeholder="any name or script, e.g. Khankendi, Шуша, Syunik",
    )
    if st.session_state.get(RESULT_KEY):
        sidebar.caption(escape_markdown(st.session_state[RESULT_KEY]))
    alternatives = st.session_state.get(ALTERNATIVES_KEY) or []
    if alternatives:
        sidebar.caption("Did you mean")
        for index, entry in enumerate(alternatives):
            sidebar.button(escape_markdown(f"{entry.label} ({entry.kind})"),
                           key=f"did-you-mean:{index}",
                           on_click=on_alternative,
                           args=(entry,), type="tertiary")  # fmt: skip
