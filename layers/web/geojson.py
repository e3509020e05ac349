"""Feature frames (:mod:`layers.features`) as GeoJSON ready to embed in a Leaflet map, and
the Leaflet style of each feature.

Input frames are EPSG:4326 with the columns of :data:`layers.features.FEATURE_COLUMNS`
plus ``geometry``. Geometries are simplified (:data:`SIMPLIFY_TOLERANCE`, small features
kept as drawn) and rounded to :data:`COORD_DECIMALS` decimals before they are embedded;
every text reaches the GeoJSON escaped by :mod:`layers.web.html`. A feature is made
once and reused (bounded, shared read-only).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.identity_cache import IdentityCache
from geo.naming import upper
from layers.catalog import EventSource, find
from layers.styles import LABEL_STYLES, leaflet_style, style
from layers.web.html import escape_text, popup_parts
from layers.web.labels import area_label_points, wrap_label
from layers.web.spread import EVENT, STACK_PROPERTY

#: Douglas-Peucker tolerance for outlines, in degrees (about 200 m).
SIMPLIFY_TOLERANCE = 0.002
#: Features whose bounding box is smaller than this (degrees) are kept as drawn.
SMALL_FEATURE_DEG = 0.05
#: Decimals kept in embedded coordinates (1e-5 degree is about 1 m).
COORD_DECIMALS = 5
#: Most events the app's map draws one by one (``layer_features(event_limit=...)``):
#: beyond it the earlier ones are counted per area, so 10,000 events stay a light page.
EVENT_MARKER_LIMIT = 500


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


#: GeoJSON features already made (see :func:`_prepared`), at most this many kept.
MAX_PREPARED_FEATURES = 20_000


class _Made:
    """A feature :func:`_prepared` made (its geometry is held by the cache's entry, so
    its ``id`` stays its own), and the feature's JSON text once written
    (:func:`feature_json`)."""

    __slots__ = ("feature", "text")

    def __init__(self, feature: dict[str, Any]) -> None:
        self.feature = feature
        self.text: str | None = None


def _forget(made: _Made) -> None:
    """Drops a feature no longer kept from :data:`_BY_FEATURE`."""
    with _PREPARED_LOCK:
        _BY_FEATURE.pop(id(made.feature), None)


_PREPARED: IdentityCache[_Made] = IdentityCache(
    MAX_PREPARED_FEATURES, "GeoJSON features", on_drop=_forget
)
#: The same entries by the ``id`` of their feature (:func:`feature_json`).
_BY_FEATURE: dict[int, _Made] = {}
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

    def made() -> _Made:
        entry = _Made(make())
        with _PREPARED_LOCK:
            _BY_FEATURE[id(entry.feature)] = entry
        return entry

    return _PREPARED.get((geometry,), key, made).feature


def feature_json(feature: dict[str, Any]) -> str:
    """``json.dumps(feature, sort_keys=True)``, written once for a feature this module
    made and keeps (shared and never modified, so its text never changes) and reused."""
    with _PREPARED_LOCK:
        made = _BY_FEATURE.get(id(feature))
        if made is None or made.feature is not feature:
            made = None
        elif made.text is not None:
            return made.text
    text = json.dumps(feature, sort_keys=True)
    if made is not None:
        made.text = text
    return text


#: ``json.dumps(text)`` of a string (ASCII, as ``json.dumps``'s default ``ensure_ascii``).
_string_json = json.encoder.encode_basestring_ascii


def collection_json(data: Any, **kwargs: Any) -> str:
    """``json.dumps(data, **kwargs)``, with a FeatureCollection's features written by
    :func:`feature_json` (each once) when ``kwargs`` are Jinja's ``tojson``'s (sorted
    keys): the same text. Jinja's ``json.dumps_function`` for the Leaflet templates
    (:mod:`layers.web.elements`): folium writes a GeoJson's data with ``tojson`` twice a
    render, and at 10,000 events writing the features again on each date change was most
    of a control layer's script time (issue 25)."""
    if (
        kwargs == {"sort_keys": True}
        and type(data) is dict
        and data.keys() == {"type", "features"}
        and data["type"] == "FeatureCollection"
        and type(data["features"]) is list
    ):
        features = ", ".join(map(feature_json, data["features"]))
        return f'{{"features": [{features}], "type": "FeatureCollection"}}'
    if type(data) is str and not kwargs.keys() - {"sort_keys"}:  # an id: one per feature
        return _string_json(data)  # json.dumps's own text of a string
    return json.dumps(data, **kwargs)


def feature_collection(
    frame: gpd.GeoDataFrame, anchors: Mapping[str, tuple[float, float]] | None = None
) -> FeatureCollection:
    """GeoJSON FeatureCollection of a feature frame, ready to embed.

    Each feature's ``id`` is the frame's ``id``; its properties are ``style_key``,
    ``status``, ``tooltip`` (escaped label) and ``popup`` (the popup's escaped
    :func:`layers.web.html.popup_parts`, built into HTML when it opens), and
    ``stack: "event"`` for an event (:mod:`layers.web.spread`); a feature
    with an entry in ``anchors`` (:func:`layers.web.labels.area_label_points`) also has
    ``label_at`` (``[lon, lat]``) and ``label`` (escaped lines joined by ``<br>``).
    """
    features = record_features(frame.itertuples(index=False), anchors)
    return {"type": "FeatureCollection", "features": features}


def record_features(
    rows: Iterable[Any], anchors: Mapping[str, tuple[float, float]] | None = None
) -> list[dict[str, Any]]:
    """The features of :func:`feature_collection` from rows with a frame's columns as
    attributes (the frame's named tuples, or :class:`layers.features.Feature` records
    themselves: no frame needed, the same features)."""
    features = []
    for row in rows:
        if row.geometry is None or row.geometry.is_empty:
            continue
        anchor = anchors.get(str(row.id)) if anchors else None
        key = (row.id, row.layer, row.style_key, row.status, row.label, row.details,
               row.citations, id(row.geometry), anchor)  # fmt: skip
        features.append(_prepared(key, row.geometry, partial(_geojson_feature, row, anchor)))
    return features


def _geojson_feature(row: Any, anchor: tuple[float, float] | None) -> dict[str, Any]:
    """One feature of :func:`feature_collection` from a frame row."""
    properties = {
        "style_key": row.style_key,
        "status": row.status,
        "tooltip": escape_text(row.label),
        "popup": popup_parts(row.label, row.details, row.citations),
    }
    spec = find(row.layer)  # None for a derived layer (the change layer): no label
    label = spec.label if spec is not None else None
    min_zoom = spec.min_zoom(str(row.style_key)) if spec is not None else None
    if min_zoom is not None:
        properties["min_zoom"] = min_zoom
    if spec is not None and isinstance(spec.source, EventSource):
        properties[STACK_PROPERTY] = EVENT  # spread when stacked (layers.web.spread)
    if anchor is not None and label is not None:
        look = LABEL_STYLES[label.look]  # capitals by the label's language (Türkiyə: TÜRKİYƏ)
        text = upper(str(row.label), getattr(row, "names", None)) if look.upper else str(row.label)
        lines = wrap_label(text, look.wrap)
        properties |= {"label_at": list(anchor), "label": "<br>".join(map(escape_text, lines))}
    return {
        "type": "Feature",
        "id": str(row.id),
        "properties": properties,
        "geometry": mapping(prepare_geometry(row.geometry)),
    }

def feature_collections(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, FeatureCollection]:
    """:func:`feature_collection` of every frame, keyed by layer id; the areas of layers
    labelled permanently get their label anchors (computed over all ``frames`` at once,
    see :func:`layers.web.labels.area_label_points`).

    The result is never modified by :func:`layer_group`, so collections of layers that do
    not change with the date can be computed once and reused (the app caches them).
    """
    anchors = area_label_points(frames)
    return {layer_id: feature_collection(frame, anchors) for layer_id, frame in frames.items()}



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


#: CSS class of a feature drawn from zoom N (``bm-from-z8``); the map's container has
#: ``bm-below-z8`` below that zoom (:class:`layers.web.elements.ZoomThresholds`).
FROM_ZOOM_CLASS = "bm-from-z"
BELOW_ZOOM_CLASS = "bm-below-z"


def zoom_css(zooms: tuple[int, ...]) -> str:
    """CSS hiding what is drawn from each zoom of ``zooms`` while the map is below it.

    >>> zoom_css((8,))
    '.bm-below-z8 .bm-from-z8 { display: none !important; }'
    """
    return "\n".join(
        f".{BELOW_ZOOM_CLASS}{z} .{FROM_ZOOM_CLASS}{z} {{ display: none !important; }}"
        for z in zooms
    )


def feature_style_key(feature: dict[str, Any]) -> Hashable:
    """What :func:`feature_style` depends on: features with equal keys have equal styles
    (:class:`layers.web.elements.GeoJsonLayer` styles each key once)."""
    props = feature["properties"]
    is_point = feature["geometry"]["type"] in ("Point", "MultiPoint")
    return is_point, props["style_key"], props["status"], props.get("min_zoom")


def feature_style(feature: dict[str, Any]) -> dict[str, Any]:
    """The Leaflet style of one feature of :func:`feature_collection` (Folium's
    ``style_function``): circle-marker options for points, path options otherwise; a
    feature drawn from a zoom on (its ``min_zoom``) gets that zoom's class."""
    props = feature["properties"]
    if feature["geometry"]["type"] in ("Point", "MultiPoint"):
        options = circle_style(props["style_key"], props["status"])
    else:
        options = path_style(props["style_key"], props["status"])
    if "min_zoom" in props:
        options["className"] = f"{FROM_ZOOM_CLASS}{props['min_zoom']}"
    return options
