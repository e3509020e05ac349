"""The timeline's page of cards as one element in a browser's session (issue 25,
ui.timeline, layers.web.timeline_cards): a date change sends one component with every
card of the page instead of a Markdown element and a button per card, the same element
each time (the browser updates it in place); a client without a front end still gets a
"Show on map" button per card (tests/app/test_app.py clicks one)."""

from __future__ import annotations

import datetime as dt
import json

from streamlit.testing.v1 import AppTest

from geo.dataset import Dataset
from layers.web.timeline_panel import timeline_page
from tests.app.helpers import APP, timeline_cards
from ui.timeline import SCROLL_KEY, SELECTED_KEY


def _browser(day: dt.date) -> AppTest:
    """A browser's session on ``day`` after its first page is filled."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["timezone"] = "Europe/Berlin"  # a browser's front end sends its time zone
    at.query_params["date"] = day.isoformat()
    at.run()
    at.run()  # the run the map's first report asks for
    assert not at.exception
    return at


def _component_id(at: AppTest) -> str:
    (component,) = at.get("bidi_component")
    return str(component.proto.id)


def test_a_browser_gets_the_page_of_cards_as_one_element_updated_in_place(
    dataset: Dataset,
) -> None:
    day = dt.date(2020, 11, 10)
    at = _browser(day)
    cards = timeline_cards(at)
    page = timeline_page(dataset, day)
    assert [c[0] for c in cards] == [e.id for e in page.entries]  # the page, in order
    assert [c[1] for c in cards] == [e.html for e in page.entries]  # escaped cards
    assert not [b for b in at.button if b.key and b.key.startswith("event:")]
    assert not [m for m in at.markdown if "bm-event" in m.value]
    first = _component_id(at)

    later = dt.date(2023, 10, 1)
    at.slider(key="day_slider").set_value(later).run()
    assert not at.exception
    changed = timeline_cards(at)
    assert [c[2] for c in changed] == [e.past for e in timeline_page(dataset, later).entries]
    assert [c[2] for c in changed] != [c[2] for c in cards]  # more events in force
    assert _component_id(at) == first  # the same element: its data changes, not its identity


def test_a_pick_on_the_map_highlights_its_card_and_asks_the_cards_to_scroll_to_it() -> None:
    at = _browser(dt.date(2020, 11, 10))
    (component,) = at.get("bidi_component")
    assert json.loads(component.proto.json)["scroll"] is None
    at.session_state[SELECTED_KEY] = "zangilan-taken-2020"  # as a click on the map leaves it
    at.session_state[SCROLL_KEY] = ("zangilan-taken-2020", 1)  # (ui.timeline.select_event)
    at.run()
    (component,) = at.get("bidi_component")
    data = json.loads(component.proto.json)
    assert data["scroll"] == ["zangilan-taken-2020", 1]  # the component scrolls once per number
    (selected,) = [c for c in data["cards"] if "bm-event-selected" in c[1]]
    assert selected[0] == "zangilan-taken-2020"
