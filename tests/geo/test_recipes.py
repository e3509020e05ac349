"""Geometry recipes build real shapes from places and boundaries, or explain why not."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.errors import RecipeError
from geo.model import Names, Place, Provenance
from geo.recipes import RecipeContext, build_geometry

PROV = Provenance(status="confirmed", sources=("s",))


@pytest.fixture
def context() -> RecipeContext:
    places = {
        pid: Place(pid, "town", lon, lat, Names(en=pid), PROV)
        for pid, lon, lat in [("a", 45.0, 40.0), ("b", 46.0, 40.0)]
    }
    provinces = gpd.GeoDataFrame(
        {"name": ["P", "Q"]},
        geometry=[box(44.5, 39.5, 45.5, 40.5), box(45.5, 39.5, 46.5, 40.5)],
        crs="EPSG:4326",
    )
    return RecipeContext(boundaries={"provinces": provinces}, places=places)


def test_place_and_path(context: RecipeContext) -> None:
    assert build_geometry({"place": "a"}, context).equals(Point(45, 40))
    path = build_geometry({"path": ["a", "b"]}, context)
    assert list(path.coords) == [(45.0, 40.0), (46.0, 40.0)]


def test_buffer_is_in_kilometres(context: RecipeContext) -> None:
    disc = build_geometry({"place": "a", "buffer_km": 10}, context)
    # 10 km east of (45 E, 40 N) is ~0.117 degrees of longitude.
    assert disc.contains(Point(45.11, 40.0))
    assert not disc.contains(Point(45.13, 40.0))


def test_boundary_match_clip_and_within(context: RecipeContext) -> None:
    province = build_geometry({"boundary": {"layer": "provinces", "match": {"name": "P"}}}, context)
    assert province.area == pytest.approx(1.0)
    band = build_geometry(
        {
            "boundary": {"layer": "provinces", "match": {"name": "P"}},
            "within_km_of": {"layer": "provinces", "match": {"name": "Q"}, "km": 5},
        },
        context,
    )
    assert band.contains(Point(45.48, 40.0))
    assert not band.contains(Point(45.3, 40.0))
    clipped = build_geometry(
        {"place": "b", "buffer_km": 20, "clip_to": {"layer": "provinces", "match": {"name": "Q"}}},
        context,
    )
    assert clipped.bounds[0] >= 45.5 - 1e-9


def test_minus_cuts_sub_recipes_out(context: RecipeContext) -> None:
    province = {"boundary": {"layer": "provinces", "match": {"name": "P"}}}
    holed = build_geometry({**province, "minus": [{"place": "a", "buffer_km": 10}]}, context)
    assert not holed.contains(Point(45.0, 40.0))
    assert holed.contains(Point(45.3, 40.3))
    assert holed.area == pytest.approx(
        1.0 - build_geometry({"place": "a", "buffer_km": 10}, context).area
    )


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        ({"place": "zz"}, "unknown place id 'zz'"),
        ({"point": [200, 0]}, "out of range"),
        ({"place": "a", "point": [45, 40]}, "exactly one of"),
        ({"boundary": {"layer": "nope"}}, "unknown boundary layer 'nope' (known: provinces)"),
        ({"boundary": {"layer": "provinces", "match": {"kind": "x"}}}, "has no column 'kind'"),
        ({"place": "a", "buffer_km": -1}, "buffer_km must be a positive number"),
        ({"place": "a", "colour": "red"}, "unknown recipe keys ['colour']"),
        ("a", "must be a mapping"),
        ({"place": "a", "buffer_km": 1, "minus": {"place": "b"}}, "minus must be a non-empty"),
        ({"place": "a", "buffer_km": 1, "minus": [{"place": "zz"}]}, "minus[0]: unknown place"),
        (
            {"place": "a", "clip_to": {"layer": "provinces", "match": {"name": "Q"}}},
            "empty geometry",
        ),
    ],
)
def test_bad_recipes_say_what_is_wrong(
    context: RecipeContext, recipe: object, message: str
) -> None:
    with pytest.raises(RecipeError) as caught:
        build_geometry(recipe, context)
    assert message in str(caught.value)
