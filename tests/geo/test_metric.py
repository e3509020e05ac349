"""Geodesic areas: holes are subtracted whichever way the rings turn."""

from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from geo.metric import geodesic_area_km2

OUTER = [(45.0, 40.0), (46.0, 40.0), (46.0, 41.0), (45.0, 41.0)]
HOLE = [(45.25, 40.25), (45.75, 40.25), (45.75, 40.75), (45.25, 40.75)]


@pytest.mark.parametrize(
    ("outer", "hole"),
    [
        (OUTER, HOLE),  # both counter-clockwise: the hole was added (12,801-style error)
        (OUTER, HOLE[::-1]),  # the usual orientation
        (OUTER[::-1], HOLE[::-1]),  # both clockwise
        (OUTER[::-1], HOLE),
    ],
)
def test_a_hole_is_subtracted_whatever_the_orientation(
    outer: list[tuple[float, float]], hole: list[tuple[float, float]]
) -> None:
    whole = geodesic_area_km2(box(45.0, 40.0, 46.0, 41.0))
    inner = geodesic_area_km2(box(45.25, 40.25, 45.75, 40.75))
    assert 9_400 < whole < 9_420  # one degree square at 40-41 N
    assert geodesic_area_km2(Polygon(outer, [hole])) == pytest.approx(whole - inner, rel=1e-9)


def test_parts_of_a_multipolygon_each_lose_their_holes() -> None:
    holed = Polygon(OUTER, [HOLE])
    shifted = Polygon([(x + 2.0, y) for x, y in OUTER], [[(x + 2.0, y) for x, y in HOLE]])
    one = geodesic_area_km2(holed)
    assert geodesic_area_km2(MultiPolygon([holed, shifted])) == pytest.approx(
        one + geodesic_area_km2(shifted), rel=1e-9
    )
    assert geodesic_area_km2(holed.exterior) == 0.0
