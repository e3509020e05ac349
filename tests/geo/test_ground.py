"""Tests of the committed data/ground.gpkg, of geo/ground_layers.py and geo/build_ground.py."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from geo import build_ground, ground_layers
from geo.errors import DataError
from geo.metric import geodesic_area_km2
from geo.settings import METRIC_CRS, REGION_BBOX

DATA = Path(__file__).resolve().parents[2] / "data"
GROUND = DATA / "ground.gpkg"
BOUNDARIES = DATA / "boundaries.gpkg"
EXPECTED_COLUMNS = {"rivers": ["class", "class_name"], "lakes": ["area_km2"]}
GEOMETRY_TYPES = {"rivers": "LineString", "lakes": "MultiPolygon"}

#: Lake Sevan, "the largest lake in Armenia": 1,242 km2 today (Armenia's tourism site,
#: travelarmenia.am, "Lake Sevan"); 1,360 km2 before the Soviet-era lowering (Wikipedia,
#: "Lake Sevan", as mirrored by primidi.com). GSHHG's outline gives 1,387 km2.
SEVAN_TODAY_KM2 = 1242.0
SEVAN_BEFORE_LOWERING_KM2 = 1360.0


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    names = [str(row[0]) for row in pyogrio.list_layers(GROUND)]
    return {name: gpd.read_file(GROUND, layer=name) for name in names}


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return gpd.read_file(BOUNDARIES, layer="countries").set_index("name")


# --- the committed file -------------------------------------------------------------------


def test_layers_columns_crs_and_region(layers: dict[str, gpd.GeoDataFrame]) -> None:
    assert set(layers) == set(EXPECTED_COLUMNS)
    region = box(*REGION_BBOX).buffer(1e-9)
    for name, frame in layers.items():
        assert [c for c in frame.columns if c != "geometry"] == EXPECTED_COLUMNS[name], name
        assert frame.crs.to_epsg() == 4326, name
        assert len(frame) > 0, name
        assert set(frame.geom_type) == {GEOMETRY_TYPES[name]}, name
        assert frame.geometry.is_valid.all(), name
        assert not frame.geometry.is_empty.any(), name
        assert frame.geometry.within(region).all(), f"{name} leaves the region"


def test_river_classes_are_wdbii(layers: dict[str, gpd.GeoDataFrame]) -> None:
    rivers = layers["rivers"]
    assert set(rivers["class"]) <= set(ground_layers.RIVER_CLASSES)
    for value, name in zip(rivers["class"], rivers["class_name"], strict=True):
        assert ground_layers.RIVER_CLASSES[value] == name


def _border(countries: gpd.GeoDataFrame, a: str, b: str) -> gpd.GeoSeries:
    """The shared border of two countries, in metres (UTM 38N)."""
    metric = countries.to_crs(METRIC_CRS).geometry
    return metric[a].boundary.intersection(metric[b].buffer(50))


def _share_near_rivers(border: gpd.GeoSeries, rivers: gpd.GeoDataFrame, km: float) -> float:
    near = unary_union(list(rivers.to_crs(METRIC_CRS).geometry)).buffer(km * 1000)
    return float(border.intersection(near).length / border.length)


def test_aras_follows_armenia_iran_border(
    layers: dict[str, gpd.GeoDataFrame], countries: gpd.GeoDataFrame
) -> None:
    # "It then flows along the Iranian-Azerbaijan and the Iranian-Armenian border"
    # (Wikipedia, "Aras (river)", as mirrored by tishineh.com). Natural Earth's generalized
    # border (35 km of the real 44) strays up to about 3 km from WDBII's river line.
    border = _border(countries, "Armenia", "Iran")
    assert border.length > 30_000
    assert _share_near_rivers(border, layers["rivers"], km=3) > 0.95
    # No river follows the Armenia-Azerbaijan border: the test tells the two apart.
    other = _border(countries, "Armenia", "Azerbaijan")
    assert _share_near_rivers(other, layers["rivers"], km=3) < 0.05


def test_lake_sevan_is_the_largest_lake_in_armenia(
    layers: dict[str, gpd.GeoDataFrame], countries: gpd.GeoDataFrame
) -> None:
    lakes = layers["lakes"]
    inside = lakes[lakes.geometry.within(countries.geometry["Armenia"])]
    sevan = inside.loc[inside["area_km2"].idxmax()]
    assert 0.95 * SEVAN_TODAY_KM2 <= sevan["area_km2"] <= 1.05 * SEVAN_BEFORE_LOWERING_KM2
    assert geodesic_area_km2(orient(sevan.geometry.geoms[0])) == pytest.approx(
        sevan["area_km2"], abs=0.5
    )


def test_file_is_small() -> None:
    assert GROUND.stat().st_size < 1_500_000


def test_build_reproduces_committed_file(layers: dict[str, gpd.GeoDataFrame]) -> None:
    program = build_ground.gmt_program()
    if program is None:
        pytest.skip(
            "GMT not found (apt-get install gmt gmt-gshhg-full, or set GMT_PROGRAM) to check"
            " that data/ground.gpkg is reproducible (see data/README.md)"
        )
    rebuilt, used = build_ground.derive(program)
    assert used == "GMT 6.4.0, GSHHG 2.3.7", "the committed file was built with these"
    assert set(rebuilt) == set(layers)
    for name, frame in rebuilt.items():
        committed = layers[name]
        columns = EXPECTED_COLUMNS[name]
        assert frame[columns].reset_index(drop=True).equals(committed[columns]), name
        same = frame.geometry.geom_equals_exact(committed.geometry, tolerance=1e-9)
        assert same.all(), f"{name}: geometry differs from the committed file"


def test_build_without_gmt_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv(build_ground.GMT_ENV, str(tmp_path / "no-such-gmt"))
    out = tmp_path / "ground.gpkg"
    assert build_ground.main(["--out", str(out)]) == 2
    assert "apt-get install gmt gmt-gshhg-full" in capsys.readouterr().err
    assert not out.exists()


# --- pure functions on synthetic GMT text -------------------------------------------------

# As GMT 6.4 writes it (``gmt coast -Df -M``): a header per piece, tab-separated lon/lat;
# a river crossing the bin edge at 45 E is cut there, and GMT writes two-point stubs.
RIVERS = """\
> River Bin # 18406, Level 2
44.5\t40.2
44.8\t40.1
45\t40.05
> River Bin # 18406, Level 2
45\t40.05
45\t40.05
> River Bin # 18407, Level 2
45\t40.05
45.4\t40.0
> River Bin # 18407, Level 4
45.1\t40.5
45.2\t40.6
"""

# A lake cut in two by the bin edge at 45 E, an island in it, and a lake shore that
# leaves the extraction area (does not close).
SHORES = """\
> Shore Bin # 17684, Level 2
45\t40
44\t40
44\t41
45\t41
> Shore Bin # 17685, Level 2
45\t41
46\t41
46\t40
45\t40
> Shore Bin # 17685, Level 3
45.2\t40.2
45.4\t40.2
45.4\t40.4
45.2\t40.4
45.2\t40.2
> Shore Bin # 17686, Level 2
47\t40
47.5\t40.5
48\t41
"""


def test_parse_segments_reads_headers_and_coordinates() -> None:
    segments = ground_layers.parse_segments(RIVERS)
    assert [(s.kind, s.bin, s.level) for s in segments] == [
        ("River", 18406, 2),
        ("River", 18406, 2),
        ("River", 18407, 2),
        ("River", 18407, 4),
    ]
    assert segments[0].coords == ((44.5, 40.2), (44.8, 40.1), (45.0, 40.05))
    assert ground_layers.parse_segments("# a comment\n\n") == []


def test_parse_segments_reports_every_bad_line() -> None:
    text = "45 40\n> River Bin # 1, Level 2\n45 forty\n> Lake 3\n45 40 12\n46 nan\n"
    with pytest.raises(DataError) as caught:
        ground_layers.parse_segments(text, "rivers.txt")
    problems = caught.value.problems
    assert len(problems) == 5
    assert problems[0] == "rivers.txt, line 1: coordinates before a segment header"
    assert "line 3: expected 'lon lat', got '45 forty'" in problems[1]
    assert "line 4: unknown segment header '> Lake 3'" in problems[2]
    assert "line 5" in problems[3]
    assert "line 6" in problems[4]


def test_merged_lines_joins_pieces_across_bin_edges_and_drops_stubs() -> None:
    segments = [s for s in ground_layers.parse_segments(RIVERS) if s.level == 2]
    lines = ground_layers.merged_lines(segments)
    assert len(lines) == 1
    assert lines[0].coords[0] == (44.5, 40.2)
    assert lines[0].coords[-1] == (45.4, 40.0)
    assert ground_layers.merged_lines([]) == []


def test_river_lines_one_row_per_class_clipped_to_box() -> None:
    rivers = ground_layers.river_lines(ground_layers.parse_segments(RIVERS), (44.6, 39, 46, 41))
    assert list(rivers["class"]) == [2, 4]
    assert list(rivers["class_name"]) == ["Additional major river", "Minor river"]
    assert rivers.crs.to_epsg() == 4326
    assert rivers.geometry.iloc[0].bounds[0] == pytest.approx(44.6)  # cut at the box
    assert ground_layers.river_lines([], REGION_BBOX).empty


def test_river_lines_refuse_unknown_class() -> None:
    text = "> River Bin # 1, Level 11\n45 40\n46 40\n"
    with pytest.raises(DataError, match="unknown WDBII class 11"):
        ground_layers.river_lines(ground_layers.parse_segments(text), REGION_BBOX)


def test_closed_rings_separates_open_shores() -> None:
    segments = ground_layers.parse_segments(SHORES)
    rings, chains = ground_layers.closed_rings(s for s in segments if s.level == 2)
    assert len(rings) == 1
    assert rings[0].bounds == (44.0, 40.0, 46.0, 41.0)
    assert len(chains) == 1
    assert chains[0].coords[0] == (47.0, 40.0)


def test_lake_polygons_cut_islands_and_keep_whole_lake_area() -> None:
    segments = ground_layers.parse_segments(SHORES)
    whole = ground_layers.lake_polygons(segments, (43, 39, 49, 42))
    assert len(whole) == 1  # the open shore is left out
    lake = whole.geometry.iloc[0]
    assert lake.geom_type == "MultiPolygon"
    assert len(lake.geoms[0].interiors) == 1  # the island
    # Edges are geodesics between the vertices as GMT gave them (not along parallels).
    full = geodesic_area_km2(Polygon([(45, 40), (44, 40), (44, 41), (45, 41), (46, 41), (46, 40)]))
    island = geodesic_area_km2(box(45.2, 40.2, 45.4, 40.4))
    assert whole["area_km2"].iloc[0] == pytest.approx(full - island, abs=0.1)
    # Clipped to a box that cuts it: the shape is cut, the area stays the whole lake's.
    cut = ground_layers.lake_polygons(segments, (43, 39, 45, 42))
    assert cut.geometry.iloc[0].bounds == (44.0, 40.0, 45.0, 41.0)
    assert cut["area_km2"].iloc[0] == whole["area_km2"].iloc[0]
    # A box the lake does not reach gives no row.
    assert ground_layers.lake_polygons(segments, (30, 30, 31, 31)).empty


def test_build_layers_names_the_broken_dump() -> None:
    with pytest.raises(DataError, match="lakes"):
        ground_layers.build_layers(RIVERS, "> Shore Bin # 1, Level 2\n1 2 3\n", REGION_BBOX)
    layers = ground_layers.build_layers(RIVERS, SHORES, (43, 39, 49, 42))
    assert list(layers) == ["rivers", "lakes"]


def test_region_option() -> None:
    assert build_ground.region_option((43.0, 38.3, 48.5, 41.5)) == "-R43/48.5/38.3/41.5"
