"""The map's view between the browser, the session and the URL.

The map is an ``st_folium`` component inside an ``st.fragment``: when the user pans or
zooms, the component reports its bounds (debounced by streamlit-folium, 250 ms) and only
the fragment reruns. The fragment keeps the bounds in session state (``bounds``, and the
shared :class:`Screen` the export buttons read when clicked) and writes them to the URL
as ``view=``; the map is never remounted by a pan or a zoom.

The base map is fitted to its *origin* (the bounds of the URL when the session started,
or after a Back/Forward step); the origin changes only when the map must move by itself
(a history step to another view, a basemap switch), which remounts it.

Back and Forward: every change of the URL by the app is a new browser history entry
(Streamlit pushes one per change of ``st.query_params``; pans and zooms included). On
Back or Forward, Streamlit reruns the page with the older query string and flags the run
as a history step; :func:`navigated` tells that run apart from the app's own (flagged,
and the query no longer matches the one the app last wrote), and the caller then
restores date, layers, names, basemap, print options and the view from it.

streamlit-folium does not keep its state in ``st.session_state[key]`` inside a fragment
(streamlit-folium issue 268): the component's return value is used instead.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import folium
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.dataset import Dataset
from geo.measure import Measurement
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import Bounds, View, check_bounds
from layers.user_basemap import USER_BASEMAP
from layers.web.date_preview import empty_group
from layers.web.frame_groups import FrameGroups
from layers.web.groups import feature_groups
from layers.web.map import MAP_HEIGHT, base_map
from layers.web.prepared import PreparedScript
from layers.web.situations import MapLayers
from layers.web.timeline_panel import click_targets, now_card
from ui import annotations as annotations_ui
from ui import compare_state, day_playback
from ui.distance import CLICK_MODE_KEY
from ui.folium_call import st_folium_once
from ui.map_clicks import RETURNED_OBJECTS as CLICK_OBJECTS
from ui.map_clicks import on_map_value
from ui.map_first import fill_if_waiting
from ui.search import PIN_KEY

#: Session-state keys of this module.
ORIGIN_KEY = "map_origin"  # (basemap, bounds) the base map is fitted to
RETURN_KEY = "map_return"  # (origin, last bounds the component reported)
URL_KEY = "url_query"  # the query the app last wrote or restored
SCREEN_KEY = "screen"
#: (mount, record) of the groups the mounted map frame has (layers.web.frame_groups): the
#: mount is the base map's origin and the height (another one remounts the frame).
FRAME_KEY = "map_frame_groups"
#: Decimal places kept of a reported bound (about 1 cm; the round trip stays within 1 %).
DIGITS = 7

Query = dict[str, list[str]]


@dataclass
class Screen:
    """What the browser shows, for exports built on click (on another thread, after the
    run that drew the buttons): the view, with the latest bounds the map reported."""

    view: View
    sheet: PrintOptions = field(default_factory=PrintOptions)
    #: One line on the last export built on click that failed, until shown.
    failure: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **changes: Any) -> None:
        with self.lock:
            for name, value in changes.items():
                setattr(self, name, value)

    def take_failure(self) -> str | None:
        """The failure line to show (once), if any."""
        with self.lock:
            failure, self.failure = self.failure, None
            return failure

    def snapshot(self) -> tuple[View, PrintOptions]:
        with self.lock:
            return self.view, self.sheet


def screen(view: View, sheet: PrintOptions) -> Screen:
    """The session's :class:`Screen`, updated to ``view`` and ``sheet``."""
    state = st.session_state
    if SCREEN_KEY not in state:
        state[SCREEN_KEY] = Screen(view, sheet)
    live: Screen = state[SCREEN_KEY]
    live.update(view=view, sheet=sheet)
    return live


# --- URL -------------------------------------------------------------------------------


def url_query() -> Query:
    """The URL's query, every value of a repeated key kept."""
    params = st.query_params
    return {key: params.get_all(key) for key in params}


def _as_query(query: Mapping[str, str | Sequence[str]]) -> Query:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in query.items()}


def history_step() -> bool:
    """Whether the browser reran the page for a Back or Forward step (Streamlit's
    history-navigation flag of this run, set by the page on ``popstate``)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.is_history_navigation)


def navigated() -> bool:
    """True when this run comes from Back or Forward: the browser says so and the URL is
    no longer the one the app wrote last (a session's first run is not a navigation).

    A differing URL alone is not enough: a run asked for while the app's last URL
    change is still on its way to the browser (a click right after the map reported a
    pan) carries the older query string, and taking it for a Back step would reset the
    view and remount the map.

    The trade-off: Streamlit drops the flag when it merges a Back step's rerun with a
    newer request (the map reporting its bounds at that moment) or when a click
    interrupts the Back step's run; the older URL then cannot be told from a stale one,
    the step is missed and the app writes its view back into the URL (one more history
    entry). Both need an action within the same run; the stale URL needed only a click
    soon after a pan, and remounted the map."""
    written = st.session_state.get(URL_KEY)
    return history_step() and written is not None and url_query() != written


def remember_url() -> None:
    """Record the URL as the app's own (after restoring a view from it)."""
    st.session_state[URL_KEY] = url_query()


def sync_url(view: View, sheet: PrintOptions) -> None:
    """Write the view, the print options and, in comparison mode, the comparison
    (:mod:`ui.compare_state`) into the URL (only when they changed; each change is a
    browser history entry)."""
    query = view.to_query() | sheet.to_query() | compare_state.query()
    if url_query() != _as_query(query):
        st.query_params.from_dict(query)
    st.session_state[URL_KEY] = _as_query(query)


def restore_origin(bounds: Bounds) -> None:
    """After a history step: fit the map to ``bounds`` (remounting it if they differ)."""
    origin = st.session_state.get(ORIGIN_KEY)
    if origin is not None and origin[1] != bounds:
        _set_origin((origin[0], bounds))


def _set_origin(origin: tuple[str, Bounds]) -> None:
    """Fit the map to new bounds; what the component reported before is stale."""
    state = st.session_state
    state[ORIGIN_KEY] = origin
    previous = state.get(RETURN_KEY)
    if previous is not None:
        state[RETURN_KEY] = (origin, previous[1])


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


#: Zoom snap of the web map (:func:`layers.web.map.base_map`): a fitted view is at most
#: this power of two larger than the bounds it fits.
ZOOM_SNAP = 0.25


def is_fit_of(reported: Bounds, origin: Bounds) -> bool:
    """True when ``reported`` is what Leaflet's ``fitBounds(origin)`` shows: the same
    centre (Web Mercator) and ``origin`` just fitting in one dimension (up to one zoom
    snap larger). The map reports nothing when it is mounted, so its first report is
    either this fit or a move by the user."""
    ox0, oy0, ox1, oy1 = origin
    rx0, ry0, rx1, ry1 = reported
    o_h, r_h = _mercator_y(oy1) - _mercator_y(oy0), _mercator_y(ry1) - _mercator_y(ry0)
    o_w, r_w = ox1 - ox0, rx1 - rx0
    centred = abs((ox0 + ox1) - (rx0 + rx1)) / 2 <= 0.003 * r_w and abs(
        (_mercator_y(oy0) + _mercator_y(oy1)) - (_mercator_y(ry0) + _mercator_y(ry1))
    ) / 2 <= 0.003 * r_h
    scale = min(r_w / o_w, r_h / o_h)
    return centred and 0.995 <= scale <= 2**ZOOM_SNAP * 1.005


# --- The map fragment ------------------------------------------------------------------


def reported_bounds(value: Mapping[str, Any] | None) -> Bounds | None:
    """Bounds (min lon, min lat, max lon, max lat) from the component's return value,
    rounded to :data:`DIGITS` places, or None if it reports none (or a whole-world view)."""
    if not value or not isinstance(value.get("bounds"), Mapping):
        return None
    corners = value["bounds"]
    try:
        south_west, north_east = corners["_southWest"], corners["_northEast"]
        raw = (south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"])
        bounds = tuple(round(float(v), DIGITS) for v in raw)
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in bounds):
        return None
    try:
        return check_bounds((bounds[0], bounds[1], bounds[2], bounds[3]))
    except ValueError:
        return None


@st.fragment
def map_fragment(
    dataset: Dataset,
    view: View,
    layers: MapLayers,
    measurement: Measurement | None,
    fly: tuple[tuple[float, float], int] | None,
    key: str,
    height: int = MAP_HEIGHT,
    playback: str = "",
    preview: Callable[[int], PreparedScript] | None = None,
) -> None:
    """The map, rerun alone when the user pans or zooms (see the module docstring).

    ``layers`` are the map-ready layers of the view's date and the groups of some of them
    already made into script (:func:`layers.web.situations.map_layers`; the others are
    built here); ``fly`` an optional (centre, zoom) to move to without a remount;
    ``playback`` what the map's player is handed (:func:`ui.day_playback.frame_payload`);
    ``preview`` the group of the frame's date preview at a position
    (:func:`layers.web.date_preview.plan_group`; None: an empty plan, no preview).
    Layers
    not drawn are empty groups, prepared once. Clicks are handled by
    :func:`ui.map_clicks.on_map_value`: a new measurement point or a picked event
    reruns the whole page (the line and the timeline are drawn outside the fragment).
    The map's first report (sent once its script has drawn it) fills a session's first
    page (:func:`ui.map_first.fill_if_waiting`).
    """
    state = st.session_state
    origin = state.get(ORIGIN_KEY)
    if origin is None or origin[0] != view.basemap:
        origin = (view.basemap, state.get("bounds", view.bounds))
        _set_origin(origin)
    frame = frame_groups(origin, height)
    value, raw_bounds = st_folium_once(
        lambda: base_map(dataset, origin[1], view.basemap),
        None if view.basemap == USER_BASEMAP else ("main", id(dataset), origin[1], view.basemap),
        owner=dataset,  # the user's own tiles: that base map is not kept
        key=key,
        height=height,
        returned_objects=RETURNED_OBJECTS,
        # render=False remounted the map in some full browser-suite runs (a deck slide
        # change, a shared view reopened wider): keep st_folium's own render.
        render=True,
        feature_group_to_add=frame.send(with_preview(feature_groups(
            layers.collections,
            measurement,
            pin=state.get(PIN_KEY),
            day=view.day,
            prepared=layers.groups(),
            annotations=annotations_ui.current(),
            revision=annotations_ui.revision(),
            now=now_card(dataset, view.day, view.convention) if state.get("playing") else "",
            picking=bool(state.get(CLICK_MODE_KEY)),
            playback=playback,
        ), preview)),
        center=fly[0] if fly else None,
        zoom=fly[1] if fly else None,
    )
    default = bounds_of(raw_bounds)
    reported = reported_bounds(value)
    if reported is not None and reported != default:
        frame.confirmed = True  # the frame is mounted and ran what it was sent
    _take_report(reported, default, origin)
    if reported is not None and reported != default:
        fill_if_waiting()  # the map is drawn: the timeline waiting for it is filled now
    if day_playback.take_report(value):
        st.rerun(scope="app")  # the date, the timeline and the address follow
    if annotations_ui.take_drawings(value):
        take_annotations()
        st.rerun(scope="app")  # the sidebar's list, the exports and the URL follow
    entries = click_targets(dataset, view.day, convention=view.convention)
    click = on_map_value(value, entries)
    if click.new_point or click.event_id is not None:
        st.rerun(scope="app")  # draw the measured line; highlight the event's card


def with_preview(
    groups: list[folium.FeatureGroup], preview: Callable[[int], PreparedScript] | None
) -> list[folium.FeatureGroup]:
    """``groups`` and, last, the date preview's plan (an empty one without ``preview``):
    the list keeps its length whether the frame previews dates or not."""
    at = len(groups)
    return [*groups, (preview(at) if preview is not None else empty_group(at)).group()]


def frame_groups(origin: Any, height: int) -> FrameGroups:
    """The record of the groups the map frame mounted for ``origin`` and ``height`` has
    (a new, empty one when either changed: the frame is then a new one). Once the frame
    has reported, a kept group it has is sent as a stub; if it lacks it after all (a
    remount the server did not see), the frame fetches it from the app's route."""
    state = st.session_state
    mount = (origin, height)
    record = state.get(FRAME_KEY)
    if record is None or record[0] != mount:
        record = state[FRAME_KEY] = (mount, FrameGroups())
    groups: FrameGroups = record[1]
    return groups


def forget_frame() -> None:
    """The main map is not drawn in this run (comparison mode): its frame goes."""
    st.session_state.pop(FRAME_KEY, None)


#: What the map component reports: its view (bounds, zoom), the clicks
#: (:data:`ui.map_clicks.RETURNED_OBJECTS`) and the user's drawing (:mod:`ui.annotations`).
RETURNED_OBJECTS = [
    "bounds",
    "zoom",
    *CLICK_OBJECTS,
    *annotations_ui.RETURNED_OBJECTS,
    *day_playback.RETURNED_OBJECTS,
]


def _take_report(bounds: Bounds | None, default: Bounds | None, origin: Any) -> None:
    """Keep the bounds the map reported when they are a move by the user."""
    state = st.session_state
    if bounds is None or bounds == default:
        return  # nothing reported yet by the browser
    previous = state.get(RETURN_KEY)
    state[RETURN_KEY] = (origin, bounds)
    if previous == (origin, bounds):
        return  # a rerun: the component repeats its last report
    if (previous is None or previous[0] != origin) and is_fit_of(bounds, origin[1]):
        return  # the first report after (re)mounting shows the origin as fitted
    take_bounds(bounds)


def take_bounds(bounds: Bounds) -> None:
    """The user moved the map: keep its bounds in the session, the screen and the URL."""
    state = st.session_state
    state["bounds"] = bounds
    live: Screen | None = state.get(SCREEN_KEY)
    if live is not None:
        view, sheet = live.snapshot()
        view = replace(view, bounds=bounds)
        live.update(view=view)
        state["last_view"] = view
        sync_url(view, sheet)


def take_annotations() -> None:
    """The user drew: the session's annotations go into the screen and the URL."""
    state = st.session_state
    live: Screen | None = state.get(SCREEN_KEY)
    if live is not None:
        view, sheet = live.snapshot()
        view = replace(view, annotations=annotations_ui.current())
        live.update(view=view)
        state["last_view"] = view
        sync_url(view, sheet)


def bounds_of(raw: Any) -> Bounds | None:
    """What st_folium returns before the browser reports: the bounds of the map's data
    (``raw``: ``[[south, west], [north, east]]``, from :func:`ui.folium_call.st_folium_once`)."""
    try:
        (south, west), (north, east) = raw
    except (TypeError, ValueError):
        return None
    if None in (south, west, north, east):
        return None
    return tuple(round(float(v), DIGITS) for v in (west, south, east, north))  # type: ignore[return-value]
