"""The deck's "Highlighted events" menu stays short at 10,000 events (issue 25): the
latest events begun by the slide's date, and any it already highlights."""

from __future__ import annotations

import datetime as dt

from shapely.geometry import Point

from geo.model import Event, Provenance
from layers.briefing.view import View
from ui.deck import HIGHLIGHT_CHOICES, highlight_options

SURE = Provenance("confirmed", ())
FIRST = dt.date(2000, 1, 1)


def _events(count: int) -> dict[str, Event]:
    made = [Event(f"e{i:04d}", f"Event {i}", FIRST + dt.timedelta(days=i), "day",
                  Point(46.0, 40.0), SURE) for i in range(count)]  # fmt: skip
    return {event.id: event for event in reversed(made)}  # not in date order


def test_the_menu_offers_the_latest_events_begun_by_the_date() -> None:
    events = _events(HIGHLIGHT_CHOICES + 100)
    day = FIRST + dt.timedelta(days=HIGHLIGHT_CHOICES + 49)  # 250 begun, 50 later
    options = highlight_options(events, View(day=day))
    assert len(options) == HIGHLIGHT_CHOICES
    assert options[0] == "e0050" and options[-1] == f"e{HIGHLIGHT_CHOICES + 49:04d}"
    assert options == sorted(options)  # date order


def test_an_earlier_highlighted_event_stays_on_offer() -> None:
    events = _events(HIGHLIGHT_CHOICES + 100)
    day = FIRST + dt.timedelta(days=HIGHLIGHT_CHOICES + 99)
    options = highlight_options(events, View(day=day), kept=("e0003",))
    assert options[0] == "e0003" and len(options) == HIGHLIGHT_CHOICES + 1


def test_a_short_story_offers_every_event_begun() -> None:
    events = _events(5)
    assert highlight_options(events, View(day=FIRST + dt.timedelta(days=2))) == [
        "e0000", "e0001", "e0002"]  # fmt: skip
