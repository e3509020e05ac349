"""The screen map's date stamp, its legend of what is drawn, and its area labels."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from shapely.geometry import Point

from geo.dataset import Dataset
from geo.situation import state_at
from layers.briefing.view import DEFAULT_BOUNDS
from layers.catalog import LAYER_IDS, layer
from layers.features import layer_features
from layers.web.geojson import feature_collections
from layers.web.groups import feature_groups
from layers.web.labels import area_label_points
from layers.web.legend import drawn_legend_html
from layers.web.map import base_map

BEFORE_WAR = dt.date(2020, 9, 26)
STATEMENT = dt.date(2020, 11, 10)
ARTICLE_DAY = dt.date(2021, 2, 23)


def collections(data: Dataset, day: dt.date, layer_ids: tuple[str, ...] = LAYER_IDS) -> dict:
    return feature_collections(layer_features(data, state_at(data, day), layer_ids, "dual"))


def state_of(data: Dataset, day: dt.date, layer_ids: tuple[str, ...] = LAYER_IDS) -> dict:
    """The date stamp and legend the app's last feature group hands to the base map."""
    fmap = base_map(data, DEFAULT_BOUNDS, "vector")
    groups = feature_groups(collections(data, day, layer_ids), None, day=day)
    for group in groups:
        group.add_to(fmap)
    html = str(fmap.get_root().render())
    found = re.search(r"\.bmState = \{\s*date: (\".*?\"), legend: (\".*?\"),", html)
    assert found is not None
    return {"date": json.loads(found.group(1)), "legend": json.loads(found.group(2))}


def test_the_date_stamp_names_the_day(dataset: Dataset) -> None:
    assert state_of(dataset, STATEMENT)["date"] == "Situation on 10 November 2020"
    assert state_of(dataset, BEFORE_WAR, ())["date"] == "Situation on 26 September 2020"


def test_the_legend_lists_only_what_is_drawn_that_day(dataset: Dataset) -> None:
    before = state_of(dataset, BEFORE_WAR)["legend"]
    assert "Held by Armenian forces" in before
    # Before the war Azerbaijan held the oblast's edge beyond the 1994 line; before 1992 the
    # map draws no control at all.
    assert "Held by Azerbaijan" in before
    assert "Held by" not in state_of(dataset, dt.date(1991, 6, 1))["legend"]
    assert "Peacekeeping HQ" not in before and "Proposed deployment area" not in before
    statement = state_of(dataset, STATEMENT)["legend"]
    assert "Peacekeeping HQ" in statement and "Held by Azerbaijan" in statement
    assert "Proposed deployment area" not in statement  # from 22 February 2021
    assert "Proposed deployment area" in state_of(dataset, ARTICLE_DAY)["legend"]


def test_the_legend_follows_the_layers_and_is_empty_without_any(dataset: Dataset) -> None:
    legend = state_of(dataset, ARTICLE_DAY, ("control",))["legend"]
    assert "Held by Azerbaijan" in legend and "Town or city" not in legend
    assert "Approximate or proposed" not in drawn_legend_html(
        collections(dataset, ARTICLE_DAY, ("countries",))
    )
    assert state_of(dataset, ARTICLE_DAY, ())["legend"] == ""


def test_country_oblast_and_district_labels_hang_from_anchors_inside_them(
    dataset: Dataset,
) -> None:
    frames = layer_features(dataset, None, ["countries", "nkao", "districts"], "dual")
    anchors = area_label_points(frames)
    assert len(anchors) == sum(len(f) for f in frames.values()) == 6 + 1 + 7
    inner = [g for layer_id in ("nkao", "districts") for g in frames[layer_id].geometry]
    for frame in frames.values():
        for row in frame.itertuples():
            assert row.geometry.contains(Point(anchors[row.id])), row.label
    azerbaijan = frames["countries"].set_index("label").loc["Azerbaijan", "id"]
    assert not any(g.contains(Point(anchors[azerbaijan])) for g in inner)


def test_area_labels_carry_look_and_catalogue_priority(dataset: Dataset) -> None:
    fmap = base_map(dataset, DEFAULT_BOUNDS, "vector")
    for group in feature_groups(collections(dataset, ARTICLE_DAY, ("countries", "nkao"))):
        group.add_to(fmap)
    html = str(fmap.get_root().render())
    country = layer("countries").label
    assert country is not None
    assert f"bm-label bm-look-country bm-p-{country.priority} bm-area" in html
    # the country look of layers.styles is in capitals, written by language in the data
    # (CSS text-transform would print Azerbaijani "Türkiyə" as TÜRKIYƏ without a lang)
    assert '"label": "ARMENIA"' in html and '"label": "AZERBAIJAN"' in html
    assert "text-transform" not in html and "letter-spacing: 0.12em" in html


@pytest.mark.parametrize("day", [BEFORE_WAR, ARTICLE_DAY])
def test_the_base_map_never_changes_with_the_day(dataset: Dataset, day: dt.date) -> None:
    html = str(base_map(dataset, DEFAULT_BOUNDS, "vector").get_root().render())
    assert "Situation on" not in html and "bm-date-stamp" in html and "bm-legend-box" in html
