"""The comparison map (layers/web/compare.py): one map, two panes, a swipe bar."""

from __future__ import annotations

import datetime as dt

import folium

from geo.change import compare
from geo.dataset import Dataset
from geo.situation import state_at
from geo.user_layers import read_user_layer
from layers.briefing.view import DEFAULT_BOUNDS
from layers.catalog import DRAW_ORDER, LAYERS
from layers.change_layer import change_features
from layers.features import layer_features, runtime_features
from layers.user_layer import showing
from layers.web.compare import (
    AFTER_PANE,
    BEFORE_PANE,
    CHANGE_GROUP,
    FIXED_PANE,
    compare_bounds,
    compare_groups,
    compare_map,
)
from layers.web.geojson import feature_collection, feature_collections
from tests.geo.test_user_layers import feature_collection as user_collection
from tests.geo.test_user_layers import point

DATED = [spec.id for spec in LAYERS if spec.dated]


def _dated(dataset: Dataset, day: dt.date) -> dict[str, object]:
    return feature_collections(layer_features(dataset, state_at(dataset, day), DATED, "dual"))


def _rendered(group: folium.FeatureGroup) -> str:
    fmap = folium.Map()
    group.add_to(fmap)
    return str(fmap.get_root().render())


def test_groups_draw_each_day_in_its_pane_and_keep_their_number(dataset: Dataset) -> None:
    before, after = dt.date(2020, 11, 9), dt.date(2020, 12, 1)
    change = feature_collection(change_features(dataset, compare(dataset, before, after)))
    groups = compare_groups(
        {}, _dated(dataset, before), _dated(dataset, after), change, days=(before, after)
    )
    empty = compare_groups({}, {}, {}, None)
    assert len(groups) == len(empty) == 3 * len(DRAW_ORDER) + 4
    rendered = [_rendered(g) for g in groups]
    before_part = "".join(rendered[: len(DRAW_ORDER)])
    after_part = "".join(rendered[len(DRAW_ORDER) : 2 * len(DRAW_ORDER) + 1])
    assert "aghdam-district-armenian" in before_part and "aghdam-district-azerbaijani" in after_part
    assert f'"pane": "{BEFORE_PANE}"' in before_part and AFTER_PANE not in before_part
    assert f'"pane": "{AFTER_PANE}"' in after_part and BEFORE_PANE not in after_part
    assert "change-armenian-azerbaijani" in rendered[2 * len(DRAW_ORDER)]


def test_the_base_map_has_the_bar_its_panes_and_the_overlay(dataset: Dataset) -> None:
    html = compare_map(dataset, DEFAULT_BOUNDS, "vector").get_root().render()
    for pane in (BEFORE_PANE, AFTER_PANE, FIXED_PANE):
        assert pane in html
    assert "bm-swipe" in html and "bm-date-stamp" in html and "bm-legend-box" in html
    assert "cdn" not in html.lower()


def test_the_last_group_stamps_both_dates_and_lists_what_changed_first(dataset: Dataset) -> None:
    before, after = dt.date(2020, 11, 9), dt.date(2020, 12, 1)
    change = feature_collection(change_features(dataset, compare(dataset, before, after)))
    groups = compare_groups(
        {}, _dated(dataset, before), _dated(dataset, after), change, days=(before, after)
    )
    situation = _rendered(groups[-3])
    assert "Before 9 November 2020 \\u00b7 after 1 December 2020" in situation
    legend = situation[situation.index("bmState") :]
    changed = legend.index("Passed from Armenian forces to Azerbaijan")
    assert legend.index(CHANGE_GROUP) < changed < legend.index("Held by Azerbaijan")
    # Only what is drawn: no change that day, no change legend; no dates, no stamp.
    same = compare_groups({}, _dated(dataset, after), _dated(dataset, after), None)
    quiet = _rendered(same[-3])
    assert CHANGE_GROUP not in quiet and "Passed from" not in quiet
    assert 'date: ""' in quiet


def test_the_default_extent_closes_in_on_the_control_areas(dataset: Dataset) -> None:
    min_x, min_y, max_x, max_y = compare_bounds(dataset, DEFAULT_BOUNDS)
    d_min_x, _, d_max_x, d_max_y = DEFAULT_BOUNDS
    # Kalbajar (46.0 E, 40.1 N) to Zangilan (46.7 E, 39.1 N) inside, Gyumri (43.8 E) out.
    assert 43.8 < min_x < 46.0 and 46.7 < max_x <= d_max_x
    assert min_y < 39.1 and 40.1 < max_y < d_max_y
    assert (max_x - min_x) < 0.6 * (d_max_x - d_min_x)
    chosen = (44.0, 39.0, 45.0, 40.0)
    assert compare_bounds(dataset, chosen) == chosen


def test_the_users_layers_are_drawn_on_each_side_as_on_their_day(dataset: Dataset) -> None:
    before, after = dt.date(2020, 11, 9), dt.date(2020, 12, 1)
    mine = read_user_layer(
        user_collection(
            point(46.6, 39.6, name="Seen before", date="2020-11-01"),
            point(46.5, 39.7, name="Seen after", date="2020-11-20"),
        ),
        "notes.geojson",
    )
    with showing([mine]):
        collections = [feature_collections(runtime_features(day)) for day in (before, after)]
        groups = compare_groups({}, *collections, None, days=(before, after))
        rendered = [_rendered(g) for g in groups]
    per_side = len(DRAW_ORDER) + 1
    assert len(groups) == 3 * len(DRAW_ORDER) + 6
    before_part, after_part = rendered[per_side - 1], rendered[2 * per_side - 1]
    assert "Seen before" in before_part and "Seen after" not in before_part
    assert "Seen before" in after_part and "Seen after" in after_part
    assert f'"pane": "{BEFORE_PANE}"' in before_part and f'"pane": "{AFTER_PANE}"' in after_part
    assert "notes" in rendered[-3]  # the situation group (before swipe, notes) lists it
