"""Annotations: what an analyst draws on the map (arrows, callouts, text, lines, areas and
point symbols), their checks, and their file and address forms.

An :class:`Annotation` belongs to the view (:class:`layers.briefing.view.View`
``annotations``): every output of the view draws it, a deck slide keeps it. Coordinates
are EPSG:4326 longitude/latitude, rounded to :data:`DECIMALS` places.

The form everywhere is a GeoJSON feature whose properties are

=========== ==================================================================
``kind``    ``arrow`` | ``callout`` | ``text`` | ``line`` | ``area`` | ``point``
``label``   one line of text (required for ``callout`` and ``text``)
``colour``  a name of the briefing palette :data:`PALETTE`
``curved``  arrows only, optional: ``true`` draws a smooth curve through the points
``symbol``  points only, optional: one of :data:`SYMBOLS` (default ``dot``)
=========== ==================================================================

and whose geometry is, by kind: ``arrow`` and ``line`` a LineString (an arrow from its
first point to its head, the last); ``callout`` a LineString of two points, the point it
refers to then where its text sits (the leader line joins them); ``text`` and ``point`` a
Point; ``area`` a Polygon (one ring). The same properties, with the geometry's
``coordinates``, form an annotation of a deck slide (:mod:`layers.briefing.deck_file`).

Checks (:func:`annotations_from_features`) collect every problem, each naming the
feature (1-based) and the field, and raise once (:class:`geo.errors.DataError`). Text is
normalised like data text (:func:`geo.text.clean_text`) and kept as one line; every
renderer escapes it on its own path. A file is read by the project's bounded user-file
reader (:func:`read_annotation_file`: kind sniffed from the bytes, parsed in a worker
process with limits); the address holds a compact, bounded form (:func:`encode_query`).
"""

from __future__ import annotations

import base64
import json
import math
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo import settings
from geo.errors import DataError
from geo.text import clean_text

#: What can be drawn, and the GeoJSON geometry type of each.
KINDS: dict[str, str] = {
    "arrow": "LineString",
    "callout": "LineString",
    "text": "Point",
    "line": "LineString",
    "area": "Polygon",
    "point": "Point",
}
#: What each kind is called in menus and legends.
KIND_TITLES: dict[str, str] = {
    "arrow": "Arrow (movement)",
    "callout": "Callout",
    "text": "Text",
    "line": "Line",
    "area": "Area",
    "point": "Point symbol",
}
#: Kinds that must have a label.
LABELLED_KINDS = ("callout", "text")

#: The briefing palette: few colours, each a distinct grey when printed in greyscale
#: (Rec. 709 luminance 0.10, 0.23, 0.35, 0.45, 0.59; ``tests/layers/test_annotations``).
PALETTE: dict[str, str] = {
    "black": "#1a1a1a",
    "red": "#c8102e",
    "blue": "#1f5fbf",
    "green": "#3a8a3a",
    "orange": "#f08c00",
}
DEFAULT_COLOUR = "red"
#: Point symbols.
SYMBOLS = ("dot", "square", "triangle", "star")

#: Limits: annotations a view holds, vertices of one and of all, label length.
MAX_ANNOTATIONS = 60
MAX_VERTICES = 200
MAX_TOTAL_VERTICES = 2000
MAX_LABEL_CHARS = 200
#: Largest annotation file (GeoJSON) accepted, in bytes.
MAX_FILE_BYTES = 512 * 1024
#: Decimal places kept of a coordinate (about 1 m).
DECIMALS = 5
#: Most problems listed in one error.
MAX_PROBLEMS = 50

_PROPERTIES = ("kind", "label", "colour", "curved", "symbol")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no", "")
_SPACES = re.compile(r"\s+")

Coordinate = tuple[float, float]


@dataclass(frozen=True)
class Annotation:
    """One drawn thing. ``path`` holds its points (lon, lat) in EPSG:4326: one for
    ``text`` and ``point``, two for ``callout`` (the point referred to, then the text),
    two or more for ``arrow`` (tail to head) and ``line``, three or more for ``area``
    (the ring, not closed)."""

    kind: str
    path: tuple[Coordinate, ...]
    label: str = ""
    colour: str = DEFAULT_COLOUR
    curved: bool = False
    symbol: str = "dot"

    @property
    def hex(self) -> str:
        """The colour as ``#rrggbb``."""
        return PALETTE[self.colour]

    def geometry(self) -> dict[str, Any]:
        """The GeoJSON geometry of this annotation."""
        points = [list(p) for p in self.path]
        if KINDS[self.kind] == "Point":
            return {"type": "Point", "coordinates": points[0]}
        if self.kind == "area":
            return {"type": "Polygon", "coordinates": [[*points, points[0]]]}
        return {"type": "LineString", "coordinates": points}

    def properties(self) -> dict[str, Any]:
        """The properties of the annotation's GeoJSON feature (see the module docstring)."""
        props: dict[str, Any] = {"kind": self.kind, "label": self.label, "colour": self.colour}
        if self.kind == "arrow":
            props["curved"] = self.curved
        if self.kind == "point":
            props["symbol"] = self.symbol
        return props

    def feature(self) -> dict[str, Any]:
        """The annotation as a GeoJSON feature."""
        return {"type": "Feature", "properties": self.properties(), "geometry": self.geometry()}

    def describe(self) -> str:
        """One line for lists and text alternatives: ``Arrow (movement), red: "Advance"``."""
        text = f"{KIND_TITLES[self.kind]}, {self.colour}"
        return f"{text}: “{self.label}”" if self.label else text


Annotations = tuple[Annotation, ...]


# --- checks -----------------------------------------------------------------------------


def clean_label(value: object) -> str:
    """A label as kept: normalised like data text, one line (white space collapsed)."""
    text = "" if value is None else str(value)
    return _SPACES.sub(" ", clean_text(text)).strip()


class _Problems:
    def __init__(self, where: str) -> None:
        self.where = where
        self.listed: list[str] = []

    def add(self, number: int, field: str | None, message: str) -> None:
        place = f"feature {number}" + (f", field {field!r}" if field else "")
        self.listed.append(f"{self.where}: {place}: {message}")


def _a(word: str) -> str:
    """``word`` with its indefinite article: 'an arrow', 'a line'."""
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def annotations_from_features(features: Sequence[Any], where: str = "annotations") -> Annotations:
    """Annotations from GeoJSON-like features (mappings with ``properties`` and
    ``geometry``), checked: :class:`DataError` lists every problem, each as ``WHERE:
    feature N, field 'F': what is wrong``."""
    problems = _Problems(where)
    if len(features) > MAX_ANNOTATIONS:
        problems.listed.append(
            f"{where}: {len(features):,} annotations, more than {MAX_ANNOTATIONS} (the limit)"
        )
    built: list[Annotation] = []
    vertices = 0
    for number, feature in enumerate(features[:MAX_ANNOTATIONS], start=1):
        annotation = _checked(number, feature, problems)
        if annotation is not None:
            vertices += len(annotation.path)
            built.append(annotation)
    if vertices > MAX_TOTAL_VERTICES:
        problems.listed.append(
            f"{where}: {vertices:,} points in all, more than {MAX_TOTAL_VERTICES:,} (the limit)"
        )
    if problems.listed:
        listed = problems.listed[:MAX_PROBLEMS]
        more = len(problems.listed) - len(listed)
        raise DataError([*listed, f"... and {more} more problems"] if more else listed)
    return tuple(built)


def _checked(number: int, feature: Any, problems: _Problems) -> Annotation | None:
    if not isinstance(feature, Mapping):
        problems.add(number, None, f"must be a GeoJSON Feature (got {_shown(feature)})")
        return None
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, Mapping):
        problems.add(number, "properties", f"must be an object (got {_shown(props)})")
        return None
    before = len(problems.listed)
    kind = props.get("kind")
    if not isinstance(kind, str) or kind.strip().lower() not in KINDS:
        shown = "is missing" if kind is None else f"got {_shown(kind)}"
        problems.add(number, "kind", f"must be one of {', '.join(KINDS)} ({shown})")
        return None
    kind = kind.strip().lower()
    label = clean_label(props.get("label"))
    if len(label) > MAX_LABEL_CHARS:
        problems.add(number, "label", f"is longer than {MAX_LABEL_CHARS} characters ({len(label)})")
    if kind in LABELLED_KINDS and not label:
        problems.add(number, "label", f"{_a(kind)} needs a label")
    colour = _choice(number, props, "colour", tuple(PALETTE), DEFAULT_COLOUR, problems)
    symbol = _choice(number, props, "symbol", SYMBOLS, "dot", problems)
    curved = _flag(number, props, "curved", problems)
    path = _path(number, kind, feature.get("geometry"), problems)
    if len(problems.listed) > before or path is None:
        return None
    return Annotation(
        kind=kind, path=path, label=label, colour=colour,
        curved=curved and kind == "arrow", symbol=symbol if kind == "point" else "dot",
    )  # fmt: skip


def _choice(
    number: int,
    props: Mapping[str, Any],
    field: str,
    options: tuple[str, ...],
    default: str,
    problems: _Problems,
) -> str:
    value = props.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, str) and value.strip().lower() in options:
        return value.strip().lower()
    problems.add(number, field, f"must be one of {', '.join(options)} (got {_shown(value)})")
    return default


def _flag(number: int, props: Mapping[str, Any], field: str, problems: _Problems) -> bool:
    value = props.get(field)
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    problems.add(number, field, f"must be true or false (got {_shown(value)})")
    return False


def _path(
    number: int, kind: str, geometry: Any, problems: _Problems
) -> tuple[Coordinate, ...] | None:
    wanted = KINDS[kind]
    if not isinstance(geometry, Mapping):
        problems.add(number, "geometry", f"{_a(kind)} needs a {wanted} geometry (got none)")
        return None
    given = geometry.get("type")
    if given != wanted:
        problems.add(number, "geometry", f"{_a(kind)} is a {wanted} (got {_shown(given)})")
        return None
    raw = geometry.get("coordinates")
    if wanted == "Point":
        raw = [raw]
    elif wanted == "Polygon":
        if not isinstance(raw, list | tuple) or len(raw) != 1:
            problems.add(number, "geometry", "an area is one ring (no holes)")
            return None
        raw = raw[0]
    points = _points(raw)
    if points is None:
        problems.add(number, "geometry", "coordinates must be [longitude, latitude] numbers")
        return None
    if wanted == "Polygon" and len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]  # the closing point
    least, most = {"Point": (1, 1), "LineString": (2, MAX_VERTICES)}.get(wanted, (3, MAX_VERTICES))
    if kind == "callout":
        least = most = 2
    if not least <= len(points) <= most:
        wanted_count = f"{least}" if least == most else f"{least} to {most}"
        got = f"got {len(points)}"
        problems.add(number, "geometry", f"{_a(kind)} has {wanted_count} points ({got})")
        return None
    west, south, east, north = settings.REGION_BBOX
    outside = [p for p in points if not (west <= p[0] <= east and south <= p[1] <= north)]
    if outside:
        lon, lat = outside[0]
        problems.add(
            number, "geometry",
            f"point ({lon:g}, {lat:g}) lies outside the region the map covers ({west:g} to "
            f"{east:g} E, {south:g} to {north:g} N; longitude first)",
        )  # fmt: skip
        return None
    if len(set(points)) < least:
        problems.add(number, "geometry", f"{_a(kind)} needs {least} distinct points")
        return None
    return tuple(points)


def _points(raw: Any) -> tuple[Coordinate, ...] | None:
    if not isinstance(raw, list | tuple):
        return None
    points = []
    for position in raw:
        if not isinstance(position, list | tuple) or len(position) not in (2, 3):
            return None
        lon, lat = position[0], position[1]
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat))
        if not numbers or not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        points.append((round(float(lon), DECIMALS), round(float(lat), DECIMALS)))
    return tuple(points)


# --- GeoJSON file -----------------------------------------------------------------------


def feature_collection(annotations: Iterable[Annotation]) -> dict[str, Any]:
    """The annotations as a GeoJSON FeatureCollection (EPSG:4326)."""
    return {"type": "FeatureCollection", "features": [a.feature() for a in annotations]}


def geojson_text(annotations: Iterable[Annotation]) -> str:
    """The annotation file: :func:`feature_collection` as JSON text (UTF-8, one feature a
    line); :func:`read_annotation_file` of it gives the annotations again."""
    features = [json.dumps(a.feature(), ensure_ascii=False) for a in annotations]
    body = ",\n".join(features)
    return '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n"


def read_annotation_file(data: bytes, filename: str) -> Annotations:
    """Annotations from an uploaded GeoJSON file (at most :data:`MAX_FILE_BYTES`).

    The file goes through the project's bounded user-file reader
    (:func:`geo.user_layers.read_user_layer`: the kind is decided from the bytes and
    must be GeoJSON, the file is parsed in a worker process with time and memory limits,
    rows and vertices counted before geometries are built), then every feature is
    checked (:func:`annotations_from_features`). :class:`DataError` lists every problem
    with the feature number and field. A collection with no feature gives none.
    """
    from geo.upload import sniff
    from geo.upload.limits import Limits
    from geo.user_layers import file_format, read_user_layer

    name = clean_label(filename)[:60] or "annotations.geojson"
    if len(data) > MAX_FILE_BYTES:
        raise DataError([f"{name}: {len(data):,} bytes, more than {MAX_FILE_BYTES:,} (the limit)"])
    if file_format(name) != sniff.GEOJSON:
        raise DataError([f"{name}: annotations are read from GeoJSON (.geojson or .json)"])
    if _empty_collection(data):
        return ()
    limits = Limits(
        max_bytes=MAX_FILE_BYTES,
        features=MAX_ANNOTATIONS + 1,
        feature_vertices=MAX_VERTICES + 1,
        file_vertices=MAX_TOTAL_VERTICES + MAX_ANNOTATIONS,
    )
    layer = read_user_layer(data, name, limits=limits)
    rows = [p for p in layer.problems if "left out" in p]
    if rows:  # a feature the reader could not use: refused, never dropped silently
        raise DataError([f"{name}: {p}" for p in rows[:MAX_PROBLEMS]])
    features = []
    for feature in layer.features:
        details = {key.lower(): value for key, value in feature.details}
        props: dict[str, Any] = {k: details[k] for k in _PROPERTIES if k in details}
        props["label"] = details.get("label", feature.name if feature.named else "")
        features.append({"properties": props, "geometry": _plain_geometry(feature.geometry)})
    return annotations_from_features(features, name)


def _empty_collection(data: bytes) -> bool:
    """Whether ``data`` is a GeoJSON FeatureCollection with no feature (small files only:
    the reader refuses an empty file, but an empty set of annotations is fine)."""
    if len(data) > 4096:
        return False
    try:
        document = json.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return (
        isinstance(document, dict)
        and document.get("type") == "FeatureCollection"
        and document.get("features") == []
    )


def _plain_geometry(geometry: Any) -> dict[str, Any]:
    """A shapely geometry as a GeoJSON geometry mapping (lists of [lon, lat])."""
    from shapely.geometry import mapping

    plain: dict[str, Any] = json.loads(json.dumps(mapping(geometry)))  # tuples to lists
    return plain


# --- the address ------------------------------------------------------------------------

#: Longest encoded annotations the address holds (characters of ``ann=``); more are kept
#: in the session, the deck and the GeoJSON file, not in the address.
MAX_QUERY_CHARS = 6000
#: Largest decoded form accepted from an address (bounds the decompression).
_MAX_DECODED_BYTES = 256 * 1024
_SCALE = 10**DECIMALS


def encode_query(annotations: Sequence[Annotation]) -> str | None:
    """The compact address form of ``annotations`` (``ann=``): JSON of short arrays,
    coordinates as integer steps of 1e-5 degree, each point after the first as the
    difference from the one before, compressed (zlib) and base64url-encoded. ``None``
    when it would be longer than :data:`MAX_QUERY_CHARS`."""
    if not annotations:
        return ""
    rows = []
    for a in annotations:
        flat: list[int] = []
        last = (0, 0)
        for lon, lat in a.path:
            step = (round(lon * _SCALE), round(lat * _SCALE))
            flat += [step[0] - last[0], step[1] - last[1]]
            last = step
        extra = int(a.curved) if a.kind == "arrow" else SYMBOLS.index(a.symbol)
        rows.append([a.kind, a.colour, extra, a.label, flat])
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    packed = base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")
    encoded = packed.rstrip("=")
    return encoded if len(encoded) <= MAX_QUERY_CHARS else None


def decode_query(raw: str) -> Annotations:
    """The annotations of an address's ``ann=`` (:func:`encode_query`), checked as a file's
    are; :class:`DataError` for anything else (never more than :data:`MAX_QUERY_CHARS`
    characters read, nor more than 256 KiB decompressed)."""
    if not raw:
        return ()
    if len(raw) > MAX_QUERY_CHARS or not re.fullmatch(r"[A-Za-z0-9_-]+", raw):
        raise DataError(["the annotations in the address are not in the app's form"])
    try:
        packed = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(packed, _MAX_DECODED_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("too long")
        rows = json.loads(text.decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError) as exc:
        raise DataError(["the annotations in the address cannot be read"]) from exc
    if not isinstance(rows, list):
        raise DataError(["the annotations in the address cannot be read"])
    return annotations_from_features([_row_feature(row) for row in rows], "address")


def _row_feature(row: Any) -> Any:
    """A GeoJSON-like feature of one row of :func:`encode_query` (checked afterwards)."""
    if not (isinstance(row, list) and len(row) == 5 and isinstance(row[4], list)):
        return row
    kind, colour, extra, label, flat = row
    if len(flat) % 2 or not all(isinstance(v, int) and abs(v) < 10**9 for v in flat):
        return {"properties": {"kind": kind}, "geometry": None}
    points, x, y = [], 0, 0
    for index in range(0, len(flat), 2):
        x, y = x + flat[index], y + flat[index + 1]
        points.append([x / _SCALE, y / _SCALE])
    wanted = KINDS.get(kind, "") if isinstance(kind, str) else ""
    coordinates: Any = points
    if wanted == "Point":
        coordinates = points[0] if points else []
    elif wanted == "Polygon":
        coordinates = [points]
    props: dict[str, Any] = {"kind": kind, "colour": colour, "label": label}
    if kind == "arrow":
        props["curved"] = bool(extra)
    elif kind == "point" and isinstance(extra, int) and 0 <= extra < len(SYMBOLS):
        props["symbol"] = SYMBOLS[extra]
    return {"properties": props, "geometry": {"type": wanted, "coordinates": coordinates}}
