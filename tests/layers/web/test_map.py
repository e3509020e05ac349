"""The Folium bridge: layers reach the rendered HTML, styled, small, and only those asked."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from typing import Any

import folium
import pytest
from shapely.geometry import LineString, Point, box

from geo.dataset import Dataset, load_dataset
from geo.situation import in_force, state_at
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.catalog import DRAW_ORDER, LAYER_IDS, LAYERS, SiteSource
from layers.features import layer_features, view_features
from layers.styles import STYLES
from layers.web.geojson import COORD_DECIMALS, feature_collections, feature_style, prepare_geometry
from layers.web.groups import feature_groups
from layers.web.html import POPUP_STYLES, parts_html, popup_html, popup_parts
from layers.web.map import base_map, standalone_html
from tests.conftest import MakeDataDir

ARTICLE_DAY = dt.date(2021, 2, 23)
BEFORE_WAR = dt.date(2020, 9, 26)


def render_map(data: Dataset, day: dt.date, layer_ids: tuple[str, ...] = LAYER_IDS) -> str:
    """The whole app map (base + every group) rendered as one HTML page."""
    frames = layer_features(data, state_at(data, day), layer_ids, "dual")
    fmap = base_map(data, DEFAULT_BOUNDS, "vector")
    for group in feature_groups(feature_collections(frames)):
        group.add_to(fmap)
    return str(fmap.get_root().render())


def styles_by_id(
    data: Dataset, day: dt.date, layer_ids: tuple[str, ...] = LAYER_IDS
) -> dict[str, dict[str, Any]]:
    """Feature id -> the Leaflet style the web map gives it (its ``style_function``)."""
    frames = layer_features(data, state_at(data, day), layer_ids, "dual")
    return {
        feature["id"]: feature_style(feature)
        for collection in feature_collections(frames).values()
        for feature in collection["features"]
    }


def test_every_layer_with_features_is_in_the_rendered_map(dataset: Dataset) -> None:
    frames = layer_features(dataset, state_at(dataset, ARTICLE_DAY), LAYER_IDS, "dual")
    html = render_map(dataset, ARTICLE_DAY)
    # Layers of site kinds with no record in force on the day (the story after the article:
    # the EU mission and checkpoints come later, no transit route is drawn) are empty.
    unrecorded = [
        spec for spec in LAYERS
        if isinstance(spec.source, SiteSource)
        and not any(
            site.kind in spec.source.kinds and in_force(site, ARTICLE_DAY)
            for site in dataset.sites
        )
    ]  # fmt: skip
    assert sum(not frame.empty for frame in frames.values()) >= len(LAYER_IDS) - 2 - len(
        unrecorded
    )
    for layer_id, frame in frames.items():
        for feature_id in frame["id"]:
            assert f'"id": "{feature_id}"' in html, (layer_id, feature_id)
    # line, pin, situation, notes, playback by day
    assert html.count("L.featureGroup(") == len(LAYER_IDS) + 5


def test_feature_groups_always_cover_the_whole_catalogue(dataset: Dataset) -> None:
    frames = layer_features(dataset, state_at(dataset, ARTICLE_DAY), ["control"], "dual")
    groups = feature_groups(feature_collections(frames))
    # measured line, pin, situation, annotations, playback by day
    assert len(groups) == len(DRAW_ORDER) + 5
    filled = [g.layer_name for g in groups if g._children]
    assert filled == ["Who held what on the date", "Situation", "Annotations", "Playback"]


def test_base_map_does_not_depend_on_date_or_layers(dataset: Dataset) -> None:
    def script(fmap: folium.Map) -> str:
        text = str(fmap.get_root().render())
        return re.sub(r"_[0-9a-f]{32}", "", text)

    first = base_map(dataset, DEFAULT_BOUNDS, "vector")
    second = base_map(dataset, DEFAULT_BOUNDS, "vector")
    assert script(first) == script(second)
    assert "aghdam-district" not in script(first)  # no dated content in the base
    assert "Held by Armenian forces" not in script(first)  # the legend comes with the day
    assert "bm-legend-box" in script(first) and "bm-date-stamp" in script(first)
    assert "L.control.scale" in script(first)


def test_control_colour_follows_the_holder(dataset: Dataset) -> None:
    before = styles_by_id(dataset, BEFORE_WAR, ("control",))
    after = styles_by_id(dataset, ARTICLE_DAY, ("control",))
    assert before["aghdam-district-armenian"]["fillColor"] == STYLES["control-armenian"].fill
    assert "aghdam-district-azerbaijani" not in before
    assert after["aghdam-district-azerbaijani"]["fillColor"] == STYLES["control-azerbaijani"].fill
    assert "aghdam-district-armenian" not in after


def test_uncertain_features_are_dashed_and_certain_areas_are_not(dataset: Dataset) -> None:
    frames = layer_features(dataset, state_at(dataset, ARTICLE_DAY), LAYER_IDS, "dual")
    styles = styles_by_id(dataset, ARTICLE_DAY)
    uncertain = 0
    for frame in frames.values():
        for row in frame.itertuples():
            if row.status in ("approximate", "proposed"):
                uncertain += 1
                assert "dashArray" in styles[row.id], row.id
            elif row.style_key.startswith("control-"):
                assert "dashArray" not in styles[row.id], row.id
    assert uncertain > 0


def test_approximate_control_area_gets_a_dash(make_data_dir: MakeDataDir) -> None:
    from tests.conftest import CONTROL

    control = [dict(CONTROL[0], status="approximate", note="drawn roughly"), CONTROL[1]]
    data = load_dataset(make_data_dir(control=control))
    styles = styles_by_id(data, BEFORE_WAR, ("control",))
    assert styles["east-a"]["dashArray"] == "6 4"
    # the fill keeps its lightness: the two holders must stay apart in greyscale
    assert styles["east-a"]["fillOpacity"] == STYLES["control-armenian"].fill_opacity


def test_prepare_geometry_simplifies_big_shapes_and_keeps_small_ones() -> None:
    dense = LineString([(44 + i / 1000, 40 + 0.0001 * (i % 2)) for i in range(1001)])
    assert len(prepare_geometry(dense).coords) < 10
    small = box(45.0, 40.0, 45.01, 40.01).buffer(0.001)
    assert len(prepare_geometry(small).exterior.coords) == len(small.exterior.coords)
    point = prepare_geometry(Point(45.123456789, 40.987654321))
    assert (point.x, point.y) == (45.12346, 40.98765)


def test_whole_map_payload_is_small_and_rounded(dataset: Dataset) -> None:
    html = render_map(dataset, ARTICLE_DAY)
    assert len(gzip.compress(html.encode())) < 250 * 1024
    assert len(html.encode()) < 1024 * 1024
    coordinates = re.findall(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]", html)
    assert len(coordinates) > 500
    too_fine = [c for c in coordinates if any(len(v.split(".")[1]) > COORD_DECIMALS for v in c)]
    assert too_fine == []


def test_map_loads_leaflet_from_the_app_not_a_cdn(dataset: Dataset) -> None:
    fmap = base_map(dataset, DEFAULT_BOUNDS, "vector")
    html = str(fmap.get_root().render())
    assert "/app/static/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html
    assert "jquery" not in html.lower()


def test_osm_basemap_has_tiles_and_vector_basemap_has_land(dataset: Dataset) -> None:
    osm = str(base_map(dataset, DEFAULT_BOUNDS, "osm").get_root().render())
    vector = str(base_map(dataset, DEFAULT_BOUNDS, "vector").get_root().render())
    assert "tile.openstreetmap.org" in osm
    assert "tile.openstreetmap.org" not in vector
    assert '"fillColor": "#f4f1ea"' in vector


def test_standalone_html_holds_only_the_view_layers(dataset: Dataset) -> None:
    view = View(day=BEFORE_WAR, layers=("control", "russian-bases"), title="Test <title>")
    html = standalone_html(dataset, view)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "aghdam-district-armenian" in html
    assert "russian-102nd-base" in html
    for absent in ("place-yerevan", "countries-0", "ceasefire-1994-in-force", "peacekeeping-zone"):
        assert absent not in html, absent
    assert "Held by Armenian forces" in html
    assert "Town or city" not in html  # legend of visible layers only
    assert "Test &lt;title&gt;" in html and "Test <title>" not in html
    assert "26 September 2020" in html
    assert "L.control.scale" in html
    assert "<h2>Sources</h2>" in html and "Natural Earth" in html
    assert "cdn.jsdelivr" not in html and "Leaflet 1.9.4" in html  # inlined, offline


@pytest.mark.parametrize(("convention", "label"), [("az", "Alfa-az"), ("hy", "Alfa")])
def test_labels_follow_the_naming_convention(
    make_data_dir: MakeDataDir, convention: str, label: str
) -> None:
    data = load_dataset(make_data_dir())
    view = View(layers=("places",), convention=convention)
    html = standalone_html(data, view)
    assert f'"tooltip": "{label}"' in html


def test_rendering_never_modifies_a_reused_feature_collection(dataset: Dataset) -> None:
    import copy

    situation = state_at(dataset, ARTICLE_DAY)
    frames = layer_features(dataset, situation, ["districts", "russian-bases"], "dual")
    collections = feature_collections(frames)
    pristine = copy.deepcopy(collections)
    for _ in range(2):
        fmap = base_map(dataset, DEFAULT_BOUNDS, "vector")
        for group in feature_groups(collections):
            group.add_to(fmap)
        fmap.get_root().render()
    assert collections == pristine


def test_standalone_page_cites_each_source_once(dataset: Dataset) -> None:
    html = standalone_html(dataset, View())
    sources = html[html.index("<h2>Sources</h2>") :]
    items = re.findall(r"<li>(.*?)</li>", sources)
    assert len(items) == len(set(items))
    assert sum("Natural Earth" in item for item in items) == 1


def test_popup_look_is_in_the_page_stylesheet_not_on_every_feature(dataset: Dataset) -> None:
    html = standalone_html(dataset, View())
    popups = [
        parts_html(feature["properties"]["popup"])
        for collection in feature_collections(view_features(dataset, View())).values()
        for feature in collection["features"]
    ]
    assert len(popups) > 20
    assert not any("style=" in popup for popup in popups)
    assert all(popup.startswith("<div class='bm-popup'>") for popup in popups)
    for part, rule in POPUP_STYLES.items():  # the same look, once, for the page
        selector = ".bm-popup" if part == "div" else f".bm-popup {part}"
        assert f"{selector} {{ {rule} }}" in html
    assert "style='text-align:left" not in html


def test_a_popup_is_sent_as_escaped_parts_that_make_the_same_html() -> None:
    hostile = "<img src=x onerror=alert(1)> ${alert(1)} `x` {{7*7}} </script> \\ &"
    details = [(hostile, hostile), ("Status", "reported")]
    parts = popup_parts(hostile, details, [hostile, "Source two"])
    title, cells, sources = parts
    assert len(cells) == 4 and len(sources) == 2
    for text in (title, *cells, *sources):  # every piece escaped: no markup, no template
        assert not set(text) & set("<>`${}\\"), text
    assert parts_html(parts) == popup_html(hostile, details, [hostile, "Source two"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in parts_html(parts)
