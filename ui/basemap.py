"""The way back to the offline basemap when online tiles cannot be loaded.

The map itself notices failing tiles (``layers.web.elements.TileFailureNotice``) and says
so; the switch is this button above the map (in the first screen, where the notice is
seen), shown while the online basemap is chosen. The basemaps offered include the user's
own when the server names one (issue 21).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo.errors import TileError
from layers.briefing.view import BASEMAPS, DEFAULT_BASEMAP, View
from layers.user_basemap import BASEMAP_ENV, USER_BASEMAP, current
from layers.web.html import escape_markdown

#: Session-state flag set with the choice: the sidebar's basemap radio must show it, so
#: when the button is drawn in a fragment (app.py), the whole page runs again.
PAGE_RERUN_KEY = "page_rerun"


def use_offline_basemap() -> None:
    """Choose the offline vector basemap."""
    st.session_state["basemap"] = DEFAULT_BASEMAP
    st.session_state[PAGE_RERUN_KEY] = True


def basemap_fallback(view: View) -> None:
    """Above the map, while the online basemap is chosen: one click to the offline one."""
    if view.basemap == DEFAULT_BASEMAP:
        return
    st.button(
        "Switch to the offline basemap",
        key="basemap_offline",
        on_click=use_offline_basemap,
        help="Online tiles need a network; the offline basemap is drawn from the data.",
    )


# --- the user's own basemap (issue 21) --------------------------------------------------


def basemap_choices() -> list[str]:
    """The basemaps offered: the offline vector one, OpenStreetMap, and the user's own when
    the server names one that can be used (:func:`layers.user_basemap.current`); a setting
    that cannot be used is said once in the sidebar."""
    try:
        usable = current() is not None
    except TileError as exc:
        st.sidebar.warning(escape_markdown(f"{BASEMAP_ENV} cannot be used: {exc}"))
        usable = False
    return [key for key in BASEMAPS if key != USER_BASEMAP or usable]


def usable_view(view: View) -> tuple[View, list[str]]:
    """``view`` with the vector basemap instead of the user's own when none can be used
    (an address shared from a server that had one), and the message saying so."""
    if view.basemap != USER_BASEMAP:
        return view, []
    try:
        if current() is not None:
            return view, []
    except TileError:
        pass
    message = "basemap=user: this server has no basemap of its own; the offline one is shown"
    return replace(view, basemap=DEFAULT_BASEMAP), [message]
