"""The way back to the offline basemap when online tiles cannot be loaded.

The map itself notices failing tiles (``layers.web.elements.TileFailureNotice``) and says
so; the switch is this button above the map (in the first screen, where the notice is
seen), shown while the online basemap is chosen.
"""

from __future__ import annotations

import streamlit as st

from layers.briefing.view import DEFAULT_BASEMAP, View

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
