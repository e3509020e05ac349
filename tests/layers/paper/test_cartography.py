"""Briefing-grade cartography on paper (issue 10): names placed by importance, text that
stays text, layers that honour their validity in time, legends of what is drawn, and
symbols that never hide each other."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import Point, box

from geo import settings
from geo.dataset import Dataset
from geo.errors import StateError
from geo.naming import language_label, upper
from layers import catalog
from layers.briefing.view import View, check_bounds
from layers.catalog import DEFAULT_VISIBLE
from layers.exports import export_bytes
from layers.features import view_features
from layers.paper import layouts, page
from layers.paper.map_content import at_paper_scale, fit_extent
from layers.paper.symbols import give_way
from layers.styles import STYLES

COUNTRIES = ("ARMENIA", "AZERBAIJAN", "GEORGIA", "TURKEY", "IRAN", "RUSSIA")
KARABAKH = (46.0, 39.3, 47.6, 40.4)


@pytest.fixture(scope="module")
def default_pdf(dataset: Dataset) -> bytes:
    return export_bytes(dataset, View(), "pdf")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def district_names(dataset: Dataset, view: View) -> list[str]:
    """The first form of each district label (``Kalbajar District``)."""
    return [str(label).split(" / ")[0] for label in view_features(dataset, view)["districts"].label]


def map_axes(figure: Figure) -> Axes:
    return next(ax for ax in figure.axes if ax.get_label() == "map")


def label_texts(ax: Axes) -> list[Text]:
    """The map's label texts (not their halos, not the furniture, not the numbered event
    markers)."""
    return [
        t
        for t in ax.texts
        if 6 <= t.get_zorder() < 6.75 and not t.get_path_effects() and t.get_text()
    ]


def countries_on(dataset: Dataset, ax: Axes, convention: str = "dual") -> list[str]:
    """The country names whose land takes a real part (2 %) of the map's extent (the map
    is framed for its subject since issue 22, so Georgia or Russia may be off it), in
    capitals as ``convention`` writes them (boundary_names.yaml, issue 22)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    frame = box(x0, y0, x1, y1)
    countries = dataset.boundaries["countries"]
    shown = []
    for name, geometry in zip(countries["name"], countries.geometry, strict=True):
        if name.upper() in COUNTRIES and geometry.intersection(frame).area > 0.02 * frame.area:
            names = dataset.boundary_names[("countries", name)].names
            shown.append(upper(language_label(names, convention), names))
    return shown


# --- Print text is text -------------------------------------------------------------


def test_default_map_pdf_names_the_main_actors(dataset: Dataset, default_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(default_pdf))
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    shown = countries_on(dataset, map_axes(layouts.map_figure(dataset, View())))
    assert {"ARMENIA", "AZERBAIJAN", "IRAN"} <= set(shown)
    for name in (*shown, "Nagorno-Karabakh", "Gyumri", "Kapan"):
        assert name in text, name
    districts = district_names(dataset, View())
    assert len(districts) == 7
    for district in districts:
        assert district in text, district


def test_pdf_fonts_are_embedded_truetype_never_type3(dataset: Dataset, default_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(default_pdf))
    subtypes = [
        str(font.get_object()["/Subtype"])
        for p in reader.pages
        for font in p["/Resources"]["/Font"].values()
    ]
    assert subtypes and "/Type3" not in subtypes
    assert set(subtypes) <= {"/Type0", "/TrueType"}
    assert export_bytes(dataset, View(), "pdf") == default_pdf  # deterministic


def test_svg_keeps_labels_as_text_elements(dataset: Dataset) -> None:
    svg = export_bytes(dataset, View(), "svg")
    root = ET.fromstring(svg)
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"ARMENIA", "AZERBAIJAN", "Gyumri"} <= texts
    assert export_bytes(dataset, View(), "svg") == svg


# --- Labels by importance -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "convention"),
    [
        ("map", settings.ARTICLE_DATE, "dual"),
        ("briefing", dt.date(2020, 11, 10), "dual"),
        ("map", dt.date(1993, 9, 1), "az"),
    ],
)
def test_essential_labels_are_all_placed_without_overlaps(
    dataset: Dataset, kind: str, day: dt.date, convention: str
) -> None:
    """Countries, the oblast, the districts, peacekeeping and the monitoring centre are all
    named (in the chosen convention: the frames' label column), inside the frame, clear of
    each other, of the other labels and of the north arrow."""
    view = View(day=day, convention=convention)
    make = layouts.map_figure if kind == "map" else layouts.briefing_figure
    figure = make(dataset, view)
    ax = map_axes(figure)
    labels = label_texts(ax)
    shown = flat(" ".join(t.get_text() for t in labels))
    frames = view_features(dataset, view)
    oblast = str(frames["nkao"].label.iloc[0]).split(" / ")[0]
    for name in (*countries_on(dataset, ax, convention), oblast, *district_names(dataset, view)):
        assert name in shown, name
    for layer_id in ("monitoring", "peacekeeping"):
        for label in frames[layer_id].label:
            assert flat(str(label)) in shown, label
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in labels]
    frame = ax.get_window_extent(renderer)
    north = next(t for t in ax.texts if t.get_text() == "N").get_window_extent(renderer)
    for index, one in enumerate(boxes):
        assert frame.contains(one.x0, one.y0) and frame.contains(one.x1, one.y1)
        assert not one.overlaps(north), labels[index].get_text()
        for other in boxes[index + 1 :]:
            assert not one.overlaps(other), labels[index].get_text()


# --- Validity in time ---------------------------------------------------------------


def test_ceasefire_line_validity_comes_from_the_events_data(dataset: Dataset) -> None:
    events = {event.id: event for event in dataset.events}
    valid = catalog.layer("ceasefire-line").valid
    assert valid is not None
    assert valid.start == events["ceasefire-1994-in-force"].date == dt.date(1994, 5, 12)
    # the trilateral statement, signed on 9 November 2020, took effect on 10 November
    assert valid.end == events["article-ceasefire-signed"].date + dt.timedelta(days=1)
    assert catalog.layer("ceasefire-line").dated


@pytest.mark.parametrize(
    ("day", "drawn"),
    [
        (dt.date(1992, 6, 1), False),
        (dt.date(1994, 5, 11), False),
        (dt.date(1994, 5, 12), True),
        (dt.date(2020, 11, 9), True),
        (dt.date(2020, 11, 10), False),
    ],
)
def test_ceasefire_line_features_only_while_in_force(
    dataset: Dataset, day: dt.date, drawn: bool
) -> None:
    frames = view_features(dataset, View(day=day))
    assert (not frames["ceasefire-line"].empty) == drawn


def ceasefire_artists(figure: Figure) -> list[LineCollection]:
    red = to_rgba(STYLES["ceasefire-line"].color)
    return [
        c
        for c in map_axes(figure).collections
        if isinstance(c, LineCollection)
        and any(np.allclose(colour, red) for colour in c.get_edgecolor())
    ]


@pytest.mark.parametrize(
    ("day", "drawn"), [(dt.date(1993, 9, 1), False), (dt.date(1994, 6, 1), True)]
)
def test_a_1993_map_draws_no_ceasefire_line(dataset: Dataset, day: dt.date, drawn: bool) -> None:
    figure = layouts.map_figure(dataset, View(day=day), labels=False)
    assert bool(ceasefire_artists(figure)) == drawn


# --- Legends list what is drawn ------------------------------------------------------


def legend_labels(figure: Figure) -> set[str]:
    legends = [a.get_legend() for a in figure.axes if isinstance(a.get_legend(), Legend)]
    return {t.get_text() for legend in legends if legend for t in legend.get_texts()}


def drawn_entries(dataset: Dataset, view: View, ax: Axes) -> set[str]:
    """Legend labels of the features inside the map frame (computed from the data; the
    features the catalogue draws only at larger scales left out of wider views: the scale
    of the map as drawn, framed for its subject since issue 22)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    frame_box = box(x0, y0, x1, y1)
    labels: set[str] = set()
    frames = at_paper_scale(view_features(dataset, view), (x0, y0, x1, y1))
    for layer_id, frame in frames.items():
        for entry in catalog.layer(layer_id).legend:
            rows = frame[frame["style_key"] == entry.style_key]
            if rows.geometry.intersects(frame_box).any():
                labels.add(entry.label)
    return labels


@pytest.mark.parametrize(
    ("day", "bounds", "present", "absent"),
    [
        (
            dt.date(1994, 6, 1),
            None,
            {"Ceasefire line, 1994", "Held by Armenian forces"},
            {"Proposed deployment area", "Monitoring centre", "Russian military base"},
        ),
        (
            settings.ARTICLE_DATE,
            None,
            {"Proposed deployment area", "Monitoring centre"},
            {"Ceasefire line, 1994"},
        ),
        (
            settings.ARTICLE_DATE,
            KARABAKH,
            {"Monitoring centre", "Peacekeeping HQ"},
            {"Russian military base", "Russian air base"},
        ),
    ],
)
def test_legend_entries_equal_what_is_drawn(
    dataset: Dataset,
    day: dt.date,
    bounds: tuple[float, float, float, float] | None,
    present: set[str],
    absent: set[str],
) -> None:
    view = View(day=day) if bounds is None else View(day=day, bounds=bounds)
    figure = layouts.map_figure(dataset, view, labels=False)
    listed = legend_labels(figure)
    assert listed == drawn_entries(dataset, view, map_axes(figure))
    assert present <= listed and not absent & listed


# --- Symbols never hide each other -----------------------------------------------------


def near(pixels: np.ndarray, hex_colour: str, tolerance: float = 40) -> int:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.linalg.norm(pixels - target, axis=-1) < tolerance).sum())


def symbol_pixels(dataset: Dataset, view: View, where: Point, colour: str) -> int:
    """Pixels of ``colour`` within 9 points of ``where`` on the PNG of the map page."""
    figure = layouts.map_figure(dataset, view, labels=False)
    dpi = 150
    image = np.asarray(Image.open(io.BytesIO(page.figure_bytes(figure, "png", dpi=dpi))))
    ax = map_axes(figure)
    x, y = ax.transData.transform((where.x, where.y)) * dpi / figure.dpi
    row, col, reach = round(image.shape[0] - y), round(x), round(9 * dpi / 72)
    window = image[row - reach : row + reach, col - reach : col + reach, :3].astype(int)
    return near(window, colour)


@pytest.mark.parametrize(
    ("layer_id", "key"), [("monitoring", "monitoring-centre"), ("russian-bases", "base")]
)
def test_site_symbols_stay_visible_with_events_on(
    dataset: Dataset, layer_id: str, key: str
) -> None:
    where = view_features(dataset, View())[layer_id].geometry.iloc[0]
    colour = STYLES[key].color  # sites are hollow symbols since issue 22: their outline
    assert colour is not None
    events_off = tuple(i for i in DEFAULT_VISIBLE if i != "events")
    without = symbol_pixels(dataset, View(layers=events_off), where, colour)
    with_events = symbol_pixels(dataset, View(layers=DEFAULT_VISIBLE), where, colour)
    assert without > 30
    assert with_events >= 0.9 * without


def test_a_covered_symbol_is_moved_beside_the_one_above_it() -> None:
    figure = Figure(figsize=(4, 4), dpi=100)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    site = np.array([[0.5, 0.5]])
    moved = give_way(ax, [Point(0.5, 0.5), Point(0.5, 0.5)], 4.5, [(120, 6.75, site)])
    centre = ax.transData.transform((0.5, 0.5))
    gaps = [np.hypot(*(ax.transData.transform((s.x, s.y)) - centre)) * 72 / 100 for s in moved]
    assert all(gap == pytest.approx(6.75 + 4.5 + 0.8) for gap in gaps)
    assert (moved[0].x, moved[0].y) != (moved[1].x, moved[1].y)  # two at one place fan out
    assert all(s.home == (0.5, 0.5) for s in moved)
    dot = give_way(ax, [Point(0.5, 0.5)], 4.5, [(140, 1.9, site)])  # a town dot
    assert (dot[0].x, dot[0].y) == (0.5, 0.5)
    far = give_way(ax, [Point(0.2, 0.2)], 4.5, [(120, 6.75, site)])
    assert (far[0].x, far[0].y) == (0.2, 0.2)


# --- Extent inside the boundary extract ---------------------------------------------


def test_extent_stays_inside_the_boundary_extract() -> None:
    west, south, east, north = settings.REGION_BBOX
    (x0, y0, x1, y1), lat0 = fit_extent((west, 40.0, west + 0.5, north), 8.0, 4.0)
    assert west <= x0 < x1 <= east and south <= y0 < y1 <= north
    assert x0 <= west and x1 >= west + 0.5  # still holds the view
    assert lat0 == pytest.approx((y0 + y1) / 2)
    with pytest.raises(StateError, match="outside the region the map covers"):
        check_bounds((30.0, 35.0, 55.0, 45.0))
