"""The comparison map of the app: two dates on one Leaflet map, split by a swipe bar.

Folium's ``DualMap`` goes blank and ``SideBySideLayers`` does not show inside
streamlit-folium (its issues 172 and 139), and two maps kept in step through Streamlit
reruns lag a rerun behind. So the comparison is ONE map with three extra panes:
:data:`BEFORE_PANE` (the before day's layers, clipped to the left of the bar),
:data:`AFTER_PANE` (the after day's layers and the change layer, clipped to the right) and
:data:`FIXED_PANE` (layers that do not change with the date, drawn once above both).
Both sides are the same map, so pan and zoom are always in step. The bar is a few lines of
script in the base map (:class:`SwipeControl`, no network, nothing loaded from a CDN).

As with the main map (:mod:`layers.web.map`), :func:`compare_map` depends only on the
extent and basemap, so the component is not remounted when either date changes; the
dates' layers come as feature groups (:func:`compare_groups`), always the same number,
the last one carrying the date stamp (both dates) and the legend of what either side
draws, change layer first (the base map's :class:`layers.web.overlay.Overlay` shows them).
Data text reaches the page only through :mod:`layers.web.html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import folium
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo.dataset import Dataset
from geo.dates import format_date
from layers.briefing.annotations import Annotation
from layers.briefing.view import DEFAULT_BOUNDS, Bounds
from layers.catalog import DRAW_ORDER, runtime_specs
from layers.change_layer import CHANGE_LAYER, CHANGE_LEGEND, ZOOM_MARGIN
from layers.web.annotations import annotation_group
from layers.web.elements import Verbatim
from layers.web.geojson import FeatureCollection, feature_style
from layers.web.groups import HOVER, layer_group
from layers.web.legend import drawn_legend_html
from layers.web.map import base_map
from layers.web.overlay import SituationState

BEFORE_PANE = "bm-before"
AFTER_PANE = "bm-after"
FIXED_PANE = "bm-fixed"
#: Title of the change layer's legend group.
CHANGE_GROUP = "What changed (right of the bar)"

_SWIPE_CSS = """
<style>
.bm-swipe { position: absolute; top: 0; bottom: 0; width: 4px; margin-left: -2px;
  background: #ffffff; box-shadow: 0 0 4px rgba(0,0,0,0.6); z-index: 900;
  cursor: ew-resize; touch-action: none; }
.bm-swipe:focus-visible { outline: 2px solid #1f5fbf; }
.bm-swipe-knob { position: absolute; top: 50%; left: -15px; width: 34px; height: 26px;
  margin-top: -13px; border-radius: 13px; background: #ffffff; color: #333333;
  box-shadow: 0 1px 4px rgba(0,0,0,0.5); font: bold 11px/26px system-ui, sans-serif;
  text-align: center; user-select: none; }
.bm-swipe-tag { position: absolute; bottom: 30px; padding: 2px 6px; border-radius: 3px;
  background: rgba(255,255,255,0.92); font: 600 12px system-ui, sans-serif; color: #222222;
  white-space: nowrap; box-shadow: 0 1px 3px rgba(0,0,0,0.3); user-select: none; }
.bm-swipe-before { right: 10px; }
.bm-swipe-after { left: 10px; }
</style>
"""


class SwipeControl(MacroElement):
    """Panes for the before, after and fixed layers, and a bar splitting the map.

    The before pane is clipped to the left of the bar, the after pane to its right (CSS
    ``clip`` in layer coordinates, recomputed on every move, as leaflet-side-by-side does).
    Drag the bar, or focus it and use the arrow keys. The bar's position (0 to 1 across
    the map) is kept in the container's ``data-swipe`` attribute.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var z = {{ this.z_index }};
            var panes = {};
            {{ this.panes|tojson }}.forEach(function (name, i) {
                panes[name] = map.createPane(name);
                panes[name].style.zIndex = z + i;
            });
            var before = panes[{{ this.before|tojson }}], after = panes[{{ this.after|tojson }}];
            var box = map.getContainer(), share = 0.5;
            var bar = L.DomUtil.create('div', 'bm-swipe', box);
            bar.tabIndex = 0;
            bar.setAttribute('role', 'slider');
            bar.setAttribute('aria-label', 'Before (left) and after (right): drag to compare');
            var knob = L.DomUtil.create('div', 'bm-swipe-knob', bar);
            knob.textContent = '\u25c0\u25b6';
            L.DomUtil.create('div', 'bm-swipe-tag bm-swipe-before', bar).textContent = 'Before';
            L.DomUtil.create('div', 'bm-swipe-tag bm-swipe-after', bar).textContent = 'After';
            L.DomEvent.disableClickPropagation(bar);
            L.DomEvent.disableScrollPropagation(bar);
            function clip() {
                var size = map.getSize(), x = Math.round(size.x * share);
                var nw = map.containerPointToLayerPoint([0, 0]);
                var se = map.containerPointToLayerPoint(size);
                var cut = nw.x + x;
                before.style.clip = 'rect(' + [nw.y, cut, se.y, nw.x].join('px,') + 'px)';
                after.style.clip = 'rect(' + [nw.y, se.x, se.y, cut].join('px,') + 'px)';
                bar.style.left = x + 'px';
                bar.setAttribute('aria-valuenow', Math.round(share * 100));
                box.setAttribute('data-swipe', share.toFixed(3));
            }
            function place(clientX) {
                var rect = box.getBoundingClientRect();
                share = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
                clip();
            }
            var dragging = false;
            L.DomEvent.on(bar, 'pointerdown', function (e) {
                dragging = true;
                bar.setPointerCapture(e.pointerId);
                map.dragging.disable();
                L.DomEvent.preventDefault(e);
            });
            L.DomEvent.on(bar, 'pointermove', function (e) { if (dragging) { place(e.clientX); } });
            // The app learns where the bar stands as streamlit-folium's all_drawings
            // (the frontend reads window.drawnItems when the map fires draw:edited).
            // Each report is named (this frame's id, a count): streamlit-folium hands the
            // app the last report again on every run, and only a new one is a move.
            var frameId = Math.random().toString(36).slice(2), reports = 0;
            window.drawnItems = {toGeoJSON: function () {
                return {type: 'FeatureCollection', features: [
                    {type: 'Feature', properties: {swipe: Math.round(share * 1000) / 1000,
                     report: frameId + ':' + reports}, geometry: null}]};
            }};
            var told = null;
            function report() {
                if (told === share.toFixed(3)) { return; }
                told = share.toFixed(3);
                reports += 1;
                var data = window.__GLOBAL_DATA__;
                map.fire('draw:edited', {latlng: data ? data.last_object_clicked : null});
            }
            L.DomEvent.on(bar, 'pointerup pointercancel', function (e) {
                if (dragging) { report(); }
                dragging = false;
                map.dragging.enable();
            });
            L.DomEvent.on(bar, 'keydown', function (e) {
                var step = {ArrowLeft: -0.05, ArrowRight: 0.05}[e.key];
                if (step) {
                    L.DomEvent.preventDefault(e);
                    share = Math.min(1, Math.max(0, share + step));
                    clip();
                    report();
                }
            });
            // The app's swipe (a shared address, Back, Forward): moved without a report.
            map.on('layeradd', function (e) {
                var given = e.layer.bmSwipe;
                if (typeof given === 'number' && Math.abs(given - share) > 0.0005) {
                    share = Math.min(1, Math.max(0, given));
                    told = share.toFixed(3);
                    clip();
                }
            });
            map.on('move zoom resize viewreset', clip);
            map.whenReady(clip);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, before: str, after: str, panes: tuple[str, ...], z_index: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SwipeControl"
        self.before = before
        self.after = after
        self.panes = list(panes)
        self.z_index = int(z_index)


def compare_bounds(dataset: Dataset, bounds: Bounds) -> Bounds:
    """The extent to show: ``bounds``, unless it is the default extent; then that of every
    control record of the data (EPSG:4326) with a margin of
    :data:`layers.change_layer.ZOOM_MARGIN` degrees, so what changes hands is large
    enough to see. It never depends on the dates, so neither does the map."""
    if bounds != DEFAULT_BOUNDS or not dataset.control:
        return bounds
    # the box of the boxes: the same extent as the union's, without building the union
    # (twice a run, ~54 ms each on the committed data)
    box = shapely.total_bounds([c.geometry for c in dataset.control])
    min_x, min_y, max_x, max_y = (float(v) for v in box)
    m = ZOOM_MARGIN
    return (min_x - m, min_y - m, max_x + m, max_y + m)


def compare_map(dataset: Dataset, bounds: Bounds, basemap: str) -> folium.Map:
    """The base of the comparison map: :func:`layers.web.map.base_map` fitted to
    :func:`compare_bounds` (with its date stamp and legend boxes, filled by
    :func:`situation_group`), and the swipe bar with its panes.

    Depends only on ``bounds`` and ``basemap`` (never on the dates), so the component
    is not remounted when a date changes.
    """
    fmap = base_map(dataset, compare_bounds(dataset, bounds), basemap, annotation_tool="show")
    root = fmap.get_root()
    root.header.add_child(Verbatim(_SWIPE_CSS), name="swipe_css")  # type: ignore[attr-defined]
    # Above Leaflet's overlay pane (400) so the land fill stays below, under its markers (600).
    SwipeControl(
        before=BEFORE_PANE,
        after=AFTER_PANE,
        panes=(BEFORE_PANE, AFTER_PANE, FIXED_PANE),
        z_index=401,
    ).add_to(fmap)
    return fmap


def change_group(data: FeatureCollection | None) -> folium.FeatureGroup:
    """The change layer (from :func:`layers.change_layer.change_features`, through
    :func:`layers.web.geojson.feature_collection`) in the after pane, hover tooltips."""
    group = folium.FeatureGroup(name="What changed")
    if data is None or not data["features"]:
        return group
    folium.GeoJson(
        data,
        name="change",
        style_function=feature_style,
        on_each_feature=HOVER,
        pane=AFTER_PANE,
    ).add_to(group)
    return group


def compare_stamp(before: dt.date, after: dt.date) -> str:
    """The date stamp of the comparison map.

    >>> compare_stamp(dt.date(2020, 11, 9), dt.date(2020, 12, 1))
    'Before 9 November 2020 · after 1 December 2020'
    """
    return f"Before {format_date(before)} · after {format_date(after)}"


def situation_group(
    fixed: Mapping[str, FeatureCollection],
    before: Mapping[str, FeatureCollection],
    after: Mapping[str, FeatureCollection],
    change: FeatureCollection | None,
    days: tuple[dt.date, dt.date] | None,
) -> folium.FeatureGroup:
    """An empty group carrying the date stamp of ``days`` (none without) and the legend
    of what either side draws, the change layer's entries first under
    :data:`CHANGE_GROUP` (see :func:`layers.web.groups.situation_group`)."""
    drawn: dict[str, FeatureCollection] = {}
    for collections in (before, after, fixed):
        for layer_id, collection in collections.items():
            features = drawn.setdefault(layer_id, {"features": []})["features"]
            features.extend(collection["features"])
    if change is not None:
        drawn[CHANGE_LAYER] = change
    legend = drawn_legend_html(drawn, extra={CHANGE_LAYER: (CHANGE_GROUP, CHANGE_LEGEND)})
    group = folium.FeatureGroup(name="Situation")
    SituationState(compare_stamp(*days) if days else "", legend).add_to(group)
    return group


class SwipeState(MacroElement):
    """Sets ``bmSwipe`` (the bar's place, 0 to 1) on the parent group; the map's
    :class:`SwipeControl` moves the bar there when the group is added."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bmSwipe = {{ this.swipe }};
        {% endmacro %}
        """
    )

    def __init__(self, swipe: float, revision: int = 0) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SwipeState"
        self.swipe = f"{float(swipe)!r} /* {int(revision)} */"


def swipe_group(swipe: float, revision: int = 0) -> folium.FeatureGroup:
    """An empty group placing the swipe bar at ``swipe`` (share of the width); a new
    ``revision`` sends the same place again (after a Back or Forward step)."""
    group = folium.FeatureGroup(name="Swipe")
    SwipeState(swipe, revision).add_to(group)
    return group


def compare_groups(
    fixed: Mapping[str, FeatureCollection],
    before: Mapping[str, FeatureCollection],
    after: Mapping[str, FeatureCollection],
    change: FeatureCollection | None,
    *,
    days: tuple[dt.date, dt.date] | None = None,
    swipe: float = 0.5,
    swipe_revision: int = 0,
    annotations: Sequence[Annotation] = (),
) -> list[folium.FeatureGroup]:
    """Feature groups of the comparison map, as many whatever the layers toggled (one more
    on each side per user layer).

    ``before`` and ``after`` are the dated layers' collections on each day (keyed by
    layer id), drawn in :data:`BEFORE_PANE` and :data:`AFTER_PANE` in the catalogue's draw
    order; ``change`` is the change layer, drawn over the after day; ``fixed`` are the
    layers that do not change with the date, drawn once in :data:`FIXED_PANE`; last,
    :func:`situation_group` (date stamp of the two ``days`` and legend), the swipe bar's
    place (:func:`swipe_group`) and the view's ``annotations`` (shown on both sides). The runtime
    layers in force (the user's own, :func:`layers.catalog.runtime_layers`) are drawn on
    each side above the curated ones, as on the main map.
    """
    dated = (*DRAW_ORDER, *(spec.id for spec in runtime_specs()))
    return [
        *(layer_group(i, before.get(i), pane=BEFORE_PANE) for i in dated),
        *(layer_group(i, after.get(i), pane=AFTER_PANE) for i in dated),
        change_group(change),
        *(layer_group(i, fixed.get(i), pane=FIXED_PANE) for i in DRAW_ORDER),
        situation_group(fixed, before, after, change, days),
        swipe_group(swipe, swipe_revision),
        annotation_group(annotations),
    ]
