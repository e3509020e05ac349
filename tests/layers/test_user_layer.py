"""The user's own layers on the map and in every export: legend, timeline, validity in
time, escaping, and nothing left behind after the block."""

from __future__ import annotations

import csv
import datetime as dt
import io as stdio
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest
from pypdf import PdfReader

from geo.dataset import Dataset
from geo.errors import StateError
from geo.user_layers import UserLayer, read_user_layer
from layers.briefing.view import View
from layers.catalog import layer
from layers.exports import ExportOptions, export_bytes
from layers.features import view_features
from layers.user_layer import showing
from layers.web.legend import legend_html
from layers.web.timeline_panel import timeline_entries
from tests.geo.test_user_layers import HOSTILE, feature_collection, point

FORMULA = '=HYPERLINK("http://x","y")'
DAY = dt.date(2020, 11, 10)
#: Only the user's layer: the exports stay small and fast.
VIEW = View(day=DAY, layers=("countries",))


@pytest.fixture(scope="module")
def mine() -> UserLayer:
    return read_user_layer(
        feature_collection(
            point(46.75, 39.75, name="Shelling <b>report</b>", date="2020-10-09", note="seen"),
            point(46.0, 39.5, name="Later", date="2020-12-01"),
            point(45.5, 40.0, name=FORMULA),
            *(point(45.0 + i / 10, 40.5, name=text) for i, text in enumerate(HOSTILE)),
        ),
        "field notes.geojson",
    )


def test_frames_follow_the_date(mine: UserLayer, dataset: Dataset) -> None:
    with showing([mine]):
        frames = view_features(dataset, VIEW)
        early = view_features(dataset, replace(VIEW, day=dt.date(2020, 10, 8)))
    labels = list(frames[mine.id]["label"])
    assert "Shelling <b>report</b>" in labels and "Later" not in labels
    assert "Shelling <b>report</b>" not in list(early[mine.id]["label"])
    assert FORMULA in list(early[mine.id]["label"])  # undated: always
    assert set(frames[mine.id]["style_key"]) == {"user-0"}


def test_nothing_is_left_after_the_block(mine: UserLayer, dataset: Dataset) -> None:
    with showing([mine]):
        assert layer(mine.id).title == "field notes (your layer)"
    with pytest.raises(StateError):
        layer(mine.id)
    assert mine.id not in view_features(dataset, VIEW)
    assert "field notes" not in legend_html(VIEW.layers)


def test_legend_entry_escaped(dataset: Dataset) -> None:
    evil = read_user_layer(
        feature_collection(point(45, 40)), "<img src=x onerror=alert(1)>.csv.geojson"
    )
    with showing([evil]):
        html = legend_html(VIEW.layers)
    assert "Your layers" in html
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in html
    assert "<img src=x" not in html


def test_timeline_entries_dated_features_by_date(mine: UserLayer, dataset: Dataset) -> None:
    entries = timeline_entries(dataset, DAY, [mine])
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    own = [e for e in entries if e.id.startswith(mine.id)]
    assert [(e.date, e.past) for e in own] == [
        (dt.date(2020, 10, 9), True),
        (dt.date(2020, 12, 1), False),
    ]
    assert "Shelling &lt;b&gt;report&lt;/b&gt;" in own[0].html and "<b>report" not in own[0].html
    assert "your layer&#58; field notes" in own[0].html


def options(mine: UserLayer) -> ExportOptions:
    return ExportOptions(user_layers=(mine,), dpi=40)


def test_geojson_and_csv_exports_carry_the_layer(mine: UserLayer, dataset: Dataset) -> None:
    collection = json.loads(export_bytes(dataset, VIEW, "geojson", options(mine)))
    own = [f for f in collection["features"] if f["properties"]["layer"] == mine.id]
    by_label = {f["properties"]["label"]: f["properties"] for f in own}
    assert by_label["Shelling <b>report</b>"]["start"] == "2020-10-09"
    assert by_label["Shelling <b>report</b>"]["note"] == "note: seen"
    assert set(by_label) >= {*("first # heading", "BOM", "{{7*7}}"), FORMULA}
    text = export_bytes(dataset, VIEW, "csv", options(mine)).decode("utf-8-sig")
    rows = list(csv.DictReader(stdio.StringIO(text.split("\n", 1)[1])))  # after the marking
    labels = [r["label"] for r in rows if r["layer"] == mine.id]
    assert "'" + FORMULA in labels and FORMULA not in labels  # inert in a spreadsheet


def test_geopackage_has_a_table_for_the_layer(
    mine: UserLayer, dataset: Dataset, tmp_path: Path
) -> None:
    path = tmp_path / "out.gpkg"
    path.write_bytes(export_bytes(dataset, VIEW, "gpkg", options(mine)))
    table = f"{mine.id.replace('-', '_')}_points"
    assert table in [str(name) for name, _ in pyogrio.list_layers(path)]
    frame = pyogrio.read_dataframe(path, layer=table)
    assert "{{7*7}}" in list(frame["label"])
    with closing(sqlite3.connect(path)) as db:
        (qml,) = db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = ?", (table,))
    assert "#e6007e" in qml[0] or "230,0,126" in qml[0]  # the layer's own colour


def test_html_and_kml_escape_the_text(mine: UserLayer, dataset: Dataset) -> None:
    html = export_bytes(dataset, VIEW, "html", options(mine)).decode()
    assert "field notes" in html
    assert "<img src=x onerror" not in html and "<b>report" not in html
    kml = export_bytes(dataset, VIEW, "kml", options(mine)).decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in kml and "<img src=x" not in kml


def test_paper_map_draws_the_layer_and_its_legend(mine: UserLayer, dataset: Dataset) -> None:
    without = export_bytes(dataset, VIEW, "pdf", ExportOptions(dpi=40))
    pdf = export_bytes(dataset, VIEW, "pdf", options(mine))
    assert pdf != without
    text = PdfReader(stdio.BytesIO(pdf)).pages[0].extract_text()
    assert "field notes" in text


def test_comparison_and_animation_draw_the_layer(mine: UserLayer, dataset: Dataset) -> None:
    pair = (dt.date(2020, 10, 1), dt.date(2020, 11, 10))
    plain = ExportOptions(dpi=40, compare=pair, span=pair, width_px=400)
    with_mine = replace(plain, user_layers=(mine,))
    view = replace(VIEW, layers=("countries", "control"))  # the compare page needs control
    for fmt in ("compare-png", "gif"):
        assert export_bytes(dataset, view, fmt, with_mine) != export_bytes(
            dataset, view, fmt, plain
        )
