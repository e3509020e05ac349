"""The web map's feature groups: one per catalogue layer (features, hover tooltips or
permanent labels, popups), then the measured line, the search pin and the day's date
stamp and legend (:func:`feature_groups`, handed to ``st_folium(feature_group_to_add=...)``
and drawn into the stand-alone page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import folium
from folium.utilities import JsCode

from geo.dates import format_date
from geo.measure import Measurement
from layers.briefing.annotations import Annotation
from layers.catalog import DRAW_ORDER, MINOR_STYLES, Label, layer, runtime_specs
from layers.styles import Style, style
from layers.web.annotations import annotation_group
from layers.web.elements import GeoJsonLayer
from layers.web.geojson import (
    FROM_ZOOM_CLASS,
    FeatureCollection,
    feature_style,
    feature_style_key,
)
from layers.web.html import escape_text
from layers.web.legend import drawn_legend_html, marker_svg
from layers.web.overlay import PRIORITY_CLASS, SituationState
from layers.web.playback import playback_group

_MEASURE = {"color": "#000000", "weight": 2.5, "dash_array": "2 6"}
_M = TypeVar("_M", folium.CircleMarker, folium.Marker)


def _div_icon(look: Style, *, min_zoom: int | None = None) -> folium.DivIcon:
    size = round(2 * (look.radius + look.weight))
    return folium.DivIcon(
        html=marker_svg(look),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name=f"bm-marker {FROM_ZOOM_CLASS}{min_zoom}" if min_zoom else "bm-marker",
    )


# --- layers ---------------------------------------------------------------------------


def _binder(tooltip_options: str) -> JsCode:
    """``onEachFeature`` binding each feature's pre-escaped ``popup`` and ``tooltip``
    properties (built by :mod:`layers.web.html`) directly in Leaflet. The popup is made
    when it opens (Leaflet calls the function then) from the feature's escaped parts
    (:data:`layers.web.html.POPUP_JS`), so the first map receives no popup HTML.

    One small function instead of folium's GeoJsonPopup/GeoJsonTooltip, which compile a
    Jinja template on every render and cost tens of milliseconds per rerun.
    """
    return JsCode(
        "function(feature, layer) {"
        " layer.bindPopup(function () { return window.bmPopup(feature.properties.popup); },"
        " {maxWidth: 340, maxHeight: 320});"
        " if (feature.properties.tooltip)"  # unnamed features (most rivers): no empty box
        f" layer.bindTooltip(feature.properties.tooltip, {tooltip_options}); }}"
    )


#: Hover tooltips for most layers; permanent labels where the catalogue asks for them.
HOVER = _binder("{sticky: true}")


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
        f" + ({_MINOR_TEST} ? ' bm-label-minor' : '')"
        # a point drawn from some zoom on (its min_zoom): its label hides with it
        f" + (feature.properties.min_zoom ? ' {FROM_ZOOM_CLASS}' + feature.properties.min_zoom"
        " : '')})"
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

def _permanent_label(layer_id: str) -> Label | None:
    label = layer(layer_id).label
    return label if label is not None and label.permanent_on_web else None


def _details(layer_id: str) -> dict[str, Any]:
    """The feature binding of one GeoJson layer (label or hover tooltip, and popup)."""
    label = _permanent_label(layer_id)
    return {"on_each_feature": _point_label(label) if label else HOVER}

def _geojson(data: dict[str, Any], layer_id: str, **kwargs: Any) -> folium.GeoJson:
    return GeoJsonLayer(data, name=layer_id, **_details(layer_id), **kwargs)


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
    spec = layer(layer_id)
    group = folium.FeatureGroup(name=spec.title)
    if data is None or not data["features"]:
        return group
    by_icon: dict[tuple[str, str], list[dict[str, Any]]] = {}
    plain: list[dict[str, Any]] = []
    for feature in data["features"]:
        props = feature["properties"]
        look = style(props["style_key"], props["status"])  # cached: one per key and status
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
            style_key=feature_style_key,
            marker=_in_pane(folium.CircleMarker(), pane),
            **in_pane,
        ).add_to(group)
    for (style_key, status), features in by_icon.items():
        icon = _div_icon(style(style_key, status), min_zoom=spec.min_zoom(style_key))
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
        style_key=lambda _: None,
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
    annotations: Sequence[Annotation] = (),
    revision: int = 0,
    now: str = "",
    picking: bool = False,
    playback: str = "",
) -> list[folium.FeatureGroup]:
    """One group per catalogue layer in :data:`layers.catalog.DRAW_ORDER` (empty where
    ``collections`` lacks the layer), one per runtime layer in force (the user's own,
    :func:`layers.catalog.runtime_layers`), then the measured line (empty without a
    measurement), then the search pin (empty without one), then :func:`situation_group`
    (date stamp of ``day``, legend, the playback's card ``now`` and the click mode
    ``picking``), then the user's ``annotations``
    (:func:`layers.web.annotations.annotation_group`, with its ``revision``), then the
    ``playback`` by day handed to the map's player (:func:`layers.web.playback.playback_group`).

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
        situation_group(collections, day, now=now, picking=picking),
        annotation_group(annotations, revision),
        playback_group(playback),
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
    collections: Mapping[str, FeatureCollection],
    day: dt.date | None,
    *,
    now: str = "",
    picking: bool = False,
) -> folium.FeatureGroup:
    """An empty group carrying the map's date stamp (none without ``day``) and the
    legend of what ``collections`` draw (:func:`layers.web.legend.drawn_legend_html`),
    the card of the event a playback is at (``now``, escaped HTML) and whether clicks
    pick points (``picking``), applied by the base map's
    :class:`layers.web.overlay.Overlay` when it is added."""
    group = folium.FeatureGroup(name="Situation")
    legend = drawn_legend_html(collections)
    SituationState(
        date_stamp(day) if day else "", legend, now, picking, day.isoformat() if day else ""
    ).add_to(group)
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
