"""The ground layers (issue 21): rivers, lakes, roads and the railway in the catalogue,
drawn by zoom on the web map and by extent on paper, in the legends and GIS exports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from shapely.geometry import box

from geo import settings
from geo.dataset import Dataset
from layers import catalog
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.exports import export_bytes
from layers.features import layer_features, view_features
from layers.legend_entries import drawn_legend_entries
from layers.paper import layouts
from layers.paper.map_content import at_paper_scale
from layers.web.geojson import feature_collection, feature_style, zoom_css
from layers.web.legend import drawn_legend_html
from layers.web.map import base_map

GROUND = ("lakes", "rivers", "roads", "railways")
#: Karabakh and the corridor, the scale of the issue's paper maps.
KARABAKH = (45.9, 39.15, 47.7, 40.45)
DAY = settings.ARTICLE_DATE


def test_the_catalogue_holds_the_ground_with_its_scales() -> None:
    roads, rivers = catalog.layer("roads"), catalog.layer("rivers")
    assert roads.dated and not rivers.dated and not catalog.layer("lakes").dated
    assert roads.min_zoom("road") == 8 and rivers.min_zoom("river-minor") == 9
    assert rivers.min_zoom("river") is None  # the Aras and the Kura at every zoom
    assert roads.drawn_at_span("road", catalog.span_deg(DEFAULT_BOUNDS))
    assert not roads.drawn_at_span("road", catalog.span_deg(settings.REGION_BBOX))
    assert rivers.drawn_at_span("river-minor", catalog.span_deg(KARABAKH))
    assert not rivers.drawn_at_span("river-minor", catalog.span_deg(DEFAULT_BOUNDS))
    assert catalog.MIN_ZOOMS == (8, 9)


def test_features_carry_names_classes_and_dates(dataset: Dataset) -> None:
    situation_day = dt.date(2000, 1, 1)
    view = View(day=situation_day, layers=GROUND, convention="az")
    frames = view_features(dataset, view)
    rivers = frames["rivers"]
    assert set(rivers["style_key"]) == {"river", "river-minor"}
    assert list(rivers.loc[rivers["label"] != "", "label"]) == ["Araz"]
    assert list(frames["lakes"].loc[frames["lakes"]["label"] != "", "label"]) == ["Lake Sevan"]
    roads = dict(zip(frames["roads"]["id"], frames["roads"]["label"], strict=True))
    assert roads["goris-lachin-stepanakert-road"] == "Goris–Laçın–Xankəndi road"
    railways = dict(zip(frames["railways"]["id"], frames["railways"]["style_key"], strict=True))
    assert railways == {  # in 2000 the lines to Iran and to Turkey are out of use
        "aras-railway-former": "former-railway",
        "gyumri-kars-railway-former": "former-railway",
        "yerevan-gyumri-railway": "railway",
        "gyumri-tbilisi-railway": "railway",
    }
    ru = layer_features(dataset, None, ["rivers"], "ru")["rivers"]
    assert "Аракс" in set(ru["label"])
    aras = rivers[rivers["label"] == "Araz"].iloc[0]
    assert aras["source_ids"][0] == "columbia-aras" and aras["status"] == "confirmed"


def test_the_web_map_draws_roads_and_minor_rivers_from_their_zoom(dataset: Dataset) -> None:
    frames = view_features(dataset, View(layers=GROUND))
    zooms = {
        layer_id: {
            (f["properties"]["style_key"], f["properties"].get("min_zoom"))
            for f in feature_collection(frame)["features"]
        }
        for layer_id, frame in frames.items()
    }
    assert zooms["rivers"] == {("river", None), ("river-minor", 9)}
    assert zooms["roads"] == {("road", 8)} and zooms["lakes"] == {("lake", None)}
    road = feature_collection(frames["roads"])["features"][0]
    assert feature_style(road)["className"] == "bm-from-z8"
    assert "className" not in feature_style(feature_collection(frames["lakes"])["features"][0])
    html = base_map(dataset, DEFAULT_BOUNDS, "vector").get_root().render()
    assert zoom_css((8, 9)) in html and "'bm-below-z' + z" in html


def test_the_web_legend_hides_the_lines_it_hides(dataset: Dataset) -> None:
    frames = view_features(dataset, View(layers=GROUND))
    legend = drawn_legend_html({k: feature_collection(f) for k, f in frames.items()})
    assert "class='bm-legend-row bm-from-z8'" in legend  # the road
    assert "class='bm-legend-row bm-from-z9'" in legend  # the minor river
    assert "class='bm-legend-row'" in legend  # the lake and the river: every zoom
    assert "class='bm-legend-group'>Ground<" in legend  # lakes are drawn at every zoom


def test_paper_leaves_out_what_its_extent_is_too_wide_for(dataset: Dataset) -> None:
    def drawn(bounds: tuple[float, float, float, float]) -> dict[str, set[str]]:
        frames = at_paper_scale(view_features(dataset, View(bounds=bounds)), bounds)
        return {k: set(frames[k]["style_key"]) for k in GROUND}

    karabakh, default = drawn(KARABAKH), drawn(DEFAULT_BOUNDS)
    assert karabakh["rivers"] == {"river", "river-minor"} and karabakh["roads"] == {"road"}
    assert default["rivers"] == {"river"} and default["roads"] == {"road"}
    whole = drawn(settings.REGION_BBOX)
    assert whole["roads"] == whole["railways"] == set() and whole["lakes"] == {"lake"}


def test_a_karabakh_map_page_draws_and_lists_the_ground(dataset: Dataset) -> None:
    view = View(bounds=KARABAKH)
    figure = layouts.map_figure(dataset, view)
    texts = {t.get_text() for ax in figure.axes for t in ax.texts}
    legend = {t.get_text() for ax in figure.axes for t in getattr(ax.get_legend(), "texts", [])}
    # the chosen extent is kept as it is since issue 22: Lake Sevan (west of 45.9°E) is
    # off this map, so not in its legend
    assert {"Road (towns joined straight)", "River", "Minor river"} <= legend
    assert "Lake" not in legend
    assert "Aras / Araks / Araz" in texts
    # a route is labelled where there is room (the must-show names and the event markers
    # come first since issue 22; on this crowded page the railway along the Aras)
    assert any(text.startswith("Former railway along the") for text in texts)
    wide = layouts.map_figure(dataset, View(bounds=settings.REGION_BBOX))
    wide_legend = {t.get_text() for ax in wide.axes for t in getattr(ax.get_legend(), "texts", [])}
    assert "Road (towns joined straight)" not in wide_legend and "River" in wide_legend


def test_legend_entries_follow_the_date(dataset: Dataset) -> None:
    before = view_features(dataset, View(day=dt.date(1991, 6, 1), layers=GROUND))
    labels = {d.entry.label for d in drawn_legend_entries(before)}
    assert "Railway" in labels and "Railway out of use" not in labels


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_gis_exports_hold_the_ground_whatever_the_extent(dataset: Dataset, fmt: str) -> None:
    view = View(day=DAY, layers=GROUND, bounds=settings.REGION_BBOX)
    data = export_bytes(dataset, view, fmt)
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert "lachin-corridor-road" in text and "river class 4" in text
        return
    features = json.loads(data)["features"]
    by_id = {f["properties"]["id"]: f["properties"] for f in features}
    corridor = by_id["lachin-corridor-road"]
    assert (corridor["kind"], corridor["start"], corridor["end"]) == (
        "road",
        "2020-11-10",
        "2022-08-31",
    )
    assert by_id["rivers-10"]["kind"] == "river class 2" and by_id["rivers-10"]["name_en"] == "Aras"
    assert sum(f["properties"]["layer"] == "rivers" for f in features) == 67


#: About the web map's view at zoom 10 over Gyumri (1,500 x 1,000 px): 2 x 1 degrees.
GYUMRI_ZOOM_10 = (42.8, 40.3, 44.9, 41.3)


def test_the_villages_of_the_ground_are_their_own_layer_at_village_scale(
    dataset: Dataset,
) -> None:
    spec = catalog.layer("ground-villages")
    assert isinstance(spec.source, catalog.PlaceSource) and spec.source.ground
    assert spec.group == "Ground" and spec.min_zoom("village-ground") == 9
    assert spec.label is not None and spec.label.permanent_on_web
    frames = view_features(dataset, View(layers=("places", "ground-villages")))
    ground = set(frames["ground-villages"]["id"])
    assert {"place-arapi", "place-musayelyan"} <= ground
    assert not ground & set(frames["places"]["id"])  # not among the towns
    assert set(frames["ground-villages"]["style_key"]) == {"village-ground"}
    web = feature_collection(frames["ground-villages"])["features"][0]
    assert feature_style(web)["className"] == "bm-from-z9"
    near = at_paper_scale(view_features(dataset, View(bounds=GYUMRI_ZOOM_10)), GYUMRI_ZOOM_10)
    assert len(near["ground-villages"]) >= 2
    wide = at_paper_scale(view_features(dataset, View()), DEFAULT_BOUNDS)
    assert len(wide["ground-villages"]) == 0  # the region's default extent: too wide


def test_zoom_10_over_gyumri_holds_a_road_railways_and_villages(dataset: Dataset) -> None:
    """What the browser test sees there, in the features: the M1, a railway in use, the
    railway to Kars out of use, the villages (main before this had only rivers and a lake)."""
    frames = view_features(dataset, View(day=DAY, bounds=GYUMRI_ZOOM_10))
    area = box(*GYUMRI_ZOOM_10)

    def inside(layer_id: str) -> set[str]:
        frame = frames[layer_id]
        return set(frame.loc[frame.intersects(area), "style_key"])

    assert inside("roads") == {"road"}
    assert inside("railways") == {"railway", "former-railway"}
    assert inside("ground-villages") == {"village-ground"}
