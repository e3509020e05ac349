"""KML read with the standard library's expat parser, as data.

The parser is told the text is UTF-8 (whatever the XML declaration says), any DOCTYPE or
entity declaration stops it (so no entity is ever defined or expanded, and no external
entity is fetched), elements are counted and their nesting bounded while parsing. Only
what a placemark says is kept: its name, description, time stamp or span, extended data
and geometry (points, lines, polygons and multi-geometries; coordinates are counted
before they are parsed). Links, styles, overlays and network links are ignored.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterator
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import DataError
from geo.upload.rows import Budget, Row

#: Elements whose text is kept, by local name (inside a Placemark).
_TEXT = {"name", "description", "when", "begin", "end", "value", "SimpleData", "coordinates"}
_GEOMETRIES = {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry"}
#: Bytes given to the parser at a time.
_CHUNK_BYTES = 256 * 1024
#: A placemark's end tag (counted, not parsed, once enough rows are read).
_END_TAG = re.compile(rb"</(?:[\w.-]+:)?Placemark\s*>")


class _RefusedError(Exception):
    """Raised from an expat handler to stop parsing (the message says why)."""


class _Geometry:
    """A geometry element being read: its kind, its coordinates text and its parts."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.coordinates = ""
        self.parts: list[_Geometry] = []
        self.inner = False  # a LinearRing under innerBoundaryIs


class _Placemark:
    def __init__(self) -> None:
        self.attrs: dict[str, Any] = {}
        self.geometries: list[_Geometry] = []


class _Reader:
    """Expat handlers collecting placemarks (see module docstring)."""

    def __init__(self, name: str, budget: Budget) -> None:
        self.name = name
        self.limits = budget.limits
        self.stack: list[str] = []
        self.elements = 0
        self.placemarks: list[_Placemark] = []
        self.placemark: _Placemark | None = None
        self.open_geometries: list[_Geometry] = []
        self.text: list[str] = []
        self.data_name: str | None = None
        self.locals: dict[str, str] = {}  # local name by tag (prefix dropped)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        stack = self.stack
        self.elements += 1
        if self.elements > self.limits.xml_elements:
            raise _RefusedError(f"more than {self.limits.xml_elements:,} XML elements")
        if len(stack) >= self.limits.xml_depth:
            raise _RefusedError(f"XML nested deeper than {self.limits.xml_depth} elements")
        local = self.locals.get(tag)
        if local is None:
            local = self.locals.setdefault(tag, tag.rpartition(":")[2])
        stack.append(local)
        placemark = self.placemark
        if placemark is None:
            if local == "Placemark":
                self.placemark = _Placemark()
            return
        self.text = []
        if local in _GEOMETRIES:
            geometry = _Geometry(local)
            geometry.inner = "innerBoundaryIs" in stack
            if self.open_geometries:
                self.open_geometries[-1].parts.append(geometry)
            else:
                placemark.geometries.append(geometry)
            self.open_geometries.append(geometry)
        elif local in ("Data", "SimpleData"):
            self.data_name = attributes.get("name")

    def end(self, tag: str) -> None:
        local = self.stack.pop()
        placemark = self.placemark
        if placemark is None:
            return
        if local == "Placemark":
            self.placemarks.append(placemark)
            self.placemark = None
        elif local in _GEOMETRIES:
            self.open_geometries.pop()
        elif local in _TEXT:
            self._keep(placemark, local, "".join(self.text))
            self.text = []

    def _keep(self, placemark: _Placemark, local: str, text: str) -> None:
        parent = self.stack[-1] if self.stack else ""
        if local == "coordinates" and self.open_geometries:
            self.open_geometries[-1].coordinates = text
        elif local in ("name", "description") and parent == "Placemark":
            placemark.attrs.setdefault(local, text.strip())
        elif local == "when" and parent == "TimeStamp":
            placemark.attrs.setdefault("timestamp", text.strip())
        elif local in ("begin", "end") and parent == "TimeSpan":
            placemark.attrs.setdefault(local, text.strip())
        elif (local == "value" and parent == "Data" and self.data_name) or (
            local == "SimpleData" and self.data_name
        ):
            placemark.attrs.setdefault(self.data_name, text.strip())

    def characters(self, data: str) -> None:
        if self.placemark is not None and self.stack[-1] in _TEXT:
            self.text.append(data)


def _refuse_declaration(*args: object) -> None:
    raise _RefusedError("a DOCTYPE or entity declaration (not accepted: no entities)")


def _refuse_external(*args: object) -> int:
    raise _RefusedError("a reference to an external entity (not accepted)")


def kml_rows(data: bytes, name: str, budget: Budget) -> Iterator[Row]:
    """The placemarks of a KML file as rows (EPSG:4326 by definition); :class:`DataError`
    if the file is not well-formed XML, declares a DOCTYPE or entity, or is too large.

    The file is parsed in chunks as rows are taken: once the budget is full the rest is
    not parsed, its placemarks are counted (their end tags)."""
    reader = _Reader(name, budget)
    parser = xml.parsers.expat.ParserCreate(encoding="UTF-8")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.UnparsedEntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    parser.buffer_text = True
    number = 0
    for start in range(0, max(len(data), 1), _CHUNK_BYTES):
        end = start + _CHUNK_BYTES
        try:
            parser.Parse(data[start:end], end >= len(data))
        except _RefusedError as exc:
            raise DataError([f"{name}: cannot be read: the KML holds {exc}"]) from exc
        except xml.parsers.expat.ExpatError as exc:
            raise DataError([f"{name}: not well-formed XML ({exc})"]) from exc
        placemarks, reader.placemarks = reader.placemarks, []
        for index, placemark in enumerate(placemarks):
            if budget.full():  # count the rest, parse no more
                later = sum(1 for _ in _END_TAG.finditer(data, end))
                budget.left_out += len(placemarks) - index + later
                return
            number += 1
            yield number, placemark.attrs, _geometry(number, placemark, budget)


def _geometry(number: int, placemark: _Placemark, budget: Budget) -> BaseGeometry | str:
    if not placemark.geometries:
        return "no geometry"
    try:
        count = sum(_vertices(g) for g in placemark.geometries)
    except ValueError as exc:
        return f"geometry: {exc}"
    refused = budget.vertices(number, count)
    if refused is not None:
        return refused
    try:
        shapes = [_build(g) for g in placemark.geometries]
    except ValueError as exc:
        return f"geometry: {exc}"
    return shapes[0] if len(shapes) == 1 else shapely.geometrycollections(shapes)


def _vertices(geometry: _Geometry) -> int:
    if geometry.kind in ("MultiGeometry", "Polygon"):
        return sum(_vertices(part) for part in geometry.parts)
    return len(geometry.coordinates.split())


def _build(geometry: _Geometry) -> BaseGeometry:
    if geometry.kind == "MultiGeometry":
        return shapely.geometrycollections([_build(part) for part in geometry.parts])
    if geometry.kind == "Polygon":
        shells = [p for p in geometry.parts if p.kind == "LinearRing" and not p.inner]
        holes = [p for p in geometry.parts if p.kind == "LinearRing" and p.inner]
        if len(shells) != 1:
            raise ValueError("a Polygon needs one outer boundary")
        return shapely.Polygon(_positions(shells[0]), [_positions(h) for h in holes])
    positions = _positions(geometry)
    if geometry.kind == "Point":
        if len(positions) != 1:
            raise ValueError("a Point needs one position")
        return shapely.Point(positions[0])
    if geometry.kind == "LinearRing":
        return shapely.LinearRing(positions)
    return shapely.LineString(positions)


def _positions(geometry: _Geometry) -> list[tuple[float, float]]:
    """The ``lon,lat[,alt]`` tuples of a coordinates text (the height dropped)."""
    positions = []
    for item in geometry.coordinates.split():
        parts = item.split(",")
        if len(parts) not in (2, 3):
            raise ValueError(f"coordinates {item[:40]!r} are not lon,lat[,alt]")
        positions.append((float(parts[0]), float(parts[1])))
    return positions
