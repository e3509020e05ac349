"""GeoJSON read with Python's :mod:`json`, within bounds.

JSON objects and arrays are counted before parsing (:data:`~geo.upload.limits.Limits`
``json_containers``), nesting is bounded by the parser's recursion limit, and each
feature's vertices are counted from the lengths of its coordinate arrays before any
geometry is built. The CRS is EPSG:4326 unless the legacy ``crs`` member names an EPSG
code (a CRS given otherwise is refused).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import DataError
from geo.upload.crs import WGS84, epsg_of_name, to_wgs84
from geo.upload.rows import Budget, Row, quote

#: Depth of positions in each geometry type's coordinates (0: one position).
_DEPTHS = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
#: Deepest nesting of geometry collections.
_MAX_COLLECTION_DEPTH = 4


class _GeometryError(ValueError):
    """A geometry that is not valid GeoJSON (the message says why)."""


def geojson_rows(data: bytes, name: str, budget: Budget) -> Iterator[Row]:
    """The rows of a GeoJSON file (FeatureCollection, Feature or bare geometry), their
    geometries in EPSG:4326; :class:`DataError` if the file cannot be read at all."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    containers = text.count("{") + text.count("[")
    if containers > budget.limits.json_containers:
        raise DataError(
            [
                f"{name}: too large to read: {containers:,} JSON objects and arrays, more "
                f"than {budget.limits.json_containers:,} (a file may hold "
                f"{budget.limits.file_vertices:,} vertices); simplify or split the file"
            ]
        )
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise DataError([f"{name}: cannot be read: JSON nested too deeply"]) from exc
    except ValueError as exc:  # JSONDecodeError, or a number too long to convert
        raise DataError([f"{name}: not valid JSON ({exc})"]) from exc
    features = _features(document, name)
    epsg = _epsg(document, name)
    for number, feature in enumerate(features, start=1):
        if budget.full():
            budget.left_out += len(features) - number + 1
            return
        yield _row(number, feature, epsg, budget)


def _features(document: Any, name: str) -> list[Any]:
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise DataError([f"{name}: cannot be read: its 'features' is not a list"])
        return features
    if kind == "Feature":
        return [document]
    if kind in _DEPTHS or kind == "GeometryCollection":
        return [{"type": "Feature", "properties": {}, "geometry": document}]
    if kind == "Topology":
        raise DataError([f"{name}: cannot be read: it is TopoJSON, not GeoJSON"])
    if kind is None:
        raise DataError([f"{name}: cannot be read: a JSON object without 'type' is not GeoJSON"])
    raise DataError([f"{name}: cannot be read: type {quote(str(kind))} is not GeoJSON"])


def _epsg(document: dict[str, Any], name: str) -> int:
    """The EPSG code of the legacy ``crs`` member (4326 without one)."""
    crs = document.get("crs")
    if crs is None:
        return WGS84
    properties = crs.get("properties") if isinstance(crs, dict) else None
    given: Any = None
    if isinstance(properties, dict):
        given = properties.get("name", properties.get("code"))
    epsg = epsg_of_name(str(given)) if isinstance(given, str) else None
    if isinstance(given, int) and not isinstance(given, bool) and 0 < given < 1_000_000:
        epsg = given
    if epsg is None:
        shown = quote(json.dumps(crs)[:200])
        raise DataError(
            [f"{name}: its CRS {shown} is not an EPSG code; give one (EPSG:NNNN) or use WGS 84"]
        )
    return epsg


def _row(number: int, feature: Any, epsg: int, budget: Budget) -> Row:
    if not isinstance(feature, dict):
        return number, {}, "not a GeoJSON Feature (object)"
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        return number, {}, "its 'properties' is not an object"
    attrs = {str(k): _value(v) for k, v in properties.items()}
    geometry = feature.get("geometry")
    if geometry is None:
        return number, attrs, "no geometry"
    try:
        count = _vertices(geometry, 0)
    except _GeometryError as exc:
        return number, attrs, f"geometry: {exc}"
    refused = budget.vertices(number, count)
    if refused is not None:
        return number, attrs, refused
    try:
        shape = _build(geometry)
        return number, attrs, to_wgs84(shape, epsg)
    except _GeometryError as exc:
        return number, attrs, f"geometry: {exc}"
    except ValueError as exc:  # shapely refusing coordinates, or PROJ failing
        return number, attrs, f"geometry cannot be built ({exc})"


def _value(value: Any) -> Any:
    """A property value as read; objects and arrays as their JSON text."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _vertices(geometry: Any, depth: int) -> int:
    """The number of positions in a GeoJSON geometry, from the lengths of its arrays
    (positions themselves are checked when the geometry is built)."""
    if not isinstance(geometry, dict):
        raise _GeometryError("not a GeoJSON geometry object")
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        if depth >= _MAX_COLLECTION_DEPTH or not isinstance(parts, list):
            raise _GeometryError("a GeometryCollection without a list of geometries")
        return sum(_vertices(part, depth + 1) for part in parts)
    if kind not in _DEPTHS:
        raise _GeometryError(f"unknown geometry type {quote(str(kind))}")
    return _count(geometry.get("coordinates"), _DEPTHS[kind])


def _count(coordinates: Any, depth: int) -> int:
    if not isinstance(coordinates, list):
        raise _GeometryError("coordinates are not an array")
    if depth == 0:
        return 1 if coordinates else 0
    if depth == 1:
        return len(coordinates)
    return sum(_count(part, depth - 1) for part in coordinates)


def _build(geometry: dict[str, Any]) -> BaseGeometry:
    kind = geometry["type"]
    if kind == "GeometryCollection":
        return shapely.geometrycollections([_build(g) for g in geometry["geometries"]])
    coordinates = geometry["coordinates"]
    if kind == "Point":
        if not coordinates:
            return shapely.Point()
        return shapely.points(_positions([coordinates])[0])
    if kind == "MultiPoint":
        return shapely.multipoints(_positions(coordinates)) if coordinates else shapely.MultiPoint()
    if kind == "LineString":
        return _line(coordinates)
    if kind == "MultiLineString":
        return shapely.MultiLineString([_line(part) for part in coordinates])
    if kind == "Polygon":
        return _polygon(coordinates)
    return shapely.MultiPolygon([_polygon(part) for part in coordinates])


def _positions(positions: list[Any]) -> np.ndarray[Any, Any]:
    """An (n, 2) array of the positions' longitude and latitude (a third value, the
    height, is dropped)."""
    try:
        array = np.asarray(positions, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _GeometryError("positions are not arrays of numbers") from exc
    if array.ndim != 2 or array.shape[1] not in (2, 3):
        raise _GeometryError("positions are not arrays of 2 or 3 numbers")
    return array[:, :2]


def _line(positions: list[Any]) -> BaseGeometry:
    if not positions:
        return shapely.LineString()
    if len(positions) < 2:
        raise _GeometryError("a LineString needs at least 2 positions")
    return shapely.linestrings(_positions(positions))


def _polygon(rings: Any) -> BaseGeometry:
    if not rings:
        return shapely.Polygon()
    arrays = []
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 3:
            raise _GeometryError("a polygon ring needs at least 4 positions")
        arrays.append(_positions(ring))
    return shapely.Polygon(arrays[0], arrays[1:])
