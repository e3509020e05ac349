"""ui.folium_call: st_folium's arguments, byte for byte, with the base map's part made
once per base map (issue 25)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import streamlit_folium

from geo.dataset import Dataset
from geo.measure import measure
from geo.situation import state_at
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.web import situations
from layers.web.groups import feature_groups
from layers.web.map import base_map
from ui import folium_call

RETURNED = ["bounds", "zoom", "last_object_clicked", "all_drawings"]
DAYS = (dt.date(2020, 9, 26), dt.date(2020, 11, 20), dt.date(2021, 2, 23))


def _groups(dataset: Dataset, day: dt.date, *, measured: bool = False) -> list[Any]:
    """The main map's groups on ``day`` (made anew: st_folium adds them to a map)."""
    shown = ("countries", "control", "events", "russian-bases")
    view = View(day=day, layers=shown, convention="en")
    layers = situations.map_layers("v-test", dataset, view)
    keys = sorted(dataset.places)[:2]
    measurement = measure(dataset, f"place:{keys[0]}", f"place:{keys[1]}") if measured else None
    return feature_groups(
        layers.collections, measurement, day=day, prepared=layers.groups(), now="now"
    )


class _Captured:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[dict[str, Any]] = []

        def component(**kwargs: Any) -> str:
            kwargs.pop("on_change")  # a closure made on each call
            self.calls.append(kwargs)
            return "value"

        monkeypatch.setattr(streamlit_folium, "_component_func", component)


@pytest.mark.parametrize("basemap", ["vector", "osm"])
def test_the_component_gets_st_folium_s_arguments(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch, basemap: str
) -> None:
    folium_call.clear()
    captured = _Captured(monkeypatch)
    made: list[object] = []

    def make_map() -> Any:
        made.append(basemap)
        return base_map(dataset, DEFAULT_BOUNDS, basemap)

    for index, day in enumerate(DAYS):
        measured = index == 1  # a group not prepared beforehand
        streamlit_folium.st_folium(
            make_map(),
            key="map",
            height=500,
            use_container_width=True,
            returned_objects=RETURNED,
            render=True,
            feature_group_to_add=_groups(dataset, day, measured=measured),
            center=(40.0, 45.0) if index == 2 else None,
            zoom=9 if index == 2 else None,
        )
        value, bounds = folium_call.st_folium_once(
            make_map,
            ("test", basemap),
            owner=dataset,
            key="map",
            height=500,
            returned_objects=RETURNED,
            render=True,
            feature_group_to_add=_groups(dataset, day, measured=measured),
            center=(40.0, 45.0) if index == 2 else None,
            zoom=9 if index == 2 else None,
        )
        assert value == "value"
        assert bounds == base_map(dataset, DEFAULT_BOUNDS, basemap).get_bounds()
        expected, got = captured.calls[-2:]
        assert got == expected, day
    assert len(made) == len(DAYS) + 1  # st_folium's every time, ours once


def test_another_owner_or_key_makes_its_base_map_again(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    folium_call.clear()
    captured = _Captured(monkeypatch)
    made: list[str] = []

    def make_map(basemap: str) -> Any:
        made.append(basemap)
        return base_map(dataset, DEFAULT_BOUNDS, basemap)

    def call(key: object, owner: object, basemap: str) -> None:
        folium_call.st_folium_once(
            lambda: make_map(basemap), key, owner=owner, key="map", height=500,
            returned_objects=RETURNED, feature_group_to_add=_groups(dataset, DAYS[0]),
        )  # fmt: skip

    call("a", dataset, "vector")
    call("a", dataset, "vector")
    call("b", dataset, "osm")
    call("a", object(), "vector")  # another data under the same key: made again
    call(None, dataset, "vector")  # no key: st_folium's own call
    call(None, dataset, "vector")
    assert made == ["vector", "osm", "vector", "vector", "vector"]
    assert captured.calls[0]["script"] != captured.calls[2]["script"]  # vector and osm
    assert all(c == captured.calls[0] for c in (captured.calls[1], captured.calls[3]))


def test_the_comparison_map_gets_st_folium_s_arguments(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison map (no second render of the figure, the swipe bar's panes): the
    same arguments as st_folium's for two pairs of dates, the base map made once."""
    from layers.web.compare import AFTER_PANE, BEFORE_PANE, compare_groups, compare_map

    folium_call.clear()
    captured = _Captured(monkeypatch)
    fixed = situations.fixed_layers("v-test", dataset, "en")
    made: list[object] = []

    def make_map() -> Any:
        made.append(1)
        return compare_map(dataset, DEFAULT_BOUNDS, "vector")

    def groups(before: dt.date, after: dt.date) -> list[Any]:
        left, _ = situations.situation_layers(
            "v-test", dataset, state_at(dataset, before), ("control", "events"), "en",
            pane=BEFORE_PANE,
        )  # fmt: skip
        right, _ = situations.situation_layers(
            "v-test", dataset, state_at(dataset, after), ("control", "events"), "en",
            pane=AFTER_PANE, offset=40,
        )  # fmt: skip
        return compare_groups(fixed, left, right, None, days=(before, after))

    for before, after in ((DAYS[0], DAYS[1]), (DAYS[0], DAYS[2])):
        returned = ["bounds", "all_drawings"]
        streamlit_folium.st_folium(
            make_map(), key="compare", height=500, use_container_width=True,
            returned_objects=returned, render=False, feature_group_to_add=groups(before, after),
        )  # fmt: skip
        folium_call.st_folium_once(
            make_map, ("compare-test",), owner=dataset, key="compare", height=500,
            returned_objects=returned, render=False, feature_group_to_add=groups(before, after),
        )  # fmt: skip
        expected, got = captured.calls[-2:]
        assert got == expected
    assert len(made) == 3


def test_a_prepared_group_s_text_is_made_once_per_position(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same prepared groups at the same positions on a second run: st_folium's text
    of each is made again only for the groups not prepared (the date stamp, the
    measured line, ...); the arguments stay the same."""
    from layers.web.prepared import PreparedGroup

    folium_call.clear()
    captured = _Captured(monkeypatch)
    made: list[int] = []
    real = streamlit_folium._get_feature_group_string

    def counted(group: Any, map: Any, idx: int = 0) -> str:
        made.append(idx)
        return str(real(group, map=map, idx=idx))

    monkeypatch.setattr(streamlit_folium, "_get_feature_group_string", counted)

    def run() -> list[Any]:
        groups = _groups(dataset, DAYS[2])
        folium_call.st_folium_once(
            lambda: base_map(dataset, DEFAULT_BOUNDS, "vector"), ("text-test",), owner=dataset,
            key="map", height=500, returned_objects=RETURNED, feature_group_to_add=groups,
        )  # fmt: skip
        return groups

    groups = run()
    assert len(made) == len(groups)
    made.clear()
    run()
    prepared = [i for i, g in enumerate(groups) if type(g) is PreparedGroup]
    assert len(prepared) > 20
    assert made == [i for i in range(len(groups)) if i not in prepared]
    assert captured.calls[0] == captured.calls[1]
