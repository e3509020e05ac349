"""Streamlit app: the interactive briefing map. Widgets, caching and wiring only.

Run ``streamlit run app.py``. The data folder is ``data/`` unless the environment
variable ``BRIEFING_DATA_DIR`` names another one (used by the tests for broken data).
The map is one ``st_folium`` component with a constant key whose base map does not
depend on the date or the layer toggles, so those only swap its feature groups.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

import streamlit as st

from geo import io, settings
from geo.dataset import Dataset, load_dataset
from geo.errors import DataError, StateError
from geo.gazetteer import LocalGazetteer
from geo.measure import Measurement, measure, target_options
from geo.naming import CONVENTIONS
from geo.situation import key_dates, state_at
from layers.catalog import GROUPS, LAYERS
from layers.features import layer_features
from layers.view import BASEMAPS, View, view_from_query
from layers.web.html import escape_markdown
from layers.web.map import (
    MAP_HEIGHT,
    FeatureCollection,
    feature_collections,
)
from layers.web.timeline_panel import POINT_ZOOM, TimelineEntry, timeline_entries
from ui import print_panel, view_sync

#: Environment variable naming another data folder (see module docstring).
DATA_DIR_ENV = "BRIEFING_DATA_DIR"
#: Constant key of the map component: the map is never remounted by the date.
MAP_KEY = "briefing-map"
#: Seconds between steps when playing through the key dates: the session-state value
#: ``play_delay`` when set (the tests set 0), else this.
PLAY_DELAY = 1.5
#: Session-state key of the widgets holding the date.
DAY_KEYS = ("day_slider", "day_input")

logger = logging.getLogger("briefing.app")

#: Session-state keys (not widgets, so Streamlit keeps them): the last view drawn, and
#: a flag set while the data cannot be loaded.
LAST_VIEW_KEY = "last_view"
DATA_ERROR_KEY = "data_error"


#: A data folder and the stamp of its files (see geo.io.folder_stamp): caches keyed by it
#: are rebuilt when a data file is edited, without restarting the app.
DataVersion = tuple[str, tuple[tuple[str, int, int], ...]]


@st.cache_resource(show_spinner="Loading data…", max_entries=2)
def cached_dataset(version: DataVersion) -> Dataset:
    """The validated dataset of the version's folder (shared by all sessions; read-only)."""
    return load_dataset(Path(version[0]))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_fixed_layers(version: DataVersion, convention: str) -> dict[str, FeatureCollection]:
    """Map-ready features of every layer that does not change with the date (shared,
    read-only: the web map never modifies them)."""
    dataset = cached_dataset(version)
    fixed = [spec.id for spec in LAYERS if not spec.dated]
    frames = layer_features(dataset, None, fixed, convention)  # no date: no situation
    return feature_collections(frames)


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_gazetteer(version: DataVersion) -> LocalGazetteer:
    """The offline gazetteer of the data's places (any name form finds a place)."""
    return LocalGazetteer(cached_dataset(version).places.values())


@st.cache_data(show_spinner=False, max_entries=64)
def cached_measure(version: DataVersion, key_a: str, key_b: str) -> Measurement:
    """Geodesic distance between two targets (see geo.measure)."""
    return measure(cached_dataset(version), key_a, key_b)


def data_version() -> DataVersion:
    """The data folder (``$BRIEFING_DATA_DIR`` or the committed ``data/``) and its stamp."""
    folder = os.environ.get(DATA_DIR_ENV) or str(settings.DATA_DIR)
    return folder, io.folder_stamp(Path(folder))


def dataset_or_stop() -> Dataset:
    """Load the data, or show every problem and stop the script."""
    try:
        return cached_dataset(data_version())
    except DataError as exc:
        count = len(exc.problems)
        st.error(
            f"The map cannot be drawn: {count} problem{'s' if count != 1 else ''} in the "
            "data files. Each names the file, line, record and field; fix them and reload."
        )
        st.code("\n".join(exc.problems), language=None, wrap_lines=True)  # shown verbatim
        st.session_state[DATA_ERROR_KEY] = True  # the widgets are restored once it loads
        st.stop()


# --- session state ---------------------------------------------------------------------


def set_day(day: dt.date) -> None:
    """Set the date of every date widget (call before they are drawn, or in a callback)."""
    for key in DAY_KEYS:
        st.session_state[key] = day


def init_state() -> None:
    """Set the widgets from the URL on a session's first good run, and from the last
    view drawn on the first good run after a data error.

    Streamlit drops the state of every widget a run does not draw, and a run stopped by
    a data error draws none: without this, fixing the file would reset the date, the
    layers and the naming, and the next click would write that into the URL.
    """
    state = st.session_state
    navigated = LAST_VIEW_KEY in state and view_sync.navigated()  # Back or Forward
    if LAST_VIEW_KEY not in state or navigated:
        params = view_sync.url_query()  # every value of a repeated key
        view, messages = view_from_query(params)
        messages += print_panel.init_print_state(params)
        state.update(messages=messages, fly=None, playing=False)
        if navigated:
            view_sync.restore_origin(view.bounds)
        view_sync.remember_url()
    elif state.pop(DATA_ERROR_KEY, False):
        view = state[LAST_VIEW_KEY]
    else:
        return
    set_day(view.day)
    for spec in LAYERS:
        state[f"layer:{spec.id}"] = spec.id in view.layers
    state.update(convention=view.convention, basemap=view.basemap, bounds=view.bounds)
    state[LAST_VIEW_KEY] = view


def current_view() -> View:
    """The view the widgets describe."""
    state = st.session_state
    return View(
        day=state["day_slider"],
        layers=tuple(spec.id for spec in LAYERS if state[f"layer:{spec.id}"]),
        convention=state["convention"],
        bounds=state["bounds"],
        basemap=state["basemap"],
    )


# --- callbacks -------------------------------------------------------------------------


def on_day_widget(key: str) -> None:
    """A date widget changed: copy its value to the other one."""
    set_day(st.session_state[key])


def on_step(days: tuple[dt.date, ...], forward: bool) -> None:
    """Go to the previous or next key date."""
    today = st.session_state["day_slider"]
    candidates = [d for d in days if d > today] if forward else [d for d in days if d < today]
    if candidates:
        set_day(candidates[0] if forward else candidates[-1])


def on_event(entry: TimelineEntry) -> None:
    """An event was picked: set its date and fly the map there."""
    set_day(min(max(entry.date, settings.FIRST_DATE), settings.LAST_DATE))
    st.session_state["fly"] = (entry.center, entry.zoom)


def on_search() -> None:
    """A place was searched: fly to it, or say it is not in the gazetteer."""
    query = st.session_state["search"].strip()
    found = cached_gazetteer(data_version()).find(query) if query else None
    if found is None:
        st.session_state["search_result"] = f"No place called “{query}” in the gazetteer."
        return
    st.session_state["fly"] = ((found.latitude, found.longitude), POINT_ZOOM)
    st.session_state["search_result"] = f"Found {found.address}"


def set_playing(playing: bool) -> None:
    """Start or stop stepping through the key dates."""
    st.session_state["playing"] = playing
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


# --- widgets ---------------------------------------------------------------------------


def date_controls(days: tuple[dt.date, ...]) -> None:
    """Slider, date input, previous/next key date, play/stop."""
    first, last = settings.FIRST_DATE, settings.LAST_DATE
    st.slider("Date", first, last, key="day_slider", on_change=on_day_widget, args=("day_slider",))
    cols = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    cols[0].date_input(
        "Go to date",
        min_value=first,
        max_value=last,
        key="day_input",
        on_change=on_day_widget,
        args=("day_input",),
        format="YYYY-MM-DD",
    )
    cols[1].button("◀ Previous key date", on_click=on_step, args=(days, False), key="prev")
    cols[2].button("Next key date ▶", on_click=on_step, args=(days, True), key="next")
    if st.session_state["playing"]:
        cols[3].button("■ Stop", key="stop", on_click=set_playing, args=(False,))
    else:
        cols[3].button("▶ Play key dates", key="play", on_click=set_playing, args=(True,))


def layer_panel() -> None:
    """Layer toggles grouped as in the catalogue, naming convention, basemap."""
    st.sidebar.header("Layers")
    for group in GROUPS:
        st.sidebar.caption(group)
        for spec in (s for s in LAYERS if s.group == group):
            st.sidebar.checkbox(spec.title, key=f"layer:{spec.id}", help=spec.description)
    st.sidebar.header("Display")
    st.sidebar.selectbox("Place names", list(CONVENTIONS), format_func=CONVENTIONS.__getitem__,
                         key="convention")  # fmt: skip
    st.sidebar.radio("Basemap", list(BASEMAPS), format_func=BASEMAPS.__getitem__, key="basemap")


def place_search() -> None:
    """Find a place by any of its names (Khankendi, Shushi, Berdzor, ...)."""
    st.sidebar.text_input(
        "Find a place",
        key="search",
        on_change=on_search,
        placeholder="any name form, e.g. Khankendi or Berdzor",
    )
    if st.session_state.get("search_result"):
        st.sidebar.caption(escape_markdown(st.session_state["search_result"]))


def distance_tool(dataset: Dataset) -> Measurement | None:
    """Two targets and their geodesic distance; returns the measurement to draw."""
    options = target_options(dataset)
    with st.sidebar.expander("Distance", expanded=False):
        a = st.selectbox(
            "From", list(options), index=None, format_func=options.__getitem__, key="from"
        )
        b = st.selectbox("To", list(options), index=None, format_func=options.__getitem__, key="to")
        draw = st.checkbox("Draw on the map", value=True, key="draw_measure")
        if a is None or b is None:
            st.caption("Pick two places, sites or borders.")
            return None
        try:
            result = cached_measure(data_version(), a, b)
        except StateError as exc:
            st.warning(escape_markdown(exc))
            return None
        st.metric("Shortest geodesic distance", f"{result.km:,.1f} km")
    return result if draw else None


def map_component(dataset: Dataset, view: View, measurement: Measurement | None) -> None:
    """The map: constant base, the view's layers as feature groups, optional fly-to; in a
    fragment that hands the view back on pan and zoom (ui.view_sync)."""
    fixed = cached_fixed_layers(data_version(), view.convention)
    dated = [layer_id for layer_id in view.layers if layer_id not in fixed]
    frames = layer_features(dataset, state_at(dataset, view.day), dated, view.convention)
    collections = {k: v for k, v in fixed.items() if k in view.layers}
    collections |= feature_collections(frames)
    fly = st.session_state["fly"]
    view_sync.map_fragment(dataset, view, collections, measurement, fly, MAP_KEY)


def timeline(dataset: Dataset, view: View) -> None:
    """Every event in date order; later ones greyed; a button per event sets the date."""
    st.subheader("Timeline")
    with st.container(height=MAP_HEIGHT):
        for entry in timeline_entries(dataset, view.day):
            st.markdown(entry.html, unsafe_allow_html=True)  # escaped by layers.web.timeline_panel
            st.button("Show on map", key=f"event:{entry.id}", on_click=on_event, args=(entry,),
                      type="secondary" if entry.past else "tertiary")  # fmt: skip


def main() -> None:
    """Draw the page."""
    st.set_page_config(page_title="South Caucasus briefing map", layout="wide")
    dataset = dataset_or_stop()
    days = key_dates(dataset)
    init_state()
    play_tick(days)
    for message in st.session_state.pop("messages", []):
        st.warning(escape_markdown(message))
    st.subheader("South Caucasus: Russian military presence, 1991–2021")
    st.caption(
        "Briefing map for the Warsaw Institute article 'Armenia Invites More Russian Troops "
        "to Its Territory' (23 February 2021). Dashed outlines: approximate or proposed."
    )
    layer_panel()
    place_search()
    measurement = distance_tool(dataset)
    date_controls(days)
    try:
        view = current_view()
    except StateError as exc:
        st.error(f"This map state is not valid: {escape_markdown(exc)}")
        st.stop()
    st.session_state[LAST_VIEW_KEY] = view
    sheet = print_panel.current_sheet()
    view_sync.sync_url(view, sheet)
    print_panel.print_controls()
    print_panel.export_panel(dataset, view_sync.screen(view, sheet), measurement)
    left, right = st.columns([3, 1.3])
    with left:
        map_component(dataset, view, measurement)
    with right:
        timeline(dataset, view)
    if st.session_state["playing"]:
        time.sleep(st.session_state.get("play_delay", PLAY_DELAY))
        st.session_state["play_tick"] = True
        st.rerun()


main()
