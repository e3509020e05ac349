"""Menus and panels whose widgets a browser is sent only while they are open (issue 25).

A date change reruns the date's fragment (``app.map_page``), and the browser lays out
again every element the run sends, folded or not: the key-date and by-day menus of the
date row and the sidebar's Export and Deck panels were about a third of the browser's
work on a date change (``python -m bench.date_split``), though they are folded nearly
always. Each is now a stateful container (``on_change="rerun"``): opening it reruns
the fragment, which draws its widgets.

Only a browser's front end is sent folded sections empty (:func:`browser_session`); any
other client (a test of the script, a protocol-level load test) gets every widget in
every run, as before. While a section is folded, the values of its widgets are kept
(:func:`unfolded`'s ``keep``): Streamlit drops the state of a widget a run does not
draw, which would reset a chosen step unit or a half-typed slide title.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st


def browser_session() -> bool:
    """Whether a browser's front end runs this session (it sends its time zone with
    every run). Any other client (a test of the script, a protocol-level load test)
    gets the whole page in every run."""
    return st.context.timezone is not None


def unfolded(is_open: bool | None, keep: Iterable[str] = ()) -> bool:
    """Whether to draw a section's widgets: while it is open (``is_open``, the
    container's ``open``), and always for a client that is not a browser. While it is
    folded, the session keeps the values of the widgets ``keep`` (keys of widgets that
    hold a value: never a button's)."""
    if is_open or not browser_session():
        return True
    state = st.session_state
    for key in keep:
        if key in state:
            state[key] = state[key]  # a value set by the script: kept while not drawn
    return False
