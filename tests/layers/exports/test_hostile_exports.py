"""Every export format on the hostile copy of the data (tests/hostile.py): the export
succeeds, and wherever text can be read back it is the literal text, never code.

The view shows every layer and carries a hostile title too. The heavy formats run on a
short range: the atlas up to 1992-06-01 (a few key dates), the animations over four days;
their frames draw the same hostile names, quotes and citations.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader, apply_configuration

from geo.dataset import Dataset
from layers.briefing.deck_file import load_deck
from layers.briefing.view import View
from layers.catalog import LAYER_IDS
from layers.exports import EXPORT_FORMATS, ExportOptions, export_bytes
from layers.paper.deck_files import deck_bytes
from tests.hostile import (
    AT_FORMULA,
    CLEAN_ANNOTATION_LABEL,
    CLEAN_PAYLOAD,
    DECK_TITLE_PAYLOAD,
    FORMULA,
    IMG,
    JINJA,
    JS_URL,
    LONG,
    MATHS,
    OUTSIDE_URL,
    PAYLOAD,
    hostile_annotations,
)

DAY = dt.date(2020, 11, 10)
TITLE = f"Title {PAYLOAD}"
#: Options per format: the compare pair, the animation span, a small PNG.
OPTIONS: dict[str, ExportOptions] = {
    "png": ExportOptions(width_px=1200),
    "compare-pdf": ExportOptions(compare=(dt.date(2020, 9, 26), DAY)),
    "compare-png": ExportOptions(compare=(dt.date(2020, 9, 26), DAY), width_px=1200),
    "gif": ExportOptions(span=(dt.date(2020, 11, 8), DAY), width_px=480),
    "mp4": ExportOptions(span=(dt.date(2020, 11, 8), DAY), width_px=480),
}
#: The atlas draws one page per key date up to the view's day.
ATLAS_DAY = dt.date(1992, 6, 1)


def hostile_view(fmt: str) -> View:
    day = ATLAS_DAY if fmt == "atlas-pdf" else DAY
    return View(day=day, layers=LAYER_IDS, title=TITLE, annotations=hostile_annotations())


@pytest.fixture(scope="module")
def exported(hostile_dataset: Dataset) -> dict[str, bytes]:
    """Every format of EXPORT_FORMATS, exported once for this module."""
    return {
        fmt: export_bytes(hostile_dataset, hostile_view(fmt), fmt, OPTIONS.get(fmt))
        for fmt in EXPORT_FORMATS
    }


def test_every_format_exports(exported: dict[str, bytes]) -> None:
    assert set(exported) == set(EXPORT_FORMATS)
    for fmt, data in exported.items():
        assert len(data) > 1000, fmt
    for fmt in ("png", "compare-png", "gif"):
        Image.open(io.BytesIO(exported[fmt])).verify()
    assert exported["mp4"][4:8] == b"ftyp"


def assert_literal(text: str, what: str) -> None:
    """The hostile pieces appear as typed; Jinja was not run; invisible marks are gone."""
    flat = " ".join(text.split())  # extracted text breaks lines where the page wraps
    assert JINJA in flat, what
    assert MATHS in flat, what
    assert "invisible" in flat, what  # load-time normalisation removed the marks
    assert not re.search("[\ufeff\u200b\u200e\u202e]", text), what
    assert "49 {% raw %}" not in flat, what  # what Jinja would have made of it


#: pypdf's parsing budget per content stream, raised for these pages: the hostile copy
#: puts its long strings in every record, and a compare page of it holds more than the
#: default 2,000,000 tokens (our own PDFs, read back; never a user's file).
PDF_TOKENS = 20_000_000
PDF_FORMATS = [f for f, s in EXPORT_FORMATS.items() if s.extension == "pdf"]


def pdf_text(data: bytes) -> tuple[str, dict[str, Any]]:
    """The text of a PDF and its metadata. The text in the order it is drawn, as
    poppler's ``pdftotext -raw`` reads it where it is installed (``.ci/run`` installs
    it; pypdf takes about a minute of CPU on the hostile atlas of 41 MB, pdftotext 3 s),
    else pypdf's. The metadata from pypdf."""
    with apply_configuration(stream_parsing_work_maximum_count=PDF_TOKENS):
        reader = PdfReader(io.BytesIO(data))
        metadata = dict(reader.metadata or {})
        if shutil.which("pdftotext") is None:
            return "\n".join(page.extract_text() for page in reader.pages), metadata
    command = ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"]
    done = subprocess.run(command, input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8"), metadata


@pytest.fixture(scope="module")
def pdf_texts(exported: dict[str, bytes]) -> dict[str, tuple[str, dict[str, Any]]]:
    """:func:`pdf_text` of each PDF format, read once for this module."""
    return {fmt: pdf_text(exported[fmt]) for fmt in PDF_FORMATS}


@pytest.mark.parametrize("fmt", PDF_FORMATS)
def test_pdf_text_and_metadata_are_literal(
    pdf_texts: dict[str, tuple[str, dict[str, Any]]], fmt: str
) -> None:
    text, metadata = pdf_texts[fmt]
    assert_literal(text, fmt)
    assert "Title {{7*7}} {% raw %} {#" in " ".join(text.split())
    title = str(metadata["/Title"])
    assert title.startswith("Title {{7*7}} {% raw %} {# ${alert(1)}"), title
    assert not re.search(r"[\x00-\x1f\x7f]", title), title


def test_svg_parses_and_holds_no_markup(exported: dict[str, bytes]) -> None:
    svg = exported["svg"].decode("utf-8")
    root = ET.fromstring(svg)  # well-formed XML
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "img", "foreignObject", "a", "iframe"}
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    title = root.find(".//{http://purl.org/dc/elements/1.1/}title")
    assert title is not None and title.text is not None
    assert title.text.startswith(f"Title {JINJA} {{% raw %}} {{# ${{alert(1)}}")
    assert "49" not in title.text


def test_html_is_inert(exported: dict[str, bytes]) -> None:
    html = exported["html"].decode("utf-8")
    assert IMG not in html and "onerror=alert(1)>" not in html
    assert "</script><script>alert(1)" not in html
    assert "${alert(1)}" not in html and "`tick`" not in html
    assert "{{7*7}}" not in html and "Title 49" not in html
    assert "&#123;&#123;7*7&#125;&#125;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    assert "example.invalid" not in re.sub(r"&[^;]+;|\\u0026", "", "".join(
        re.findall(r"""(?:src|href)\s*=\s*["']?[^"' >]*""", html)))  # fmt: skip


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


def assert_round_trip(strings: list[str], what: str) -> None:
    """The payload reads back exactly as loaded (normalised), in names and notes alike."""
    joined = "\n".join(strings)
    assert CLEAN_PAYLOAD in joined, what
    assert LONG in joined, what
    assert JS_URL in strings and any(s.startswith(OUTSIDE_URL) for s in strings), what
    assert not re.search("[\ufeff\u200b\u200e\u202e]", joined), what


def test_geojson_values_round_trip(exported: dict[str, bytes]) -> None:
    document = json.loads(exported["geojson"])
    strings = all_strings(document)
    assert_round_trip(strings, "geojson")
    assert f"Yerevan {CLEAN_PAYLOAD}" in strings
    assert any(s.startswith(FORMULA) for s in strings)  # kept as typed: JSON is no spreadsheet


def test_every_layer_exports_hostile_names(exported: dict[str, bytes]) -> None:
    """The copy holds a site of every kind (tests/hostile.py ``missing_kinds``): each
    layer's features, the new ones of the story after the article included, carry the
    payload through the export."""
    features = json.loads(exported["geojson"])["features"]
    hostile_layers = {
        f["properties"]["layer"] for f in features if CLEAN_PAYLOAD in " ".join(all_strings(f))
    }
    assert {"eu-mission", "border-guards", "checkpoints", "transit-routes"} <= hostile_layers
    drawn = {f["properties"]["layer"] for f in features if "layer" in f["properties"]}
    boundaries = {"countries", "nakhchivan", "provinces", "nkao", "districts", "ceasefire-line"}
    assert drawn - boundaries <= hostile_layers  # every curated layer drawn that day


def test_gpkg_values_round_trip(exported: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "hostile.gpkg"
    path.write_bytes(exported["gpkg"])
    strings: list[str] = []
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):  # names from the file itself
                for cell in row:
                    if isinstance(cell, str):
                        strings += [cell, *all_strings(_json_or_none(cell))]
        for (document,) in db.execute("SELECT metadata FROM gpkg_metadata"):
            for item in ET.fromstring(document).iter("MDI"):  # the view record: sources
                strings += [item.text or "", *all_strings(_json_or_none(item.text or ""))]
    assert_round_trip(strings, "gpkg")
    assert f"Yerevan {CLEAN_PAYLOAD}" in strings


def _json_or_none(cell: str) -> Any:
    try:
        return json.loads(cell)
    except ValueError:
        return None


def test_kml_parses_and_values_round_trip(exported: dict[str, bytes]) -> None:
    root = ET.fromstring(exported["kml"])
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert "script" not in tags
    names = [e.text or "" for e in root.iter() if e.tag.endswith("}name")]
    assert any(name.startswith(f"Yerevan {CLEAN_PAYLOAD} / ") for name in names)
    descriptions = [e.text or "" for e in root.iter() if e.tag.endswith("}description")]
    html = "\n".join(descriptions)  # HTML that Google Earth renders: escaped, inert
    assert "<img" not in html and "<script" not in html and "{{7*7}}" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&#123;&#123;7*7&#125;&#125;" in html
    assert "href" not in html and f"{JS_URL}</li>" in html  # a URL is text, never a link
    joined = "\n".join(names + descriptions)
    assert not re.search("[\ufeff\u200b\u200e\u202e]", joined)


def test_csv_values_round_trip_and_formulas_are_neutralised(exported: dict[str, bytes]) -> None:
    rows = list(csv.reader(io.StringIO(exported["csv"].decode("utf-8"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    joined = "\n".join(cells)
    assert f"'{FORMULA}" in joined and f"'{AT_FORMULA}" in joined
    assert CLEAN_PAYLOAD in joined and LONG in joined
    assert not re.search("[\ufeff\u200b\u200e\u202e]", joined)


def test_annotation_labels_are_literal_in_every_format(
    exported: dict[str, bytes], pdf_texts: dict[str, tuple[str, dict[str, Any]]]
) -> None:
    """Each annotation's hostile label reads back as typed (issue 24)."""
    label = " ".join(CLEAN_ANNOTATION_LABEL.split())
    for fmt in ("pdf", "briefing-pdf", "atlas-pdf", "compare-pdf"):
        text = " ".join(pdf_texts[fmt][0].split())
        assert text.count(label) >= 5, fmt  # every labelled kind (the arrow's and line's
        # labels may be cut by the page's edge on the atlas's whole-region maps)
    svg = exported["svg"].decode("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; &lt;/script&gt;" in svg
    html = exported["html"].decode("utf-8")
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # a JS string, \u-escaped
    features = json.loads(exported["geojson"])["features"]
    drawn = [f for f in features if f["properties"]["table"].startswith("annotations_")]
    assert [f["properties"]["label"] for f in drawn] == [CLEAN_ANNOTATION_LABEL] * 6
    root = ET.fromstring(exported["kml"])
    names = [e.text for e in root.iter() if e.tag.endswith("}name")]
    assert names.count(CLEAN_ANNOTATION_LABEL) == 6
    rows = list(csv.reader(io.StringIO(exported["csv"].decode("utf-8"))))
    labels = [row[6] for row in rows if row[0].startswith("annotations_")]
    assert labels == [f"'{CLEAN_ANNOTATION_LABEL}"] * 6  # the formula made inert


@pytest.fixture(scope="module")
def deck_exports(hostile_dataset: Dataset, hostile_data_dir: Path) -> dict[str, bytes]:
    deck = load_deck(hostile_data_dir / "decks" / "article.yaml", hostile_dataset)
    return {fmt: deck_bytes(hostile_dataset, deck, fmt) for fmt in ("pptx", "handout-pdf")}


def test_pptx_text_is_literal(deck_exports: dict[str, bytes]) -> None:
    presentation = Presentation(io.BytesIO(deck_exports["pptx"]))
    texts = [
        shape.text_frame.text
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    notes = [
        slide.notes_slide.notes_text_frame.text
        for slide in presentation.slides
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None
    ]
    clean_title = DECK_TITLE_PAYLOAD.replace("in\ufeffvis\u200bi\u200ebl\u202ee", "invisible")
    flat = [" ".join(t.split()) for t in texts]  # a title may take two lines (issue 22)
    assert " ".join(f"1 {clean_title}".split()) in flat  # slide titles, the banner: literal
    assert f"Banner {clean_title}" in texts
    assert presentation.core_properties.title == f"Deck {clean_title}"
    assert any(CLEAN_PAYLOAD in t for t in texts + notes)  # talking points, quotes
    assert not any("49" in t and JINJA not in t for t in texts if t.startswith("1 "))


def test_handout_pdf_text_is_literal(deck_exports: dict[str, bytes]) -> None:
    text, _ = pdf_text(deck_exports["handout-pdf"])
    assert_literal(text, "handout-pdf")
    assert " ".join(CLEAN_ANNOTATION_LABEL.split()) in " ".join(text.split())  # slide 1's


def test_names_of_countries_oblast_and_provinces_are_hostile_and_inert(
    exported: dict[str, bytes],
) -> None:
    """boundary_names.yaml (issue 22) carries the payload into the countries', the oblast's
    and the provinces' labels; in capitals (the country look) it is still text."""
    features = json.loads(exported["geojson"])["features"]
    hostile_layers = {
        f["properties"]["layer"] for f in features if CLEAN_PAYLOAD in " ".join(all_strings(f))
    }
    assert {"countries", "nkao", "provinces"} <= hostile_layers
    svg = exported["svg"].decode("utf-8")
    assert "<IMG" not in svg and "&lt;IMG SRC=X ONERROR=ALERT(1)&gt;" in svg
