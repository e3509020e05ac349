"""The bridge from feature frames (:mod:`layers.features`) to Folium/Leaflet.

Input frames are EPSG:4326 with the columns of :data:`layers.features.FEATURE_COLUMNS`
plus ``geometry``. Geometries are simplified (:data:`SIMPLIFY_TOLERANCE`, small features
kept as drawn) and rounded to :data:`COORD_DECIMALS` decimals before they are embedded.

Two kinds of output:

* for the Streamlit app, :func:`base_map` (a map whose content depends only on the
  extent and basemap, so the component is not remounted when the date or the layers
  change; it carries the date stamp and legend boxes of :mod:`layers.web.overlay`) and
  :func:`feature_groups` (one ``FeatureGroup`` per catalogue layer, then the measured
  line and the day's date stamp and legend, handed to
  ``st_folium(feature_group_to_add=...)``);
* for exports, :func:`standalone_html`, a complete page with Leaflet inlined.

Every text from data reaches the HTML through :mod:`layers.web.html` only.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from functools import partial
from typing import Any, TypeVar

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from folium.features import GeoJsonStyleMapper
from folium.utilities import JsCode, get_obj_in_upper_tree
from jinja2 import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.measure import Measurement
from layers.briefing.view import Bounds, View
from layers.catalog import (
    DRAW_ORDER,
    LAND_BOUNDARIES,
    MINOR_STYLES,
    Label,
    find,
    layer,
    runtime_specs,
)
from layers.features import view_features
from layers.styles import LABEL_STYLES, Style, leaflet_style, style
from layers.web import assets
from layers.web.html import POPUP_CSS, escape_text, popup_html
from layers.web.labels import area_label_points, wrap_label
from layers.web.legend import drawn_legend_html, marker_svg
from layers.web.overlay import PRIORITY_CLASS, Overlay, SituationState

#: Douglas-Peucker tolerance for outlines, in degrees (about 200 m).
SIMPLIFY_TOLERANCE = 0.002
#: Features whose bounding box is smaller than this (degrees) are kept as drawn.
SMALL_FEATURE_DEG = 0.05
#: Decimals kept in embedded coordinates (1e-5 degree is about 1 m).
COORD_DECIMALS = 5
#: Most events the app's map draws one by one (``layer_features(event_limit=...)``):
#: beyond it the earlier ones are counted per area, so 10,000 events stay a light page.
EVENT_MARKER_LIMIT = 500
#: Height of the map in the app, in pixels.
MAP_HEIGHT = 600
#: Smallest label text on the web map, in CSS pixels; paper sizes (points) are scaled
#: by :data:`LABEL_PX_PER_PT` up to it.
MIN_LABEL_PX = 11
LABEL_PX_PER_PT = 1.6

_LAND = {"color": "#c9c4bb", "weight": 0.6, "fillColor": "#f4f1ea", "fillOpacity": 1.0}
_MEASURE = {"color": "#000000", "weight": 2.5, "dash_array": "2 6"}

_CSS = """
<style>
.leaflet-container { background: #dfe8ee; font: 12px/1.35 system-ui, sans-serif; }
.bm-control { background: rgba(255,255,255,0.92); padding: 4px 6px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 42vh; overflow-y: auto;
  font-size: 11px; line-height: 1.25; }
.bm-control summary { cursor: pointer; }
.bm-control.bm-legend-box { max-height: none; overflow: visible; }
.bm-control.bm-date-stamp { font-size: 14px; font-weight: 700; color: #222; max-height: none;
  padding: 3px 8px; }
.leaflet-tooltip.bm-label-hidden { visibility: hidden; }
.leaflet-tooltip.bm-area { text-align: center; line-height: 1.15; }
.bm-legend-group { font-weight: 600; margin-top: 4px; }
.leaflet-tooltip.bm-label { background: transparent; border: none; box-shadow: none; padding: 0 2px;
  font-size: 11px; font-weight: 600; color: #222; text-shadow: 0 0 2px #fff, 0 0 2px #fff;
  position: absolute; white-space: nowrap; width: max-content; }
.leaflet-container .leaflet-popup-content, .leaflet-popup-content table, .leaflet-popup-content li
  { font-size: 12px; line-height: 1.3; }
.leaflet-popup-content table { border-collapse: collapse; }
.leaflet-tooltip.bm-label::before { display: none; }
.bm-zoomed-out .leaflet-tooltip.bm-label-minor { display: none; }
.bm-marker { background: none; border: none; }
.bm-pin { background: none; border: none; }
.bm-tile-failure { max-width: 260px; font-size: 12px; border-left: 4px solid #d84315; }
.leaflet-tooltip.bm-measure-label { font-size: 13px; font-weight: 700; padding: 1px 5px;
  border: 1px solid #000; border-radius: 3px; background: rgba(255,255,255,0.92); }
.bm-title h1 { font-size: 16px; margin: 0; }
body.bm-page { display: flex; flex-direction: column; margin: 0; font: 13px system-ui, sans-serif; }
body.bm-page .folium-map { order: 1; flex: none; }
body.bm-page .bm-sources { order: 2; padding: 4px 12px; }
body.bm-page .bm-sources h2 { font-size: 14px; }
</style>
"""


class Verbatim(Element):
    """An element whose text is written into the page as it is.

    branca's ``Element(template=text)`` compiles ``text`` as a Jinja template, so data in
    it would run (``{{ ... }}``) or break the page (``{#``). This element is never
    compiled: use it for every piece of HTML, CSS or script built in Python (data in it
    escaped with :func:`layers.web.html.escape_text` first).
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: object) -> str:
        """The text, unchanged."""
        return self.text


class MapControl(MacroElement):
    """A Leaflet control at ``position`` holding ``html`` (already escaped)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'bm-control ' + {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str = "bottomright", css_class: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapControl"
        self.html = html
        self.position = position
        self.css_class = css_class


# --- geometry preparation -------------------------------------------------------------


def prepare_geometry(geometry: BaseGeometry) -> BaseGeometry:
    """Simplify an EPSG:4326 outline (unless it is small) and round its coordinates."""
    if geometry.is_empty:
        return geometry
    if geometry.geom_type not in ("Point", "MultiPoint"):
        min_x, min_y, max_x, max_y = geometry.bounds
        if max(max_x - min_x, max_y - min_y) > SMALL_FEATURE_DEG:
            simplified = geometry.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
            geometry = geometry if simplified.is_empty else simplified
    return shapely.transform(geometry, lambda xy: np.round(xy, COORD_DECIMALS))


FeatureCollection = dict[str, Any]
_M = TypeVar("_M", folium.CircleMarker, folium.Marker)


#: GeoJSON features already made (see :func:`_prepared`), at most this many kept.
MAX_PREPARED_FEATURES = 20_000
_PREPARED: OrderedDict[Hashable, tuple[BaseGeometry, dict[str, Any]]] = OrderedDict()
_PREPARED_LOCK = threading.Lock()


def _prepared(
    key: Hashable, geometry: BaseGeometry, make: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The feature ``make()`` builds, made once for ``key`` and reused (shared and
    read-only, like the collections). ``key`` holds every input of the feature but the
    geometry, which is matched by identity: the entry keeps the geometry alive, so its
    ``id`` cannot be reused while the entry exists. Least recently used dropped first."""
    try:
        hash(key)
    except TypeError:  # a frame not made by layers.features (lists in it): not kept
        return make()
    with _PREPARED_LOCK:
        held = _PREPARED.get(key)
        if held is not None and held[0] is geometry:
            _PREPARED.move_to_end(key)
            return held[1]
    feature = make()
    with _PREPARED_LOCK:
        _PREPARED[key] = (geometry, feature)
        while len(_PREPARED) > MAX_PREPARED_FEATURES:
            _PREPARED.popitem(last=False)
    return feature


def feature_collection(
    frame: gpd.GeoDataFrame, anchors: Mapping[str, tuple[float, float]] | None = None
) -> FeatureCollection:
    """GeoJSON FeatureCollection of a feature frame, ready to embed.

    Each feature's ``id`` is the frame's ``id``; its properties are ``style_key``,
    ``status``, ``tooltip`` (escaped label) and ``popup`` (escaped popup HTML); a feature
    with an entry in ``anchors`` (:func:`layers.web.labels.area_label_points`) also has
    ``label_at`` (``[lon, lat]``) and ``label`` (escaped lines joined by ``<br>``).
    """
    features = []
    for row in frame.itertuples(index=False):
        if row.geometry is None or row.geometry.is_empty:
            continue
        anchor = anchors.get(str(row.id)) if anchors else None
        key = (row.id, row.layer, row.style_key, row.status, row.label, row.details,
               row.citations, id(row.geometry), anchor)  # fmt: skip
        features.append(_prepared(key, row.geometry, partial(_geojson_feature, row, anchor)))
    return {"type": "FeatureCollection", "features": features}


def _geojson_feature(row: Any, anchor: tuple[float, float] | None) -> dict[str, Any]:
    """One feature of :func:`feature_collection` from a frame row."""
    properties = {
        "style_key": row.style_key,
        "status": row.status,
        "tooltip": escape_text(row.label),
        "popup": popup_html(row.label, row.details, row.citations),
    }
    spec = find(row.layer)  # None for a derived layer (the change layer): no label
    label = spec.label if spec is not None else None
    if anchor is not None and label is not None:
        lines = wrap_label(str(row.label), LABEL_STYLES[label.look].wrap)
        properties |= {"label_at": list(anchor), "label": "<br>".join(map(escape_text, lines))}
    return {
        "type": "Feature",
        "id": str(row.id),
        "properties": properties,
        "geometry": mapping(prepare_geometry(row.geometry)),
    }


# --- styles ---------------------------------------------------------------------------


def path_style(style_key: str, status: str) -> dict[str, Any]:
    """Leaflet options of a line or area; outline-only areas get ``fill: false`` so their
    interior does not catch clicks meant for what lies below."""
    options = leaflet_style(style(style_key, status))
    if options["fillOpacity"] == 0:
        options["fill"] = False
    return options


def circle_style(style_key: str, status: str) -> dict[str, Any]:
    """Leaflet CircleMarker options: the path style, a radius and an opaque fill."""
    look = style(style_key, status)
    options = leaflet_style(look)
    options.update(radius=look.radius, fill=True, fillOpacity=0.9 if look.fill else 0.0)
    return options


def feature_style(feature: dict[str, Any]) -> dict[str, Any]:
    """The Leaflet style of one feature of :func:`feature_collection` (Folium's
    ``style_function``): circle-marker options for points, path options otherwise."""
    props = feature["properties"]
    if feature["geometry"]["type"] in ("Point", "MultiPoint"):
        return circle_style(props["style_key"], props["status"])
    return path_style(props["style_key"], props["status"])


def _div_icon(look: Style) -> folium.DivIcon:
    size = round(2 * (look.radius + look.weight))
    return folium.DivIcon(
        html=marker_svg(look),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="bm-marker",
    )


# --- layers ---------------------------------------------------------------------------


def _binder(tooltip_options: str) -> JsCode:
    """``onEachFeature`` binding each feature's pre-escaped ``popup`` and ``tooltip``
    properties (built by :mod:`layers.web.html`) directly in Leaflet.

    One small function instead of folium's GeoJsonPopup/GeoJsonTooltip, which compile a
    Jinja template on every render and cost tens of milliseconds per rerun.
    """
    return JsCode(
        "function(feature, layer) {"
        " layer.bindPopup(feature.properties.popup, {maxWidth: 340, maxHeight: 320});"
        f" layer.bindTooltip(feature.properties.tooltip, {tooltip_options}); }}"
    )


#: Hover tooltips for most layers; permanent labels where the catalogue asks for them.
_HOVER = _binder("{sticky: true}")


def _label_classes(label: Label, *extra: str) -> str:
    """CSS classes of a permanent label: its look and its priority (see
    :mod:`layers.web.overlay`)."""
    return " ".join(
        ("bm-label", f"bm-look-{label.look}", f"{PRIORITY_CLASS}{label.priority}", *extra)
    )


#: JavaScript test of a feature drawn in a minor style (:data:`layers.catalog.MINOR_STYLES`):
#: its label is hidden below :data:`MINOR_LABEL_ZOOM`.
_MINOR_TEST = (
    " || ".join(f"feature.properties.style_key === '{key}'" for key in MINOR_STYLES) or "false"
)


def _point_label(label: Label) -> JsCode:
    """Binding of a permanently labelled layer: a point's label beside it; other
    geometries get a hover tooltip (an area's label hangs from its anchor, see
    :func:`layer_group`)."""
    classes = _label_classes(label, "bm-side")
    return _binder(
        "(feature.geometry.type !== 'Point' ? {sticky: true} :"
        f" {{permanent: true, direction: 'right', offset: [4, 0], className: '{classes}'"
        f" + ({_MINOR_TEST} ? ' bm-label-minor' : '')}})"
    )


def _area_label(label: Label) -> JsCode:
    """Binding of an area's permanent label, centred on its anchor point."""
    classes = _label_classes(label, "bm-area")
    return JsCode(
        "function(feature, layer) { layer.bindTooltip(feature.properties.label,"
        f" {{permanent: true, direction: 'center', className: '{classes}'}}); }}"
    )


#: The invisible point an area label hangs from.
_ANCHOR = {"radius": 0, "stroke": False, "fill": False, "interactive": False}


def _popup_css() -> str:
    """CSS of the popups of :func:`layers.web.html.popup_html` (their look, once per page
    instead of once per feature)."""
    return f"<style>\n{POPUP_CSS}</style>\n"


def _label_css() -> str:
    """CSS of each label look of :data:`layers.styles.LABEL_STYLES` on the web map."""
    rules = []
    for key, look in LABEL_STYLES.items():
        size = max(MIN_LABEL_PX, round(look.fontsize * LABEL_PX_PER_PT))
        upper = " text-transform: uppercase; letter-spacing: 0.12em;" if look.upper else ""
        rules.append(
            f".leaflet-tooltip.bm-look-{key} {{ font-size: {size}px;"
            f" color: {look.colour or '#222222'}; font-style: {look.style};"
            f" font-weight: {700 if look.weight == 'bold' else 600};{upper} }}"
        )
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"


#: Below this zoom the labels of minor places (villages, airport, border point) are
#: hidden, so the towns around Karabakh stay readable at the default view.
MINOR_LABEL_ZOOM = 9


class ZoomClass(MacroElement):
    """Keeps the class ``bm-zoomed-out`` on the map while its zoom is below ``zoom``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function update() {
                var out = map.getZoom() < {{ this.zoom }};
                map.getContainer().classList.toggle('bm-zoomed-out', out);
            }
            map.on('zoomend', update);
            map.whenReady(update);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ZoomClass"
        self.zoom = int(zoom)


#: Failed tile requests after which the map says the online basemap is unavailable.
TILE_ERRORS_NOTICE = 4
#: What the map says then (plain text; the app offers the switch under the map).
TILE_FAILURE_TEXT = (
    "Online map tiles are unavailable (no network?). Use “Switch to the offline basemap” "
    "under the map, or Display › Basemap in the sidebar."
)


class TileFailureNotice(MacroElement):
    """Counts the ``tileerror`` events of the map's tile layers; after
    :data:`TILE_ERRORS_NOTICE` of them, shows a notice (a control with class
    ``bm-tile-failure``) saying the online basemap cannot be loaded."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var failures = 0, shown = false;
            function failed() {
                failures += 1;
                if (shown || failures < {{ this.threshold }}) { return; }
                shown = true;
                var notice = L.control({position: 'bottomleft'});
                notice.onAdd = function () {
                    var div = L.DomUtil.create('div', 'bm-control bm-tile-failure');
                    div.setAttribute('role', 'alert');
                    div.textContent = {{ this.text|tojson }};
                    return div;
                };
                notice.addTo(map);
            }
            map.eachLayer(function (layer) {
                if (layer instanceof L.TileLayer) { layer.on('tileerror', failed); }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, threshold: int = TILE_ERRORS_NOTICE) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TileFailureNotice"
        self.threshold = int(threshold)
        self.text = TILE_FAILURE_TEXT


def _permanent_label(layer_id: str) -> Label | None:
    label = layer(layer_id).label
    return label if label is not None and label.permanent_on_web else None


def _details(layer_id: str) -> dict[str, Any]:
    """The feature binding of one GeoJson layer (label or hover tooltip, and popup)."""
    label = _permanent_label(layer_id)
    return {"on_each_feature": _point_label(label) if label else _HOVER}


class GeoJsonLayer(folium.GeoJson):
    """folium's ``GeoJson`` whose rendered script joins the page as :class:`Verbatim`
    text (folium 0.20's ``GeoJson.render``, ``Layer.render`` and
    ``MacroElement.render`` otherwise).

    ``MacroElement.render`` wraps each element's rendered script in
    ``Element(template=script)``, so branca compiles the whole embedded GeoJSON as a
    Jinja template on every render: with 10,000 events that took half a second per date
    change, though streamlit-folium renders the script macro again itself and never uses
    that copy. Nothing is lost: data text reaches the GeoJSON escaped, braces included
    (:func:`layers.web.html.escape_text`), and these layers have no element-valued styles
    for a second template pass to resolve.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement's
        """Style map (as ``GeoJson.render``), the add-to-parent call (as
        ``Layer.render``), then the script, verbatim, and the children."""
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)  # type: ignore[assignment]
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style:
                self.style_map = mapper.get_style_map(self.style_function)
            if self.highlight:
                self.highlight_map = mapper.get_highlight_map(self.highlight_function)
        if self.show:
            assert self._parent is not None, "a layer is rendered inside its map"
            adder = ElementAddToElement(
                element_name=self.get_name(), element_parent_name=self._parent.get_name()
            )
            self.add_child(adder, name=self.get_name() + "_add")
        script = self._template.module.__dict__["script"](self, kwargs)
        _root(self).script.add_child(Verbatim(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def _geojson(data: dict[str, Any], layer_id: str, **kwargs: Any) -> folium.GeoJson:
    return GeoJsonLayer(data, name=layer_id, **_details(layer_id), **kwargs)


def feature_collections(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, FeatureCollection]:
    """:func:`feature_collection` of every frame, keyed by layer id; the areas of layers
    labelled permanently get their label anchors (computed over all ``frames`` at once,
    see :func:`layers.web.labels.area_label_points`).

    The result is never modified by :func:`layer_group`, so collections of layers that do
    not change with the date can be computed once and reused (the app caches them).
    """
    anchors = area_label_points(frames)
    return {layer_id: feature_collection(frame, anchors) for layer_id, frame in frames.items()}



def _in_pane(marker: _M, pane: str | None) -> _M:
    """``marker`` (a GeoJson's point template) set to draw in ``pane`` (folium's path
    options would drop the option if passed to the constructor)."""
    if pane is not None:
        marker.options["pane"] = pane
    return marker


def layer_group(
    layer_id: str, data: FeatureCollection | None, *, pane: str | None = None
) -> folium.FeatureGroup:
    """A FeatureGroup drawing ``data`` (from :func:`feature_collection`); empty if ``None``.

    Lines, areas and circle points are one GeoJson styled per feature; points with other
    marker shapes get one GeoJson of SVG icons per style. ``pane`` names the Leaflet pane
    to draw in (the map must have it; Leaflet's default panes when ``None``).
    """
    in_pane = {} if pane is None else {"pane": pane}
    group = folium.FeatureGroup(name=layer(layer_id).title)
    if data is None or not data["features"]:
        return group
    by_icon: dict[tuple[str, str], list[dict[str, Any]]] = {}
    plain: list[dict[str, Any]] = []
    for feature in data["features"]:
        props = feature["properties"]
        look = style(props["style_key"], props["status"])
        is_point = feature["geometry"]["type"] in ("Point", "MultiPoint")
        if is_point and (look.marker or "circle") != "circle":
            by_icon.setdefault((props["style_key"], props["status"]), []).append(feature)
        else:
            plain.append(feature)
    if plain:
        collection = {"type": "FeatureCollection", "features": plain}
        _geojson(
            collection,
            layer_id,
            style_function=feature_style,
            marker=_in_pane(folium.CircleMarker(), pane),
            **in_pane,
        ).add_to(group)
    for (style_key, status), features in by_icon.items():
        icon = _div_icon(style(style_key, status))
        collection = {"type": "FeatureCollection", "features": features}
        marker = _in_pane(folium.Marker(icon=icon), pane)
        _geojson(collection, layer_id, marker=marker, **in_pane).add_to(group)
    _area_labels(layer_id, data["features"], group, pane)
    return group


def _area_labels(
    layer_id: str,
    features: list[dict[str, Any]],
    group: folium.FeatureGroup,
    pane: str | None = None,
) -> None:
    """The permanent labels of the features with a ``label_at`` anchor, as centred
    tooltips of invisible points (in ``pane``, as their layer)."""
    label = _permanent_label(layer_id)
    anchors = [
        {
            "type": "Feature",
            "properties": {"label": f["properties"]["label"]},
            "geometry": {"type": "Point", "coordinates": f["properties"]["label_at"]},
        }
        for f in features
        if "label_at" in f["properties"]
    ]
    if label is None or not anchors:
        return
    in_pane: dict[str, Any] = {} if pane is None else {"pane": pane}
    GeoJsonLayer(
        {"type": "FeatureCollection", "features": anchors},
        name=f"{layer_id}-labels",
        marker=_in_pane(folium.CircleMarker(), pane),
        style_function=lambda _: _ANCHOR,
        on_each_feature=_area_label(label),
        **in_pane,
    ).add_to(group)


def feature_groups(
    collections: Mapping[str, FeatureCollection],
    measurement: Measurement | None = None,
    *,
    pin: Pin | None = None,
    day: dt.date | None = None,
    prepared: Mapping[str, folium.FeatureGroup] | None = None,
) -> list[folium.FeatureGroup]:
    """One group per catalogue layer in :data:`layers.catalog.DRAW_ORDER` (empty where
    ``collections`` lacks the layer), one per runtime layer in force (the user's own,
    :func:`layers.catalog.runtime_layers`), then the measured line (empty without a
    measurement), then the search pin (empty without one), then :func:`situation_group`
    (date stamp of ``day`` and legend).

    The list always has the same length, so the app can hand it to ``st_folium``
    whatever the layer toggles are. ``prepared`` holds groups made beforehand for some
    layers (:class:`layers.web.prepared.PreparedGroup`, drawing that layer's entry of
    ``collections``), used instead of building them again.
    """
    ids = (*DRAW_ORDER, *(spec.id for spec in runtime_specs()))  # the user's layers on top
    ready = prepared or {}
    groups = [
        ready[layer_id] if layer_id in ready else layer_group(layer_id, collections.get(layer_id))
        for layer_id in ids
    ]
    return [
        *groups,
        measure_group(measurement),
        pin_group(pin),
        situation_group(collections, day),
    ]


def measure_label(measurement: Measurement) -> str:
    """The text on the measured line: ``27.1 km``."""
    return f"{measurement.km:,.1f} km"


def date_stamp(day: dt.date) -> str:
    """The date stamp written on the map.

    >>> date_stamp(dt.date(2020, 11, 10))
    'Situation on 10 November 2020'
    """
    return f"Situation on {format_date(day)}"


def situation_group(
    collections: Mapping[str, FeatureCollection], day: dt.date | None
) -> folium.FeatureGroup:
    """An empty group carrying the map's date stamp (none without ``day``) and the
    legend of what ``collections`` draw (:func:`layers.web.legend.drawn_legend_html`),
    applied by the base map's :class:`layers.web.overlay.Overlay` when it is added."""
    group = folium.FeatureGroup(name="Situation")
    legend = drawn_legend_html(collections)
    SituationState(date_stamp(day) if day else "", legend).add_to(group)
    return group


def measure_group(measurement: Measurement | None) -> folium.FeatureGroup:
    """A dashed black line between the two measured points (EPSG:4326), its length
    written on it (a permanent label at the line's middle) and its ends marked."""
    group = folium.FeatureGroup(name="Measured distance")
    if measurement is None:
        return group
    ends = [(round(p.y, 5), round(p.x, 5)) for p in (measurement.start, measurement.end)]
    folium.PolyLine(  # type: ignore[no-untyped-call]
        ends,
        tooltip=folium.Tooltip(
            escape_text(f"{measure_label(measurement)} (geodesic)"),
            permanent=True,
            sticky=False,
            direction="center",
            className="bm-measure-label",
        ),
        **_MEASURE,
    ).add_to(group)
    for end in ends:
        folium.CircleMarker(end, radius=3, color="#000000", weight=1.5, fill=True,
                            fill_color="#ffffff", fill_opacity=1.0).add_to(group)  # fmt: skip
    return group


#: A search result to pin: (lat, lon) in EPSG:4326 and its label (plain text).
Pin = tuple[float, float, str]


def pin_group(pin: Pin | None) -> folium.FeatureGroup:
    """A marker at a found place (with its name as tooltip); empty without a pin."""
    group = folium.FeatureGroup(name="Search result")
    if pin is None:
        return group
    lat, lon, label = pin
    folium.Marker(
        (round(lat, 5), round(lon, 5)),
        tooltip=folium.Tooltip(escape_text(label)),
        icon=folium.DivIcon(
            html=_PIN_SVG, icon_size=(22, 30), icon_anchor=(11, 30), class_name="bm-pin"
        ),
    ).add_to(group)
    return group


_PIN_SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' width='22' height='30' viewBox='0 0 22 30'>"
    "<path d='M11 29 C11 29 2 17 2 10.5 A9 9 0 0 1 20 10.5 C20 17 11 29 11 29 Z'"
    " fill='#d84315' stroke='#ffffff' stroke-width='1.5'/>"
    "<circle cx='11' cy='10.5' r='3.5' fill='#ffffff'/></svg>"
)


# --- the map --------------------------------------------------------------------------


def _land(dataset: Dataset) -> folium.GeoJson:
    countries = dataset.boundaries[LAND_BOUNDARIES]
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": mapping(prepare_geometry(g))}
            for g in countries.geometry
        ],
    }
    return folium.GeoJson(data, name="land", style_function=lambda _: _LAND, interactive=False)


def _root(fmap: Element) -> Figure:
    root = fmap.get_root()
    assert isinstance(root, Figure)
    return root


def _leaflet_bounds(bounds: Bounds) -> list[list[float]]:
    min_x, min_y, max_x, max_y = bounds
    return [[min_y, min_x], [max_y, max_x]]


def base_map(dataset: Dataset, bounds: Bounds, basemap: str) -> folium.Map:
    """A map with no data layers: basemap, scale bar, the (empty) date stamp and legend
    boxes of :class:`layers.web.overlay.Overlay`, fitted to ``bounds``.

    ``basemap`` is ``'vector'`` (light fills of the catalogue's land,
    :data:`layers.catalog.LAND_BOUNDARIES`, no network needed) or ``'osm'``
    (OpenStreetMap tiles). The date and legend come with :func:`situation_group`. Leaflet
    is loaded from the app's own server.
    """
    fmap = folium.Map(
        location=None,
        tiles=None,
        control_scale=True,
        zoom_start=8,
        height=MAP_HEIGHT,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    fmap.default_js = [("leaflet", assets.LEAFLET_JS_URL)]
    fmap.default_css = [("leaflet_css", assets.LEAFLET_CSS_URL)]
    _root(fmap).header.add_child(Verbatim(_CSS + _popup_css() + _label_css()), name="briefing_css")
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", max_zoom=18).add_to(fmap)
        TileFailureNotice().add_to(fmap)
    else:
        _land(dataset).add_to(fmap)
    Overlay().add_to(fmap)
    ZoomClass(MINOR_LABEL_ZOOM).add_to(fmap)
    fmap.fit_bounds(_leaflet_bounds(bounds))
    return fmap


# --- standalone page ------------------------------------------------------------------


def _sources_html(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> str:
    basemap = dataset.source(settings.NATURAL_EARTH_SOURCE_ID).citation()
    cited = dict.fromkeys(c for frame in frames.values() for cs in frame["citations"] for c in cs)
    cited.setdefault(basemap, None)  # the vector basemap is drawn from it too
    items = "".join(f"<li>{escape_text(c)}</li>" for c in cited)
    return f"<section class='bm-sources'><h2>Sources</h2><ul>{items}</ul></section>"


def _title_html(view: View) -> str:
    return f"<div class='bm-title'><h1>{escape_text(view.title)}</h1></div>"


def _inline_leaflet(fmap: folium.Map) -> None:
    fmap.default_js = []
    fmap.default_css = []
    header = _root(fmap).header
    header.add_child(Verbatim(f"<style>{assets.leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Verbatim(f"<script>{assets.leaflet_js()}</script>"), name="leaflet_js")


def standalone_html(dataset: Dataset, view: View) -> str:
    """A complete, self-contained HTML page of the map for ``view``.

    Only the view's layers, as they stood on ``view.day``, in its naming convention,
    fitted to ``view.bounds``; with title, date stamp, a legend of what is drawn, a scale
    bar and the sources of every feature shown. Leaflet is inlined (no network needed
    with the vector basemap).
    """
    frames = view_features(dataset, view)
    fmap = base_map(dataset, view.bounds, view.basemap)
    _inline_leaflet(fmap)
    collections = feature_collections(frames)
    for layer_id in sorted(collections, key=lambda i: layer(i).draw_order):
        layer_group(layer_id, collections[layer_id]).add_to(fmap)
    situation_group(collections, view.day).add_to(fmap)
    MapControl(_title_html(view), position="topleft", css_class="bm-title").add_to(fmap)
    root = _root(fmap)
    root.title = escape_text(view.title)
    root.html.add_child(Verbatim(_sources_html(dataset, frames)), name="sources")
    root.html.add_child(Verbatim("<script>document.body.classList.add('bm-page');</script>"))
    return str(root.render())
