"""Issue 22, "Done when": the decisive fact is never hidden, checked on rendered output.

Each test here reads what the reader gets (the pixels of a page, the text of a PDF as
``pdftotext`` extracts it, the decoded GIF, the PPTX, every export's bytes) and failed on
the main branch before issue 22.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from geo.dataset import Dataset
from layers import styles
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import View
from layers.exports import EXPORT_FORMATS, ExportOptions, export_bytes
from layers.exports import __main__ as cli
from layers.paper import animation, layouts
from layers.paper.map_content import LAND_COLOUR
from tests.layers.test_palette import lab, linear, rgb

CEASEFIRE = dt.date(2020, 11, 10)
ARTICLE = dt.date(2021, 2, 23)
SHUSHA = (46.7483, 39.7583)  # data/places.yaml, id shusha
BANNER = "UNCLASSIFIED//FOR TRAINING"
AS_OF = dt.date(2021, 2, 24)

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def pdf_text(data: bytes, *args: str) -> str:
    """The text of a PDF as ``pdftotext`` reads it (``-layout`` off, ``args`` added)."""
    done = subprocess.run(
        ["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def delta_e(first: np.ndarray, second: np.ndarray) -> float:
    """CIE76 difference of two sRGB colours (0-1 floats)."""
    return float(np.linalg.norm(lab(linear(first)) - lab(linear(second))))


def holder_colour(key: str) -> np.ndarray:
    """The sRGB colour of a holder's confirmed fill as drawn over the land."""
    look = styles.style(key, "confirmed")
    assert look.fill is not None
    return look.fill_opacity * rgb(look.fill) + (1 - look.fill_opacity) * rgb(LAND_COLOUR)


def map_axes(figure: Figure) -> object:
    (ax,) = [a for a in figure.axes if a.get_label() == "map"]
    return ax


# --- Shusha on the ceasefire map --------------------------------------------------------


def test_shusha_reads_azerbaijani_held_on_the_ceasefire_map(dataset: Dataset) -> None:
    """On 10 November 2020, at the default extent, the pixels at Shusha's point show the
    Azerbaijani-held colour (the town fell on 8 November): no event ring, HQ symbol or
    town dot covers it. Before issue 22 the event ring and the HQ diamond hid it."""
    figure = layouts.map_figure(dataset, View(day=CEASEFIRE))
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3] / 255  # type: ignore[no-untyped-call]
    ax = map_axes(figure)
    x, y = ax.transData.transform(SHUSHA)  # type: ignore[attr-defined]
    row, column = round(pixels.shape[0] - y), round(x)
    centre = pixels[row - 1 : row + 2, column - 1 : column + 2].reshape(-1, 3)
    azerbaijani = holder_colour("control-azerbaijani")
    armenian = holder_colour("control-armenian")
    near = [delta_e(p, azerbaijani) for p in centre]
    assert min(near) < 6.0, (centre, near)
    assert all(delta_e(p, azerbaijani) < delta_e(p, armenian) for p in centre if
               delta_e(p, azerbaijani) < 6.0)  # fmt: skip


# --- Names in the PDF -------------------------------------------------------------------


@needs_pdftotext
def test_the_ceasefire_map_names_the_story_places(dataset: Dataset) -> None:
    """The PDF map of 10 November 2020 (default extent, default names) names Shusha,
    Stepanakert, Lachin and Nagorno-Karabakh: must-show labels are never dropped."""
    text = flat(pdf_text(export_bytes(dataset, View(day=CEASEFIRE), "pdf")))
    for name in ("Shusha", "Stepanakert", "Lachin", "Nagorno-Karabakh"):
        assert name in text, name


@needs_pdftotext
def test_the_article_day_map_names_syunik(dataset: Dataset) -> None:
    """On 23 February 2021 the proposed deployment (near Syunik) is drawn: Syunik is named
    on the map itself, not only in the legend or the credits."""
    text = flat(pdf_text(export_bytes(dataset, View(day=ARTICLE), "pdf")))
    assert "Syunik" in text
    for name in ("Stepanakert", "Nagorno-Karabakh", "Lachin"):
        assert name in text, name


# --- Page rules -------------------------------------------------------------------------


@needs_pdftotext
def test_the_situation_date_survives_a_custom_subtitle(
    dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--subtitle`` adds a line; the situation date stays on the page."""
    out = tmp_path / "map.pdf"
    args = ["--date", "2020-11-10", "--subtitle", "Prepared for the morning brief",
            "--format", "pdf", "--out", str(out)]  # fmt: skip
    assert cli.main(args) == 0
    capsys.readouterr()
    text = flat(pdf_text(out.read_bytes()))
    assert "Prepared for the morning brief" in text
    assert "10 November 2020" in text


TITLE_150 = (
    "Russian forces in Armenia and Nagorno-Karabakh after the ceasefire of 10 November "
    "2020: the peacekeepers, their HQ, the corridor and the proposed base"
)


@needs_pdftotext
@pytest.mark.parametrize("fmt", ["pdf", "briefing-pdf"])
def test_a_150_character_title_stays_inside_the_page(dataset: Dataset, fmt: str) -> None:
    """Every word of the page (``pdftotext -bbox``), the long title's included, lies
    inside the page: the title wraps, then shortens with "…"."""
    assert len(TITLE_150) == 150
    sheet = PrintOptions(title=TITLE_150, subtitle="A custom subtitle")
    data = export_bytes(dataset, View(day=CEASEFIRE), fmt, ExportOptions(sheet=sheet))
    html = pdf_text(data, "-bbox")
    page = html.split("<page ", 1)[1]
    width = float(page.split('width="', 1)[1].split('"', 1)[0])
    height = float(page.split('height="', 1)[1].split('"', 1)[0])
    words = [part.split(">", 1) for part in html.split("<word ")[1:]]
    boxes = {
        key: [float(attrs.split(f'{key}="', 1)[1].split('"', 1)[0]) for attrs, _ in words]
        for key in ("xMin", "yMin", "xMax", "yMax")
    }
    texts = [rest.split("<", 1)[0] for _, rest in words]
    assert "Russian" in texts and "ceasefire" in texts
    for index, text in enumerate(texts):
        assert boxes["xMin"][index] >= 0 and boxes["xMax"][index] <= width, text
        assert boxes["yMin"][index] >= 0 and boxes["yMax"][index] <= height, text
    assert "10 November 2020" in flat(pdf_text(data))


# --- The GIF keeps the legend's colours --------------------------------------------------

#: Largest CIE76 difference between a legend colour and the GIF's rendering of it (2.3
#: is about one just-noticeable difference).
GIF_DELTA_E = 2.3


def test_the_gif_keeps_the_legend_colours(dataset: Dataset) -> None:
    """Every pixel drawn in a colour of the legend (a style's line or fill, a fill as
    drawn over the land) keeps that colour within :data:`GIF_DELTA_E` after the GIF's
    palette reduction (median cut alone turned the article events' yellow into the
    Armenian-held brown and the peacekeepers' purple into blue-grey)."""
    view = View(day=CEASEFIRE)
    start, end = dt.date(2020, 11, 9), dt.date(2020, 11, 10)
    options = ExportOptions(span=(start, end), width_px=700)
    gif = Image.open(io.BytesIO(export_bytes(dataset, view, "gif", options)))
    rendered = [image for _, image in animation.render_frames(dataset, view, start, end,
                                                              width_px=700)]  # fmt: skip
    legend: set[tuple[int, int, int]] = set()
    for look in styles.STYLES.values():
        for ink in (look.color, look.fill):
            if ink:
                legend.add(tuple(int(ink[i : i + 2], 16) for i in (1, 3, 5)))  # type: ignore[arg-type]
        if look.fill and 0 < look.fill_opacity < 1:
            mixed = look.fill_opacity * rgb(look.fill) + (1 - look.fill_opacity) * rgb(LAND_COLOUR)
            legend.add(tuple(round(v * 255) for v in mixed))
    checked = 0
    for index, before in enumerate(rendered):
        gif.seek(index)
        after = np.asarray(gif.convert("RGB")).reshape(-1, 3)
        source = np.asarray(before.convert("RGB")).reshape(-1, 3)
        assert source.shape == after.shape
        for colour in legend:
            hits = np.all(source == colour, axis=1)
            if hits.sum() < 20:  # a colour not drawn in this frame (or a stray pixel)
                continue
            checked += 1
            shown = np.unique(after[hits], axis=0)
            worst = max(delta_e(np.array(colour) / 255, s / 255) for s in shown)
            assert worst <= GIF_DELTA_E, (colour, shown[:5], worst)
    assert checked >= 8  # holders, sites, events, the line: the frame holds many


# --- The marking travels with every export ----------------------------------------------


def _text_of(fmt: str, data: bytes) -> str:
    """The readable text of an export: decoded text formats, PDF text, the metadata and
    text members of containers."""
    if data.startswith(b"%PDF"):
        return pdf_text(data)
    if fmt == "gpkg":
        return _gpkg_text(data)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".json", ".kml", ".txt"))
            )
    return data.decode("utf-8-sig", "replace")


def _gpkg_text(data: bytes) -> str:
    """The metadata and contents rows of a GeoPackage."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.gpkg"
        target.write_bytes(data)
        with sqlite3.connect(target) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            metadata = (
                [str(row) for row in db.execute("SELECT * FROM gpkg_metadata")]
                if "gpkg_metadata" in tables
                else []
            )
            contents = [str(row) for row in db.execute("SELECT * FROM gpkg_contents")]
    return "\n".join(metadata + contents)


TEXT_FORMATS = ("pdf", "svg", "briefing-pdf", "compare-pdf", "html", "geojson", "gpkg",
                "kml", "csv")  # fmt: skip
PICTURE_FORMATS = ("png", "compare-png", "gif")


#: Formats the marking tests below leave out, and why (not checked here).
NOT_CHECKED = {
    "atlas-pdf": "slow to build; its pages are drawn by the map page's code",
    "mp4": "its frames are the GIF's",
}


def test_every_export_format_is_checked_for_the_marking() -> None:
    checked = {*TEXT_FORMATS, *PICTURE_FORMATS, *NOT_CHECKED}
    assert set(EXPORT_FORMATS) <= checked, set(EXPORT_FORMATS) - checked


@needs_pdftotext
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_the_marking_travels_with_every_export(dataset: Dataset, fmt: str) -> None:
    """The classification banner and the "as of" date are in every export a reader can
    open: paper, the stand-alone HTML, GeoJSON (``view``), GeoPackage metadata, KML and
    the CSV's first line."""
    sheet = PrintOptions(banner=BANNER, producer="J2 cell", as_of=AS_OF)
    options = ExportOptions(
        sheet=sheet, compare=(dt.date(2020, 11, 9), CEASEFIRE), width_px=600
    )
    data = export_bytes(dataset, View(day=CEASEFIRE), fmt, options)
    text = _text_of(fmt, data)
    assert BANNER in text, fmt
    assert ("24 February 2021" in text) or ("2021-02-24" in text), fmt
    if fmt == "geojson":
        view = json.loads(data)["view"]
        assert BANNER in json.dumps(view, ensure_ascii=False)
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
        first = data.decode("utf-8-sig").splitlines()[0]
        assert BANNER in first


@pytest.mark.parametrize("fmt", PICTURE_FORMATS)
def test_pictures_carry_the_banner_band(dataset: Dataset, fmt: str) -> None:
    """Raster exports (PNG, the compare PNG, each GIF frame) carry the banner: a band of
    the marking's colour across the top of the picture."""
    from layers.briefing.print_options import banner_colours

    sheet = PrintOptions(banner="SECRET", as_of=AS_OF)
    options = ExportOptions(sheet=sheet, compare=(dt.date(2020, 11, 9), CEASEFIRE),
                            span=(dt.date(2020, 11, 9), CEASEFIRE), width_px=600)  # fmt: skip
    image = Image.open(io.BytesIO(export_bytes(dataset, View(day=CEASEFIRE), fmt, options)))
    pixels = np.asarray(image.convert("RGB"))
    band = rgb(banner_colours("SECRET")[0]) * 255
    top = pixels[: pixels.shape[0] // 10]
    share = np.all(np.abs(top.astype(float) - band) <= 6, axis=2).mean(axis=1)
    assert share.max() > 0.5, fmt  # a row across the page in the banner's colour


@pytest.mark.parametrize("dpi", [100, 150])
def test_the_page_text_stays_inside_the_page_at_png_resolutions(
    dataset: Dataset, dpi: int
) -> None:
    """Agg lays small type out up to a tenth wider at some resolutions (the credits at
    100 dpi ran off the right edge of the PNG): every text of the page fits inside it."""
    figure = layouts.map_figure(dataset, View(day=CEASEFIRE))
    figure.set_dpi(dpi)
    renderer = FigureCanvasAgg(figure).get_renderer()
    width = figure.get_figwidth() * dpi
    for text in figure.texts:
        if text.get_text():
            extent = text.get_window_extent(renderer)
            assert extent.x0 >= 0 and extent.x1 <= width, text.get_text()[:60]
