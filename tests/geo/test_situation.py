"""state_at on the synthetic folder: periods are half-open, events cumulative."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dataset import Dataset, load_dataset
from geo.errors import StateError
from geo.situation import key_dates, state_at
from tests.conftest import EARLY_EVENT, EVENTS, MakeDataDir


def test_control_switches_on_the_handover_day(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(events=[EARLY_EVENT, *EVENTS]))
    before = state_at(data, dt.date(2020, 11, 19))
    on = state_at(data, dt.date(2020, 11, 20))
    assert [c.holder for c in before.control] == ["armenian"]
    assert [c.holder for c in on.control] == ["azerbaijani"]
    assert state_at(data, dt.date(1992, 1, 1)).control == ()


def test_sites_and_events_follow_the_date(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    early = state_at(data, dt.date(1995, 3, 15))
    later = state_at(data, dt.date(2020, 11, 9))
    assert early.sites == () and early.events == ()
    assert [s.id for s in later.sites] == ["base-alpha"]
    assert [e.id for e in later.events] == ["ev-one"]


def test_dates_outside_the_map_are_refused(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    with pytest.raises(StateError, match="2030-01-01 is outside"):
        state_at(data, dt.date(2030, 1, 1))


def test_key_dates_are_sorted_and_within_span(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    assert key_dates(data) == (
        dt.date(1993, 7, 23),
        dt.date(1995, 3, 16),
        dt.date(2020, 11, 9),
        dt.date(2020, 11, 20),
    )


def test_a_smaller_area_in_force_is_cut_out_of_a_larger_one(make_data_dir: MakeDataDir) -> None:
    from shapely.geometry import Point

    whole = {
        "id": "whole",
        "area_name": "Whole",
        "holder": "armenian",
        "geometry": {"boundary": {"layer": "countries", "match": {"name": "Azerbaijan"}}},
        "start": "1992-01-01",
        "status": "approximate",
        "sources": ["src-a"],
    }
    town = {
        "id": "town",
        "area_name": "Town",
        "holder": "azerbaijani",
        "geometry": {"place": "beta", "buffer_km": 5},
        "start": "2020-11-08",
        "status": "approximate",
        "sources": ["src-a"],
    }
    data = load_dataset(make_data_dir(control=[whole, town]))
    before = {c.id: c.geometry for c in state_at(data, dt.date(2020, 11, 7)).control}
    after = {c.id: c.geometry for c in state_at(data, dt.date(2020, 11, 8)).control}
    beta = Point(46.5, 40.5)
    assert before["whole"].contains(beta)
    assert not after["whole"].contains(beta)
    assert after["town"].contains(beta)
    assert after["whole"].contains(Point(46.9, 40.9))


def test_a_resolved_situation_is_kept_per_records_and_an_edited_record_is_not_served(
    make_data_dir: MakeDataDir,
) -> None:
    from dataclasses import replace

    from shapely.geometry import box

    from geo import situation

    data = load_dataset(make_data_dir())
    day = dt.date(2021, 2, 23)
    first = state_at(data, day).control
    assert state_at(data, day).control is first  # the same set of records: kept
    assert first == tuple(situation._specific_over_general(list(first)))
    edited = (replace(first[0], geometry=box(45.0, 39.0, 45.1, 39.1)), *first[1:])
    resolved = situation.resolved_control(edited)
    assert resolved[0].geometry.equals(box(45.0, 39.0, 45.1, 39.1))
    assert state_at(data, day).control is first  # the original entry is untouched


def test_events_of_a_day_are_those_begun_in_date_then_id_order() -> None:
    """The events in force come from the dataset's date order by bisection: on every
    day with an event, the day before and after, they are exactly the events begun by
    then (the day's own included), sorted by date, then id."""
    data = load_dataset()
    days = {event.date + dt.timedelta(days=d) for event in data.events for d in (-1, 0, 1)}
    for day in sorted(d for d in days if data.span.first <= d <= data.span.last):
        begun = sorted((e for e in data.events if e.date <= day), key=lambda e: (e.date, e.id))
        assert state_at(data, day).events == tuple(begun), day


def test_a_kept_situation_is_found_without_hashing_its_records(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resolved control and the comparison's projected control are found by the
    records' identities: hashing their values hashed every geometry (9 ms for 2,000
    areas on every date change, issue 25)."""
    from geo.change import compare
    from geo.model import ControlPeriod

    before, after = dt.date(2020, 11, 9), dt.date(2021, 2, 23)
    first = state_at(dataset, after).control
    change = compare(dataset, before, after)
    hashed: list[object] = []
    real = ControlPeriod.__hash__

    def counted(self: ControlPeriod) -> int:
        hashed.append(self)
        return real(self)

    monkeypatch.setattr(ControlPeriod, "__hash__", counted)
    assert state_at(dataset, after).control is first
    assert compare(dataset, before, after).areas is change.areas
    assert hashed == []
