"""GIS exports a GIS analyst can load without fixing: GeoPackage, GeoJSON, KML and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest
from branca.element import Element

from geo.dataset import Dataset, load_dataset
from layers.briefing.view import View
from layers.catalog import LAYER_IDS
from layers.exports import ExportOptions, export_bytes
from layers.exports.__main__ import main as export_main
from layers.exports.gis import FIELD_NAMES, inert_cell, period_end
from layers.exports.qml import layer_qml
from layers.web.html import POPUP_STYLES
from layers.web.stable_ids import stable_ids
from tests.conftest import CONTROL, PLACES, SITES, SOURCES, MakeDataDir
from tests.layers.test_escaping import EVIL

DAY = dt.date(2020, 11, 10)
KML = "{http://www.opengis.net/kml/2.2}"
SPATIAL_TYPES = {"Point", "MultiPolygon", "MultiLineString"}
PEACEKEEPING = [
    {
        "id": "pk-hq",
        "name": "HQ",
        "kind": "peacekeeping-hq",
        "operator": "Russia",
        "geometry": {"place": "beta"},
        "start": "2020-11-10",
        "status": "confirmed",
        "sources": ["src-a"],
    },
    {
        "id": "pk-zone",
        "name": "Zone",
        "kind": "peacekeeping-zone",
        "operator": "Russia",
        "geometry": {"boundary": {"layer": "districts", "match": {"name": "East"}}},
        "start": "2020-11-10",
        "status": "approximate",
        "sources": ["src-a", "warsaw-2021-02-23"],
        "note": "Schematic: the district stands for the zone.",
    },
]


@pytest.fixture
def synthetic(make_data_dir: MakeDataDir) -> Dataset:
    """Synthetic data with a mixed layer: the peacekeepers' HQ (point) and zone (area)."""
    return load_dataset(make_data_dir(sites=[*SITES, *PEACEKEEPING]))


def gpkg(dataset: Dataset, view: View, tmp_path: Path) -> Path:
    path = tmp_path / "out.gpkg"
    path.write_bytes(export_bytes(dataset, view, "gpkg"))
    return path


def spatial_layers(path: Path) -> dict[str, str]:
    return {str(n): str(t) for n, t in pyogrio.list_layers(path) if t is not None}


def test_geopackage_layers_are_snake_case_with_one_geometry_type(
    dataset: Dataset, tmp_path: Path
) -> None:
    path = gpkg(dataset, View(day=DAY, layers=LAYER_IDS), tmp_path)
    layers = spatial_layers(path)
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name) for name in layers)
    assert set(layers.values()) <= SPATIAL_TYPES
    # The mixed layers are split by geometry, with the family as suffix.
    assert {"peacekeeping_points", "peacekeeping_areas", "control_areas"} <= set(layers)
    assert {"events_points", "events_lines", "events_areas"} <= set(layers)
    for name, geometry_type in layers.items():
        suffix = {"Point": "_points", "MultiPolygon": "_areas", "MultiLineString": "_lines"}
        assert name.endswith(suffix[geometry_type])
        frame = pyogrio.read_dataframe(path, layer=name)
        assert set(frame.geom_type) == {geometry_type}


def test_geopackage_fields_are_typed(dataset: Dataset, tmp_path: Path) -> None:
    path = gpkg(dataset, View(day=DAY, layers=("control", "peacekeeping")), tmp_path)
    info = pyogrio.read_info(path, layer="control_areas")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert list(info["fields"]) == list(FIELD_NAMES)
    assert types["start"] == types["end"] == "OFTDate"
    assert types["holder"] == types["source_ids"] == "OFTString"
    frame = pyogrio.read_dataframe(path, layer="control_areas").set_index("id")
    record = next(c for c in dataset.control if c.id in frame.index and c.span.end)
    row = frame.loc[record.id]
    assert row["start"].date() == record.span.start
    assert row["end"].date() == record.span.end
    assert row["date_precision"] == record.span.start_precision
    assert row["holder"] == record.holder
    assert row["source_ids"] == "; ".join(record.provenance.sources)
    assert row["sources"].split("\n") == [
        dataset.source(s).citation() for s in record.provenance.sources
    ]


def test_geopackage_records_the_export_date_and_view(synthetic: Dataset, tmp_path: Path) -> None:
    view = View(day=DAY, layers=("places", "peacekeeping"), convention="az")
    path = gpkg(synthetic, view, tmp_path)
    metadata = pyogrio.read_info(path, layer="places_points")["dataset_metadata"]
    assert metadata["export_date"] == "2020-11-10"
    assert json.loads(metadata["layers"]) == ["places", "peacekeeping"]
    assert metadata["names"] == "az"
    assert json.loads(metadata["bounds"]) == list(view.bounds)
    assert {s["id"] for s in json.loads(metadata["sources"])} == {"src-a", "warsaw-2021-02-23"}
    with sqlite3.connect(path) as db:
        stamps = {r[0] for r in db.execute("SELECT last_change FROM gpkg_contents")}
        described = dict(db.execute("SELECT table_name, identifier FROM gpkg_contents"))
    assert stamps == {"2020-11-10T00:00:00.000Z"}
    assert described["peacekeeping_areas"] == "Russian peacekeepers (areas)"


def test_geopackage_embeds_qgis_styles(synthetic: Dataset, tmp_path: Path) -> None:
    view = View(day=DAY, layers=("russian-bases", "peacekeeping"))
    path = gpkg(synthetic, view, tmp_path)
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, useAsDefault, styleQML FROM layer_styles"
        ).fetchall()
    styles = {name: qml for name, column, default, qml in rows if column == "geom" and default}
    assert set(styles) == set(spatial_layers(path))
    for qml in styles.values():
        ET.fromstring(qml.split("\n", 1)[1])  # well-formed after the DOCTYPE line
    assert "200,16,46,255" in styles["russian_bases_points"]  # base fill #c8102e
    zone = styles["peacekeeping_areas"]
    assert 'value="peacekeeping-zone (uncertain)"' in zone  # the zone is approximate
    assert "b_diagonal" in zone and 'name="customdash" value="6;4"' in zone
    assert "123,94,167,31" in zone  # #7b5ea7 at 0.12


def test_qml_follows_the_one_style_definition() -> None:
    qml = layer_qml("proposed-deployment", "areas", ["proposed-deployment"])
    root = ET.fromstring(qml.split("\n", 1)[1])
    categories = [c.get("value") for c in root.iter("category")]
    assert categories == ["proposed-deployment", "proposed-deployment (uncertain)"]
    options = [(o.get("name"), o.get("value")) for o in root.iter("Option")]
    assert ("style", "diagonal_x") in options  # hatch 'xx'
    assert ("customdash", "6;4") in options
    assert ("line_color", "165,13,37,255") in options  # #a50d25, issue 22
    line = layer_qml("ceasefire-line", "lines", ["ceasefire-line"])
    assert 'name="customdash" value="8;4"' in line and "179,38,30,255" in line


def test_geojson_has_iso_dates_and_the_view_member(synthetic: Dataset) -> None:
    view = View(day=DAY, layers=("control", "peacekeeping", "events"))
    collection = json.loads(export_bytes(synthetic, view, "geojson"))
    member = collection["view"]
    assert member["date"] == "2020-11-10" and member["names"] == "dual"
    assert member["layers"] == ["control", "peacekeeping", "events"]
    assert member["bounds"] == list(view.bounds) and member["schema"] == "docs/GIS_EXPORT.md"
    tables = {"control_areas", "peacekeeping_points", "peacekeeping_areas", "events_points"}
    assert set(member["tables"]) == tables
    assert member["tables"]["peacekeeping_areas"]["geometry"] == "areas"
    assert {s["id"] for s in member["sources"]} == {"src-a", "warsaw-2021-02-23"}
    by_id = {f["id"]: f["properties"] for f in collection["features"]}
    east = by_id["east-a"]
    assert (east["start"], east["end"], east["holder"]) == ("1993-07-23", "2020-11-20", "armenian")
    assert east["source_ids"] == ["src-a"] and east["table"] == "control_areas"
    assert by_id["pk-zone"]["source_ids"] == ["src-a", "warsaw-2021-02-23"]
    assert by_id["pk-zone"]["end"] is None and by_id["pk-zone"]["status"] == "approximate"
    event = by_id["ev-one"]
    assert (event["start"], event["end"], event["date_precision"]) == (
        "2020-11-09",
        "2020-11-10",
        "day",
    )
    assert event["quote"] == "It happened."


@pytest.mark.parametrize(
    ("day", "precision", "end"),
    [
        (dt.date(2020, 11, 9), "day", dt.date(2020, 11, 10)),
        (dt.date(2020, 12, 1), "month", dt.date(2021, 1, 1)),
        (dt.date(2020, 10, 1), "season", dt.date(2020, 12, 1)),
        (dt.date(2020, 12, 1), "season", dt.date(2021, 3, 1)),
        (dt.date(2021, 1, 1), "season", dt.date(2021, 3, 1)),
        (dt.date(1992, 1, 1), "year", dt.date(1993, 1, 1)),
    ],
)
def test_period_end_is_the_first_day_after(day: dt.date, precision: str, end: dt.date) -> None:
    assert period_end(day, precision) == end


def kml_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def test_kml_parses_with_names_in_the_chosen_convention(synthetic: Dataset) -> None:
    view = View(day=DAY, layers=("places", "russian-bases", "peacekeeping"), convention="az")
    root = kml_root(export_bytes(synthetic, view, "kml"))
    document = root.find(f"{KML}Document")
    assert document is not None
    folders = {f.get("id"): f for f in document.iter(f"{KML}Folder")}
    assert set(folders) == {
        "places_points",
        "russian_bases_points",
        "peacekeeping_points",
        "peacekeeping_areas",
    }
    names = {p.get("id"): p.findtext(f"{KML}name") for p in document.iter(f"{KML}Placemark")}
    assert names["place-alpha"] == "Alfa-az" and names["base-alpha"] == "Base <Alpha>"
    style_ids = {s.get("id") for s in document.iter(f"{KML}Style")}
    urls = {u.text for u in document.iter(f"{KML}styleUrl")}
    assert urls == {f"#{s}" for s in style_ids}
    assert "peacekeeping-zone-uncertain" in style_ids
    base = next(p for p in document.iter(f"{KML}Placemark") if p.get("id") == "base-alpha")
    assert base.findtext(f"{KML}TimeSpan/{KML}begin") == "1995-03-16"
    line = document.find(f"{KML}Style[@id='base']/{KML}IconStyle/{KML}color")
    assert line is not None and line.text == "ff2e10c8"  # #c8102e as aabbggrr


def test_kml_balloons_carry_the_popup_look_inline(synthetic: Dataset) -> None:
    """Google Earth shows a description without the web map's stylesheet."""
    view = View(day=DAY, layers=("russian-bases",))
    document = kml_root(export_bytes(synthetic, view, "kml")).find(f"{KML}Document")
    assert document is not None
    descriptions = [p.findtext(f"{KML}description") or "" for p in document.iter(f"{KML}Placemark")]
    assert descriptions
    for text in descriptions:
        for rule in POPUP_STYLES.values():
            assert f"style='{rule}'" in text


@pytest.fixture
def evil_dataset(make_data_dir: MakeDataDir) -> Dataset:
    """Hostile text in citations, names, notes and control areas."""
    sources = [dict(SOURCES[0], title=EVIL, publisher=EVIL), *SOURCES[1:]]
    places = [dict(PLACES[0], names={"en": EVIL, "az": EVIL}, note=EVIL), PLACES[1]]
    sites = [dict(SITES[0], name=EVIL, operator=EVIL, note=EVIL)]
    control = [dict(CONTROL[0], area_name=EVIL, note=EVIL), CONTROL[1]]
    return load_dataset(make_data_dir(sources=sources, places=places, sites=sites, control=control))


def test_kml_keeps_hostile_strings_inert(evil_dataset: Dataset) -> None:
    view = View(day=DAY, layers=LAYER_IDS, title=EVIL)
    data = export_bytes(evil_dataset, view, "kml")
    assert b"<script" not in data
    root = kml_root(data)
    descriptions = [d.text or "" for d in root.iter(f"{KML}description")]
    assert len(descriptions) > 5
    evil_html = "Evil &lt;script&gt;alert(1)&lt;/script&gt; &#36;&#123;alert(1)&#125;"
    assert sum(evil_html in d for d in descriptions) >= 3  # place, base, control, document
    for html in descriptions:  # what Google Earth renders as HTML
        assert "<script" not in html and "${" not in html and "`" not in html
    names = [n.text for n in root.iter(f"{KML}name")]
    assert EVIL in names  # names are plain text, shown as typed


def test_csv_cells_cannot_run_as_formulas(make_data_dir: MakeDataDir) -> None:
    formula = '=HYPERLINK("https://example.org/x","click")'
    sites = [dict(SITES[0], name=formula, operator="+1+1", note="@SUM(A1)")]
    data = load_dataset(make_data_dir(sites=sites))
    text = export_bytes(data, View(day=DAY, layers=("russian-bases",)), "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))  # after the marking line
    assert len(rows) == 1
    row = rows[0]
    assert row["label"] == "'" + formula and row["operator"] == "'+1+1"
    assert row["note"] == "'@SUM(A1)" and row["table"] == "russian_bases_points"
    assert row["start"] == "1995-03-16" and row["wkt"] == "POINT (45.5 40.5)"
    for cell in (c for r in rows for c in r.values()):
        assert not cell.startswith(("=", "+", "-", "@"))
    assert inert_cell("-2") == "'-2" and inert_cell("Alpha") == "Alpha"


@pytest.mark.parametrize(
    "fmt", ["png", "pdf", "svg", "briefing-pdf", "html", "geojson", "gpkg", "kml", "csv"]
)
def test_identical_exports_are_identical_bytes(synthetic: Dataset, fmt: str) -> None:
    view = View(day=DAY, layers=LAYER_IDS)
    first = export_bytes(synthetic, view, fmt, ExportOptions(dpi=40))
    assert export_bytes(synthetic, view, fmt, ExportOptions(dpi=40)) == first


def test_stable_ids_stay_inside_the_export() -> None:
    with stable_ids():
        inside = [Element().get_name() for _ in range(2)]
    outside = [Element().get_name() for _ in range(2)]
    assert inside == [f"element_{1:032x}", f"element_{2:032x}"]
    assert outside[0] != outside[1] and not set(outside) & set(inside)
    with stable_ids():
        assert Element().get_name() == inside[0]  # each export starts again at 1


def test_names_of_every_form_are_fields(synthetic: Dataset) -> None:
    view = View(day=DAY, layers=("places", "russian-bases"), convention="hy")
    collection = json.loads(export_bytes(synthetic, view, "geojson"))
    by_id = {f["id"]: f["properties"] for f in collection["features"]}
    alpha = by_id["place-alpha"]
    assert (alpha["label"], alpha["name_en"], alpha["name_hy"], alpha["name_az"]) == (
        *("Alfa", "Alpha", "Alfa"),
        "Alfa-az",
    )
    assert alpha["name_ru"] is None and alpha["kind"] == "town"
    base = by_id["base-alpha"]
    assert (base["name_en"], base["operator"], base["kind"]) == ("Base <Alpha>", "Russia", "base")


def test_cli_writes_kml_from_the_extension(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "map.kml"
    args = ["--data-dir", str(make_data_dir()), "--layers", "places", "--out", str(out)]
    assert export_main(args) == 0
    assert "KML" in capsys.readouterr().out
    names = {n.text for n in ET.parse(out).getroot().iter(f"{KML}name")}
    assert {"Alpha / Alfa / Alfa-az", "Beta"} <= names
