"""Roads, railways and named waters (issue 21): the committed records, and what loading
refuses in a routes.yaml or waters.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import LineString, Point, box

from geo import settings
from geo.dataset import Dataset, load_dataset
from geo.errors import DataError
from geo.metric import to_metric
from geo.situation import key_dates, state_at
from tests.conftest import MakeDataDir

D = dt.date


def _routes_on(dataset: Dataset, day: dt.date) -> set[str]:
    return {route.id for route in state_at(dataset, day).routes}


def test_the_road_through_lachin_follows_the_story(dataset: Dataset) -> None:
    # Held by Armenian forces from the capture of Lachin (18 May 1992), under Russian
    # peacekeepers from the ceasefire statement of 10 November 2020.
    assert "goris-lachin-stepanakert-road" not in _routes_on(dataset, D(1992, 5, 17))
    assert "goris-lachin-stepanakert-road" in _routes_on(dataset, D(1992, 5, 18))
    assert _routes_on(dataset, D(2020, 11, 9)) >= {"goris-lachin-stepanakert-road"}
    on_the_day = _routes_on(dataset, D(2020, 11, 10))
    assert "lachin-corridor-road" in on_the_day
    assert "goris-lachin-stepanakert-road" not in on_the_day
    assert "lachin-corridor-road" in _routes_on(dataset, settings.ARTICLE_DATE)
    corridor = next(r for r in dataset.routes if r.id == "lachin-corridor-road")
    assert corridor.span.end == D(2022, 8, 31)  # traffic moved to the new road on 30 August
    assert "lachin-corridor-road" in _routes_on(dataset, D(2022, 8, 30))
    assert "lachin-corridor-road" not in _routes_on(dataset, D(2022, 8, 31))
    assert {D(1992, 5, 18), D(2020, 11, 10)} <= set(key_dates(dataset))


def test_the_syunik_roads_are_always_drawn_and_the_railway_stops(dataset: Dataset) -> None:
    for day in (dataset.span.first, D(2000, 1, 1), settings.ARTICLE_DATE, dataset.span.last):
        assert {"goris-kapan-road", "meghri-road"} <= _routes_on(dataset, day)
    assert "aras-railway" in _routes_on(dataset, D(1992, 1, 31))
    assert "aras-railway-former" not in _routes_on(dataset, D(1992, 1, 31))
    assert _routes_on(dataset, D(1992, 2, 1)) & {"aras-railway", "aras-railway-former"} == {
        "aras-railway-former"
    }


def test_every_route_is_a_schematic_line_that_says_so(dataset: Dataset) -> None:
    assert len(dataset.routes) == 11  # 6 of Karabakh and Syunik, 5 around Gyumri
    for route in dataset.routes:
        assert route.geometry.geom_type == "LineString"
        assert route.provenance.status == "approximate"  # towns joined straight
        assert route.provenance.note and route.provenance.sources


def test_the_corridor_road_keeps_out_of_shusha(dataset: Dataset) -> None:
    """The statement says the corridor does not pass through Shusha: the road of
    2020-2022 goes from Lisagor straight to Stepanakert, the older one by the town."""
    routes = {r.id: r for r in dataset.routes}
    shusha = Point(dataset.places["shusha"].lon, dataset.places["shusha"].lat)
    corridor, older, town = to_metric(
        [routes["lachin-corridor-road"].geometry, routes["goris-lachin-stepanakert-road"].geometry,
         shusha]
    )  # fmt: skip
    assert corridor.distance(town) > 3_000
    assert older.distance(town) < 1


def test_the_aras_is_the_class_2_line_along_the_iranian_border(dataset: Dataset) -> None:
    """The river waters.yaml calls the Aras runs along Iran's border (Columbia
    Encyclopedia: 'forming parts of the ... Armenia-Iran, and Azerbaijan-Iran borders')."""
    named = [f for f in dataset.ground["rivers"] if f.water == "aras"]
    assert [f.river_class for f in named] == [2]
    countries = dataset.boundaries["countries"].set_index("name").geometry
    aras, iran = to_metric([named[0].geometry, countries["Iran"].boundary])
    share = aras.intersection(iran.buffer(3_000)).length / aras.length
    assert share > 0.9
    assert named[0].names is not None and named[0].names.hy_native == "Արաքս"


def test_lake_sevan_is_named_and_the_rest_are_not(dataset: Dataset) -> None:
    named = {f.water: f for layer in dataset.ground.values() for f in layer if f.water}
    assert set(named) == {"aras", "lake-sevan"}
    sevan = named["lake-sevan"]
    assert sevan.layer == "lakes" and sevan.area_km2 == pytest.approx(1387.2)
    assert dataset.waters["lake-sevan"].names.en == "Lake Sevan"


# --- what loading refuses -----------------------------------------------------------------

ROUTE = {
    "id": "road-ab",
    "name": "Alpha-Beta road",
    "name_places": ["alpha", "beta"],
    "kind": "road",
    "geometry": {"path": ["alpha", "beta"]},
    "status": "approximate",
    "sources": ["src-a"],
}


class _NoAliases(yaml.SafeDumper):
    """Writes shared values out each time: data files may not use anchors or aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _write(folder: Path, name: str, records: list[dict[str, object]]) -> None:
    text = yaml.dump(records, Dumper=_NoAliases, sort_keys=False)
    (folder / name).write_text(text, encoding="utf-8")


def _problems(folder: Path) -> str:
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    return "\n".join(caught.value.problems)


def test_a_folder_without_routes_or_ground_loads(make_data_dir: MakeDataDir) -> None:
    loaded = load_dataset(make_data_dir())
    assert loaded.routes == () and dict(loaded.ground) == {} and dict(loaded.waters) == {}


def test_a_good_route_loads_and_its_end_may_follow_the_map(make_data_dir: MakeDataDir) -> None:
    folder = make_data_dir()
    _write(folder, "routes.yaml", [{**ROUTE, "start": "2020-11-10", "end": "2022-08-31"}])
    (route,) = load_dataset(folder).routes
    assert route.span.end == D(2022, 8, 31) and route.geometry.length == pytest.approx(1.0)


def test_bad_routes_are_reported_by_field(make_data_dir: MakeDataDir) -> None:
    folder = make_data_dir()
    _write(
        folder,
        "routes.yaml",
        [
            {**ROUTE, "id": "area", "geometry": {"place": "alpha", "buffer_km": 2}},
            {**ROUTE, "id": "late", "start": "2101-01-01"},
            {**ROUTE, "id": "backwards", "start": "2000-01-01", "end": "1999-01-01"},
            {**ROUTE, "id": "canal", "kind": "canal"},
            {**ROUTE, "id": "nowhere", "geometry": {"path": ["alpha", [200, 0]]}},
        ],
    )
    problems = _problems(folder)
    assert "record 'area', field 'geometry': must build a line" in problems
    assert "record 'late', field 'start': must be between 1900-01-01 and 2100-12-31" in problems
    assert "record 'backwards', field 'end': must be after start 2000-01-01" in problems
    assert "record 'canal', field 'kind': must be one of road, railway" in problems
    assert "record 'nowhere', field 'geometry': point [lon, lat] out of range" in problems


def _write_ground(folder: Path) -> None:
    rivers = gpd.GeoDataFrame(
        {"class": [2, 4], "class_name": ["Additional major river", "Minor river"]},
        geometry=[
            LineString([(45.2, 40.2), (46.8, 40.2)]),
            LineString([(45.2, 40.8), (45.8, 40.8)]),
        ],
        crs="EPSG:4326",
    )
    lakes = gpd.GeoDataFrame({"area_km2": [12.5]}, geometry=[box(46.2, 40.6, 46.4, 40.8)], crs=4326)
    for name, frame in (("rivers", rivers), ("lakes", lakes)):
        frame.to_file(folder / "ground.gpkg", layer=name, driver="GPKG", engine="pyogrio")


GSHHG = {"id": "gshhg-2-3-7", "title": "GSHHG 2.3.7", "publisher": "The GMT Team"}
WATER = {
    "id": "big-river",
    "layer": "rivers",
    "match": {"class": 2},
    "at": {"place": "beta", "buffer_km": 40},
    "names": {"en": "Big River", "hy": "Mets Get"},
    "status": "confirmed",
    "sources": ["src-a"],
}


def test_waters_name_the_features_they_select(make_data_dir: MakeDataDir) -> None:
    from tests.conftest import SOURCES

    folder = make_data_dir(sources=[*SOURCES, GSHHG])
    _write_ground(folder)
    _write(folder, "waters.yaml", [WATER])
    loaded = load_dataset(folder)
    named = [(f.row, f.water, f.names.en if f.names else None) for f in loaded.ground["rivers"]]
    assert named == [(0, "big-river", "Big River"), (1, None, None)]
    assert loaded.ground["lakes"][0].area_km2 == 12.5


def test_bad_waters_are_reported(make_data_dir: MakeDataDir) -> None:
    from tests.conftest import SOURCES

    folder = make_data_dir(sources=[*SOURCES, GSHHG])
    _write_ground(folder)
    _write(
        folder,
        "waters.yaml",
        [
            WATER,
            {**WATER, "id": "again"},
            {**WATER, "id": "none-there", "at": {"point": [40.0, 38.0]}},
            {**WATER, "id": "odd-column", "match": {"colour": "blue"}},
            {**WATER, "id": "sea", "layer": "seas"},
        ],
    )
    problems = _problems(folder)
    assert "feature 0 of 'rivers' is already named by 'big-river'" in problems
    assert "record 'none-there', field 'at': no feature of layer 'rivers'" in problems
    assert "record 'odd-column', field 'match': unknown columns ['colour']" in problems
    assert "record 'sea', field 'layer': must be one of rivers, lakes" in problems


def test_the_ground_needs_its_source(make_data_dir: MakeDataDir) -> None:
    folder = make_data_dir()
    _write_ground(folder)
    assert "the source 'gshhg-2-3-7' is required" in _problems(folder)
