"""Streamlit app: the interactive briefing map. Widgets, caching and wiring only.

Run ``streamlit run app.py``. The data folder is ``data/`` unless the environment
variable ``BRIEFING_DATA_DIR`` names another one (used by the tests for broken data).
The map is one ``st_folium`` component with a constant key whose base map does not
depend on the date or the layer toggles, so those only swap its feature groups.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import streamlit as st

from geo import io, settings
from geo.dataset import Dataset, load_dataset
from geo.errors import DataError, RecipeError, StateError
from geo.gazetteer import LocalGazetteer, region_entries
from geo.measure import Measurement, measure
from geo.naming import CONVENTIONS
from geo.periods import KeyDays, key_days
from geo.user_layers import UserLayer
from layers import exports, user_layer
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import BASEMAPS, View, view_from_query
from layers.catalog import GROUPS, LAYERS
from layers.web import date_preview, situations, situations_ahead
from layers.web.date_widgets import DAY_SLIDER
from layers.web.html import escape_markdown
from layers.web.map import MAP_HEIGHT
from layers.web.prepared import PreparedScript
from ui import annotations as annotations_ui
from ui import compare as compare_ui
from ui import (
    compare_state,
    day_playback,
    layout,
    print_panel,
    query_limit,
    static_first,
    streamlit_queue,
    upload,
    view_sync,
)
from ui import deck as deck_ui
from ui.basemap import PAGE_RERUN_KEY, basemap_choices, basemap_fallback, usable_view
from ui.dates import (
    BY_DAY_KEY,
    KEPT_KEYS,
    date_controls,
    keep_in_span,
    play_tick,
    set_day,
    step_unit,
    wait_and_step,
)
from ui.distance import distance_tool
from ui.map_first import first_page, start_page
from ui.search import place_search
from ui.text_alternative import text_alternative
from ui.timeline import timeline, timeline_frame

#: Environment variable naming another data folder (see module docstring).
DATA_DIR_ENV = "BRIEFING_DATA_DIR"
#: Constant key of the map component: the map is never remounted by the date.
MAP_KEY = "briefing-map"

#: Longest error text shown for a failed export (the rest is in the server log).
MESSAGE_CHARS = 300

logger = logging.getLogger("briefing.app")

#: Session-state keys (not widgets, so Streamlit keeps them): the last view drawn, and
#: a flag set while the data cannot be loaded.
LAST_VIEW_KEY = "last_view"
DATA_ERROR_KEY = "data_error"
#: The warnings of this run (shown again by the run that fills a session's first page).
SHOWN_KEY = "messages_shown"


#: A data folder and the stamp of its files (see geo.io.folder_stamp): caches keyed by it
#: are rebuilt when a data file is edited, without restarting the app.
DataVersion = tuple[str, tuple[tuple[str, int, int], ...]]


@st.cache_resource(show_spinner="Loading data…", max_entries=2)
def cached_dataset(version: DataVersion) -> Dataset:
    """The validated dataset of the version's folder (shared by all sessions; read-only).

    Then everything the process holds is taken out of the collector's full passes
    (``gc.freeze``, after one last collection): the data and the modules live as long as
    the process, and each full pass scanned them all (at 10,000 events a quarter of a
    second of CPU, on some date change every few; issue 25). Reference counting still
    frees them; only a cycle among them would stay (data replaced after an edit)."""
    dataset = load_dataset(Path(version[0]))
    gc.collect()
    gc.freeze()
    return dataset


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_gazetteer(version: DataVersion) -> LocalGazetteer:
    """The offline gazetteer of the data's places and regions (any name form, typos
    tolerated)."""
    dataset = cached_dataset(version)
    regions = region_entries(dataset.boundaries, dataset.places)
    return LocalGazetteer(dataset.places.values(), regions)


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


def init_state(dataset: Dataset) -> None:
    """Set the widgets from the URL on a session's first good run (a date outside the
    data's span is reported and replaced by the default day), and from the last view
    drawn on the first good run after a data error.

    Streamlit drops the state of every widget a run does not draw, and a run stopped by
    a data error draws none: without this, fixing the file would reset the date, the
    layers and the naming, and the next click would write that into the URL.
    """
    state = st.session_state
    navigated = LAST_VIEW_KEY in state and view_sync.navigated()  # Back or Forward
    if LAST_VIEW_KEY not in state or navigated:
        params = view_sync.url_query()  # every value of a repeated key
        view, messages = view_from_query(params, span=dataset.span)
        view, unusable = usable_view(view)
        messages += unusable + print_panel.init_print_state(params)
        messages += compare_state.restore(params, navigated=navigated)
        state.update(messages=messages, fly=None, playing=False)
        if navigated:
            view_sync.restore_origin(view.bounds)
            compare_ui.refit(view.bounds)
        view_sync.remember_url()
    elif state.pop(DATA_ERROR_KEY, False):
        view = state[LAST_VIEW_KEY]
        view = replace(view, day=dataset.span.clamp(view.day))  # the data may have changed
        print_panel.restore_print_state()
    else:
        return
    set_day(view.day)
    for spec in LAYERS:
        state[f"layer:{spec.id}"] = spec.id in view.layers
    state.update(convention=view.convention, basemap=view.basemap, bounds=view.bounds)
    annotations_ui.restore(view.annotations)
    state[LAST_VIEW_KEY] = view


def current_view() -> View:
    """The view the widgets describe."""
    state = st.session_state
    return View(
        day=state[DAY_SLIDER],
        layers=tuple(spec.id for spec in LAYERS if state[f"layer:{spec.id}"]),
        convention=state["convention"],
        bounds=state["bounds"],
        basemap=state["basemap"],
        annotations=annotations_ui.current(),
    )


# --- widgets ---------------------------------------------------------------------------


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
    st.sidebar.radio("Basemap", basemap_choices(), format_func=BASEMAPS.__getitem__, key="basemap")


def prepared_export(
    dataset: Dataset,
    view: View,
    fmt: str,
    options: exports.ExportOptions | None = None,
    *,
    mine: tuple[UserLayer, ...] = (),
) -> bytes | None:
    """The export's bytes (with the user's layers ``mine``, and ``options`` such as the
    dates of a comparison), or None after a one-line error in the export panel: a failed
    export never takes the map and timeline down with it (the traceback goes to the
    server log, never to the page)."""
    label = exports.EXPORT_FORMATS[fmt].label
    try:
        options = replace(options or exports.ExportOptions(), user_layers=mine)
        return exports.export_bytes(dataset, view, fmt, options)
    except (DataError, StateError, RecipeError) as exc:
        reason = str(exc)
    except Exception as exc:  # last resort: any renderer failure, reported and logged
        logger.exception("export %s of %s failed", fmt, view.to_query())
        reason = f"{type(exc).__name__}: {exc}"
    reason = " ".join(reason.split())
    if len(reason) > MESSAGE_CHARS:
        reason = reason[: MESSAGE_CHARS - 1] + "…"
    st.error(escape_markdown(f"export failed: {label}: {reason}"))
    return None


def map_component(
    dataset: Dataset,
    view: View,
    measurement: Measurement | None,
    height: int = MAP_HEIGHT,
    *,
    playback: str = "",
    preview: Callable[[int], PreparedScript] | None = None,
) -> None:
    """The map: constant base, the view's layers as feature groups (prepared once per
    situation for every session, :mod:`layers.web.situations`), optional fly-to; in a
    fragment that hands the view back on pan and zoom and acts on clicks (ui.view_sync);
    ``preview``: the plan of the frame's date preview (:mod:`layers.web.date_preview`)."""
    layers = situations.map_layers(data_version(), dataset, view)
    fly = st.session_state["fly"]
    view_sync.map_fragment(
        dataset, view, layers, measurement, fly, MAP_KEY, height, playback, preview
    )


def main() -> None:
    """Draw the page."""
    situations_ahead.note_run()  # the preparation ahead waits for quiet
    streamlit_queue.install()  # once per process: keeps the map from remounting
    query_limit.install()  # once per process: a query string Streamlit drops is reported
    st.set_page_config(page_title="South Caucasus briefing map", layout="wide")
    layout.page_style()
    dataset = dataset_or_stop()
    static_first.prepare(data_version(), dataset)  # once per process, in a thread
    default = View()  # every day of the default layers ready for the date preview (a thread)
    situations_ahead.prepare_ahead(
        data_version(), dataset, default.layers, default.convention, dataset.span.clamp(default.day)
    )
    days = key_days(dataset)
    init_state(dataset)
    keep_in_span(days)
    shown = st.session_state[SHOWN_KEY] = st.session_state.pop("messages", [])
    for message in shown:
        st.warning(escape_markdown(message))
    presenting = deck_ui.presenting()
    if not presenting:
        layout.header(dataset.span)
    comparing = not presenting and compare_ui.mode_switch()
    if not comparing and not presenting and first_page():
        # The map alone (no measurement, no user's layers yet in a new session); the
        # sidebar's panels follow it with the timeline (map_page). The sidebar is there
        # from the start, so that the page does not move when they come.
        st.sidebar.header("Layers")
        st.sidebar.caption("Loading the panels…")
        map_page(dataset, days, None, ())
        return
    layer_panel()
    place_search(cached_gazetteer(data_version()))
    measurement = distance_tool(dataset, lambda a, b: cached_measure(data_version(), a, b))
    if not comparing and not presenting:
        mine = upload.your_layers(dataset.span)
        annotations_ui.annotation_panel()
        print_panel.print_controls()
        map_page(dataset, days, measurement, mine)
        return
    play_tick(days)
    st.session_state.pop(BY_DAY_KEY, None)  # the map playing by day is not drawn
    if comparing:  # the main date's widgets are not drawn: keep their values
        kept = [key for key in KEPT_KEYS if key in st.session_state]
        st.session_state.update({key: st.session_state[key] for key in kept}, playing=False)
    view, sheet = synced_view()
    mine = upload.your_layers(dataset.span)
    print_panel.print_controls()  # in both modes, so the print options' widgets stay alive
    with user_layer.showing(mine):  # the user's own layers, on the map and in every export
        if comparing:
            view_sync.forget_frame()  # the main map's frame goes; a new one gets every group
            view_sync.screen(view, sheet)  # a pan or the swipe bar writes the URL from it
            prepare = partial(prepared_export, dataset, view, mine=mine)
            compare_ui.compare_mode(dataset, view, data_version(), prepare)
            return
        live = view_sync.screen(view, sheet)
        sidebar_panels(dataset, view, live, measurement, mine)
        deck_ui.presentation(dataset, lambda h: map_component(dataset, view, measurement, h))
    wait_and_step()


def synced_view() -> tuple[View, PrintOptions]:
    """The view and the print options the widgets describe, the view kept as the last
    view drawn and both written into the URL; or an error and stop."""
    try:
        view = current_view()
    except StateError as exc:
        st.error(f"This map state is not valid: {escape_markdown(exc)}")
        st.stop()
    st.session_state[LAST_VIEW_KEY] = view
    sheet = print_panel.current_sheet()
    view_sync.sync_url(view, sheet)
    return view, sheet


@st.fragment
def map_page(
    dataset: Dataset,
    days: KeyDays,
    measurement: Measurement | None,
    mine: tuple[UserLayer, ...],
) -> None:
    """The map mode's date controls, map and timeline, and the sidebar's export and deck
    panels (the parts that depend on the date), in one fragment: a date change, a
    playback step or a pick in the timeline reruns and resends only these, not the
    header and the sidebar's layer, search, distance, upload and print panels (a change
    there reruns the whole page, this included). The URL, the session's last view and
    the screen the exports read are updated here.

    A widget in here whose change the rest of the page must show asks for a whole-page
    run: starting a presentation (the deck panel), the offline basemap button (the
    sidebar's basemap radio, :data:`ui.basemap.PAGE_RERUN_KEY`).

    A session's first page in a browser (:mod:`ui.map_first`) holds the map alone, so that
    the browser lays out little before it loads the map's frame (issue 25): no timeline
    cards (an empty box), no sidebar panels; the map's first report asks for the run
    that draws them (:mod:`ui.map_first`). The date row's menus and the
    sidebar's Export and Deck panels send a browser their widgets only while open
    (:mod:`ui.folding`): a date change lays out little besides the map and the cards."""
    situations_ahead.note_run()
    if deck_ui.presenting() or st.session_state.pop(PAGE_RERUN_KEY, False):
        st.rerun(scope="app")
    first = start_page()  # the map alone: the rest follows its first report (ui.map_first)
    if first:  # the run that fills the page shows this run's warnings again
        st.session_state["messages"] = st.session_state[SHOWN_KEY]
    play_tick(days)
    day_playback.apply_stopped()  # where a playback by day stopped
    date_controls(days, day_playback.by_day_menu, day_playback.MENU_KEYS)
    view, sheet = synced_view()
    with user_layer.showing(mine):  # the user's own layers, on the map and in every export
        live = view_sync.screen(view, sheet)
        left, right = layout.map_row()
        with left:
            basemap_fallback(view)  # above the map: in the first screen (issue 24)
            playback = day_playback.frame_payload(data_version(), dataset, view)
            preview = None
            if not playback and not mine and not st.session_state.get("playing"):
                preview = partial(date_preview.plan_group, data_version(), dataset, view, days,
                                  step_unit())  # fmt: skip
            map_component(dataset, view, measurement, playback=playback, preview=preview)
            note = day_playback.playing_note()
            if note:
                st.caption(escape_markdown(note))
            text_alternative(dataset, view)  # what the map shows, as a table
        with right:
            if first:  # the map first: the browser lays out the cards after its iframe
                timeline_frame()
            else:
                timeline(dataset, view, mine)
        # In the sidebar, below the print options as before; drawn after the map so
        # that the map's update reaches the browser first on a date change (and not on
        # a session's first run: they follow the map).
        if not first:
            sidebar_panels(dataset, view, live, measurement, mine)
    wait_and_step(fragment=True)


def sidebar_panels(
    dataset: Dataset,
    view: View,
    live: view_sync.Screen,
    measurement: Measurement | None,
    mine: tuple[UserLayer, ...],
) -> None:
    """The sidebar's export and deck panels (after the print options)."""
    print_panel.export_panel(dataset, live, measurement, mine)
    deck_ui.deck_panel(dataset, view)


main()
