"""Issue 24 in headless Chromium: events at one place each open their own popup, the first
click on the map opens a popup, and a comparison link opens the same comparison (dates,
swipe, extent) in a fresh context, Back and Forward stepping through it without a
remount. Screenshots go to tests/artifacts/ (look at them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, iframe_kept, map_frame, mark_iframe

pytestmark = pytest.mark.e2e

#: The three events at Yerevan in February 2021 (data/events.yaml).
YEREVAN_EVENTS = (
    "article-no-second-base",
    "article-opposition-second-base",
    "article-ria-interview",
)

#: Tag each event marker drawn away from its point (spread) with data-test-event.
_TAG_SPREAD = """ids => { let found = 0; window.map.eachLayer(l => {
    if (l.feature && ids.includes(l.feature.id) && l.bmHome && l.getElement && l.getElement()) {
        l.getElement().setAttribute('data-test-event', l.feature.id); found += 1; } });
    return found === ids.length; }"""


def open_page(browser: Any, url: str, width: int = 1366, height: int = 768) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="domcontentloaded")
    map_frame(page).locator("path").nth(10).wait_for(state="attached", timeout=TIMEOUT_MS)
    return context, page


def test_three_events_at_yerevan_each_open_their_own_popup(
    browser: Any, app_url: str, artifacts: Path
) -> None:
    context, page = open_page(browser, f"{app_url}/?view=44.3,39.95,44.75,40.4")
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(_TAG_SPREAD, arg=list(YEREVAN_EVENTS), timeout=TIMEOUT_MS)
    boxes = [map_frame(page).locator(f"[data-test-event='{e}']").bounding_box()
             for e in YEREVAN_EVENTS]  # fmt: skip
    centres = {(round(b["x"] + b["width"] / 2), round(b["y"] + b["height"] / 2)) for b in boxes}
    assert len(centres) == 3  # spread: three places to click, not one
    for event in YEREVAN_EVENTS:
        map_frame(page).locator(f"[data-test-event='{event}']").click()
        popup = map_frame(page).locator(".leaflet-popup-content")
        expect(popup).to_have_count(1, timeout=TIMEOUT_MS)
        title = frame.evaluate(
            "id => { let t = ''; window.map.eachLayer(l => {"
            " if (l.feature && l.feature.id === id) { const d = document.createElement('div');"
            " d.innerHTML = l.feature.properties.tooltip; t = d.textContent; } }); return t; }",
            event,
        )
        expect(popup).to_contain_text(title, timeout=TIMEOUT_MS)  # its own popup
        card = page.locator(f"[data-event-id='{event}'].bm-event-selected")
        expect(card).to_have_count(1, timeout=TIMEOUT_MS)  # and its card is highlighted
        page.screenshot(path=artifacts / f"events-spread-{event}.png")
        map_frame(page).locator(".leaflet-popup-close-button").click()
    context.close()


def test_the_first_click_on_the_map_opens_a_popup(browser: Any, app_url: str) -> None:
    # a short window: the map reaches below the fold, where focusing it used to scroll
    context, page = open_page(browser, f"{app_url}/?view=42.6,40.2,44.6,41.2", height=600)
    assert page.locator(MAP_FRAME).bounding_box()["y"] + 420 > 600  # partly below the fold
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(_TAG_SPREAD, arg=["base-treaty-1995"], timeout=TIMEOUT_MS)
    before = page.evaluate("() => window.scrollY")
    map_frame(page).locator("[data-test-event='base-treaty-1995']").click()
    expect(map_frame(page).locator(".leaflet-popup-content")).to_have_count(1, timeout=TIMEOUT_MS)
    assert page.evaluate("() => window.scrollY") == before  # the page did not jump
    context.close()


COMPARE = "mode=compare&before=2020-10-01&after=2020-11-20&swipe=0.3&view=45.6,38.9,47.6,40.4"


def test_a_comparison_link_opens_the_same_comparison_and_steps_back(
    browser: Any, app_url: str, artifacts: Path
) -> None:
    context, page = open_page(browser, f"{app_url}/?{COMPARE}")
    frame = map_frame(page)
    expect(frame.locator(".bm-date-stamp")).to_have_text(
        "Before 1 October 2020 · after 20 November 2020", timeout=TIMEOUT_MS
    )
    expect(page.get_by_role("radio", name="Compare two dates")).to_be_checked()
    expect(page.locator(".st-key-compare_before input")).to_have_value("2020-10-01")
    expect(page.locator(".st-key-compare_after input")).to_have_value("2020-11-20")
    expect(frame.locator(".leaflet-container")).to_have_attribute("data-swipe", "0.300")
    shown = page.locator(MAP_FRAME).element_handle().content_frame().evaluate(
        "() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(),"
        " b.getEast(), b.getNorth()]; }"
    )
    asked = (45.6, 38.9, 47.6, 40.4)  # the extent is shown whole (fitted, padded on one side)
    assert shown[0] <= asked[0] + 0.01 and shown[2] >= asked[2] - 0.01
    assert shown[1] <= asked[1] + 0.01 and shown[3] >= asked[3] - 0.01
    page.screenshot(path=artifacts / "compare-from-link-1366x768.png")
    mark_iframe(page)
    bar = frame.locator(".bm-swipe")
    bar.focus()
    bar.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"swipe=0\.35"), timeout=TIMEOUT_MS)
    # Step back once the bar's rerun has ended (a date typed during it is lost: README's
    # known race). Back then sets the bar from the address, and the map's last report of
    # the bar (handed to the app again on every run) must not move it back: on a loaded
    # machine it did, before reports were named (ui.compare_state.take_swipe).
    idle = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")
    expect(idle).to_have_count(1, timeout=TIMEOUT_MS)
    page.go_back()
    expect(page).to_have_url(re.compile(r"swipe=0\.3(&|$)"), timeout=TIMEOUT_MS)
    expect(frame.locator(".leaflet-container")).to_have_attribute(
        "data-swipe", "0.300", timeout=TIMEOUT_MS
    )
    page.go_forward()
    expect(frame.locator(".leaflet-container")).to_have_attribute(
        "data-swipe", "0.350", timeout=TIMEOUT_MS
    )
    assert iframe_kept(page)  # history steps that keep the extent never remount the map
    context.close()
