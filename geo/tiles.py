"""Web Mercator tiles (EPSG:3857 in the XYZ scheme of OpenStreetMap and of MBTiles'
``tiles`` table, whose rows count from the south): the user's own basemap.

Pure functions: which source a setting names (:func:`parse_setting`), which tiles cover
an extent at which zoom (:func:`choose_zoom`, :func:`tile_range`), what kind of image a
tile's bytes are (:func:`image_kind`), and a mosaic of tiles resampled to the paper
map's equirectangular grid (:func:`warp_to_lonlat`). Reading tiles is
:mod:`geo.tile_store`.

Extents are (min lon, min lat, max lon, max lat) in EPSG:4326; tile ``x`` counts east
from 180° W, ``y`` south from 85.05° N, ``2 ** zoom`` tiles each way.

>>> tile_range((46.0, 39.0, 47.0, 40.0), 8)
(160, 96, 161, 97)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from geo.errors import TileError

Bounds = tuple[float, float, float, float]

#: Side of a tile in pixels (the size every XYZ source serves; 512 px tiles are refused).
TILE_PX = 256
#: Zoom levels a tile source may have.
MIN_ZOOM, MAX_ZOOM = 0, 22
#: Latitude limit of Web Mercator.
MAX_LAT = 85.0511287798
#: Longest setting (a path or a URL template), in characters.
MAX_SETTING_CHARS = 2000
#: Kinds of source: an MBTiles file, a folder of ``z/x/y.<png|jpg|webp>`` files, a URL.
KINDS = ("mbtiles", "folder", "url")

_URL = re.compile(r"^https?://[^\s{}]+(\{[zxy]\}[^\s{}]*)+$")


@dataclass(frozen=True)
class TileSource:
    """A basemap of the user's own.

    ``kind`` is one of :data:`KINDS`; ``location`` the file or folder (absolute path) or
    the URL template (``{z}``, ``{x}``, ``{y}``); ``name`` and ``attribution`` are plain
    text shown with the map; tiles exist from ``min_zoom`` to ``max_zoom``; ``bounds``
    (EPSG:4326) is where they exist, when the source says.
    """

    kind: str
    location: str
    name: str
    attribution: str
    min_zoom: int = MIN_ZOOM
    max_zoom: int = 18
    bounds: Bounds | None = None

    @property
    def local(self) -> bool:
        """Whether the tiles are on this machine (served by the app's own server)."""
        return self.kind != "url"


def parse_setting(text: str) -> tuple[str, str]:
    """The kind (:data:`KINDS`) and location named by a setting: a URL template
    (``http(s)://...{z}...{x}...{y}...``), a path ending in ``.mbtiles``, or another
    path (a folder of tiles). Whether the file or folder exists is for
    :mod:`geo.tile_store`.

    >>> parse_setting("https://tiles.example.org/{z}/{x}/{y}.png")
    ('url', 'https://tiles.example.org/{z}/{x}/{y}.png')
    >>> parse_setting("/srv/maps/caucasus.mbtiles")
    ('mbtiles', '/srv/maps/caucasus.mbtiles')
    """
    value = text.strip()
    if not value or len(value) > MAX_SETTING_CHARS or any(ord(c) < 32 for c in value):
        raise TileError(f"the basemap must be a path or a URL of at most {MAX_SETTING_CHARS} "
                        "characters on one line")  # fmt: skip
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        placeholders = set(re.findall(r"\{([^}]*)\}", value))
        if not _URL.match(value) or placeholders != {"z", "x", "y"}:
            raise TileError(
                "a basemap URL must start with http:// or https:// and hold {z}, {x} and {y} "
                "(and no other placeholder), e.g. https://tiles.example.org/{z}/{x}/{y}.png"
            )
        return "url", value
    return ("mbtiles" if value.lower().endswith(".mbtiles") else "folder"), value


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """The position of a point in tiles at ``zoom`` (fractional ``x``, ``y``)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    n = 2**zoom
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def tile_range(bounds: Bounds, zoom: int) -> tuple[int, int, int, int]:
    """The tiles covering ``bounds`` at ``zoom``: ``(x0, y0, x1, y1)``, inclusive."""
    min_x, min_y, max_x, max_y = bounds
    last = 2**zoom - 1
    left, top = tile_xy(min_x, max_y, zoom)
    right, bottom = tile_xy(max_x, min_y, zoom)
    x0, y0 = max(0, math.floor(left)), max(0, math.floor(top))
    x1, y1 = min(last, math.ceil(right) - 1), min(last, math.ceil(bottom) - 1)
    return x0, y0, max(x0, x1), max(y0, y1)


def tile_count(bounds: Bounds, zoom: int) -> int:
    """How many tiles cover ``bounds`` at ``zoom``."""
    x0, y0, x1, y1 = tile_range(bounds, zoom)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def choose_zoom(
    bounds: Bounds, width_px: float, *, min_zoom: int, max_zoom: int, max_tiles: int
) -> int:
    """The zoom whose tiles give at least ``width_px`` pixels across ``bounds`` (the
    scale of the map drawn), within ``[min_zoom, max_zoom]`` and lowered until at most
    ``max_tiles`` tiles cover ``bounds``.

    >>> choose_zoom((46.0, 39.2, 47.6, 40.4), 1600, min_zoom=0, max_zoom=18, max_tiles=64)
    10
    """
    span = (bounds[2] - bounds[0]) / 360.0
    wanted = math.ceil(math.log2(max(width_px, 1.0) / (span * TILE_PX))) if span > 0 else 0
    zoom = max(min_zoom, min(max_zoom, wanted))
    while zoom > min_zoom and tile_count(bounds, zoom) > max_tiles:
        zoom -= 1
    return zoom


def image_kind(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``webp`` from a tile's first bytes (never from a name or a
    metadata field), else ``None``.

    >>> image_kind(bytes.fromhex("89504e470d0a1a0a") + bytes(8))
    'png'
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def warp_to_lonlat(
    mosaic: np.ndarray, zoom: int, origin: tuple[int, int], bounds: Bounds, size: tuple[int, int]
) -> np.ndarray:
    """The pixels of ``mosaic`` (rows x columns x channels: tiles of ``zoom`` joined, its
    top-left corner the tile ``origin`` = ``(x0, y0)``) resampled to an image of ``size``
    = ``(width, height)`` covering ``bounds`` with equal steps of longitude and latitude
    (the paper map's grid, :mod:`layers.paper.map`), nearest pixel. Web Mercator's
    columns are already equal steps of longitude; its rows are not equal steps of
    latitude, so each output row takes the mosaic row at its latitude. Pixels the mosaic
    does not cover are transparent (a fourth channel of 0 is added if needed).
    """
    width, height = size
    min_x, min_y, max_x, max_y = bounds
    lons = min_x + (np.arange(width) + 0.5) / width * (max_x - min_x)
    lats = max_y - (np.arange(height) + 0.5) / height * (max_y - min_y)
    scale = 2**zoom * TILE_PX
    cols = np.floor((lons + 180.0) / 360.0 * scale - origin[0] * TILE_PX).astype(int)
    lat_r = np.radians(np.clip(lats, -MAX_LAT, MAX_LAT))
    rows = np.floor((1.0 - np.arcsinh(np.tan(lat_r)) / np.pi) / 2.0 * scale - origin[1] * TILE_PX)
    rows = rows.astype(int)
    rgba = mosaic if mosaic.shape[2] == 4 else np.dstack([mosaic, np.full(mosaic.shape[:2], 255)])
    inside_c = (cols >= 0) & (cols < rgba.shape[1])
    inside_r = (rows >= 0) & (rows < rgba.shape[0])
    picked = rgba[np.clip(rows, 0, rgba.shape[0] - 1)][:, np.clip(cols, 0, rgba.shape[1] - 1)]
    out: np.ndarray = np.asarray(picked, dtype=np.uint8).copy()
    out[~inside_r, :, 3] = 0
    out[:, ~inside_c, 3] = 0
    return out
