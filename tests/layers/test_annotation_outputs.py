"""Annotations on every output (issue 24), your layers' labels and colours, the map's text
alternative, and the comparison's address form."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from geo.dataset import Dataset
from geo.user_layers import NAME_FIELD, read_user_layer
from layers import user_layer
from layers.briefing.annotations import Annotation, geojson_text
from layers.briefing.compare_view import CompareView, compare_from_query
from layers.briefing.deck import Slide
from layers.briefing.view import View
from layers.exports import ExportOptions, export_bytes
from layers.exports import __main__ as cli
from layers.features import view_feature_rows
from layers.map_text import map_text_rows
from layers.paper.slides import slide_picture
from layers.web.annotations import annotation_group, js_string
from layers.web.map import standalone_html
from layers.web.timeline_panel import now_card
from tests.layers.test_annotations import ARROW, CALLOUT, EVERY_KIND, PKF

DAY = dt.date(2020, 11, 10)
VIEW = View(day=DAY, bounds=(45.4, 38.9, 47.6, 40.5))


def red_pixels(png: bytes) -> int:
    """Pixels of the palette's red (#c8102e) and near it."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    distance = np.abs(pixels - np.array([0xC8, 0x10, 0x2E])).sum(axis=2)
    return int((distance < 40).sum())


def test_a_slides_annotations_reach_its_pptx_picture(dataset: Dataset) -> None:
    plain = Slide(view=VIEW)
    drawn = Slide(view=replace(VIEW, annotations=(replace(ARROW, colour="red"),)))
    before, after = (red_pixels(slide_picture(dataset, s)) for s in (plain, drawn))
    assert after > before + 500


def test_the_standalone_page_draws_them_with_the_tool_inlined(dataset: Dataset) -> None:
    hostile = Annotation("text", ((46.0, 40.0),), "</script><img src=x onerror=alert(1)> {{7*7}}")
    html = standalone_html(dataset, replace(VIEW, annotations=(hostile, CALLOUT)))
    assert "window.BmAnnotate" in html and "/app/static/briefing" not in html  # inlined
    assert "onerror=alert(1)>" not in html and "{{7*7}}" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # in a JS string, escaped
    group = annotation_group((hostile,))
    payload = next(iter(group._children.values())).payload  # type: ignore[attr-defined]
    decoded = json.loads(json.loads(payload.split(" /*")[0]))
    assert decoded[0]["properties"]["label"] == hostile.label  # the same text, as data
    assert set("<>&{}$`'%#") & set(js_string(hostile.label)) == set()


def test_the_cli_draws_an_annotation_file_and_refuses_a_broken_one(
    dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drawn = tmp_path / "drawn.geojson"
    drawn.write_text(geojson_text(EVERY_KIND), encoding="utf-8")
    out = tmp_path / "view.geojson"
    assert cli.main(["--date", "2020-11-10", "--annotations", str(drawn), "--out", str(out)]) == 0
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    drawn_ones = [f for f in features if "annotations_" in f["properties"]["table"]]
    labels = [f["properties"]["label"] for f in drawn_ones]
    assert sorted(labels) == sorted(a.label for a in EVERY_KIND)
    broken = tmp_path / "broken.geojson"
    broken.write_text(
        geojson_text((CALLOUT,)).replace('"blue"', '"teal"'), encoding="utf-8"
    )
    assert cli.main(["--annotations", str(broken), "--out", str(tmp_path / "x.png")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("export failed: cannot use --annotations: ")
    assert "feature 1, field 'colour'" in error and error.count("\n") == 1
    assert not (tmp_path / "x.png").exists()


def test_the_greyscale_page_keeps_annotations_apart(dataset: Dataset) -> None:
    from layers.briefing.print_options import PrintOptions

    view = replace(VIEW, layers=(), annotations=EVERY_KIND)
    options = ExportOptions(width_px=1200, sheet=PrintOptions(greyscale=True))
    pixels = np.asarray(Image.open(io.BytesIO(export_bytes(dataset, view, "png", options))))
    rgb = pixels[..., :3].astype(int)
    assert (np.abs(rgb[..., 0] - rgb[..., 1]) <= 2).all()  # grey
    greys = {int(v) for v in np.unique(rgb[..., 0])}
    assert len(greys) > 20


CSV = b"name,lat,lon,unit\nPost A,40.0,46.2,1st brigade\nPost B,39.5,46.0,\n"


def test_your_layer_gets_a_name_a_colour_and_labels(dataset: Dataset) -> None:
    mine = read_user_layer(CSV, "posts.csv")
    assert mine.fields() == (NAME_FIELD, "unit")
    chosen = replace(mine, title="Observation posts", colour=4, label_field="unit")
    assert [chosen.label_of(f) for f in chosen.features] == ["1st brigade", "Post B"]
    spec = user_layer.user_spec(chosen, 0)
    assert spec.title == "Observation posts (your layer)" and spec.label is not None
    assert spec.source.style_key == "user-4"  # type: ignore[union-attr]
    assert user_layer.user_spec(mine, 0).label is None  # no label field: no labels
    with user_layer.showing((chosen,)):
        rows = view_feature_rows(dataset, replace(VIEW, layers=()))[mine.id]
        assert [row.label for row in rows] == ["1st brigade", "Post B"]
    options = ExportOptions(user_layers=(chosen,))
    geojson = json.loads(export_bytes(dataset, replace(VIEW, layers=()), "geojson", options))
    assert "1st brigade" in {f["properties"]["label"] for f in geojson["features"]}
    page = export_bytes(dataset, replace(VIEW, layers=()), "pdf", options)
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(page)).pages[0].extract_text()
    assert "1st brigade" in text and "Observation posts" in text  # label and legend


def test_the_text_alternative_lists_holders_sites_events_and_annotations(
    dataset: Dataset,
) -> None:
    rows = map_text_rows(dataset, replace(VIEW, annotations=(CALLOUT,)))
    layers = {row.layer for row in rows}
    assert {"Who held what on the date", "Events up to the date"} <= layers
    control = [r for r in rows if r.layer == "Who held what on the date"]
    band = [r for r in control if r.name == "Approximate line of contact"]
    assert [r.detail for r in band] == ["where the line between the two sides is uncertain"]
    assert {r.detail for r in control if r not in band} == {"Azerbaijan", "Armenian forces"}
    assert rows[-1].name == PKF and rows[-1].detail == "Callout, blue"
    assert not map_text_rows(dataset, replace(VIEW, layers=()))


def test_the_playback_card_names_the_latest_event(dataset: Dataset) -> None:
    card = now_card(dataset, DAY)
    assert "10 November 2020" in card and "peacekeepers" in card
    assert now_card(dataset, dt.date(1991, 1, 1)) == ""


def test_the_comparison_round_trips_through_the_address() -> None:
    shown = CompareView(dt.date(2020, 9, 27), dt.date(2020, 11, 10), 0.25)
    assert compare_from_query(shown.to_query()) == (shown, [])
    bad, messages = compare_from_query(
        {"mode": "compare", "before": "2020-12-01", "after": "2020-11-01", "swipe": "2"}
    )
    assert bad == CompareView() and len(messages) == 2
    assert compare_from_query({"mode": "chart"})[1] == [
        "Ignored URL parameter mode='chart': choose map or compare"
    ]
