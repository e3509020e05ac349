"""Where Leaflet puts an extent in a map box (issue 25, the static first map): Web
Mercator pixels against known tile numbers, and the zoom and pixel origin of the live
map's default view read in Chromium from the live map (``map.getZoom()``,
``map.getPixelOrigin()`` in its frame at 1500 x 1100, 1280 x 800 and 430 x 900)."""

from __future__ import annotations

import math

import pytest

from geo.leaflet_view import (
    centre_px,
    fit_zoom,
    least_box,
    pixel_origin,
    world_lonlat,
    world_px,
)
from geo.tiles import tile_range, tile_xy
from layers.briefing.view import DEFAULT_BOUNDS


@pytest.mark.parametrize(
    ("lon", "lat", "zoom", "tile"),
    [
        (-180.0, 85.0511287798, 0, (0, 0)),  # the world's top left corner
        (0.0, 0.0, 1, (1, 1)),  # the four tiles of zoom 1 meet at 0°, 0°
        (-0.1, 0.1, 1, (0, 0)),
        (13.4050, 52.5200, 10, (550, 335)),  # Berlin
        (44.5152, 40.1872, 8, (159, 96)),  # Yerevan
    ],
)
def test_world_pixels_fall_in_the_known_tiles(
    lon: float, lat: float, zoom: int, tile: tuple[int, int]
) -> None:
    x, y = world_px(lon, lat, zoom)
    assert (math.floor(x / 256), math.floor(y / 256)) == tile
    assert (x / 256, y / 256) == pytest.approx(tile_xy(lon, lat, zoom))
    x0, y0, _, _ = tile_range((lon, lat, lon, lat), zoom)
    assert (x0, y0) == tile


def test_a_fractional_zoom_scales_the_world_between_whole_ones() -> None:
    low, mid, high = (world_px(45.0, 40.0, z) for z in (7, 7.5, 8))
    assert mid[0] == pytest.approx(low[0] * 2**0.5) and high[0] == pytest.approx(low[0] * 2)
    assert world_lonlat(*mid, 7.5) == pytest.approx((45.0, 40.0))


@pytest.mark.parametrize(
    ("box", "zoom", "origin"),
    [
        ((1168, 600), 7.75, (33943, 20550)),  # 1500 x 1100: the sidebar beside the map
        ((948, 575), 7.75, (34053, 20563)),  # 1280 x 800
        ((398, 500), 6.75, (17065, 10175)),  # a phone, 430 x 900
    ],
)
def test_the_default_view_is_fitted_where_the_live_map_fits_it(
    box: tuple[int, int], zoom: float, origin: tuple[int, int]
) -> None:
    assert fit_zoom(DEFAULT_BOUNDS, *box) == zoom
    assert pixel_origin(DEFAULT_BOUNDS, zoom, *box) == origin


def test_the_zoom_snaps_down_to_a_quarter_unless_within_one_percent_of_the_next() -> None:
    west, _ = world_px(DEFAULT_BOUNDS[0], DEFAULT_BOUNDS[3], 0)
    east, _ = world_px(DEFAULT_BOUNDS[2], DEFAULT_BOUNDS[1], 0)

    def width_at(zoom: float) -> float:
        """The box width at which the extent fits exactly at ``zoom``."""
        return float((east - west) * 2**zoom)

    tall = 10_000
    assert fit_zoom(DEFAULT_BOUNDS, width_at(7.5) + 0.01, tall) == 7.5
    assert fit_zoom(DEFAULT_BOUNDS, width_at(7.7499), tall) == 7.75  # within 1 % of a step
    assert fit_zoom(DEFAULT_BOUNDS, width_at(7.74), tall) == 7.5
    assert fit_zoom(DEFAULT_BOUNDS, 10**9, 10**9) == 18  # the map's largest zoom


def test_the_least_box_is_the_smallest_fitting_the_extent_at_a_zoom() -> None:
    for zoom in (6.25, 7.0, 7.75):
        width, height = least_box(DEFAULT_BOUNDS, zoom)
        assert fit_zoom(DEFAULT_BOUNDS, width, height) >= zoom
        assert fit_zoom(DEFAULT_BOUNDS, width - 1, height) < zoom
        assert fit_zoom(DEFAULT_BOUNDS, width, height - 1) < zoom


def test_the_centre_is_the_middle_of_the_extent_in_web_mercator() -> None:
    x, y = centre_px(DEFAULT_BOUNDS, 7.75)
    lon, lat = world_lonlat(x, y, 7.75)
    assert lon == pytest.approx(45.55)
    assert lat == pytest.approx(40.06337337686383)  # the live map's getCenter()
