"""The distance tool: between two places, sites or borders picked in lists, or between two
points clicked on the map (see :mod:`ui.map_clicks`); geodesic, drawn and labelled on
the map."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.dataset import Dataset
from geo.errors import StateError
from geo.measure import Measurement, between, target_options
from layers.web.html import escape_markdown

#: Session-state keys: click mode on, and the points clicked so far ((lat, lon) each).
CLICK_MODE_KEY = "measure_clicks"
POINTS_KEY = "measure_points"


def add_point(point: tuple[float, float]) -> None:
    """A point was clicked in click mode: the first, the second, or a new first."""
    points = list(st.session_state.get(POINTS_KEY) or [])
    points = [point] if len(points) >= 2 else [*points, point]
    st.session_state[POINTS_KEY] = points


def forget_points() -> None:
    """Click mode turned on or off: forget the clicked points, and the picked targets
    (their names would stay in From and To while the line joins clicked points)."""
    st.session_state[POINTS_KEY] = []
    st.session_state["from"] = None
    st.session_state["to"] = None


def clear() -> None:
    """Forget the clicked points and the picked targets."""
    st.session_state[POINTS_KEY] = []
    st.session_state["from"] = None
    st.session_state["to"] = None


def clicked_measurement() -> Measurement | None:
    """The measurement between the two clicked points, if there are two."""
    points = st.session_state.get(POINTS_KEY) or []
    if not st.session_state.get(CLICK_MODE_KEY) or len(points) < 2:
        return None
    return between(points[0], points[1])


def distance_tool(
    dataset: Dataset, measure: Callable[[str, str], Measurement]
) -> Measurement | None:
    """Two targets (or two clicked points) and their geodesic distance; returns the
    measurement to draw. ``measure(key_a, key_b)`` measures between two targets."""
    options = target_options(dataset)
    with st.sidebar.expander("Distance", expanded=False):
        clicking = st.toggle("Click two points on the map", key=CLICK_MODE_KEY,
                             on_change=forget_points)  # fmt: skip
        a = st.selectbox("From", list(options), index=None, format_func=options.__getitem__,
                         key="from", disabled=clicking)  # fmt: skip
        b = st.selectbox("To", list(options), index=None, format_func=options.__getitem__,
                         key="to", disabled=clicking)  # fmt: skip
        draw = st.checkbox("Draw on the map", value=True, key="draw_measure")
        st.button("Clear", key="measure_clear", on_click=clear)
        result = clicked_measurement()
        if result is None and clicking:
            count = len(st.session_state.get(POINTS_KEY) or [])
            st.caption("Click the second point." if count == 1 else "Click a first point.")
        if result is None and a is not None and b is not None:
            try:
                result = measure(a, b)
            except StateError as exc:
                st.warning(escape_markdown(exc))
                return None
        if result is None:
            if not clicking:
                st.caption("Pick two places, sites or borders, or click two points.")
            return None
        st.metric("Shortest geodesic distance", f"{result.km:,.1f} km")
    return result if draw else None
