"""The timeline at scale: a window of cards around the date or the picked event, the
click targets of the map, and the committed data shown whole as before."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dataset import Dataset
from geo.situation import state_at
from layers.event_index import event_index
from layers.web.timeline_panel import (
    PAGE_SIZE,
    click_targets,
    current_event,
    playing_event,
    timeline_entries,
    timeline_page,
)

DAYS = (dt.date(1993, 9, 1), dt.date(2020, 11, 10), dt.date(2021, 2, 23))


@pytest.mark.parametrize("day", DAYS)
def test_the_committed_timeline_shows_a_page_around_the_picked_event(
    dataset: Dataset, day: dt.date
) -> None:
    # With the story to today (issue 23) the committed timeline is longer than a page.
    assert len(dataset.events) > PAGE_SIZE
    page = timeline_page(dataset, day, selected="monitoring-centre-opened")
    whole = timeline_entries(dataset, day, selected="monitoring-centre-opened")
    assert page.total == len(whole) and len(page.entries) == PAGE_SIZE
    assert page.entries == whole[page.start : page.start + PAGE_SIZE]
    assert "monitoring-centre-opened" in {entry.id for entry in page.entries}
    assert page.earlier + PAGE_SIZE + page.later == len(whole)


@pytest.mark.parametrize("day", [dt.date(1994, 5, 12), dt.date(2008, 3, 1), dt.date(2019, 6, 1)])
def test_a_long_timeline_shows_a_window_around_the_date(
    scale_dataset: Dataset, day: dt.date
) -> None:
    page = timeline_page(scale_dataset, day)
    total = len(scale_dataset.events)
    assert page.total == total > 10 * PAGE_SIZE
    assert len(page.entries) == PAGE_SIZE
    assert page.caption() == f"Showing {page.start + 1:,}–{page.start + PAGE_SIZE:,} of {total:,}"
    # the day's latest event is in the middle; earlier cards are past, later ones are not
    latest = current_event(state_at(scale_dataset, day).events, day)
    ids = [entry.id for entry in page.entries]
    assert ids.index(latest) == PAGE_SIZE // 2
    assert all(entry.past for entry in page.entries[: PAGE_SIZE // 2 + 1])
    assert not any(entry.past for entry in page.entries[PAGE_SIZE // 2 + 1 :])
    # the same cards as the whole timeline's at those places
    whole = timeline_entries(scale_dataset, day)
    assert page.entries == whole[page.start : page.start + PAGE_SIZE]


def test_the_window_follows_the_focus_and_shifts_and_stops_at_the_ends(
    scale_dataset: Dataset,
) -> None:
    day = dt.date(2000, 1, 1)
    events = event_index(scale_dataset).events
    focus = events[2000].id
    page = timeline_page(scale_dataset, day, focus=focus, selected=focus)
    assert page.entries[PAGE_SIZE // 2].id == focus
    assert "bm-event-selected" in page.entries[PAGE_SIZE // 2].html
    later = timeline_page(scale_dataset, day, focus=focus, shift=1)
    assert later.start == page.start + PAGE_SIZE
    first = timeline_page(scale_dataset, day, focus=focus, shift=-1000)
    assert (first.start, first.earlier) == (0, 0)
    last = timeline_page(scale_dataset, day, shift=1000)
    assert last.later == 0 and last.entries[-1].id == events[-1].id
    unknown = timeline_page(scale_dataset, day, focus="no-such-event")
    assert unknown == timeline_page(scale_dataset, day)  # falls back on the date


@pytest.mark.parametrize("day", DAYS)
def test_click_targets_are_the_past_entries(dataset: Dataset, day: dt.date) -> None:
    targets = click_targets(dataset, day)
    past = [entry for entry in timeline_entries(dataset, day) if entry.past]
    assert [(t.id, t.title, t.center, t.zoom) for t in targets] == [
        (e.id, e.title, e.center, e.zoom) for e in past
    ]
    assert playing_event(dataset, day) == current_event(past, day)


def test_click_targets_follow_the_naming_convention(dataset: Dataset) -> None:
    day = dt.date(2021, 2, 23)
    for convention in ("en", "hy", "az"):
        titles = [t.title for t in click_targets(dataset, day, convention=convention)]
        expected = [
            e.title for e in timeline_entries(dataset, day, convention=convention) if e.past
        ]
        assert titles == expected
    english = [t.title for t in click_targets(dataset, day, convention="en")]
    armenian = [t.title for t in click_targets(dataset, day, convention="hy")]
    assert english != armenian  # a title names a place: the cache is per convention
