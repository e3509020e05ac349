"""Country, oblast and province names in the chosen naming convention (issue 22: "the
decisive fact is never hidden"): on the web map, on paper and on the slides."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import replace

import pytest
from matplotlib.axes import Axes
from matplotlib.text import Text
from pypdf import PdfReader

from geo import settings
from geo.dataset import Dataset
from geo.situation import state_at
from layers.briefing.deck_file import load_deck
from layers.briefing.view import View
from layers.catalog import LAYER_IDS
from layers.exports import export_bytes
from layers.features import layer_features
from layers.paper import slides
from layers.web.geojson import feature_collections
from tests.hostile import CLEAN_PAYLOAD

CEASEFIRE = dt.date(2020, 11, 10)
#: The names each convention writes, in capitals where the map writes them so (countries).
COUNTRIES = {
    "dual": ("ARMENIA", "AZERBAIJAN", "IRAN"),
    "en": ("ARMENIA", "AZERBAIJAN", "IRAN"),
    "hy": ("ՀԱՅԱՍՏԱՆ", "ԱԴՐԲԵՋԱՆ", "ԻՐԱՆ"),
    "az": ("ERMƏNİSTAN", "AZƏRBAYCAN", "İRAN"),
    "ru": ("АРМЕНИЯ", "АЗЕРБАЙДЖАН", "ИРАН"),
}
#: Armenia as each convention writes it (in tooltips and the GIS exports' label).
ARMENIA = {
    "dual": "Armenia",
    "en": "Armenia",
    "hy": "Հայաստան",
    "az": "Ermənistan",
    "ru": "Армения",
}
OBLAST = {
    "dual": "Nagorno-Karabakh Autonomous Oblast",
    "en": "Nagorno-Karabakh Autonomous Oblast",
    "hy": "Լեռնային Ղարաբաղի Ինքնավար Մարզ",
    "az": "Dağlıq Qarabağ Muxtar Vilayəti",
    "ru": "Нагорно-Карабахская автономная область",
}


def squeezed(text: str) -> str:
    """``text`` without white space (labels are wrapped, at spaces and after hyphens)."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("convention", list(COUNTRIES))
def test_web_map_labels_name_countries_and_oblast_in_the_convention(
    dataset: Dataset, convention: str
) -> None:
    frames = layer_features(dataset, None, ("countries", "nkao"), convention)
    collections = feature_collections(frames)
    labels = {
        squeezed(f["properties"]["label"].replace("<br>", ""))
        for c in collections.values()
        for f in c["features"]
        if "label" in f["properties"]
    }
    assert {squeezed(name) for name in COUNTRIES[convention]} <= labels
    assert squeezed(OBLAST[convention]) in labels
    tooltips = {f["properties"]["tooltip"] for f in collections["countries"]["features"]}
    assert ARMENIA[convention] in tooltips  # on hover as written, not in capitals


@pytest.mark.parametrize("convention", list(COUNTRIES))
def test_pdf_map_names_countries_and_oblast_in_the_convention(
    dataset: Dataset, convention: str
) -> None:
    view = View(day=CEASEFIRE, convention=convention)
    reader = PdfReader(io.BytesIO(export_bytes(dataset, view, "pdf")))
    text = squeezed(" ".join(page.extract_text() for page in reader.pages))
    for name in (*COUNTRIES[convention], OBLAST[convention]):
        assert squeezed(name) in text, (convention, name)
    if convention == "az":
        assert "ERMƏNISTAN" not in text  # str.upper() would print a dotless capital I


@pytest.mark.parametrize("convention", ["az", "ru", "hy"])
def test_gis_export_carries_the_forms_and_the_chosen_label(
    dataset: Dataset, convention: str
) -> None:
    view = View(day=CEASEFIRE, layers=("countries", "nkao"), convention=convention)
    features = json.loads(export_bytes(dataset, view, "geojson"))["features"]
    armenia = next(f["properties"] for f in features if f["properties"]["name_en"] == "Armenia")
    assert armenia["label"] == ARMENIA[convention]
    assert (armenia["name_hy_native"], armenia["name_az"], armenia["name_ru_native"]) == (
        "Հայաստան",
        "Ermənistan",
        "Армения",
    )
    assert "cldr-main-az" in armenia["source_ids"]


# --- the slides: the names the story must show are placed ------------------------------


def placed_texts(dataset: Dataset, slide: slides.Slide) -> str:
    """The labels placed on a slide's map (its map axes only: not the legend, which
    also names the oblast), squeezed."""
    page = slides.SizedPage(6.0, 4.0)
    slides.draw_panel(
        page, dataset, slide, slides.slide_frames(dataset, slide), (0.0, 0.0, 6.0, 4.0),
        legend_pt=slides.LEGEND_PT / 2, min_legend_pt=slides.MIN_LEGEND_PT / 2,
    )  # fmt: skip
    (ax,) = [a for a in page.figure.axes if a.get_label() == "map"]
    return squeezed(" ".join(t.get_text() for t in _texts(ax)))


def _texts(ax: Axes) -> list[Text]:
    return [t for t in ax.texts if t.get_text()]


@pytest.mark.parametrize("convention", ["dual", "ru"])
def test_article_slides_4_and_7_place_the_oblast_and_syunik(
    dataset: Dataset, convention: str
) -> None:
    deck = load_deck(settings.DATA_DIR / "decks" / "article.yaml", dataset)
    handover, gyumri = deck.slides[3], deck.slides[6]
    assert "nkao" in handover.view.layers and "provinces" in gyumri.view.layers
    handover = replace(handover, view=replace(handover.view, convention=convention))
    gyumri = replace(gyumri, view=replace(gyumri.view, convention=convention))
    oblast = {"dual": "Nagorno-Karabakh", "ru": "Нагорно-Карабахская"}[convention]
    syunik = {"dual": "Syunik", "ru": "Сюникская"}[convention]
    assert oblast in placed_texts(dataset, handover)
    assert syunik in placed_texts(dataset, gyumri)


def test_the_hostile_copy_labels_countries_as_escaped_text(hostile_dataset: Dataset) -> None:
    frames = layer_features(
        hostile_dataset, state_at(hostile_dataset, CEASEFIRE), LAYER_IDS, "dual"
    )
    countries = feature_collections({"countries": frames["countries"]})["countries"]
    labels = [f["properties"]["label"] for f in countries["features"]]
    assert labels and all("&lt;IMG SRC=X ONERROR=ALERT(1)&gt;" in label for label in labels)
    assert not any("<IMG" in label or "${" in label for label in labels)
    tooltips = [f["properties"]["tooltip"] for f in countries["features"]]
    assert all("&lt;img src=x" in t and "<img" not in t for t in tooltips)
    names = [hostile_dataset.boundary_names[("countries", "Armenia")].names]
    assert all(CLEAN_PAYLOAD in form for form in names[0].all())  # every form is hostile
