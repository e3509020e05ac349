"""The timeline's cards as one element (issue 25, layers.web.timeline_cards) in headless
Chromium: "Show on map" pressed with the mouse or the keyboard sets the card's date and
flies the map there, the same card can be pressed again, and a date change updates the
cards in place (the component is not mounted again; the map's frame is kept).

Screenshots go to tests/artifacts/ (look at them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import (
    MAP_FRAME,
    TIMEOUT_MS,
    date_field,
    iframe_kept,
    map_frame,
    mark_iframe,
    type_date,
    wait_for_paths,
)

pytestmark = pytest.mark.e2e

#: Where the map's frame is looking: [lat, lon, zoom].
MAP_VIEW = "() => { const c = map.getCenter(); return [c.lat, c.lng, map.getZoom()]; }"
#: The id of the card whose button has the focus.
FOCUSED = "() => document.activeElement && document.activeElement.dataset.pick"


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/?date=2021-02-23", wait_until="domcontentloaded")
    wait_for_paths(page, minimum=50)
    page.locator(".bm-timeline [data-event-id]").first.wait_for(timeout=TIMEOUT_MS)
    yield page
    context.close()
    assert errors == []


def stamp(page: Any) -> Any:
    return map_frame(page).locator(".bm-date-stamp")


def card(page: Any, event: str) -> Any:
    """The card of ``event`` in the timeline's component (its text and its button)."""
    return page.locator(".st-key-timeline .bm-card").filter(
        has=page.locator(f"[data-event-id='{event}']")
    )


def mark_cards(page: Any) -> None:
    """Tag the component's root element, to detect a remount later."""
    page.locator(".bm-timeline").evaluate("el => { el.bmMark = 7; }")


def cards_kept(page: Any) -> bool:
    return bool(page.locator(".bm-timeline").evaluate("el => el.bmMark === 7"))


def flown_to(page: Any, lat: float, lon: float, zoom: int) -> None:
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(
        f"""() => {{ const v = ({MAP_VIEW})();
            return Math.abs(v[0] - {lat}) < 0.05 && Math.abs(v[1] - {lon}) < 0.05
                && v[2] === {zoom}; }}""",
        polling=200,
        timeout=TIMEOUT_MS,
    )


def test_show_on_map_sets_the_date_flies_there_and_works_twice(
    page: Any, app_url: str, artifacts: Path
) -> None:
    event = "zangilan-taken-2020"  # 20 October 2020, at Zangilan (39.08333, 46.65), zoom 10
    assert page.locator(".st-key-timeline button", has_text="Show on map").count() >= 20
    mark_cards(page)
    mark_iframe(page)
    card(page, event).get_by_role("button", name="Show on map").click()
    expect(date_field(page)).to_have_value("2020-10-20", timeout=TIMEOUT_MS)
    expect(page).to_have_url(f"{app_url}/?date=2020-10-20", timeout=TIMEOUT_MS)
    expect(stamp(page)).to_have_text("Situation on 20 October 2020", timeout=TIMEOUT_MS)
    flown_to(page, 39.08333, 46.65, 10)
    expect(card(page, event).locator(".bm-event-selected")).to_have_count(1, timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "timeline-cards-picked.png")
    assert cards_kept(page) and iframe_kept(page)  # updated in place, no remount

    type_date(page, "2021-02-23")  # elsewhere, then the same card again
    expect(stamp(page)).to_have_text("Situation on 23 February 2021", timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "timeline-cards-date-change.png")
    card(page, event).get_by_role("button", name="Show on map").click()
    expect(date_field(page)).to_have_value("2020-10-20", timeout=TIMEOUT_MS)
    expect(stamp(page)).to_have_text("Situation on 20 October 2020", timeout=TIMEOUT_MS)
    assert cards_kept(page) and iframe_kept(page)


def test_show_on_map_works_from_the_keyboard_and_keeps_the_focus(
    page: Any, artifacts: Path
) -> None:
    event = "monitoring-centre-opened"  # 30 January 2021, at Aghdam (39.93306, 47.06)
    page.locator(".st-key-timeline button", has_text="Earlier").focus()  # above the cards
    for _ in range(60):  # Tab from card to card: each card's button takes the focus
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == event:
            break
    assert page.evaluate(FOCUSED) == event
    page.keyboard.press("Enter")
    expect(date_field(page)).to_have_value("2021-01-30", timeout=TIMEOUT_MS)
    expect(stamp(page)).to_have_text("Situation on 30 January 2021", timeout=TIMEOUT_MS)
    flown_to(page, 39.93306, 47.06, 10)
    idle = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")
    idle.wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate(FOCUSED) == event  # the cards were updated, the button kept
    page.keyboard.press("Shift+Tab")  # back to the card before, then Space
    before = page.evaluate(FOCUSED)
    assert before and before != event
    page.keyboard.press("Space")
    expect(card(page, before).locator(".bm-event-selected")).to_have_count(1, timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "timeline-cards-keyboard.png")
