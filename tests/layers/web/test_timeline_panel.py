"""The timeline panel: events in date order, those in force on the day marked past."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dataset import Dataset
from geo.situation import state_at
from layers.web.timeline_panel import timeline_entries


@pytest.mark.parametrize("day", [dt.date(1993, 9, 1), dt.date(2020, 11, 10), dt.date(2021, 2, 23)])
def test_past_events_are_those_in_force_on_the_map(dataset: Dataset, day: dt.date) -> None:
    entries = timeline_entries(dataset, day)
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    past = [e.id for e in entries if e.past]
    assert past == [e.id for e in state_at(dataset, day).events]
    assert 0 < len(past) <= len(entries) == len(dataset.events)
