"""Where Leaflet puts an extent in a map box: Web Mercator pixels at a (fractional) zoom,
the zoom ``fitBounds`` chooses for a box, and the box's pixel origin (issue 25: the static
first map is drawn as an image at the zoom and offsets the live map will use).

Pure arithmetic, Leaflet 1.9.4's (``Map.getBoundsZoom``, ``_getBoundsCenterZoom``,
``_getNewPixelOrigin``; BSD-2-Clause) with its defaults: no padding, the world
``256 * 2 ** zoom`` pixels wide. Extents are (min lon, min lat, max lon, max lat) in
EPSG:4326; pixels count east from 180° W and south from 85.05° N ("world pixels", the
tile grid of :mod:`geo.tiles` times 256).

>>> [int(v // 256) for v in world_px(44.5, 40.2, 8)]  # the tile of Yerevan at zoom 8
[159, 96]
"""

from __future__ import annotations

import math
from collections.abc import Callable

from geo.tiles import MAX_LAT, TILE_PX

Bounds = tuple[float, float, float, float]


def world_size(zoom: float) -> float:
    """Width (and height) of the world in pixels at ``zoom``.

    >>> world_size(0), world_size(1.5)
    (256.0, 724.0773439350247)
    """
    return float(TILE_PX * 2.0**zoom)


def world_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel ``(x, y)`` of a point at ``zoom`` (latitudes beyond Web
    Mercator's limit are clamped)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    size = world_size(zoom)
    x = (lon + 180.0) / 360.0 * size
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * size
    return x, y


def fit_zoom(
    bounds: Bounds,
    width: float,
    height: float,
    *,
    snap: float = 0.25,
    min_zoom: float = 0.0,
    max_zoom: float = 18.0,
) -> float:
    """The zoom at which Leaflet's ``fitBounds`` shows ``bounds`` in a box of ``width`` x
    ``height`` pixels: the largest multiple of ``snap`` at which the extent fits (within
    1 % of a snap level counts as that level), between ``min_zoom`` and ``max_zoom``.

    >>> fit_zoom((43.2, 38.7, 47.9, 41.4), 1168, 600)
    7.75
    >>> fit_zoom((43.2, 38.7, 47.9, 41.4), 398, 500)
    6.75
    """
    min_x, min_y, max_x, max_y = bounds
    west, north = world_px(min_x, max_y, 0)
    east, south = world_px(max_x, min_y, 0)
    scale = min(width / (east - west), height / (south - north))
    zoom = math.log2(scale)
    if snap:
        zoom = round(zoom / (snap / 100)) * (snap / 100)
        zoom = math.floor(zoom / snap) * snap
    return max(min_zoom, min(max_zoom, zoom))


def centre_px(bounds: Bounds, zoom: float) -> tuple[float, float]:
    """World pixel of the centre ``fitBounds`` gives ``bounds`` at ``zoom``: the middle
    of the extent in Web Mercator."""
    min_x, min_y, max_x, max_y = bounds
    west, south = world_px(min_x, min_y, zoom)
    east, north = world_px(max_x, max_y, zoom)
    return (west + east) / 2, (south + north) / 2


def pixel_origin(bounds: Bounds, zoom: float, width: float, height: float) -> tuple[int, int]:
    """World pixel of the top left corner of a ``width`` x ``height`` box showing
    ``bounds`` fitted at ``zoom`` (Leaflet rounds it to whole pixels).

    >>> pixel_origin((43.2, 38.7, 47.9, 41.4), 7.75, 1168, 600)
    (33943, 20550)
    """
    x, y = centre_px(bounds, zoom)
    return _round(x - width / 2), _round(y - height / 2)


def _round(value: float) -> int:
    """JavaScript's ``Math.round`` (halves up)."""
    return math.floor(value + 0.5)


def least_box(bounds: Bounds, zoom: float, *, limit: int = 100_000) -> tuple[int, int]:
    """The smallest whole-pixel width and height of a box in which ``bounds`` is fitted
    at ``zoom`` or more (each side on its own: a box fits it at ``zoom`` or more when
    both of its sides are at least these).

    >>> least_box((43.2, 38.7, 47.9, 41.4), 7.75)
    (719, 540)
    """

    def least(fits: Callable[[int], bool]) -> int:
        low, high = 1, limit
        while low < high:
            middle = (low + high) // 2
            if fits(middle):
                high = middle
            else:
                low = middle + 1
        return low

    width = least(lambda w: fit_zoom(bounds, w, limit) >= zoom)
    height = least(lambda h: fit_zoom(bounds, limit, h) >= zoom)
    return width, height


def world_lonlat(x: float, y: float, zoom: float) -> tuple[float, float]:
    """The point at world pixel ``(x, y)`` at ``zoom`` (the inverse of :func:`world_px`).

    >>> [round(v, 6) for v in world_lonlat(*world_px(45.55, 40.06, 7.75), 7.75)]
    [45.55, 40.06]
    """
    size = world_size(zoom)
    lon = x / size * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / size))))
    return lon, lat
