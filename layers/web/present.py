"""Presentation mode of a deck in the web map: where the map flies for a slide.

Pure: no Streamlit. ``st_folium`` can move a live map only by a centre and a zoom level
(its ``fit_bounds`` is read once, when the map is created), so a slide's extent is turned
into the centre and the largest whole zoom level at which the extent fits the map.
"""

from __future__ import annotations

import math

from layers.briefing.view import Bounds

#: Leaflet's tile size in pixels: at zoom z the world is 256 * 2**z pixels wide.
TILE_PX = 256
#: Zoom levels a slide may fly to.
MIN_ZOOM, MAX_ZOOM = 3, 14


def _mercator_y(lat: float) -> float:
    """Web Mercator y of a latitude in degrees, in radians of the equator's circle."""
    phi = math.radians(max(-85.0, min(85.0, lat)))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def fly_to_bounds(bounds: Bounds, width_px: int, height_px: int) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and the largest whole Leaflet zoom at which ``bounds`` (min lon,
    min lat, max lon, max lat; EPSG:4326) fits a map of ``width_px`` x ``height_px``.

    The centre is the middle of the extent in Web Mercator (what Leaflet's ``fitBounds``
    centres on), so the extent shows whole, with some margin on one axis.
    """
    min_x, min_y, max_x, max_y = bounds
    y_low, y_high = _mercator_y(min_y), _mercator_y(max_y)
    centre_lat = math.degrees(2 * math.atan(math.exp((y_low + y_high) / 2)) - math.pi / 2)
    centre = (round(centre_lat, 5), round((min_x + max_x) / 2, 5))
    across = math.log2(width_px * 360 / (TILE_PX * (max_x - min_x)))
    down = math.log2(height_px * 2 * math.pi / (TILE_PX * (y_high - y_low)))
    zoom = math.floor(min(across, down))
    return centre, max(MIN_ZOOM, min(MAX_ZOOM, zoom))
