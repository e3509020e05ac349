"""The app with thousands of events (bench/synthetic.py): the timeline shows a bounded
window of cards, a date change shows the right events on the map and in the timeline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.dataset import Dataset
from geo.situation import state_at
from layers.web.geojson import EVENT_MARKER_LIMIT
from layers.web.timeline_panel import PAGE_SIZE
from tests.app.helpers import map_args, run_app

EVENT_ID = re.compile(r"syn-event-\d+")


@pytest.fixture
def scale_app(scale_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(scale_data_dir))
    at = run_app(timeout=180)
    assert not at.exception
    return at


def cards(at: AppTest) -> list[str]:
    """The event ids of the timeline's cards, in order."""
    return [b.key.removeprefix("event:") for b in at.button if b.key.startswith("event:")]


def drawn_events(at: AppTest) -> set[str]:
    """The events drawn one by one on the map (ids in the feature groups handed over)."""
    return set(EVENT_ID.findall(map_args(at)["feature_group"]))


def test_the_timeline_shows_a_window_and_the_map_the_latest_events(
    scale_app: AppTest, scale_dataset: Dataset
) -> None:
    at = scale_app
    total = len(scale_dataset.events)
    assert len(cards(at)) == PAGE_SIZE < total
    assert any(c.value.startswith("Showing ") and f"of {total:,}" in c.value for c in at.caption)
    for day in (dt.date(2003, 4, 1), dt.date(1995, 1, 1)):
        at.slider(key="day_slider").set_value(day).run()
        assert not at.exception
        begun = [e.id for e in state_at(scale_dataset, day).events]
        shown = cards(at)
        assert len(shown) == PAGE_SIZE
        assert begun[-1] in shown  # the day's latest event, in the window
        assert shown.index(begun[-1]) == PAGE_SIZE // 2
        drawn = drawn_events(at)
        assert set(begun[-EVENT_MARKER_LIMIT:]) <= drawn  # the latest, one by one
        assert drawn <= set(begun)  # nothing after the day
        assert len(drawn) <= EVENT_MARKER_LIMIT
        counted = "earlier events in this area" in map_args(at)["feature_group"]
        assert counted == (len(begun) > EVENT_MARKER_LIMIT)


def test_earlier_and_later_move_the_window(scale_app: AppTest) -> None:
    at = scale_app
    first = cards(at)
    at.button(key="timeline:earlier").click().run()
    earlier = cards(at)
    assert len(earlier) == PAGE_SIZE and not set(earlier) & set(first)
    at.button(key="timeline:later").click().run()
    assert cards(at) == first
    at.button(key=f"event:{first[3]}").click().run()  # a card's date: the window stays on it
    assert first[3] in cards(at)
