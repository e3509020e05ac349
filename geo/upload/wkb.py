"""GeoPackage geometry blobs, checked and counted before GEOS parses them.

A blob is GeoPackage's header (``GP``, version, flags, SRS id, optional envelope) and
then standard WKB. :func:`blob_wkb` returns the WKB; :func:`count_vertices` walks its
structure (counts and lengths only, never the coordinates), refusing anything
inconsistent, curved or nested too deeply, so a hostile count cannot make GEOS allocate.

>>> import shapely
>>> count_vertices(shapely.to_wkb(shapely.box(0, 0, 1, 1)))
5
"""

from __future__ import annotations

import struct

#: Envelope sizes in bytes, by the envelope indicator of the header flags.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
#: WKB geometry types read (ISO codes modulo 1000).
_POINT, _LINE, _POLYGON, _MULTIPOINT, _MULTILINE, _MULTIPOLYGON, _COLLECTION = range(1, 8)
_PARTS = {_MULTIPOINT: _POINT, _MULTILINE: _LINE, _MULTIPOLYGON: _POLYGON}
#: Deepest nesting of geometry collections.
MAX_DEPTH = 8


class BlobError(ValueError):
    """A geometry blob that is not what GeoPackage specifies (the message says why)."""


def blob_wkb(blob: bytes) -> bytes | None:
    """The WKB of a GeoPackage geometry blob, ``None`` for an empty geometry."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise BlobError("not a GeoPackage geometry (no GP header)")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise BlobError("an extended GeoPackage geometry (not read here)")
    envelope = (flags >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise BlobError(f"an unknown envelope indicator {envelope}")
    if flags & 0b0001_0000:
        return None
    start = 8 + _ENVELOPE_BYTES[envelope]
    if len(blob) <= start:
        raise BlobError("a geometry header without WKB")
    return blob[start:]


def count_vertices(wkb: bytes, *, limit: int | None = None) -> int:
    """The number of positions in ``wkb`` (ISO or extended WKB; points, lines, polygons,
    their multi-forms and collections); :class:`BlobError` if the bytes are inconsistent,
    hold curves or more positions than ``limit`` (when given)."""
    reader = _Walker(wkb, limit)
    reader.geometry(0, None)
    if reader.offset != len(wkb):
        raise BlobError(f"{len(wkb) - reader.offset:,} bytes after the geometry")
    return reader.vertices


class _Walker:
    def __init__(self, data: bytes, limit: int | None) -> None:
        self.data = data
        self.offset = 0
        self.vertices = 0
        self.parts = 0
        self.limit = limit

    def _take(self, size: int) -> int:
        start = self.offset
        if size < 0 or start + size > len(self.data):
            raise BlobError("the geometry is cut short")
        self.offset += size
        return start

    def _uint(self, order: str) -> int:
        start = self._take(4)
        value: int = struct.unpack_from(order + "I", self.data, start)[0]
        return value

    def _positions(self, count: int, dims: int) -> None:
        self.vertices += count
        if self.limit is not None and self.vertices > self.limit:
            raise BlobError(f"more than {self.limit:,} vertices")
        self._take(count * dims * 8)

    def geometry(self, depth: int, wanted: int | None) -> None:
        if depth > MAX_DEPTH:
            raise BlobError("geometry collections nested too deeply")
        order_byte = self.data[self._take(1)]
        if order_byte not in (0, 1):
            raise BlobError(f"an unknown byte order {order_byte}")
        order = "<" if order_byte == 1 else ">"
        code = self._uint(order)
        dims = 2
        if code & 0xE000_0000:  # extended WKB: Z, M and SRID flags
            dims += bool(code & 0x8000_0000) + bool(code & 0x4000_0000)
            if code & 0x2000_0000:
                self._take(4)
            code &= 0x0FFF_FFFF
        else:
            dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(code // 1000, 99)
            code %= 1000
        if dims > 4:
            raise BlobError("an unknown WKB dimension")
        if code not in range(1, 8):
            raise BlobError(f"geometry type {code} (curves and surfaces are not read)")
        if wanted is not None and code != wanted:
            raise BlobError("a multi-geometry holding a part of another type")
        if code == _POINT:
            self._positions(1, dims)
        elif code == _LINE:
            self._positions(self._uint(order), dims)
        elif code == _POLYGON:
            for _ in range(self._ring_count(order)):
                self._positions(self._uint(order), dims)
        else:
            for _ in range(self._ring_count(order)):
                self.geometry(depth + 1, _PARTS.get(code))

    def _ring_count(self, order: str) -> int:
        """The count of rings or parts that follows (parts count towards the limit too,
        so that empty parts cannot make the walk long)."""
        count = self._uint(order)
        if count * 4 > len(self.data) - self.offset:  # each part needs 4 bytes at least
            raise BlobError("a part count larger than the geometry")
        self.parts += count
        if self.limit is not None and self.parts > self.limit:
            raise BlobError(f"more than {self.limit:,} parts")
        return count
