"""Print options on paper: banner top and bottom, imprint, paper and orientation, greyscale,
the measured distance, the extent record; and their URL / CLI parsing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from pypdf import PdfReader

from geo.dataset import Dataset, load_dataset
from geo.errors import StateError
from geo.measure import Measurement
from layers.briefing.print_options import PrintOptions, banner_colours, print_options_from_query
from layers.briefing.view import View, view_from_query
from layers.exports import ExportOptions, export_bytes, file_name
from layers.exports.__main__ import main as cli
from layers.paper import layouts
from tests.conftest import MakeDataDir

BOUNDS = (44.8, 39.8, 47.2, 41.2)
PREVIEWS = Path("/work/print-previews")


@pytest.fixture
def synthetic(make_data_dir: MakeDataDir) -> Dataset:
    return load_dataset(make_data_dir())


def positioned_text(pdf: bytes) -> list[tuple[str, float]]:
    """Each text run on the first page with its height on the page (points from the bottom)."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: object) -> None:
        if text.strip():
            found.append((text.strip(), float(tm[5]) * float(cm[3]) + float(cm[5])))  # type: ignore[index]

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def test_briefing_carries_the_banner_at_the_top_and_the_bottom(synthetic: Dataset) -> None:
    banner = "SECRET//REL TO NATO $x^2$ <b>"
    sheet = PrintOptions(banner=banner, producer="J2 cell", as_of=dt.date(2021, 2, 20))
    pdf = export_bytes(
        synthetic, View(day=dt.date(2020, 11, 10), bounds=BOUNDS), "briefing-pdf",
        ExportOptions(sheet=sheet),
    )  # fmt: skip
    height = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height)
    heights = [y for text, y in positioned_text(pdf) if text == banner]  # as typed: no maths
    assert len(heights) == 2
    assert min(heights) < 0.05 * height and max(heights) > 0.95 * height
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Produced by J2 cell" in text and "Information as of 20 February 2021" in text


@pytest.mark.parametrize(
    ("text", "colour"),
    [
        ("UNCLASSIFIED", "#007A33"),
        ("unclassified//for official use only", "#007A33"),
        ("OFFICIAL-SENSITIVE", "#502B85"),
        ("RESTRICTED", "#502B85"),
        ("NATO CONFIDENTIAL", "#0033A0"),
        ("SECRET", "#C8102E"),
        ("TOP SECRET//SI", "#FF8C00"),
        ("SECRETARIAT DRAFT", "#6B6B6B"),
        ("Morning brief", "#6B6B6B"),
    ],
)
def test_banner_colour_follows_the_marking(text: str, colour: str) -> None:
    assert banner_colours(text)[0] == colour


def test_a3_portrait_briefing_renders_on_a3_portrait(dataset: Dataset) -> None:
    sheet = PrintOptions(
        title="Karabakh after the ceasefire", subtitle="Lachin corridor and the peacekeepers",
        banner="UNCLASSIFIED", producer="Briefing cell", as_of=dt.date(2020, 11, 12),
        paper="A3", orientation="portrait",
    )  # fmt: skip
    view = View(day=dt.date(2020, 11, 10), bounds=(45.6, 39.2, 47.2, 40.4))
    pdf = export_bytes(dataset, view, "briefing-pdf", ExportOptions(sheet=sheet))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 1191)  # A3 portrait
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Karabakh after the ceasefire" in text and "Timeline up to 10 November 2020" in text
    if PREVIEWS.is_dir():  # looked at by eye: pdftoppm -r 60 -png
        (PREVIEWS / "briefing-a3-portrait-test.pdf").write_bytes(pdf)


def test_png_records_the_extent_it_covers_and_pads_never_crops(synthetic: Dataset) -> None:
    bounds = (45.5, 39.9, 46.5, 40.9)
    for orientation in ("landscape", "portrait"):
        sheet = PrintOptions(dpi=40, orientation=orientation)
        png = export_bytes(synthetic, View(bounds=bounds), "png", ExportOptions(sheet=sheet))
        image = Image.open(io.BytesIO(png))
        extent = [float(v) for v in image.text["Extent"].split(",")]
        assert extent[0] <= bounds[0] and extent[1] <= bounds[1]
        assert extent[2] >= bounds[2] and extent[3] >= bounds[3]
        grew_x = (extent[2] - extent[0]) / (bounds[2] - bounds[0])
        grew_y = (extent[3] - extent[1]) / (bounds[3] - bounds[1])
        assert min(grew_x, grew_y) == pytest.approx(1.0, abs=1e-6)  # one side as asked


def test_greyscale_leaves_no_colour(synthetic: Dataset) -> None:
    sheet = PrintOptions(dpi=40, greyscale=True, banner="SECRET")
    png = export_bytes(synthetic, View(bounds=BOUNDS), "png", ExportOptions(sheet=sheet))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    assert (pixels.max(axis=2) - pixels.min(axis=2)).max() <= 3
    coloured = export_bytes(synthetic, View(bounds=BOUNDS), "png",
                            ExportOptions(sheet=PrintOptions(dpi=40, banner="SECRET")))  # fmt: skip
    pixels = np.asarray(Image.open(io.BytesIO(coloured)).convert("RGB"), dtype=int)
    assert (pixels.max(axis=2) - pixels.min(axis=2)).max() > 100


def test_the_measured_distance_is_written_on_the_paper_map(synthetic: Dataset) -> None:
    from shapely.geometry import Point

    line = Measurement(km=123.4, start=Point(45.0, 40.0), end=Point(46.5, 40.8))
    view = View(bounds=BOUNDS)

    def texts(figure: Figure) -> list[Text]:
        found = figure.findobj(lambda a: isinstance(a, Text) and a.get_text() == "123.4 km")
        return [t for t in found if isinstance(t, Text)]

    (label,) = texts(layouts.map_figure(synthetic, view, measurement=line))
    assert 0 < label.get_rotation() < 90  # along the line, which rises to the east
    assert texts(layouts.map_figure(synthetic, view)) == []
    assert texts(layouts.briefing_figure(synthetic, view, measurement=line))


def test_an_osm_screen_is_noted_on_paper(synthetic: Dataset) -> None:
    pdf = export_bytes(synthetic, View(bounds=BOUNDS, basemap="osm"), "pdf")
    assert "screen showed OpenStreetMap" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_print_options_round_trip_through_the_url_and_bad_ones_fall_back() -> None:
    sheet = PrintOptions(
        title="T", subtitle="S", banner="TOP SECRET", producer="P", as_of=dt.date(2021, 1, 2),
        paper="Tabloid", orientation="portrait", dpi=300, greyscale=True,
    )  # fmt: skip
    parsed, messages = print_options_from_query(sheet.to_query())
    assert parsed == sheet and messages == []
    query = sheet.to_query() | View().to_query()
    assert view_from_query(query)[1] == []  # print keys are known to the view parser
    bad, messages = print_options_from_query({"paper": "B5", "dpi": "9000", "banner": "a\x07"})
    assert bad == PrintOptions() and len(messages) == 3
    with pytest.raises(StateError):
        PrintOptions(title="x" * 161)


def test_file_names_differ_per_format() -> None:
    view = View(day=dt.date(2021, 2, 23))
    names = {fmt: file_name(view, fmt) for fmt in ("png", "pdf", "briefing-pdf", "atlas-pdf")}
    assert names["briefing-pdf"] == "south-caucasus-2021-02-23-briefing.pdf"
    assert len(set(names.values())) == 4


def test_the_cli_takes_the_same_print_options(
    synthetic: Dataset, make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    out = tmp_path / "brief.pdf"
    data_dir = make_data_dir()
    status = cli([
        "--format", "briefing-pdf", "--out", str(out), "--data-dir", str(data_dir),
        "--bounds", ",".join(map(str, BOUNDS)), "--banner", "CONFIDENTIAL",
        "--paper", "tabloid", "--orientation", "portrait", "--title", "Cli title",
    ])  # fmt: skip
    assert status == 0
    page = PdfReader(out).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (792, 1224)
    assert page.extract_text().count("CONFIDENTIAL") == 2
    with pytest.raises(SystemExit) as exit_info:
        cli(["--out", str(tmp_path / "x.png"), "--paper", "B5", "--data-dir", str(data_dir)])
    assert exit_info.value.code == 2
