"""Comparison mode: two dates on one map split by a swipe bar, and what changed.

The map is :func:`layers.web.compare.compare_map` (one component with a constant key,
never remounted when a date changes; the dates' layers come as feature groups), the
change is :func:`geo.change.compare`, worded by :mod:`layers.change_layer`. Tables are
``st.dataframe`` (data text shown as text, never parsed); captions pass through
:func:`layers.web.html.escape_markdown`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from geo.change import Change
from geo.change_table import change_table, figure_rows
from geo.dataset import Dataset
from geo.dates import DaySpan, format_date
from geo.errors import StateError
from geo.naming import label
from geo.presets import presets_in
from geo.situation import state_at
from layers import exports
from layers.briefing.compare_view import DEFAULT_AFTER, DEFAULT_BEFORE
from layers.briefing.view import Bounds, View
from layers.catalog import DRAW_ORDER, LAYERS, runtime_specs
from layers.change_layer import (
    area_direction_label,
    format_km2,
    holder_label,
    place_direction_label,
)
from layers.exports import ExportOptions
from layers.user_basemap import USER_BASEMAP
from layers.web import situations
from layers.web.compare import (
    AFTER_PANE,
    BEFORE_PANE,
    FIXED_PANE,
    compare_bounds,
    compare_groups,
    compare_map,
)
from layers.web.html import escape_markdown
from layers.web.map import MAP_HEIGHT
from layers.web.prepared import use_prepared
from ui import compare_state, view_sync
from ui.compare_state import AFTER_KEY, BEFORE_KEY, MODE_KEY
from ui.folium_call import st_folium_once

#: The app's two modes (key of the sidebar radio ``mode``).
MODES = {"map": "Map", "compare": "Compare two dates"}
#: Constant key of the comparison map component: never remounted by a date.
COMPARE_MAP_KEY = "compare-map"
#: Session-state keys: the extent the comparison map is fitted to (basemap, bounds), and
#: what it last reported (that origin, bounds).
ORIGIN_KEY = "compare_origin"
RETURN_KEY = "compare_return"
#: Session-state key of the preset box (:mod:`geo.presets`).
PRESET_KEY = "compare_preset"
#: The formats offered here, and whether each takes the two dates as a comparison
#: (before/after page) or as a range (animation).
COMPARE_EXPORTS = (*exports.COMPARE_FORMATS, *exports.SPAN_FORMATS)

#: Builds an export's bytes for the app, or reports the failure and returns ``None``.
Prepare = Callable[[str, ExportOptions], "bytes | None"]


def mode_switch() -> bool:
    """The sidebar's mode radio; True in comparison mode (kept in the URL with the two
    dates and the swipe bar's place, :mod:`ui.compare_state`)."""
    mode = st.sidebar.radio(
        "Mode", list(MODES), format_func=MODES.__getitem__, key=MODE_KEY, horizontal=True
    )
    return bool(mode == "compare")


def default_pair(span: DaySpan) -> tuple[dt.date, dt.date]:
    """The first before and after dates: :data:`DEFAULT_BEFORE` and :data:`DEFAULT_AFTER`
    kept within the data's ``span`` (its first and last days where neither lies in it)."""
    before, after = span.clamp(DEFAULT_BEFORE), span.clamp(DEFAULT_AFTER)
    return (before, after) if before < after else (span.first, span.last)


def _apply_preset(offered: Mapping[str, tuple[dt.date, dt.date]]) -> None:
    """Callback of the preset box: put the chosen pair into the two date widgets."""
    chosen = st.session_state.get(PRESET_KEY)
    if isinstance(chosen, str) and chosen in offered:
        st.session_state[BEFORE_KEY], st.session_state[AFTER_KEY] = offered[chosen]


def _preset_box(span: DaySpan) -> None:
    """The named pairs of :mod:`geo.presets` within ``span``, in the sidebar beside the
    comparison's exports (the comparison, the GIF and the MP4 all take the two dates)."""
    offered = presets_in(span)
    if not offered:
        return
    st.sidebar.selectbox("Preset dates to compare", list(offered), index=None,
                         placeholder="Choose two dates…", key=PRESET_KEY,
                         on_change=_apply_preset, args=(offered,),
                         help="Fills both dates; the animation runs between them")  # fmt: skip


def _date_inputs(span: DaySpan) -> tuple[dt.date, dt.date]:
    state = st.session_state
    before, after = default_pair(span)
    state.setdefault(BEFORE_KEY, before)
    state.setdefault(AFTER_KEY, after)
    for key in (BEFORE_KEY, AFTER_KEY):  # kept, within the span, if the span changed
        if isinstance(state[key], dt.date):  # (see ui.dates.keep_in_span)
            state[key] = span.clamp(state[key])
    first, last = span.first, span.last
    left, right = st.columns(2)
    before = left.date_input("Before (left of the bar)", min_value=first, max_value=last,
                             key=BEFORE_KEY, format="YYYY-MM-DD")  # fmt: skip
    after = right.date_input("After (right of the bar)", min_value=first, max_value=last,
                             key=AFTER_KEY, format="YYYY-MM-DD")  # fmt: skip
    assert isinstance(before, dt.date) and isinstance(after, dt.date)
    _preset_box(span)  # its callback sets the dates before the next run
    return before, after


def compare_mode(dataset: Dataset, view: View, version: Hashable, prepare: Prepare) -> None:
    """The comparison page: two dates, the swipe map, the change tables, the exports.

    ``view`` gives the layers, naming, extent and basemap (its day is unused); ``version``
    names the data (the shared caches' key, :mod:`layers.web.situations`); ``prepare``
    builds an export (the app's, which reports failures in one line).
    """
    before, after = _date_inputs(dataset.span)
    try:
        change, change_layer = situations.change_layer(version, dataset, before, after)
    except StateError as exc:
        st.error(escape_markdown(f"Cannot compare: {exc}"))
        return
    dated = tuple(spec.id for spec in LAYERS if spec.dated and spec.id in view.layers)
    st.caption(
        escape_markdown(
            f"Left of the bar: {format_date(before)}. Right of the bar: {format_date(after)}, "
            "with the areas that changed hands. Drag the bar to compare."
        )
    )
    fixed = situations.fixed_layers(version, dataset, view.convention)
    shown = {k: v for k, v in fixed.items() if k in view.layers}
    # Before: positions from 0; after: from n; the change layer; fixed: from 2n + 1.
    n = len(DRAW_ORDER) + len(runtime_specs())
    left, left_scripts = situations.situation_layers(
        version, dataset, state_at(dataset, before), dated, view.convention, pane=BEFORE_PANE
    )
    right, right_scripts = situations.situation_layers(
        version, dataset, state_at(dataset, after), dated, view.convention,
        pane=AFTER_PANE, offset=n,
    )  # fmt: skip
    fixed_scripts = situations.fixed_scripts(
        version, dataset, view.convention, pane=FIXED_PANE, offset=2 * n + 1
    )
    groups = compare_groups(
        shown,
        left | situations.own_layers(before),
        right | situations.own_layers(after),
        change_layer,
        days=(before, after),
        swipe=compare_state.current().swipe,
        swipe_revision=compare_state.swipe_revision(),
        annotations=view.annotations,
    )
    use_prepared(
        groups,
        [
            (left, left_scripts, BEFORE_PANE, 0),
            (right, right_scripts, AFTER_PANE, n),
            (shown, fixed_scripts, FIXED_PANE, 2 * n + 1),
        ],
    )
    origin = _origin(view)
    value, raw_bounds = st_folium_once(
        lambda: compare_map(dataset, origin[1], view.basemap),
        # the user's own tiles are not the same for every session: not kept
        None if view.basemap == USER_BASEMAP else ("compare", id(dataset), origin),
        owner=dataset,
        key=COMPARE_MAP_KEY,
        height=MAP_HEIGHT,
        returned_objects=["bounds", "all_drawings"],  # the view; the swipe bar's place
        render=False,  # no second render of the whole figure: same arguments (tested)
        feature_group_to_add=groups,
    )
    # What the component returns before the browser reports: the base map's bounds.
    default = view_sync.bounds_of(raw_bounds)
    _take_report(value, compare_bounds(dataset, origin[1]), origin, default)
    change_tables(dataset, change, view.convention)
    export_panel(view, before, after, prepare)


def _origin(view: View) -> tuple[str, Bounds]:
    """The (basemap, bounds) the comparison map is fitted to: kept while the user pans
    (a pan never remounts it), renewed with the basemap or by :func:`refit`."""
    state = st.session_state
    origin = state.get(ORIGIN_KEY)
    if origin is None or origin[0] != view.basemap:
        origin = (view.basemap, view.bounds)
        state[ORIGIN_KEY] = origin
    return origin


def refit(bounds: Bounds) -> None:
    """After Back or Forward: fit the comparison map to ``bounds`` (a remount when they
    differ: st_folium moves a map only by centre and zoom, which cannot show the exact
    extent the address holds)."""
    origin = st.session_state.get(ORIGIN_KEY)
    if origin is not None and origin[1] != bounds:
        st.session_state[ORIGIN_KEY] = (origin[0], bounds)


def _take_report(
    value: Any, fitted: Bounds, origin: tuple[str, Bounds], default: Bounds | None
) -> None:
    """The map's report: a pan or zoom writes ``view=`` (as on the main map, without a
    remount); a moved swipe bar writes ``swipe=``."""
    if not value:
        return
    state = st.session_state
    moved = compare_state.take_swipe(value.get("all_drawings"))
    bounds = view_sync.reported_bounds(value)
    previous = state.get(RETURN_KEY)
    if bounds is not None and bounds != default and previous != (origin, bounds):
        state[RETURN_KEY] = (origin, bounds)
        first = previous is None or previous[0] != origin
        if not (first and view_sync.is_fit_of(bounds, fitted)):
            view_sync.take_bounds(bounds)  # the view and the URL (the swipe's too)
    if moved:
        live = state.get(view_sync.SCREEN_KEY)
        if live is not None:
            view_sync.sync_url(*live.snapshot())
        st.rerun()  # the map's groups carry the bar's new place


def change_tables(dataset: Dataset, change: Change, convention: str) -> None:
    """km² per area and per holder, places that changed hands, sites that appeared or
    ended (from :func:`geo.change_table.change_table`)."""
    st.subheader(
        f"What changed between {format_date(change.before)} and {format_date(change.after)}"
    )
    if change.is_empty:
        st.caption("Nothing changed hands, appeared or ended between these dates.")
        return
    st.metric("Territory that changed hands", format_km2(change.km2))
    st.dataframe(area_frame(dataset, change), hide_index=True, key="compare_areas")
    st.markdown("**Area held in the mapped control records**")
    st.dataframe(holder_frame(change), hide_index=True, key="compare_holders")
    published = figure_frame(dataset, change)
    if not published.empty:
        st.markdown("**Published figures beside this map's** (computed the same way)")
        st.dataframe(published, hide_index=True, key="compare_figures")
    st.markdown("**Places that changed hands** (gazetteer)")
    st.dataframe(place_frame(dataset, change, convention), hide_index=True,
                 key="compare_places")  # fmt: skip
    st.markdown("**Sites that appeared or ended**")
    st.dataframe(site_frame(dataset, change, convention), hide_index=True,
                 key="compare_sites")  # fmt: skip
    st.caption(
        "Areas are approximate (Natural Earth 1:10m boundaries, schematic control records and "
        "areas drawn from the communities), measured in an equal-area projection; published "
        "figures are compared in km² geodesic. Sources: the record ids in each row "
        "(data/control.yaml, data/communities.yaml, data/sites.yaml, data/figures.yaml)."
    )


def area_frame(dataset: Dataset, change: Change) -> pd.DataFrame:
    """One row per area that changed hands: area, change, km², status, records, sources."""
    rows = [r for r in change_table(change) if r["what"] == "area"]
    return pd.DataFrame(
        {
            "Area": [a.area_name for a in change.areas],
            "Change": [area_direction_label(dataset, change, a) for a in change.areas],
            "km²": [round(a.km2) for a in change.areas],
            "Status": [a.status for a in change.areas],
            "Records": [r["records"] for r in rows],
            "Sources": [r["sources"] for r in rows],
        }
    )


def holder_frame(change: Change) -> pd.DataFrame:
    """Area held per holder on each day, and the difference (km², rounded)."""
    holders = change.km2_by_holder
    return pd.DataFrame(
        {
            "Held by": [holder_label(h) for h in holders],
            f"km² on {change.before.isoformat()}": [round(v.before_km2) for v in holders.values()],
            f"km² on {change.after.isoformat()}": [round(v.after_km2) for v in holders.values()],
            "Change (km²)": [round(v.after_km2 - v.before_km2) for v in holders.values()],
        }
    )


def figure_frame(dataset: Dataset, change: Change) -> pd.DataFrame:
    """Published figures (figures.yaml) of either day beside the map's value, with sources."""
    rows = figure_rows(dataset, change)
    return pd.DataFrame(
        {
            "Day": [r["day"] for r in rows],
            "Figure": [r["figure"] for r in rows],
            "Side": [holder_label(str(r["holder"])) for r in rows],
            "Published": [_amount(r["published"], str(r["unit"])) for r in rows],
            "This map": [_amount(r["map"], str(r["unit"])) for r in rows],
            "Status": [r["status"] for r in rows],
            "Source": [r["sources"] for r in rows],
        }
    )


def _amount(value: object, unit: str) -> str:
    number = float(str(value))
    return f"{number:,.0f} km²" if unit == "km²" else f"{number:.1f} %"


def place_frame(dataset: Dataset, change: Change, convention: str) -> pd.DataFrame:
    """Places (gazetteer) that changed hands, named in ``convention``, with the caveat of
    those near an area's edge."""
    rows = {r["id"]: r for r in change_table(change) if r["what"] == "place"}
    names = []
    for p in change.towns:
        place = dataset.places.get(p.place_id)
        names.append(label(place.names, convention) if place else p.name)
    return pd.DataFrame(
        {
            "Place that changed hands": names,
            "Change": [place_direction_label(dataset, change, p) for p in change.towns],
            "Note": [rows[p.place_id]["note"] for p in change.towns],
        }
    )


def site_frame(dataset: Dataset, change: Change, convention: str) -> pd.DataFrame:
    """Sites that appeared or ended between the two days, with the dates."""
    names = {s.id: s.names for s in dataset.sites}
    site_names = []
    when = []
    for s in change.sites:
        own = names.get(s.site_id)
        site_names.append(label(own, convention) if own else s.name)
        when.append(
            "; ".join(
                f"{verb} {format_date(day)}"
                for verb, day in (("appeared", s.start), ("ended", s.end))
                if day is not None and change.before < day <= change.after
            )
        )
    return pd.DataFrame(
        {"Site that appeared or ended": site_names, "Change": when,
         "Operator": [s.operator for s in change.sites]}
    )  # fmt: skip


def export_panel(view: View, before: dt.date, after: dt.date, prepare: Prepare) -> None:
    """The before/after page (PDF, PNG) and the animation of the range (GIF, MP4) of the
    two dates; each is built only on click."""
    with st.sidebar.expander("Export the comparison", expanded=False):
        for fmt in COMPARE_EXPORTS:
            spec = exports.EXPORT_FORMATS[fmt]
            if not st.button(f"Prepare {spec.label}", key=f"prepare-compare:{fmt}"):
                continue
            pair = (before, after)
            is_span = fmt in exports.SPAN_FORMATS
            options = ExportOptions(span=pair) if is_span else ExportOptions(compare=pair)
            data = prepare(fmt, options)
            if data is None:
                continue
            st.download_button(
                f"Download {spec.label}",
                data,
                file_name=f"south-caucasus-{before.isoformat()}-to-{after.isoformat()}"
                f".{spec.extension}",
                mime=spec.mime,
                key=f"download-compare:{fmt}",
            )
