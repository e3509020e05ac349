"""Reading the user's own files: each format, each CRS, hostile text, sizes, geometry and
date problems listed by row and field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyproj
import pytest
from shapely.geometry import Point, Polygon

from geo import io, user_layers
from geo.dates import DaySpan
from geo.errors import DataError
from geo.upload import sniff, worker
from geo.user_layers import (
    MAX_PROBLEMS_LISTED,
    MAX_TEXT_CHARS,
    MAX_UPLOAD_BYTES,
    parse_partial_date,
    read_user_layer,
)

#: Text that must stay text in every output: a template, HTML, a JS template, maths,
#: Markdown (a blank line then a heading), a Streamlit colour directive and a BOM.
HOSTILE: tuple[str, ...] = (
    "{{7*7}}",
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "$x^2$",
    "first\n\n# heading",
    ":red[x]",
    "\ufeffBOM",
)
#: Yerevan's Republic Square, lon/lat (WGS 84).
YEREVAN = (44.5152, 40.1776)


def feature_collection(*features: dict[str, Any], crs: str | None = None) -> bytes:
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(collection).encode()


def point(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": [lon, lat]}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["Yerevan", "Area"], "date": ["2020-10-09", "2020"], "note": ["a", "b"]},
        geometry=[Point(*YEREVAN), Polygon([(45, 40), (45.5, 40), (45.5, 40.5)])],
        crs="EPSG:4326",
    ).to_crs(crs)


# --- good files of each format ---------------------------------------------------------


def test_geojson_points_names_dates_and_details() -> None:
    data = feature_collection(
        point(*YEREVAN, name="Yerevan", date="2020-10-09", kind="city"),
        point(46.75, 39.8, title="Undated"),
    )
    layer = read_user_layer(data, "my events.geojson")
    assert layer.title == "my events" and layer.file_format == "GeoJSON"
    first, second = layer.features
    assert (first.name, first.date, first.precision) == ("Yerevan", dt.date(2020, 10, 9), "day")
    assert first.details == (("kind", "city"),)
    assert first.geometry.equals(Point(*YEREVAN))
    assert (second.name, second.date) == ("Undated", None)
    assert layer.problems == ()
    assert layer.id == read_user_layer(data, "other name.json").id  # same bytes, same id


def test_geopackage_every_layer_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.gpkg"
    frame().to_file(path, layer="one", engine="pyogrio")
    frame().iloc[:1].to_file(path, layer="two", engine="pyogrio")
    layer = read_user_layer(path.read_bytes(), path.name)
    assert layer.file_format == "GeoPackage"
    assert [f.name for f in layer.features] == ["Yerevan", "Area", "Yerevan"]
    assert layer.features[1].geometry.geom_type == "Polygon"
    assert layer.features[1].precision == "year"


def test_kml_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.kml"
    frame().to_file(path, driver="KML", engine="pyogrio")
    layer = read_user_layer(path.read_bytes(), path.name)
    assert [f.name for f in layer.features] == ["Yerevan", "Area"]
    assert layer.features[0].date == dt.date(2020, 10, 9)
    assert layer.features[0].geometry.equals_exact(Point(*YEREVAN), 1e-9)
    assert all(
        name.lower() not in ("tessellate", "extrude") for name, _ in layer.features[0].details
    )


@pytest.mark.parametrize(
    "header", ["name,lat,lon,date", "Name,Latitude,Longitude,Date", "name,y,x,when"]
)
def test_csv_with_common_column_names(header: str) -> None:
    data = f"{header}\nYerevan,{YEREVAN[1]},{YEREVAN[0]},2020-10\n".encode()
    (feature,) = read_user_layer(data, "e.csv").features
    assert feature.geometry.equals(Point(*YEREVAN))
    assert (feature.date, feature.precision) == (dt.date(2020, 10, 1), "month")


def test_csv_without_coordinates_is_refused_naming_the_columns() -> None:
    with pytest.raises(DataError, match=r"latitude and a longitude.*'place'"):
        read_user_layer(b"place,when\nA,2020\n", "e.csv")


# --- hostile files ---------------------------------------------------------------------


def test_hostile_text_is_kept_as_one_line_of_plain_text() -> None:
    data = feature_collection(*(point(45.0, 40.0, name=text, description=text) for text in HOSTILE))
    layer = read_user_layer(data, "\ufeffevil {{7*7}}.geojson")
    names = [f.name for f in layer.features]
    assert names == [
        "{{7*7}}",
        "<img src=x onerror=alert(1)>",
        "${alert(1)}",
        "$x^2$",
        "first # heading",  # no blank line left to start a Markdown block
        ":red[x]",
        "BOM",  # U+FEFF removed, as in the curated data
    ]
    assert [f.details for f in layer.features][4] == (("description", "first # heading"),)
    assert layer.title == "evil {{7*7}}"


def test_long_text_is_cut() -> None:
    data = feature_collection(point(45.0, 40.0, name="x" * 10_000))
    (feature,) = read_user_layer(data, "a.geojson").features
    assert len(feature.name) == MAX_TEXT_CHARS and feature.name.endswith("…")


def test_a_50_mb_file_is_refused_by_size_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(sniff, "sniff", never)
    monkeypatch.setattr(worker, "run_worker", never)
    big = b" " * (50 * 1024 * 1024)
    for name in ("big.geojson", "big.csv", "big.gpkg"):
        with pytest.raises(DataError, match="over the limit of 10,485,760 bytes"):
            read_user_layer(big, name)


def test_the_cli_reader_refuses_a_big_file_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: nothing to read
    with pytest.raises(DataError, match="over the limit"):
        io.read_upload(path, max_bytes=MAX_UPLOAD_BYTES)


def test_unknown_types_and_kmz_are_refused() -> None:
    for name in ("a.kmz", "a.zip", "a.shp", "noextension"):
        with pytest.raises(DataError, match="not a file type read here"):
            read_user_layer(b"PK\x03\x04", name)


def test_kml_with_a_doctype_is_refused() -> None:
    comment = b"<!--" + b" " * 10_000 + b"-->"  # the DOCTYPE may come late
    data = b'<?xml version="1.0"?>' + comment + b'<!doctype kml [<!ENTITY a "a">]><kml></kml>'
    with pytest.raises(DataError, match="DOCTYPE"):
        read_user_layer(data, "a.kml")
    with pytest.raises(DataError, match="is not UTF-8"):
        read_user_layer(data.decode().encode("utf-16"), "a.kml")


def test_garbage_is_a_data_error() -> None:
    for name in ("a.geojson", "a.gpkg", "a.kml"):
        with pytest.raises(DataError, match="cannot be read"):
            read_user_layer(b"\x00\x01 not a file", name)


# --- CRS -------------------------------------------------------------------------------


def mercator(lon: float, lat: float) -> tuple[float, float]:
    x, y = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    return float(x), float(y)


def test_geojson_in_web_mercator_is_converted() -> None:
    data = feature_collection(point(*mercator(*YEREVAN), name="Yerevan"), crs="EPSG:3857")
    (feature,) = read_user_layer(data, "m.geojson").features
    assert feature.geometry.equals_exact(Point(*YEREVAN), 1e-7)


def test_geopackage_in_web_mercator_is_converted(tmp_path: Path) -> None:
    path = tmp_path / "m.gpkg"
    frame("EPSG:3857").to_file(path, engine="pyogrio")
    features = read_user_layer(path.read_bytes(), path.name).features
    assert features[0].geometry.equals_exact(Point(*YEREVAN), 1e-7)


def test_geopackage_without_crs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame().set_crs(None, allow_override=True).to_file(path, engine="pyogrio")
    with pytest.raises(DataError, match="no coordinate reference system"):
        read_user_layer(path.read_bytes(), path.name)


def test_geojson_in_metres_without_crs_rows_are_left_out_with_the_reason() -> None:
    data = feature_collection(point(*mercator(*YEREVAN), name="metres"), point(45, 40))
    layer = read_user_layer(data, "m.geojson")
    assert len(layer.features) == 1
    (problem,) = layer.problems
    assert problem.startswith("row 1, geometry: coordinates (4.9")
    assert "another CRS" in problem and "row left out" in problem


# --- geometry and dates ----------------------------------------------------------------


def test_a_self_intersecting_polygon_is_repaired_and_noted() -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[45, 40], [46, 41], [46, 40], [45, 41], [45, 40]]],
    }
    data = feature_collection(
        {"type": "Feature", "properties": {"name": "bow"}, "geometry": bowtie}
    )
    layer = read_user_layer(data, "b.geojson")
    (feature,) = layer.features
    assert feature.geometry.is_valid and feature.geometry.geom_type == "MultiPolygon"
    assert feature.geometry.area == pytest.approx(0.5)
    (problem,) = layer.problems
    assert (
        problem.startswith("row 1, geometry: invalid (Self-intersection") and "repaired" in problem
    )


def test_empty_and_missing_geometries_are_left_out() -> None:
    data = feature_collection(
        {"type": "Feature", "properties": {}, "geometry": None},
        point(45, 40, name="ok"),
    )
    layer = read_user_layer(data, "g.geojson")
    assert [f.name for f in layer.features] == ["ok"]
    assert layer.problems == ("row 1: no geometry; row left out",)


def test_bad_and_partial_dates_are_listed_by_row_and_field() -> None:
    rows = ["2020-10-09", "2020-10", "1994", "2020-13-01", "yesterday", "", "2030-01-01"]
    text = "name,lat,lon,Date\n" + "".join(f"r{i},40,45,{d}\n" for i, d in enumerate(rows, 1))
    span = DaySpan(dt.date(1991, 1, 1), dt.date(2021, 2, 23))
    layer = read_user_layer(text.encode(), "d.csv", span=span)
    assert [(f.name, f.date, f.precision) for f in layer.features] == [
        ("r1", dt.date(2020, 10, 9), "day"),
        ("r2", dt.date(2020, 10, 1), "month"),
        ("r3", dt.date(1994, 1, 1), "year"),
        ("r6", None, None),
        ("r7", dt.date(2030, 1, 1), "day"),
    ]
    assert layer.problems == (
        "row 2, Date: month only; shown from 1 October 2020",
        "row 3, Date: year only; shown from 1 January 1994",
        "row 4, Date: '2020-13-01' is not a real date (month must be in 1..12); row left out",
        "row 5, Date: 'yesterday' is not a date YYYY, YYYY-MM or YYYY-MM-DD; row left out",
        "row 7, Date: 2030-01-01 is outside the map's dates (1991-01-01 to 2021-02-23)",
    )


def test_typed_dates_of_a_geopackage_are_days(tmp_path: Path) -> None:
    path = tmp_path / "t.gpkg"
    typed = frame().assign(date=[dt.date(2020, 11, 10), None])
    typed.to_file(path, engine="pyogrio")
    features = read_user_layer(path.read_bytes(), path.name).features
    assert [(f.date, f.precision) for f in features] == [
        (dt.date(2020, 11, 10), "day"),
        (None, None),
    ]


def test_problems_are_listed_a_screenful_at_most() -> None:
    text = "name,lat,lon\n" + "".join(f"r{i},north,45\n" for i in range(100)) + "ok,40,45\n"
    layer = read_user_layer(text.encode(), "many.csv")
    assert len(layer.problems) == 100
    shown = layer.shown_problems()
    assert len(shown) == MAX_PROBLEMS_LISTED + 1
    assert shown[0] == "row 1: lat: 'north' is not a number; row left out"
    assert shown[-1] == f"... and {100 - MAX_PROBLEMS_LISTED} more"


def test_a_file_with_nothing_to_draw_lists_why() -> None:
    with pytest.raises(DataError) as caught:
        read_user_layer(b"name,lat,lon\na,x,y\n", "none.csv")
    assert caught.value.problems == [
        "none.csv: no feature could be drawn",
        "row 1: lat: 'x' is not a number; row left out",
    ]


def test_too_many_features_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_layers, "MAX_USER_FEATURES", 3)
    text = "name,lat,lon\n" + "".join(f"r{i},40,45\n" for i in range(5))
    layer = read_user_layer(text.encode(), "cap.csv")
    assert len(layer.features) == 3
    assert layer.problems == ("2 rows after the first 3 left out",)


def test_validity_in_time() -> None:
    data = feature_collection(
        point(45, 40, name="dated", date="2020-10-09"), point(45, 40, name="always")
    )
    layer = read_user_layer(data, "t.geojson")
    assert [f.name for f in layer.in_force(dt.date(2020, 10, 8))] == ["always"]
    assert [f.name for f in layer.in_force(dt.date(2020, 10, 9))] == ["dated", "always"]
    assert layer.dated


def test_partial_date_parser() -> None:
    assert parse_partial_date("2020-10-09T12:00:00Z") == (dt.date(2020, 10, 9), "day")
    assert parse_partial_date(dt.datetime(2020, 1, 2, 3)) == (dt.date(2020, 1, 2), "day")
    assert parse_partial_date("  ") == (None, None)
    with pytest.raises(ValueError, match="'20201009' is not a date"):
        parse_partial_date("20201009")
