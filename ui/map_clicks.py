"""What a click on the map does: an event clicked is highlighted in the timeline and
scrolled to; in the distance tool's click mode, a clicked point is a measurement end.

Wiring (the map's ``st_folium`` call): ask for :data:`RETURNED_OBJECTS` (plus whatever
else the map returns), and pass its return value to :func:`on_map_value` right after the
call, with the timeline's entries. It returns a :class:`MapClick`: after a new
measurement point the page must be redrawn (``st.rerun()``: the line is drawn by the
map); with the map in an ``st.fragment``, after a picked event too (the timeline is
outside the fragment: ``st.rerun(scope="app")``). :func:`clicked_event_id` alone gives
the event id of a return value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from layers.web.timeline_panel import TimelineEntry, clicked_event
from ui.distance import CLICK_MODE_KEY, add_point
from ui.timeline import select_event

#: The st_folium return values this module reads.
RETURNED_OBJECTS = ["last_clicked", "last_object_clicked", "last_object_clicked_tooltip"]
#: Session-state key of the last return value acted on.
SEEN_KEY = "map_clicks_seen"


def _latlon(value: object) -> tuple[float, float] | None:
    if isinstance(value, Mapping) and "lat" in value and "lng" in value:
        return float(value["lat"]), float(value["lng"])
    return None


def clicked_event_id(
    value: Mapping[str, Any] | None, entries: Sequence[TimelineEntry]
) -> str | None:
    """The event the last object clicked on the map belongs to, if it is an event."""
    if not value:
        return None
    at = _latlon(value.get("last_object_clicked"))
    return clicked_event(entries, value.get("last_object_clicked_tooltip"), at)


@dataclass(frozen=True)
class MapClick:
    """What a new click did: the event it picked (highlighted and scrolled to in the
    timeline), and whether it added a measurement point (the map must be redrawn)."""

    event_id: str | None = None
    new_point: bool = False


def on_map_value(value: Mapping[str, Any] | None, entries: Sequence[TimelineEntry]) -> MapClick:
    """Act on a new click reported by the map (see the module docstring)."""
    if not value:
        return MapClick()
    state = st.session_state
    clicks = {key: value.get(key) for key in RETURNED_OBJECTS}
    seen = state.get(SEEN_KEY)
    state[SEEN_KEY] = clicks
    if seen is None or clicks == seen:  # the first value is the map's initial state
        return MapClick()
    event_id = None
    object_moved = clicks["last_object_clicked"] != seen.get("last_object_clicked")
    tooltip_changed = clicks["last_object_clicked_tooltip"] != seen.get(
        "last_object_clicked_tooltip"
    )
    if object_moved or tooltip_changed:
        event_id = clicked_event_id(value, entries)
        if event_id is not None:
            select_event(event_id)
    point = None
    if state.get(CLICK_MODE_KEY):
        if clicks["last_clicked"] != seen.get("last_clicked"):
            point = _latlon(clicks["last_clicked"])
        elif object_moved:  # markers do not pass their clicks on to the map
            point = _latlon(clicks["last_object_clicked"])
        if point is not None:
            add_point((round(point[0], 5), round(point[1], 5)))
    return MapClick(event_id=event_id, new_point=point is not None)
