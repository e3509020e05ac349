"""Layers prepared once per situation (layers.web.prepared, layers.web.situations):
st_folium sends the same script as without them, and the shared cache never answers for
another situation, naming, layer set or data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import pytest
import streamlit_folium
from streamlit_folium import get_full_id

from geo.dataset import Dataset
from geo.situation import state_at
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.catalog import DRAW_ORDER, LAYERS
from layers.features import layer_features
from layers.web import prepared, situations
from layers.web.compare import AFTER_PANE, BEFORE_PANE, FIXED_PANE, compare_groups, compare_map
from layers.web.geojson import feature_collections
from layers.web.groups import feature_groups
from layers.web.map import base_map
from layers.web.prepared import PreparedGroup
from layers.web.situations import situation_identity

DATED = tuple(spec.id for spec in LAYERS if spec.dated)
FIXED = tuple(spec.id for spec in LAYERS if not spec.dated)
#: Two days of one situation (nothing begins or ends between them), and days of others.
SAME = (dt.date(2020, 12, 2), dt.date(2020, 12, 3))
OTHERS = (dt.date(1994, 5, 12), dt.date(2020, 11, 10), dt.date(2021, 2, 23))


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    situations.clear()
    yield
    situations.clear()


def sent(
    dataset: Dataset, groups: list[Any], *, fmap: Any = None, render: bool = True
) -> dict[str, Any]:
    """The arguments st_folium hands to the browser component for ``groups`` on
    ``fmap`` (the default base map if None), rendering the whole figure first or not."""
    captured: dict[str, Any] = {}

    def component(**kwargs: Any) -> None:
        captured.update(kwargs)

    fmap = base_map(dataset, DEFAULT_BOUNDS, "vector") if fmap is None else fmap
    original = streamlit_folium._component_func
    streamlit_folium._component_func = component
    try:
        streamlit_folium.st_folium(fmap, key="map", feature_group_to_add=groups, render=render)
    finally:
        streamlit_folium._component_func = original
    return captured


def kept_by_index(
    dataset: Dataset, groups: list[Any], kept: Sequence[int], *, fmap: Any = None
) -> str:
    """The ``feature_group`` st_folium sends for the plain ``groups`` with each group at
    a position in ``kept`` made a kept group (``prepared.kept_script``) and
    :data:`prepared.RESET` first: what the prepared groups must send."""
    fmap = base_map(dataset, DEFAULT_BOUNDS, "vector") if fmap is None else fmap
    original = streamlit_folium.generate_leaflet_string

    def wrapped(group: Any, base_id: str = "0", **kwargs: Any) -> str:
        text: str = original(group, base_id=base_id, **kwargs)
        index = int(base_id.rsplit("_", 1)[1]) if base_id.startswith("feature_group_") else -1
        if index not in kept:
            return text
        text = prepared.kept_script(text.replace(get_full_id(fmap), "map_div"), index)
        return (prepared.RESET if index == 0 else "") + text

    streamlit_folium.generate_leaflet_string = wrapped
    try:
        text: str = sent(dataset, groups, fmap=fmap)["feature_group"]
    finally:
        streamlit_folium.generate_leaflet_string = original
    return text


def collections_on(dataset: Dataset, day: dt.date, convention: str) -> dict[str, Any]:
    frames = layer_features(dataset, state_at(dataset, day), DATED + FIXED, convention)
    return feature_collections(frames)


@pytest.mark.parametrize(("day", "convention"), [(OTHERS[1], "en"), (OTHERS[2], "az")])
def test_prepared_groups_send_what_st_folium_makes_of_the_layers(
    dataset: Dataset, day: dt.date, convention: str
) -> None:
    collections = collections_on(dataset, day, convention)
    del collections["events"]  # a layer switched off: an empty group
    plain = sent(dataset, feature_groups(collections, day=day))
    ready = prepared.groups(collections, prepared.prepare_all(collections))
    fast = sent(dataset, feature_groups(collections, day=day, prepared=ready))
    assert len(ready) == len(DATED + FIXED)
    assert fast["feature_group"] == kept_by_index(
        dataset, feature_groups(collections, day=day), range(len(DRAW_ORDER))
    )
    assert fast["script"] == plain["script"] and fast["key"] == plain["key"]
    assert fast["js_links"] == plain["js_links"] and fast["css_links"] == plain["css_links"]
    assert "Situation on" in fast["feature_group"]  # the date stamp is still built per run


def test_two_days_of_one_situation_share_one_prepared_object(dataset: Dataset) -> None:
    first, second = (state_at(dataset, day) for day in SAME)
    assert situation_identity(first, DATED, dataset=dataset) == situation_identity(
        second, DATED, dataset=dataset
    )
    one = situations.situation_layers("v1", dataset, first, DATED, "en")
    two = situations.situation_layers("v1", dataset, second, DATED, "en")
    for layer_id in DATED:  # each layer's entry is shared
        assert two[0][layer_id] is one[0][layer_id] and two[1][layer_id] is one[1][layer_id]


def test_a_day_where_only_the_events_changed_prepares_only_the_events(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dated layer is prepared under its own identity: an event beginning does not
    prepare the villages, the control areas or the sites again."""
    before, after = _days_where_only_events_differ(dataset)
    one = situations.situation_layers("v1", dataset, state_at(dataset, before), DATED, "en")
    made: list[str] = []
    original = situations.prepare

    def counted(layer_id: str, *args: Any, **kwargs: Any) -> prepared.PreparedScript:
        made.append(layer_id)
        return original(layer_id, *args, **kwargs)

    monkeypatch.setattr(situations, "prepare", counted)
    two = situations.situation_layers("v1", dataset, state_at(dataset, after), DATED, "en")
    assert made == ["events"]
    assert two[1]["events"].key != one[1]["events"].key
    assert all(two[1][i] is one[1][i] for i in DATED if i != "events")


def _days_where_only_events_differ(dataset: Dataset) -> tuple[dt.date, dt.date]:
    """The first day after 1994 on which an event begins and nothing else changes."""
    for day in sorted({event.date for event in dataset.events}):
        if day < dt.date(1995, 1, 1):
            continue
        before, after = state_at(dataset, day - dt.timedelta(days=1)), state_at(dataset, day)
        if before.control == after.control and before.sites == after.sites and (
            before.routes == after.routes and before.lines == after.lines
        ) and all(c.held_on(day) == c.held_on(before.day) for c in dataset.communities):
            return before.day, day
    raise AssertionError("no such day in the data")


def test_another_situation_naming_layer_set_or_data_is_another_entry(dataset: Dataset) -> None:
    day = SAME[0]
    base = situations.situation_layers("v1", dataset, state_at(dataset, day), DATED, "en")
    others = [
        situations.situation_layers("v1", dataset, state_at(dataset, other), DATED, "en")
        for other in OTHERS
    ]
    others.append(situations.situation_layers("v1", dataset, state_at(dataset, day), DATED, "az"))
    others.append(
        situations.situation_layers("v1", dataset, state_at(dataset, day), DATED[1:], "en")
    )
    others.append(situations.situation_layers("v2", dataset, state_at(dataset, day), DATED, "en"))
    for other in others:
        assert other is not base
    scripts = {repr(sorted((k, v.script) for k, v in o[1].items())) for o in [base, *others]}
    assert len(scripts) == len(others)  # each differs from the base ("v2" is the same data)


def test_each_prepared_entry_is_what_the_day_draws(dataset: Dataset) -> None:
    for day in (*SAME, *OTHERS):
        for convention in ("en", "hy"):
            situation = state_at(dataset, day)
            collections, scripts = situations.situation_layers(
                "v1", dataset, situation, DATED, convention
            )
            frames = layer_features(dataset, situation, DATED, convention)
            assert collections == feature_collections(frames)
            assert scripts == prepared.prepare_all(feature_collections(frames))


def test_a_layer_outside_its_validity_changes_the_identity(dataset: Dataset) -> None:
    before, after = state_at(dataset, dt.date(1994, 5, 11)), state_at(dataset, dt.date(1994, 5, 12))
    assert situation_identity(before, ("ceasefire-line",), dataset=dataset) != (
        situation_identity(after, ("ceasefire-line",), dataset=dataset)
    )


def test_prepared_comparison_groups_send_what_st_folium_makes_of_them(dataset: Dataset) -> None:
    before, after = OTHERS[1], SAME[0]
    fixed = collections_on(dataset, before, "en")
    fixed = {k: v for k, v in fixed.items() if k in FIXED and k != "places"}  # one off
    layers = tuple(i for i in DATED if i != "events")  # one dated layer off
    n = len(DRAW_ORDER)
    left, left_scripts = situations.situation_layers(
        "v1", dataset, state_at(dataset, before), layers, "en", pane=BEFORE_PANE
    )
    right, right_scripts = situations.situation_layers(
        "v1", dataset, state_at(dataset, after), layers, "en", pane=AFTER_PANE, offset=n
    )
    plain = compare_groups(fixed, left, right, None, days=(before, after))
    fast = compare_groups(fixed, left, right, None, days=(before, after))
    fixed_scripts = prepared.prepare_all(fixed, pane=FIXED_PANE, offset=2 * n + 1)
    prepared.use_prepared(
        fast,
        [
            (left, left_scripts, BEFORE_PANE, 0),
            (right, right_scripts, AFTER_PANE, n),
            (fixed, fixed_scripts, FIXED_PANE, 2 * n + 1),
        ],
    )
    assert sum(isinstance(g, PreparedGroup) for g in fast) == 3 * n
    text = sent(dataset, fast)["feature_group"]
    kept = [*range(2 * n), *range(2 * n + 1, 3 * n + 1)]  # the sides' catalogue layers
    assert text == kept_by_index(dataset, plain, kept)


@pytest.mark.parametrize("basemap", ["vector", "osm"])
def test_without_the_figure_render_st_folium_sends_the_same(dataset: Dataset, basemap: str) -> None:
    """The app passes ``render=False``: the same arguments, one render of the map less."""
    collections = collections_on(dataset, OTHERS[1], "en")
    day = OTHERS[1]
    maps = {
        "main": lambda: base_map(dataset, DEFAULT_BOUNDS, basemap),
        "compare": lambda: compare_map(dataset, DEFAULT_BOUNDS, basemap),
    }
    for make in maps.values():
        full = sent(dataset, feature_groups(collections, day=day), fmap=make())
        light = sent(dataset, feature_groups(collections, day=day), fmap=make(), render=False)
        full.pop("on_change"), light.pop("on_change")
        assert light == full


def test_the_shared_cache_makes_a_value_once_and_keeps_no_failure() -> None:
    cache: situations.SharedCache[list[int]] = situations.SharedCache(2)
    made: list[str] = []

    def make(key: str) -> list[int]:
        made.append(key)
        return [len(made)]

    first = cache.get("a", lambda: make("a"))
    assert cache.get("a", lambda: make("a")) is first and made == ["a"]
    cache.get("b", lambda: make("b"))
    cache.get("c", lambda: make("c"))  # over the size: "a", the least recently used, goes
    assert cache.get("a", lambda: make("a")) is not first and made == ["a", "b", "c", "a"]

    def fail() -> list[int]:
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("d", fail)
    assert cache.get("d", lambda: make("d")) == [5]  # the failure was not kept


def test_the_main_map_layers_are_the_fixed_the_dated_and_nothing_else(dataset: Dataset) -> None:
    view = View(day=SAME[0], layers=("countries", "control", "events"), convention="en")
    layers = situations.map_layers("v1", dataset, view)
    assert list(layers.collections) == ["countries", "control", "events"]
    assert set(layers.scripts) == set(layers.collections)
    # fixed layers as labelled among all of them (AZERBAIJAN keeps clear of the districts)
    assert layers.collections["countries"] is situations.fixed_layers("v1", dataset, "en")[
        "countries"
    ]
    frames = layer_features(dataset, state_at(dataset, view.day), ("control", "events"), "en")
    assert {k: layers.collections[k] for k in ("control", "events")} == feature_collections(frames)
    again = situations.map_layers("v1", dataset, replace(view, day=SAME[1]))
    assert again.scripts["control"] is layers.scripts["control"]  # one situation, one entry


def test_days_with_one_identity_draw_the_same_villages_and_line(dataset: Dataset) -> None:
    """Around every day a community changes hands (and a line band starts or ends), two
    days with equal identities hold every community by the same side and draw the same
    bands: in 1991 and 1992 communities changed hands on days no control period starts
    or ends, and the shared cache once drew such a day with another day's villages."""
    from layers.community_features import village_features

    days = {p.span.start for c in dataset.communities for p in c.held}
    days |= {d for line in dataset.lines for d in (line.span.start, line.span.end) if d}
    drawn: dict[object, tuple[object, dt.date]] = {}
    for first in sorted(days):
        for day in (first - dt.timedelta(days=1), first):
            if not dataset.span.first <= day <= dataset.span.last:
                continue
            situation = state_at(dataset, day)
            sides = tuple((f.id, f.style_key, f.status)
                          for f in village_features("v", dataset, situation, "en"))  # fmt: skip
            seen = (sides, tuple(line.id for line in situation.lines))
            identity = situation_identity(situation, DATED, dataset=dataset)
            earlier = drawn.setdefault(identity, (seen, day))
            assert earlier[0] == seen, (day, earlier[1])
