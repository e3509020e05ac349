"""The events a map draws on a day, from work done once per dataset (layers.event_counts):
the same counts and features as counting the day's earlier events afresh."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.dataset import Dataset
from geo.situation import state_at
from layers.catalog import layer
from layers.event_counts import EarlierCounts, day_event_rows
from layers.features import (
    EARLIER_EVENTS_STYLE,
    Feature,
    earlier_event_counts,
    feature_frame,
    features,
    latest_events,
    layer_rows,
)
from layers.web import geojson
from layers.web.geojson import EVENT_MARKER_LIMIT, feature_collections
from layers.web.situations import dated_collections

STATUSES = ("confirmed", "reported", "approximate", "proposed")


def _rows(count: int, seed: int = 4) -> list[Feature]:
    """Event features in date order over a few grid squares, with mixed statuses,
    sources, citations and dates, areas and lines among the points."""
    chooser = random.Random(seed)
    rows = []
    for number in range(count):
        x, y = 44 + chooser.random() * 0.7, 40 + chooser.random() * 0.6
        geometry = Point(x, y)
        if number % 17 == 5:
            geometry = Polygon([(x, y), (x + 0.1, y), (x, y + 0.1)])
        elif number % 23 == 7:
            geometry = LineString([(x, y), (x + 0.3, y + 0.02)])
        sources = tuple(chooser.sample(("s1", "s2", "s3", "s4", "s5"), chooser.randint(1, 2)))
        status = "unknown-status" if number == 40 else chooser.choice(STATUSES)
        rows.append(
            Feature(
                id=f"e{number:03d}",
                layer="events",
                style_key="event",
                status=status,
                label=f"Event <{number}>",
                details=(("Date", f"day {number // 3}"), ("Status", status)),
                source_ids=sources,
                citations=tuple(f"Publisher of {s}" for s in sources),
                names=None,
                geometry=geometry,
            )
        )
    return rows


def test_the_counts_of_every_prefix_are_those_counted_afresh() -> None:
    rows = _rows(120)
    counts = EarlierCounts(rows)
    for split in range(len(rows) + 1):
        fresh = earlier_event_counts(rows[:split]) if split else []
        assert counts.counts(split) == fresh, split


def test_the_counts_of_every_prefix_at_scale(scale_dataset: Dataset) -> None:
    situation = state_at(scale_dataset, scale_dataset.span.last)
    rows = features(scale_dataset, situation, layer("events"), "dual")
    counts = EarlierCounts(rows)
    for split in (1, 2, 7, 100, 499, 500, 1_234, len(rows) - 1, len(rows)):
        assert counts.counts(split) == earlier_event_counts(rows[:split]), split
    a_count = counts.counts(len(rows) // 2)[0]
    assert a_count.geometry is counts.counts(len(rows) // 2)[0].geometry  # one point a square


@pytest.mark.parametrize(
    "day", [dt.date(1991, 5, 1), dt.date(1994, 5, 12), dt.date(2008, 3, 1), dt.date(2021, 2, 23)]
)
@pytest.mark.parametrize("limit", [EVENT_MARKER_LIMIT, 3])
def test_a_days_events_are_those_in_force_as_before(
    scale_dataset: Dataset, day: dt.date, limit: int
) -> None:
    situation = state_at(scale_dataset, day)
    spec = layer("events")
    fast = day_event_rows(scale_dataset, situation, spec, "dual", limit)
    assert fast is not None
    assert fast == latest_events(features(scale_dataset, situation, spec, "dual"), limit)
    drawn = [row.id for row in fast if row.style_key != EARLIER_EVENTS_STYLE]
    begun = [event.id for event in scale_dataset.events_in_date_order if event.date <= day]
    assert drawn == begun[-limit:] if begun else drawn == []
    counted = sum(
        int(row.label.split()[0].replace(",", ""))
        for row in fast
        if row.style_key == EARLIER_EVENTS_STYLE
    )
    assert counted + len(drawn) == len(begun)


def test_events_not_the_datasets_own_take_the_general_path(scale_dataset: Dataset) -> None:
    situation = state_at(scale_dataset, dt.date(2021, 2, 23))
    renamed = tuple(dataclasses.replace(e, title=f"Other {e.title}") for e in situation.events)
    other = dataclasses.replace(situation, events=renamed)
    spec = layer("events")
    assert day_event_rows(scale_dataset, other, spec, "dual", EVENT_MARKER_LIMIT) is None
    rows = layer_rows(scale_dataset, other, spec, "dual", event_limit=EVENT_MARKER_LIMIT)
    assert rows == latest_events(features(scale_dataset, other, spec, "dual"), EVENT_MARKER_LIMIT)
    assert any(row.label.startswith("Other ") for row in rows)


@pytest.mark.parametrize("which", ["committed", "scale", "hostile"])
def test_the_events_collection_is_the_frames_collection(
    which: str, dataset: Dataset, scale_dataset: Dataset, hostile_dataset: Dataset
) -> None:
    """The web map's events and areas, made from the records without a frame, are those the
    frame gave (equal features, so the same script bytes; the hostile strings escaped
    by the same path)."""
    data = {"committed": dataset, "scale": scale_dataset, "hostile": hostile_dataset}[which]
    spec = layer("events")
    for day in (dt.date(1994, 5, 12), dt.date(2020, 11, 10), dt.date(2021, 2, 23)):
        situation = state_at(data, day)
        made = dated_collections(data, situation, ("villages", "events"), "dual")
        assert list(made) == ["villages", "events"]
        rows = latest_events(features(data, situation, spec, "dual"), EVENT_MARKER_LIMIT)
        framed = feature_collections({"events": feature_frame(rows)})["events"]
        assert made["events"] == framed
        assert len(framed["features"]) == len([r for r in rows if not r.geometry.is_empty])
        areas = features(data, situation, layer("control"), "dual")
        framed = feature_collections({"control": feature_frame(areas)})["control"]
        assert dated_collections(data, situation, ("control",), "dual")["control"] == framed


def test_every_event_and_area_is_made_once_before_a_day_asks(
    scale_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GeoJSON of every event and control area is made when the layer is first drawn:
    a day far from the first one drawn finds its events' and areas' features made."""
    first = state_at(scale_dataset, dt.date(2021, 2, 23))
    dated_collections(scale_dataset, first, ("control", "events"), "ru")
    made: list[str] = []
    real = geojson._geojson_feature

    def counted(row: Any, anchor: Any) -> dict[str, Any]:
        made.append(str(row.id))
        return real(row, anchor)

    monkeypatch.setattr(geojson, "_geojson_feature", counted)
    far = state_at(scale_dataset, dt.date(1993, 3, 1))
    drawn = dated_collections(scale_dataset, far, ("control", "events"), "ru")
    own = {id(period) for period in scale_dataset.control}
    uncut = {period.id for period in far.control if id(period) in own}  # not cut that day
    events = {event.id for event in far.events[-EVENT_MARKER_LIMIT:]}
    shown = {f["id"] for layer_id in drawn for f in drawn[layer_id]["features"]}
    assert uncut and events and (uncut | events) <= shown
    assert not (uncut | events) & set(made)  # made before: only counts and cut areas now
