"""Tests of the committed data/boundaries.gpkg and of the functions of geo/boundary_layers.py."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from geo import boundary_layers
from geo.build_boundaries import derive_from
from geo.errors import DataError
from geo.metric import geodesic_area_km2
from geo.settings import METRIC_CRS, REGION_BBOX

BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "boundaries.gpkg"
SOURCE_CANDIDATES = (
    os.environ.get("NE_WORLD_MAP_GPKG", ""),
    "/usr/share/qgis/resources/data/world_map.gpkg",
)

EXPECTED_COLUMNS = {
    "countries": ["name", "iso_a3"],
    "nakhchivan": ["name"],
    "nkao": ["name", "area_km2"],
    "districts": ["name", "ne_gn_name", "area_km2"],
    "district_parts": ["district", "side", "area_km2"],
    "ceasefire_line": ["name"],
    "provinces": ["name", "country"],
}

GYUMRI = Point(43.8475, 40.7894)
GORIS = Point(46.3382, 39.5111)
KAPAN = Point(46.4053, 39.2075)
LACHIN = Point(46.5461, 39.6383)
STEPANAKERT = Point(46.7519, 39.8153)
AGHDAM = Point(46.9281, 39.9911)
NAKHCHIVAN = Point(45.4128, 39.2089)
OFFICIAL_NKAO_KM2 = 4388.0


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    names = [str(row[0]) for row in pyogrio.list_layers(BOUNDARIES)]
    return {name: gpd.read_file(BOUNDARIES, layer=name) for name in names}


def _one(frame: gpd.GeoDataFrame, column: str, value: str) -> Polygon:
    rows = frame[frame[column] == value]
    assert len(rows) == 1, f"expected one row with {column} = {value!r}, got {len(rows)}"
    return rows.geometry.iloc[0]


def _part(layers: dict[str, gpd.GeoDataFrame], district: str, side: str) -> Polygon:
    parts = layers["district_parts"]
    rows = parts[(parts["district"] == district) & (parts["side"] == side)]
    assert len(rows) == 1
    return rows.geometry.iloc[0]


# --- the committed file -------------------------------------------------------------------


def test_layers_columns_and_crs(layers: dict[str, gpd.GeoDataFrame]) -> None:
    assert set(layers) == set(EXPECTED_COLUMNS)
    for name, frame in layers.items():
        assert [c for c in frame.columns if c != "geometry"] == EXPECTED_COLUMNS[name], name
        assert frame.crs.to_epsg() == 4326, name
        assert frame.geometry.is_valid.all(), name
        assert not frame.geometry.is_empty.any(), name


def test_row_values(layers: dict[str, gpd.GeoDataFrame]) -> None:
    assert set(layers["countries"]["name"]) == set(boundary_layers.COUNTRIES)
    assert list(layers["nakhchivan"]["name"]) == ["Nakhchivan"]
    assert list(layers["nkao"]["name"]) == ["Nagorno-Karabakh Autonomous Oblast"]
    assert set(layers["districts"]["name"]) == {
        "Aghdam", "Fuzuli", "Jabrayil", "Zangilan", "Qubadli", "Lachin", "Kalbajar",
    }  # fmt: skip
    assert list(layers["ceasefire_line"]["name"]) == ["Ceasefire Line 1994"]
    assert set(layers["provinces"]["name"]) == {"Shirak", "Syunik"}
    assert set(layers["provinces"]["country"]) == {"Armenia"}


def test_district_parts_sides(layers: dict[str, gpd.GeoDataFrame]) -> None:
    parts = layers["district_parts"]
    sides = parts.groupby("district")["side"].apply(sorted).to_dict()
    assert sides["Aghdam"] == ["armenian", "azerbaijani"]
    assert sides["Fuzuli"] == ["armenian", "azerbaijani"]
    for name in ("Jabrayil", "Zangilan", "Qubadli", "Lachin", "Kalbajar"):
        assert sides[name] == ["armenian"], name
    totals = parts.groupby("district")["area_km2"].sum()
    for _, row in layers["districts"].iterrows():
        assert totals[row["name"]] == pytest.approx(row["area_km2"], rel=0.01), row["name"]


def test_nkao_area_close_to_official(layers: dict[str, gpd.GeoDataFrame]) -> None:
    area = float(layers["nkao"]["area_km2"].iloc[0])
    assert area == pytest.approx(OFFICIAL_NKAO_KM2, rel=0.05)
    recomputed = geodesic_area_km2(layers["nkao"].geometry.iloc[0])
    assert recomputed == pytest.approx(area, abs=0.1)


def test_armenian_provinces_contain_towns(layers: dict[str, gpd.GeoDataFrame]) -> None:
    shirak = _one(layers["provinces"], "name", "Shirak")
    syunik = _one(layers["provinces"], "name", "Syunik")
    assert shirak.contains(GYUMRI)
    assert not syunik.contains(GYUMRI)
    assert syunik.contains(GORIS)
    assert syunik.contains(KAPAN)


def test_karabakh_towns(layers: dict[str, gpd.GeoDataFrame]) -> None:
    nkao = layers["nkao"].geometry.iloc[0]
    assert nkao.contains(STEPANAKERT)
    assert not nkao.contains(LACHIN)
    assert _one(layers["districts"], "name", "Lachin").contains(LACHIN)
    assert _part(layers, "Aghdam", "armenian").contains(AGHDAM)
    assert not _part(layers, "Aghdam", "azerbaijani").contains(AGHDAM)


def test_nakhchivan_is_in_azerbaijan(layers: dict[str, gpd.GeoDataFrame]) -> None:
    assert layers["nakhchivan"].geometry.iloc[0].contains(NAKHCHIVAN)
    assert _one(layers["countries"], "name", "Azerbaijan").contains(NAKHCHIVAN)
    assert not _one(layers["countries"], "name", "Armenia").contains(NAKHCHIVAN)


def test_districts_do_not_overlap_nkao(layers: dict[str, gpd.GeoDataFrame]) -> None:
    metric = layers["nkao"].to_crs(METRIC_CRS).geometry.iloc[0]
    for _, row in layers["districts"].to_crs(METRIC_CRS).iterrows():
        overlap_km2 = row.geometry.intersection(metric).area / 1e6
        assert overlap_km2 < 0.5, f"{row['name']} overlaps the NKAO by {overlap_km2:.2f} km2"


def test_districts_do_not_overlap_each_other(layers: dict[str, gpd.GeoDataFrame]) -> None:
    metric = layers["districts"].to_crs(METRIC_CRS)
    overlap_km2 = metric.geometry.area.sum() / 1e6 - metric.union_all().area / 1e6
    assert overlap_km2 < 0.5


def test_ceasefire_line_crosses_split_districts(layers: dict[str, gpd.GeoDataFrame]) -> None:
    line = layers["ceasefire_line"].geometry.iloc[0]
    assert line.geom_type == "LineString"
    for name in ("Aghdam", "Fuzuli"):
        assert line.intersects(_one(layers["districts"], "name", name)), name
    assert not line.intersects(_one(layers["districts"], "name", "Zangilan"))


def test_countries_clipped_to_region(layers: dict[str, gpd.GeoDataFrame]) -> None:
    minx, miny, maxx, maxy = layers["countries"].total_bounds
    region = REGION_BBOX
    assert minx >= region[0] - 1e-9 and miny >= region[1] - 1e-9
    assert maxx <= region[2] + 1e-9 and maxy <= region[3] + 1e-9


def test_file_is_small() -> None:
    assert BOUNDARIES.stat().st_size < 1_500_000


def _source() -> Path | None:
    return next((Path(p) for p in SOURCE_CANDIDATES if p and Path(p).is_file()), None)


def test_build_reproduces_committed_file(layers: dict[str, gpd.GeoDataFrame]) -> None:
    source = _source()
    if source is None:
        pytest.skip(
            "Natural Earth world_map.gpkg (Debian qgis-common) not found; set NE_WORLD_MAP_GPKG"
            " to check that data/boundaries.gpkg is reproducible (see data/README.md)"
        )
    rebuilt = derive_from(source)
    assert set(rebuilt) == set(layers)
    for name, frame in rebuilt.items():
        committed = layers[name]
        columns = EXPECTED_COLUMNS[name]
        assert frame[columns].reset_index(drop=True).equals(committed[columns]), name
        same = frame.geometry.geom_equals_exact(committed.geometry, tolerance=1e-9)
        assert same.all(), f"{name}: geometry differs from the committed file"


# --- pure functions on synthetic shapes ---------------------------------------------------


def _square_pieces(gap: float) -> list[LineString]:
    """A 10 km square outline in four pieces; the last one stops ``gap`` metres short."""
    return [
        LineString([(0, 0), (10_000, 0)]),
        LineString([(10_000, 0), (10_000, 10_000)]),
        LineString([(10_000, 10_000), (0, 10_000)]),
        LineString([(0, 10_000), (0, gap)]),
    ]


def test_polygonize_closes_200_m_gap() -> None:
    polygon = boundary_layers.polygonize_outline(_square_pieces(200.0), max_gap=400.0)
    assert polygon.area == pytest.approx(1e8, rel=1e-6)


def test_polygonize_refuses_gap_wider_than_max() -> None:
    with pytest.raises(DataError, match="encloses no area"):
        boundary_layers.polygonize_outline(_square_pieces(1_000.0), max_gap=400.0)


def test_close_gaps_joins_only_loose_ends() -> None:
    joined = boundary_layers.close_gaps(_square_pieces(200.0), max_gap=400.0)
    assert len(joined) == 5
    assert joined[-1].length == pytest.approx(200.0)


def test_nkao_from_synthetic_lines() -> None:
    lon_lat = gpd.GeoSeries(
        [MultiLineString([p]) for p in _square_pieces(200.0)], crs=METRIC_CRS
    ).to_crs("EPSG:4326")
    disputed = gpd.GeoDataFrame(
        {"name": [boundary_layers.OBLAST_LINE] * 4}, geometry=list(lon_lat), crs="EPSG:4326"
    )
    result = boundary_layers.nkao(disputed)
    assert list(result.columns) == ["name", "area_km2", "geometry"]
    assert float(result["area_km2"].iloc[0]) == pytest.approx(100.0, rel=0.01)


def test_missing_oblast_line_raises_naming_it() -> None:
    disputed = gpd.GeoDataFrame(
        {"name": [boundary_layers.CEASEFIRE_LINE]},
        geometry=[LineString([(46.0, 40.0), (47.0, 40.0)])],
        crs="EPSG:4326",
    )
    with pytest.raises(DataError, match="Former USSR oblast in 1991"):
        boundary_layers.nkao(disputed)


def test_missing_district_raises_naming_it() -> None:
    names = [g for g in boundary_layers.DISTRICTS if g != "Lacin Rayonu"]
    states = gpd.GeoDataFrame(
        {"admin": ["Azerbaijan"] * len(names), "gn_name": names},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(names))],
        crs="EPSG:4326",
    )
    with pytest.raises(DataError, match="gn_name = 'Lacin Rayonu'") as caught:
        boundary_layers.select_districts(states)
    assert caught.value.problems == ["states_provinces: no feature with gn_name = 'Lacin Rayonu'"]


def test_select_districts_names_in_english() -> None:
    names = list(boundary_layers.DISTRICTS)
    states = gpd.GeoDataFrame(
        {"admin": ["Azerbaijan"] * len(names), "gn_name": names},
        geometry=[box(i, 0, i + 1, 1) for i in range(len(names))],
        crs="EPSG:4326",
    )
    result = boundary_layers.select_districts(states)
    assert list(result["name"]) == [
        "Aghdam", "Fuzuli", "Jabrayil", "Zangilan", "Qubadli", "Lachin", "Kalbajar",
    ]  # fmt: skip
    assert list(result["ne_gn_name"]) == names


def test_duplicate_feature_raises() -> None:
    frame = gpd.GeoDataFrame(
        {"NAME": ["Armenia", "Armenia"], "ISO_A3": ["ARM", "ARM"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    with pytest.raises(DataError, match="2 features with NAME = 'Armenia'"):
        boundary_layers.pick_countries(frame, ["Armenia"])


def test_split_sides_keeps_reference_side() -> None:
    square = box(0, 0, 10, 10)
    line = boundary_layers.extend_line(LineString([(4, 1), (4, 9)]), 5.0)
    near, far = boundary_layers.split_sides(square, line, reference=Point(1, 5))
    assert near.area == pytest.approx(40.0)
    assert far.area == pytest.approx(60.0)
    assert near.contains(Point(2, 5)) and far.contains(Point(8, 5))


def test_split_sides_line_short_of_the_edges_cuts_nothing() -> None:
    line = LineString([(4, 1), (4, 9)])
    near, far = boundary_layers.split_sides(box(0, 0, 10, 10), line, Point(1, 5))
    assert far.is_empty or near.is_empty


def test_extend_line_prolongs_both_ends() -> None:
    extended = boundary_layers.extend_line(LineString([(0, 0), (3, 4)]), 5.0)
    assert list(extended.coords) == [(-3.0, -4.0), (0.0, 0.0), (3.0, 4.0), (6.0, 8.0)]


def test_side_of_line() -> None:
    line = LineString([(0, 0), (0, 10)])
    assert boundary_layers.side_of_line(Point(-1, 5), line) == 1
    assert boundary_layers.side_of_line(Point(1, 5), line) == -1


def test_district_parts_split_only_aghdam_and_fuzuli() -> None:
    districts = gpd.GeoDataFrame(
        {"name": ["Aghdam", "Lachin"], "ne_gn_name": ["Aghdam Rayon", "Lacin Rayonu"]},
        geometry=[box(46.8, 39.9, 47.2, 40.1), box(46.3, 39.5, 46.5, 39.8)],
        crs="EPSG:4326",
    )
    line = LineString([(47.1, 39.92), (47.1, 40.08)])
    parts = boundary_layers.district_parts(districts, line, held=Point(46.7, 39.8))
    assert list(zip(parts["district"], parts["side"], strict=True)) == [
        ("Aghdam", "armenian"),
        ("Aghdam", "azerbaijani"),
        ("Lachin", "armenian"),
    ]
    armenian = parts.geometry.iloc[0]
    assert armenian.contains(Point(46.9, 40.0)) and not armenian.contains(Point(47.15, 40.0))
    assert parts["area_km2"].iloc[0] > 3 * parts["area_km2"].iloc[1]


def test_district_parts_raises_when_line_misses() -> None:
    districts = gpd.GeoDataFrame(
        {"name": ["Fuzuli"], "ne_gn_name": ["Fizuli Rayon"]},
        geometry=[box(46.8, 39.3, 47.2, 39.6)],
        crs="EPSG:4326",
    )
    line = LineString([(45.0, 40.5), (45.0, 41.0)])
    with pytest.raises(DataError, match="does not cut Fuzuli"):
        boundary_layers.district_parts(districts, line, held=Point(46.7, 39.8))


def test_clip_to_region_drops_rows_outside() -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["in", "out"]}, geometry=[box(0, 0, 2, 2), box(5, 5, 6, 6)], crs="EPSG:4326"
    )
    clipped = boundary_layers.clip_to_region(frame, (1.0, 1.0, 3.0, 3.0))
    assert list(clipped["name"]) == ["in"]
    assert clipped.geometry.iloc[0].equals(box(1, 1, 2, 2))
