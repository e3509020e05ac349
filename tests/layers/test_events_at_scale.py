"""The events layer at scale: the latest events one by one, the earlier ones counted per
area; per-event features and GeoJSON made once and never served stale."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc

import pytest

from geo.dataset import Dataset, load_dataset
from geo.situation import state_at
from layers import event_index as event_index_module
from layers.event_index import event_index
from layers.features import EARLIER_EVENTS_STYLE, layer_features
from layers.web.geojson import EVENT_MARKER_LIMIT, feature_collections

SCALE_DAYS = (dt.date(1994, 5, 12), dt.date(2008, 3, 1), dt.date(2021, 2, 23))


@pytest.mark.parametrize("day", [dt.date(1993, 9, 1), dt.date(2021, 2, 23)])
def test_the_committed_events_are_drawn_as_before(dataset: Dataset, day: dt.date) -> None:
    situation = state_at(dataset, day)
    limited = layer_features(dataset, situation, ["events"], "dual", event_limit=2)
    whole = layer_features(dataset, situation, ["events"], "dual")
    assert len(whole["events"]) == len(situation.events) > 2
    assert list(whole["events"]["id"]) == [e.id for e in situation.events]
    unlimited = layer_features(dataset, situation, ["events"], "dual", event_limit=1000)
    assert unlimited["events"].equals(whole["events"])
    counted = limited["events"]
    assert (counted["style_key"] == EARLIER_EVENTS_STYLE).sum() >= 1


@pytest.mark.parametrize("day", SCALE_DAYS)
def test_the_map_draws_the_latest_events_and_counts_the_earlier(
    scale_dataset: Dataset, day: dt.date
) -> None:
    situation = state_at(scale_dataset, day)
    frame = layer_features(
        scale_dataset, situation, ["events"], "dual", event_limit=EVENT_MARKER_LIMIT
    )["events"]
    begun = situation.events
    counts = frame[frame["style_key"] == EARLIER_EVENTS_STYLE]
    drawn = frame[frame["style_key"] != EARLIER_EVENTS_STYLE]
    if len(begun) <= EVENT_MARKER_LIMIT:
        assert counts.empty and list(drawn["id"]) == [e.id for e in begun]
        return
    assert list(drawn["id"]) == [e.id for e in begun[-EVENT_MARKER_LIMIT:]]
    numbers = [int(label.split()[0].replace(",", "")) for label in counts["label"]]
    assert sum(numbers) == len(begun) - EVENT_MARKER_LIMIT
    assert len(counts) < sum(numbers)  # several events per square: fewer markers
    earlier = begun[: len(begun) - EVENT_MARKER_LIMIT]
    for row in counts.itertuples():  # each count sits over the events it counts
        assert any(row.geometry.distance(e.geometry) < 0.18 for e in earlier)
        assert row.citations and "synthetic" in row.citations[0].lower()
    collection = feature_collections({"events": frame})["events"]
    assert len(collection["features"]) == len(frame) <= EVENT_MARKER_LIMIT + len(counts)


def test_the_features_of_events_are_made_once_per_dataset_and_convention(
    dataset: Dataset,
) -> None:
    situation = state_at(dataset, dt.date(2021, 2, 23))
    first = layer_features(dataset, situation, ["events"], "en")["events"]
    again = layer_features(dataset, situation, ["events"], "en")["events"]
    assert first["label"].tolist() == again["label"].tolist()
    other = layer_features(dataset, situation, ["events"], "hy")["events"]
    assert first["label"].tolist() != other["label"].tolist()
    # an edited dataset (a new object) gets its own index, never the old one's features
    renamed = tuple(dataclasses.replace(e, title=f"Renamed {e.title}") for e in dataset.events)
    edited = dataclasses.replace(dataset, events=renamed)
    assert event_index(edited) is not event_index(dataset)
    labels = layer_features(edited, state_at(edited, situation.day), ["events"], "en")["events"]
    assert all(label.startswith("Renamed ") for label in labels["label"])


def test_the_event_indexes_are_bounded() -> None:
    datasets = [load_dataset() for _ in range(event_index_module.MAX_INDEXES + 2)]
    indexes = [event_index(d) for d in datasets]
    assert len(event_index_module._INDEXES) <= event_index_module.MAX_INDEXES
    assert event_index(datasets[0]) is not indexes[0]  # dropped, then made again
    del datasets, indexes
    gc.collect()


def test_geojson_features_are_reused_only_for_the_same_inputs(dataset: Dataset) -> None:
    situation = state_at(dataset, dt.date(2021, 2, 23))
    english = feature_collections(layer_features(dataset, situation, ["events"], "en"))
    again = feature_collections(layer_features(dataset, situation, ["events"], "en"))
    armenian = feature_collections(layer_features(dataset, situation, ["events"], "hy"))
    pairs = list(zip(english["events"]["features"], again["events"]["features"], strict=True))
    assert all(a is b for a, b in pairs)  # made once
    tooltips = [f["properties"]["tooltip"] for f in english["events"]["features"]]
    other = [f["properties"]["tooltip"] for f in armenian["events"]["features"]]
    assert tooltips != other
    moved = {
        "events": layer_features(dataset, situation, ["events"], "en")["events"].assign(
            geometry=lambda frame: frame.geometry.translate(0.5, 0.0)
        )
    }
    shifted = feature_collections(moved)["events"]["features"]
    old = english["events"]["features"]
    assert all(
        a["geometry"]["coordinates"] != b["geometry"]["coordinates"]
        for a, b in zip(shifted, old, strict=True)
        if a["geometry"]["type"] == "Point"
    )
