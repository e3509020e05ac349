"""Static map exports (PNG, PDF, SVG), data exports and the export API, opened and checked."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from geopy.distance import geodesic
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image
from pypdf import PdfReader

from geo.dataset import Dataset, load_dataset
from geo.errors import StateError
from layers.briefing.view import View
from layers.exports import EXPORT_FORMATS, ExportOptions, export_bytes
from layers.features import view_features
from layers.paper import layouts, page
from layers.paper.furniture import nice_length, scale_bar
from layers.paper.map_content import LAND_COLOUR, fit_extent
from layers.styles import STYLES
from tests.conftest import SITES, SOURCES, MakeDataDir

BOUNDS = (44.8, 39.8, 47.2, 41.2)
PROPOSED = {
    "id": "proposed-west",
    "name": "Proposed unit",
    "kind": "proposed-deployment",
    "operator": "Russia",
    "geometry": {"boundary": {"layer": "provinces", "match": {"name": "Westprov"}}},
    "start": "2020-01-01",
    "status": "proposed",
    "sources": ["src-a"],
    "note": "Schematic: the whole province stands for an unnamed place.",
}


@pytest.fixture
def synthetic(make_data_dir: MakeDataDir) -> Dataset:
    """Synthetic data: west box = Westprov (proposed deployment), east box = control."""
    return load_dataset(make_data_dir(sites=[*SITES, PROPOSED]))


def render(dataset: Dataset, view: View, dpi: float = 60) -> tuple[np.ndarray, Figure]:
    figure = layouts.map_figure(dataset, view, labels=False)
    png = page.figure_bytes(figure, "png", dpi=dpi)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int), figure


def pixel_box(
    image: np.ndarray, figure: Figure, lonlat: tuple[float, float, float, float]
) -> np.ndarray:
    """The pixels of ``image`` inside a lon/lat box of the map axes of ``figure``."""
    ax = next(a for a in figure.axes if a.get_label() == "map")
    assert isinstance(ax, Axes)
    height, width = image.shape[:2]
    corners = ax.transData.transform([lonlat[:2], lonlat[2:]])
    fractions = figure.transFigure.inverted().transform(corners)
    (x0, y0), (x1, y1) = fractions
    cols = slice(round(x0 * width), round(x1 * width))
    rows = slice(round((1 - y1) * height), round((1 - y0) * height))
    return image[rows, cols]


def near(pixels: np.ndarray, hex_colour: str, tolerance: float = 30) -> int:
    """How many pixels lie within ``tolerance`` (RGB distance) of ``hex_colour``."""
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.linalg.norm(pixels - target, axis=-1) < tolerance).sum())


def blend(hex_colour: str, alpha: float, under: str = LAND_COLOUR) -> str:
    top = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    bottom = np.array([int(under[i : i + 2], 16) for i in (1, 3, 5)])
    mixed = np.rint(alpha * top + (1 - alpha) * bottom).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def test_proposed_colour_inside_its_area_and_gone_when_hidden(synthetic: Dataset) -> None:
    look = STYLES["proposed-deployment"]
    assert look.fill is not None
    red = blend(look.fill, look.fill_opacity)
    view = View(day=dt.date(2021, 1, 1), layers=("countries", "proposed-deployment"), bounds=BOUNDS)
    image, figure = render(synthetic, view)
    assert near(pixel_box(image, figure, (45.1, 40.1, 45.9, 40.9)), red) > 50
    assert near(pixel_box(image, figure, (46.1, 40.1, 46.9, 40.9)), red) == 0
    hidden = View(day=dt.date(2021, 1, 1), layers=("countries",), bounds=BOUNDS)
    image, figure = render(synthetic, hidden)
    assert near(pixel_box(image, figure, (45.1, 40.1, 45.9, 40.9)), red) == 0


@pytest.mark.parametrize(
    ("day", "key"),
    [(dt.date(2020, 11, 10), "control-armenian"), (dt.date(2021, 1, 1), "control-azerbaijani")],
)
def test_control_colour_where_and_when_expected(synthetic: Dataset, day: dt.date, key: str) -> None:
    look = STYLES[key]
    assert look.fill is not None
    expected = blend(look.fill, look.fill_opacity)
    view = View(day=day, layers=("control",), bounds=BOUNDS)
    image, figure = render(synthetic, view)
    east = pixel_box(image, figure, (46.55, 40.55, 46.85, 40.9))
    assert near(east, expected, 12) > 0.9 * east.shape[0] * east.shape[1]
    west = pixel_box(image, figure, (45.2, 40.2, 45.8, 40.8))
    assert near(west, expected, 12) == 0


def test_real_syunik_shows_the_proposed_deployment(dataset: Dataset) -> None:
    site = next(s for s in dataset.sites if s.kind == "proposed-deployment")
    red = STYLES["proposed-deployment"].color
    area = site.geometry.bounds
    shown = View(layers=("proposed-deployment",))
    image, figure = render(dataset, shown, dpi=90)
    assert near(pixel_box(image, figure, area), red) > 100
    image, figure = render(dataset, View(layers=()), dpi=90)
    assert near(pixel_box(image, figure, area), red) == 0


def test_png_width_follows_width_px(synthetic: Dataset) -> None:
    png = export_bytes(synthetic, View(bounds=BOUNDS), "png", ExportOptions(width_px=900))
    assert Image.open(io.BytesIO(png)).size[0] == 900


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_title_date_credits_and_caveat(synthetic: Dataset) -> None:
    view = View(day=dt.date(2021, 1, 1), bounds=BOUNDS, title="Test briefing map")
    pages, text = pdf_text(export_bytes(synthetic, view, "pdf"))
    assert pages == 1
    for expected in (
        "Test briefing map",
        "1 January 2021",
        "Natural Earth 1:10m v4.1.0 (public domain)",
        "Warsaw Institute Foundation",
        "Somebody",  # publisher of the visible features' source
        "Proposed deployment area",  # legend entry
        "approximate or proposed",  # caveat
    ):
        assert expected in text


def test_pdf_without_uncertain_features_has_no_caveat(synthetic: Dataset) -> None:
    view = View(day=dt.date(2021, 1, 1), layers=("countries", "control"), bounds=BOUNDS)
    _, text = pdf_text(export_bytes(synthetic, view, "pdf"))
    assert "approximate or proposed" not in text
    assert "Held by Azerbaijan" in text
    assert "Proposed deployment area" not in text


def test_legend_lists_only_visible_layers_with_features(synthetic: Dataset) -> None:
    view = View(day=dt.date(2020, 11, 10), layers=("control", "russian-bases"), bounds=BOUNDS)
    frames = view_features(synthetic, view)
    labels = [label for _, label in page.legend_items(frames)]
    assert labels == ["Held by Armenian forces", "Russian military base"]


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_renders_are_deterministic(synthetic: Dataset, fmt: str) -> None:
    view = View(day=dt.date(2021, 1, 1), bounds=BOUNDS)
    first = export_bytes(synthetic, view, fmt, ExportOptions(dpi=50))
    assert first == export_bytes(synthetic, view, fmt, ExportOptions(dpi=50))
    assert first != export_bytes(
        synthetic, View(day=dt.date(2020, 11, 10), bounds=BOUNDS), fmt, ExportOptions(dpi=50)
    )


def test_scale_bar_is_round_and_geodesic() -> None:
    extent, lat0 = (44.0, 39.0, 48.0, 41.0), 40.0
    km, degrees = scale_bar(extent, lat0)
    assert km in (10, 20, 50, 100, 200)
    measured = geodesic((lat0, 46.0), (lat0, 46.0 + degrees)).km
    assert measured == pytest.approx(km, rel=2e-3)
    assert nice_length(73) == 50
    assert nice_length(0.3) == pytest.approx(0.2)


def test_fit_extent_keeps_the_view_and_matches_the_frame() -> None:
    (x0, y0, x1, y1), lat0 = fit_extent((44.0, 39.0, 46.0, 41.0), 8.0, 4.0)
    assert x0 <= 44.0 and x1 >= 46.0 and y0 <= 39.0 and y1 >= 41.0
    ratio = (x1 - x0) * np.cos(np.radians(lat0)) / (y1 - y0)
    assert ratio == pytest.approx(2.0)


def test_geojson_holds_visible_features_with_plain_text(synthetic: Dataset) -> None:
    view = View(layers=("russian-bases", "places"), bounds=BOUNDS)
    collection = json.loads(export_bytes(synthetic, view, "geojson"))
    assert collection["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in collection["features"]}
    assert layers == {"russian-bases", "places"}
    base = next(f for f in collection["features"] if f["id"] == "base-alpha")
    assert base["properties"]["label"] == "Base <Alpha>"
    assert base["properties"]["sources"] == ["Somebody, 'A page'"]
    assert base["geometry"] == {"type": "Point", "coordinates": [45.5, 40.5]}


def test_geopackage_has_one_layer_per_visible_layer(synthetic: Dataset, tmp_path: Path) -> None:
    view = View(day=dt.date(2021, 1, 1), layers=("control", "russian-bases"), bounds=BOUNDS)
    path = tmp_path / "out.gpkg"
    path.write_bytes(export_bytes(synthetic, view, "gpkg"))
    names = sorted(str(row[0]) for row in pyogrio.list_layers(path))
    assert names == ["control_areas", "layer_styles", "russian_bases_points"]


def test_html_contains_only_the_chosen_layers(synthetic: Dataset) -> None:
    bases = export_bytes(synthetic, View(layers=("russian-bases",)), "html").decode()
    places = export_bytes(synthetic, View(layers=("places",)), "html").decode()
    assert "base-alpha" in bases and "place-beta" not in bases
    assert "place-beta" in places and "base-alpha" not in places


def test_every_format_is_described_and_rejects_bad_input(synthetic: Dataset) -> None:
    assert set(EXPORT_FORMATS) == {
        *("png", "pdf", "svg", "briefing-pdf", "atlas-pdf", "html", "geojson", "gpkg"),
        *("kml", "csv"),
        *("compare-pdf", "compare-png", "gif", "mp4"),
    }
    assert EXPORT_FORMATS["gpkg"].extension == "gpkg"
    with pytest.raises(StateError, match="unknown export format"):
        export_bytes(synthetic, View(), "tiff")
    with pytest.raises(StateError, match="paper"):
        export_bytes(synthetic, View(), "png", ExportOptions(paper="B5"))
    with pytest.raises(StateError, match="width"):
        export_bytes(synthetic, View(), "png", ExportOptions(width_px=10))


def _long_credits_dataset(make_data_dir: MakeDataDir) -> Dataset:
    """Sources whose citations run to thousands of characters, and 30 publishers."""
    long = "Very long publisher name " * 330  # about 8,000 characters
    sources = [dict(SOURCES[0], publisher=long, title=long)]
    sources += [dict(s, title=s["title"] + " " + long) for s in SOURCES[1:]]
    extra = [
        {"id": f"src-{n}", "title": f"Page {n}", "publisher": f"Publisher number {n}"}
        for n in range(30)
    ]
    sites = [
        dict(SITES[0], id=f"base-{n}", sources=[f"src-{n}"], name=f"Base {n}") for n in range(30)
    ]
    return load_dataset(make_data_dir(sources=sources + extra, sites=[*SITES, *sites]))


@pytest.mark.parametrize("fmt", ["png", "pdf", "briefing-pdf", "atlas-pdf"])
def test_long_credits_are_capped_and_the_map_keeps_its_height(
    make_data_dir: MakeDataDir, fmt: str
) -> None:
    data = _long_credits_dataset(make_data_dir)
    view = View(day=dt.date(2021, 2, 23), bounds=BOUNDS)
    options = ExportOptions(width_px=800 if fmt == "png" else None)
    payload = export_bytes(data, view, fmt, options)
    assert payload[:4] in (b"\x89PNG", b"%PDF")
    if fmt != "png":
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)
        assert "more sources, see the GeoJSON or HTML export" in " ".join(text.split())


def test_long_credits_leave_the_map_most_of_the_page(make_data_dir: MakeDataDir) -> None:
    data = _long_credits_dataset(make_data_dir)
    figure = layouts.map_figure(data, View(day=dt.date(2021, 2, 23), bounds=BOUNDS))
    _, height = figure.get_size_inches()
    map_axes = figure.axes[0]
    assert map_axes.get_position().height * height >= page.MIN_MAP_HEIGHT
    footer = [t for t in figure.texts if "Other sources" in t.get_text()]
    (other,) = footer
    lines = other.get_text().splitlines()
    assert len(lines) <= page.MAX_CREDIT_LINES
    assert " ".join(lines).endswith("… 5 more sources, see the GeoJSON or HTML export.")
