"""What a user's file is, decided from its bytes (never from its name, never by GDAL).

Four kinds are read: GeoJSON (a JSON object), KML (XML whose root element is ``kml``, no
DOCTYPE), GeoPackage (an SQLite database whose ``application_id`` is GeoPackage's) and
CSV (any other UTF-8 text). Everything else is refused in one line naming what was found
(an OGR VRT file, GML, a ZIP archive, ...). The name must agree with the bytes: a KML
named ``.json`` is refused too, so no check tied to a kind can be skipped by a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.errors import DataError

GEOJSON, KML, GEOPACKAGE, CSV = "GeoJSON", "KML", "GeoPackage", "CSV"
#: The kinds read, and the file-name extension each wants.
EXTENSIONS: dict[str, str] = {GEOJSON: ".geojson", KML: ".kml", GEOPACKAGE: ".gpkg", CSV: ".csv"}

_SQLITE = b"SQLite format 3\x00"
#: ``application_id`` values of GeoPackage 1.2+ ("GPKG") and 1.0/1.1 ("GP10", "GP11").
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
#: Leading bytes of formats that are refused, with what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (KMZ, zipped shapefile, ...)"),
    (b"PK\x05\x06", "a ZIP archive (empty)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"%PDF", "a PDF document"),
    (b"\x00\x00\x27\x0a", "an ESRI shapefile (.shp)"),
    (b"fgb\x03", "a FlatGeobuf file"),
    (b"PAR1", "a Parquet file"),
    (b"ARROW1", "an Arrow file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
#: How far into an XML file its root element is looked for.
XML_PROLOG_BYTES = 64 * 1024
_NAME = r"[A-Za-z_][\w.\-]*"
_ROOT = re.compile(rf"<(?:({_NAME}):)?({_NAME})")
#: Root elements of XML formats that are refused, by local name.
_XML_ROOTS = {
    "OGRVRTDataSource": "an OGR VRT file",
    "VRTDataset": "a GDAL VRT file",
    "FeatureCollection": "a GML or WFS document",
    "gpx": "a GPX file",
    "svg": "an SVG image",
    "html": "an HTML page",
}


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are: ``kind`` one of :data:`EXTENSIONS` (``None`` when refused)
    and ``found``, a few words naming it ("an OGR VRT file")."""

    kind: str | None
    found: str


def sniff(data: bytes) -> Sniffed:
    """What ``data`` holds, from its bytes (at most the first 64 KB are scanned, plus one
    UTF-8 decoding of text).

    >>> sniff(b'{"type": "FeatureCollection", "features": []}').kind
    'GeoJSON'
    >>> sniff(b"<OGRVRTDataSource><OGRVRTLayer/></OGRVRTDataSource>").found
    'an OGR VRT file'
    """
    if data.startswith(_SQLITE):
        if data[68:72] in _GPKG_IDS:
            return Sniffed(GEOPACKAGE, "a GeoPackage")
        return Sniffed(None, "an SQLite database that is not a GeoPackage")
    for signature, found in _SIGNATURES:
        if data.startswith(signature):
            return Sniffed(None, found)
    if len(data) > 262 and data[257:262] == b"ustar":
        return Sniffed(None, "a tar archive")
    if data.startswith(_UTF16_32_BOMS):
        return Sniffed(None, "text that is not UTF-8 (UTF-16 or UTF-32)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Sniffed(None, f"not UTF-8 text ({exc.reason} at byte {exc.start:,})")
    if "\x00" in text:
        return Sniffed(None, "binary data of no kind read here")
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "{":
        return Sniffed(GEOJSON, "GeoJSON (a JSON object)")
    if start == "[":
        return Sniffed(None, "a JSON array (GeoJSON is one JSON object)")
    if start == "<":
        return _sniff_xml(text[:XML_PROLOG_BYTES])
    return Sniffed(CSV, "CSV (text)")


def _sniff_xml(head: str) -> Sniffed:
    """KML if the root element is ``kml`` and nothing but comments, processing
    instructions and space come before it; refused otherwise."""
    position = head.index("<")
    while True:
        if head.startswith("<?", position):
            end = head.find("?>", position)
            if end < 0:
                break
            position = end + 2
        elif head.startswith("<!--", position):
            end = head.find("-->", position + 4)
            if end < 0:
                break
            position = end + 3
        elif head.startswith("<!", position):
            return Sniffed(None, "an XML file with a DOCTYPE or entity declaration")
        else:
            match = _ROOT.match(head, position)
            if match is None:
                return Sniffed(None, "text that starts like XML but is not")
            local = match.group(2)
            if local == "kml":
                return Sniffed(KML, "KML")
            known = _XML_ROOTS.get(local)
            return Sniffed(None, known or f"an XML file whose root element is <{local}>")
        following = head[position:].lstrip(" \t\r\n")
        position = len(head) - len(following)
        if not following.startswith("<"):
            break
    return Sniffed(None, f"XML whose root element is not in its first {XML_PROLOG_BYTES:,} bytes")


def checked_kind(data: bytes, name: str, expected: str) -> str:
    """The kind of ``data``, which must be ``expected`` (the kind its name asks for);
    :class:`DataError` in one line naming what was found otherwise."""
    sniffed = sniff(data)
    if sniffed.kind == expected:
        return expected
    if sniffed.found.startswith(("not UTF-8", "text that is not UTF-8")) and expected != GEOPACKAGE:
        raise DataError([f"{name}: is not UTF-8 text ({sniffed.found})"])
    if sniffed.kind is None:
        raise DataError(
            [
                f"{name}: cannot be read: the file is {sniffed.found}, which is not accepted "
                "(only GeoJSON, KML, GeoPackage and CSV are read)"
            ]
        )
    raise DataError(
        [
            f"{name}: cannot be read as {expected}: the file is {sniffed.found}; "
            f"name it {EXTENSIONS[sniffed.kind]} if that is what it is"
        ]
    )
