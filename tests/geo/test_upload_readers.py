"""The readers of geo.upload, in this process: the kind decided from the bytes, each
format's limits and refusals, GeoPackage read as data (tables only, no SQL from the
file), geometry blobs walked before GEOS parses them."""

from __future__ import annotations

import json
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point

from geo.errors import DataError
from geo.upload import gpkg, sniff
from geo.upload.kml import kml_rows
from geo.upload.limits import Limits
from geo.upload.read import read_plain
from geo.upload.rows import Budget, Problems
from geo.upload.wkb import BlobError, count_vertices
from tests.upload_attacks import YEREVAN, _geopackage

KML = (
    b'<?xml version="1.0" encoding="UTF-8"?><!-- a comment --><?pi x?>\n'
    b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>f</name>'
    b"<Placemark><name>Area</name><TimeSpan><begin>2020-10</begin></TimeSpan>"
    b'<ExtendedData><Data name="unit"><value>3rd</value></Data></ExtendedData>'
    b"<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>"
    b"45,40 46,40 46,41 45,41 45,40</coordinates></LinearRing></outerBoundaryIs>"
    b"<innerBoundaryIs><LinearRing><coordinates>45.2,40.2 45.4,40.2 45.4,40.4 45.2,40.2"
    b"</coordinates></LinearRing></innerBoundaryIs></Polygon>"
    b"<Point><coordinates>45.5,40.5,100</coordinates></Point></MultiGeometry></Placemark>"
    b"</Folder></Document></kml>"
)


def read(data: bytes, name: str, kind: str, **limits: Any) -> dict[str, Any]:
    return read_plain(data, name, kind, Limits(**limits))


def geojson(*features: dict[str, Any], **extra: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def line(count: int, name: str = "l") -> dict[str, Any]:
    coordinates = [[45 + i / (10 * count), 40.0] for i in range(count)]
    geometry = {"type": "LineString", "coordinates": coordinates}
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


# --- the kind, from the bytes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind", "found"),
    [
        (b'\xef\xbb\xbf \n{"type": "Feature"}', "GeoJSON", "GeoJSON"),
        (b"[1, 2]", None, "a JSON array"),
        (KML, "KML", "KML"),
        (b'<?xml version="1.0"?><!DOCTYPE kml><kml/>', None, "DOCTYPE"),
        (b"<!-- x --><!ENTITY a 'b'><kml/>", None, "DOCTYPE or entity"),
        (b"<OGRVRTDataSource/>", None, "an OGR VRT file"),
        (b"<VRTDataset/>", None, "a GDAL VRT file"),
        (b"<wfs:FeatureCollection/>", None, "a GML or WFS document"),
        (b"<gpx/>", None, "a GPX file"),
        (b"PK\x03\x04rest", None, "a ZIP archive"),
        (b"\x1f\x8b\x08rest", None, "gzip"),
        (b"%PDF-1.7", None, "a PDF document"),
        (b"SQLite format 3\x00" + b"\x00" * 100, None, "an SQLite database that is not"),
        (b"\xff\xfe<\x00k\x00", None, "not UTF-8 (UTF-16 or UTF-32)"),
        (b"\x00\x01 not a file", None, "binary data"),
        (b"\xc3\x28 broken", None, "not UTF-8 text (invalid continuation byte at byte 0)"),
        (b"name,lat,lon\nA,40,45\n", "CSV", "CSV"),
    ],
)
def test_the_kind_comes_from_the_bytes(data: bytes, kind: str | None, found: str) -> None:
    sniffed = sniff.sniff(data)
    assert sniffed.kind == kind and found in sniffed.found


def test_a_geopackage_is_known_by_its_application_id() -> None:
    assert sniff.sniff(_geopackage()).kind == "GeoPackage"


def test_the_name_must_agree_with_the_bytes() -> None:
    with pytest.raises(DataError) as caught:
        sniff.checked_kind(KML, "areas.json", "GeoJSON")
    assert caught.value.problems == [
        "areas.json: cannot be read as GeoJSON: the file is KML; name it .kml if that is what it is"
    ]
    assert sniff.checked_kind(KML, "areas.kml", "KML") == "KML"


def test_the_root_of_an_xml_file_must_come_in_its_first_64_kb() -> None:
    data = b"<!--" + b" " * (sniff.XML_PROLOG_BYTES + 10) + b"--><kml/>"
    assert "not in its first 65,536 bytes" in sniff.sniff(data).found


# --- GeoJSON ---------------------------------------------------------------------------


def test_geojson_vertices_are_counted_before_geometries_are_built() -> None:
    data = geojson(line(50, "long"), line(30, "kept"), line(20, "third"), line(2, "fourth"))
    result = read(data, "l.geojson", "GeoJSON", feature_vertices=40, file_vertices=45)
    assert [f["name"] for f in result["features"]] == ["kept"]
    assert result["problems"] == [
        "row 1: 50 vertices, over the limit of 40 a feature (simplify it); row left out",
        "rows from 3 on left out: the file's geometries hold more than 45 vertices, the limit",
    ]


def test_geojson_objects_are_counted_before_parsing() -> None:
    with pytest.raises(DataError, match=r"too large to read: 1\d JSON objects and arrays, more"):
        read(geojson(line(3), line(3)), "l.geojson", "GeoJSON", json_containers=10)


def test_deeply_nested_json_is_one_line() -> None:
    with pytest.raises(DataError) as caught:
        read(b'{"type": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "d.geojson", "GeoJSON")
    assert caught.value.problems == ["d.geojson: cannot be read: JSON nested too deeply"]


def test_rows_after_the_row_limit_are_counted_not_read() -> None:
    features = [{"type": "Feature", "properties": {}, "geometry": None}] * 5
    result = read(geojson(*features), "n.geojson", "GeoJSON", rows=3)
    assert result["problems"][-1] == "2 rows after row 3 left out (at most 3 rows are read)"
    assert len(result["problems"]) == 4  # three rows without geometry, then the count


@pytest.mark.parametrize(
    ("crs", "expected"),
    [
        ("urn:ogc:def:crs:OGC:1.3:CRS84", YEREVAN),
        ("EPSG:4326", YEREVAN),
        ("http://www.opengis.net/def/crs/EPSG/0/3857", (0.0004, 0.0004)),
    ],
)
def test_geojson_crs_names_are_epsg_codes(crs: str, expected: tuple[float, float]) -> None:
    point = {"type": "Point", "coordinates": list(YEREVAN) if "3857" not in crs else [45, 45]}
    data = geojson(
        {"type": "Feature", "properties": {}, "geometry": point},
        crs={"type": "name", "properties": {"name": crs}},
    )
    (feature,) = read(data, "c.geojson", "GeoJSON")["features"]
    x, y = shapely.get_coordinates(
        shapely.from_wkb(__import__("base64").b64decode(feature["wkb"]))
    )[0]
    assert (x, y) == pytest.approx(expected, abs=1e-4)


def test_a_crs_that_is_not_an_epsg_code_is_refused() -> None:
    crs = {"type": "name", "properties": {"name": "+proj=longlat +nadgrids=@/etc/passwd"}}
    with pytest.raises(DataError, match=r"its CRS .* is not an EPSG code"):
        read(geojson(line(3), crs=crs), "c.geojson", "GeoJSON")


# --- KML -------------------------------------------------------------------------------


def test_kml_placemarks_are_read_from_expat() -> None:
    (feature,) = read(KML, "k.kml", "KML")["features"]
    assert (feature["name"], feature["date"], feature["precision"]) == (
        "Area",
        "2020-10-01",
        "month",
    )
    assert feature["details"] == [["unit", "3rd"]]
    shape = shapely.from_wkb(__import__("base64").b64decode(feature["wkb"]))
    assert shape.geom_type == "Polygon" and shape.area == pytest.approx(1 - 0.02)


def test_kml_declarations_stop_the_parser_whatever_the_checks_before_it() -> None:
    budget = Budget(Limits())
    data = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY e "x">]><kml>&e;</kml>'
    with pytest.raises(DataError, match="DOCTYPE or entity declaration"):
        list(kml_rows(data, "d.kml", budget))
    with pytest.raises(DataError, match="not well-formed XML"):
        list(kml_rows(b"<kml>&undefined;</kml>", "u.kml", budget))


def test_kml_encoding_declarations_are_ignored() -> None:
    data = KML.replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    assert [f["name"] for f in read(data, "k.kml", "KML")["features"]] == ["Area"]


@pytest.mark.parametrize(
    ("limits", "message"),
    [({"xml_elements": 5}, "more than 5 XML elements"), ({"xml_depth": 4}, "deeper than 4")],
)
def test_kml_elements_and_nesting_are_bounded(limits: dict[str, int], message: str) -> None:
    with pytest.raises(DataError, match=message):
        read(KML, "k.kml", "KML", **limits)


# --- GeoPackage ------------------------------------------------------------------------


def edited(sql: str) -> bytes:
    return _geopackage(lambda db: db.executescript(sql))


def test_a_geopackage_whose_contents_table_is_a_view_is_refused() -> None:
    data = edited(
        "ALTER TABLE gpkg_contents RENAME TO c0;CREATE VIEW gpkg_contents AS SELECT * FROM c0;"
    )
    with pytest.raises(DataError, match="gpkg_contents is missing or not a table"):
        read(data, "v.gpkg", "GeoPackage")


def test_virtual_tables_and_computed_columns_are_not_read() -> None:
    data = edited(
        "CREATE VIRTUAL TABLE v USING rtree(id, minx, maxx);"
        "CREATE TABLE g (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT,"
        " n TEXT GENERATED ALWAYS AS (upper(name)) VIRTUAL);"
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)"
        " VALUES ('v', 'features', 'v', 4326), ('g', 'features', 'g', 4326);"
        "INSERT INTO gpkg_geometry_columns VALUES"
        " ('v', 'geom', 'POINT', 4326, 0, 0), ('g', 'geom', 'POINT', 4326, 0, 0);"
    )
    result = read(data, "x.gpkg", "GeoPackage")
    assert [f["name"] for f in result["features"]] == ["Yerevan"]
    assert result["problems"] == [
        "layer 'v' is a virtual table; ignored (only tables are read)",
        "layer 'g' has computed columns; ignored",
    ]


def test_a_geopackage_in_wal_mode_is_read() -> None:
    data = bytearray(_geopackage())
    data[18:20] = b"\x02\x02"
    assert len(read(bytes(data), "w.gpkg", "GeoPackage")["features"]) == 1


def test_sql_from_the_file_never_runs() -> None:
    db, guard = gpkg._connect(_geopackage(), Limits())
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        db.execute(
            "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT 1 FROM r"
        )
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        db.execute("SELECT randomblob(10) FROM gpkg_contents")
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        db.execute("ATTACH DATABASE '/etc/passwd' AS p")
    assert (
        guard.authorize(sqlite3.SQLITE_READ, "real", "geom", "main", "a_view")
        == sqlite3.SQLITE_DENY
    )
    guard.seconds = -1.0
    assert guard.progress() == 1  # a statement past its time is stopped
    db.close()


def test_geometry_blobs_are_walked_before_geos_reads_them() -> None:
    def blob(wkb: bytes, flags: int = 1) -> bytes:
        return b"GP\x00" + bytes([flags]) + struct.pack("<i", 4326) + wkb

    point = shapely.to_wkb(Point(*YEREVAN))
    values = [
        blob(point),
        blob(point, flags=0b0010_0001),  # extended geometry
        blob(point[:-4]),  # cut short
        blob(b"\x01\x02\x00\x00\x00" + struct.pack("<I", 10**9)),  # a line of 10^9 points
        blob(b"\x01\x08\x00\x00\x00" + struct.pack("<I", 0)),  # a circular string
    ]
    sql = (
        "CREATE TABLE b (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT);"
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)"
        " VALUES ('b', 'features', 'b', 4326);"
        "INSERT INTO gpkg_geometry_columns VALUES ('b', 'geom', 'POINT', 4326, 0, 0);"
    )
    sql += "".join(
        f"INSERT INTO b (geom, name) VALUES (X'{v.hex()}', 'b{i}');" for i, v in enumerate(values)
    )
    result = read(edited(sql), "b.gpkg", "GeoPackage")
    assert [f["name"] for f in result["features"]] == ["Yerevan", "b0"]
    assert result["problems"] == [
        "row 3: geometry: an extended GeoPackage geometry (not read here); row left out",
        "row 4: geometry: the geometry is cut short; row left out",
        "row 5: more than 100,000 vertices in one feature, over the limit (simplify it); "
        "row left out",
        "row 6: geometry: geometry type 8 (curves and surfaces are not read); row left out",
    ]


def test_wkb_is_counted_from_its_structure() -> None:
    multi = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    assert count_vertices(shapely.to_wkb(multi)) == 10
    z = shapely.to_wkb(Point(1, 2, 3), flavor="iso")
    assert (
        count_vertices(z) == 1
        and count_vertices(shapely.to_wkb(Point(1, 2, 3), include_srid=True)) == 1
    )
    with pytest.raises(BlobError, match="after the geometry"):
        count_vertices(shapely.to_wkb(Point(1, 2)) + b"\x00")
    with pytest.raises(BlobError, match="more than 3 vertices"):
        count_vertices(shapely.to_wkb(shapely.box(0, 0, 1, 1)), limit=3)


def test_a_geopackage_layer_in_a_crs_without_an_epsg_code_is_refused() -> None:
    data = edited(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('x', 99, 'ESRI', 102001, 'PROJCS[]', '');"
        "UPDATE gpkg_geometry_columns SET srs_id = 99;"
    )
    with pytest.raises(
        DataError, match=r"has no coordinate reference system \(CRS\) given as an EPSG code"
    ):
        read(data, "e.gpkg", "GeoPackage")


# --- CSV and the worker ----------------------------------------------------------------


def test_a_csv_field_over_the_limit_is_one_line() -> None:
    data = b"name,lat,lon\n" + b'"' + b"x" * 200_000 + b'",40,45\n'
    with pytest.raises(DataError) as caught:
        read(data, "c.csv", "CSV")
    assert caught.value.problems == [
        "c.csv: not valid CSV at line 2 (field larger than field limit (131072))"
    ]


def test_the_readers_import_neither_gdal_nor_pandas() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import geo.upload.worker, geo.upload.read, geo.upload.geojson, geo.upload.kml,"
        " geo.upload.gpkg, geo.upload.table, geo.upload.crs;"
        "print(sorted(m for m in ('pyogrio', 'geopandas', 'pandas', 'osgeo', 'fiona')"
        " if m in sys.modules))"
    )
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, root], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_problems_beyond_the_kept_ones_are_counted() -> None:
    problems = Problems(2)
    for index in range(5):
        problems.add(f"p{index}")
    assert problems.all() == ["p0", "p1", "... and 3 more problems"]
