"""Where the presentation's map flies for a slide's extent."""

from __future__ import annotations

import math

import pytest

from layers.briefing.view import DEFAULT_BOUNDS, Bounds
from layers.web.present import TILE_PX, _mercator_y, fly_to_bounds


def extent_px(bounds: Bounds, zoom: int) -> tuple[float, float]:
    """Width and height of ``bounds`` in Leaflet pixels at ``zoom``."""
    min_x, min_y, max_x, max_y = bounds
    world = TILE_PX * 2**zoom
    return world * (max_x - min_x) / 360, world * (_mercator_y(max_y) - _mercator_y(min_y)) / (
        2 * math.pi
    )


@pytest.mark.parametrize(
    ("bounds", "size"),
    [
        (DEFAULT_BOUNDS, (960, 560)),
        ((45.2, 38.8, 47.9, 40.6), (960, 520)),  # wide: the width decides
        ((45.9, 39.6, 46.1, 40.4), (960, 520)),  # tall: the height decides
        ((43.8, 40.7, 43.9, 40.8), (1200, 700)),  # a town
    ],
)
def test_the_extent_fits_at_the_zoom_and_not_one_level_closer(
    bounds: Bounds, size: tuple[int, int]
) -> None:
    (lat, lon), zoom = fly_to_bounds(bounds, *size)
    min_x, min_y, max_x, max_y = bounds
    assert min_x < lon < max_x and min_y < lat < max_y
    width, height = extent_px(bounds, zoom)
    assert width <= size[0] and height <= size[1]
    closer_width, closer_height = extent_px(bounds, zoom + 1)
    assert closer_width > size[0] or closer_height > size[1]
