"""Interaction in headless Chromium (issue 11): a map event click scrolls the timeline,
Enter applies a typed date, one Play/Pause button without layout shift, a distance
measured by two clicks is written on the line, failing online tiles are reported.

Screenshots go to tests/artifacts/ (look at them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from geo.dataset import Dataset
from geo.periods import key_days
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, date_field, map_frame, wait_for_paths

pytestmark = pytest.mark.e2e

#: Whether an event's timeline card lies wholly inside the timeline's scrolling box.
IN_VIEW = """id => {
    const card = document.querySelector(`[data-event-id='${id}']`);
    let box = card.parentElement;
    while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
    const c = card.getBoundingClientRect(), b = box.getBoundingClientRect();
    return box.clientHeight < document.documentElement.clientHeight
        && c.top >= b.top - 1 && c.bottom <= b.bottom + 1; }"""


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    yield context
    context.close()


def open_app(context: Any, app_url: str, query: str = "") -> Any:
    page = context.new_page()
    page.goto(f"{app_url}/{query}", wait_until="domcontentloaded")
    wait_for_paths(page, minimum=50)
    # The timeline's cards follow the map (the run its first report asks for, issue 25).
    page.locator(".st-key-timeline [data-event-id]").first.wait_for(timeout=TIMEOUT_MS)
    return page


def test_a_map_event_click_scrolls_its_timeline_entry_into_view(
    context: Any, app_url: str, artifacts: Path
) -> None:
    page = open_app(context, app_url)
    event = "zangilan-taken-2020"  # mid-timeline: below the timeline's fold at first

    def inside() -> bool:
        return bool(page.evaluate(IN_VIEW, event))

    assert not inside()
    # mark the event's own SVG element on the map (once drawn), then click it as a user would
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(
        """id => { let found = false; window.map.eachLayer(l => {
             if (l.feature && l.feature.id === id && l.getElement && l.getElement()) {
               l.getElement().setAttribute('data-test-event', id); found = true; } });
           return found; }""",
        arg=event,
        polling=200,
        timeout=TIMEOUT_MS,
    )
    map_frame(page).locator(f"[data-test-event='{event}']").click(force=True)
    expect(page.locator(f"[data-event-id='{event}'].bm-event-selected")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    page.wait_for_function(IN_VIEW, arg=event, polling=200, timeout=TIMEOUT_MS)
    assert inside()
    page.screenshot(path=artifacts / "interaction-event-click.png")


def test_enter_applies_a_typed_date_and_play_is_one_button_without_shift(
    context: Any, app_url: str, dataset: Dataset, artifacts: Path
) -> None:
    days = key_days(dataset).days  # the key dates, then the latest day
    page = open_app(context, app_url)
    date_field(page).fill(days[-4].isoformat())
    date_field(page).press("Enter")  # no click elsewhere
    expect(page).to_have_url(f"{app_url}/?date={days[-4].isoformat()}", timeout=TIMEOUT_MS)
    page.locator(".st-key-key-dates button").first.click()  # the menu holding the speed
    page.locator(".st-key-play_speed button", has_text="2/s").click()
    page.keyboard.press("Escape")  # close the menu
    frame = page.locator(MAP_FRAME)
    top = frame.bounding_box()["y"]
    # record, every animation frame until the playback ends, where the map is and which
    # playback buttons are shown
    page.evaluate(
        """() => { window.bmLog = []; const log = () => {
            const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
            const labels = [...document.querySelectorAll('button')]
              .filter(b => b.checkVisibility()).map(b => b.innerText)
              .map(t => t.match(/Play|Pause|Stop/) ? t.match(/Play|Pause|Stop/)[0] : t)
              .filter(t => /Play|Pause|Stop/.test(t));
            window.bmLog.push([f ? f.getBoundingClientRect().top : null, labels.join('|')]);
            if (window.bmLog.length < 20000) requestAnimationFrame(log); };
          requestAnimationFrame(log); }"""
    )
    page.locator(".st-key-play button:visible").click()
    expect(page.locator(".st-key-play button:visible")).to_contain_text("Pause", timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "interaction-playing.png")
    expect(date_field(page)).to_have_value(days[-1].isoformat(), timeout=4 * TIMEOUT_MS)
    expect(page.locator(".st-key-play button:visible")).to_contain_text("Play", timeout=TIMEOUT_MS)
    log = page.evaluate("() => window.bmLog")
    assert len(log) > 10
    tops = {round(entry[0]) for entry in log if entry[0] is not None}
    labels = {entry[1] for entry in log}
    assert tops == {round(top)}, f"the map moved while playing: {sorted(tops)}"
    assert labels <= {"Play", "Pause"}, labels  # one button: never two at once
    assert "Pause" in labels
    selected = page.locator(".bm-event-selected")
    expect(selected).to_have_count(1, timeout=TIMEOUT_MS)  # the timeline followed
    event = selected.get_attribute("data-event-id")
    page.wait_for_function(IN_VIEW, arg=event, polling=200, timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "interaction-played.png")


def test_two_clicks_measure_and_the_distance_is_written_on_the_line(
    context: Any, app_url: str, artifacts: Path
) -> None:
    page = open_app(context, app_url)
    page.locator("[data-testid='stSidebar'] summary", has_text="Distance").click()
    page.locator(".st-key-measure_clicks label").click()
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text(
        "Click a first point", timeout=TIMEOUT_MS
    )
    frame = page.locator(MAP_FRAME)
    box = frame.bounding_box()
    for fx, fy in ((0.25, 0.7), (0.6, 0.8)):  # open land: no marker under the clicks
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_timeout(1500)  # let the click travel to the app before the next
    label = map_frame(page).locator(".bm-measure-label")
    expect(label).to_have_count(1, timeout=TIMEOUT_MS)
    expect(label).to_contain_text(" km", timeout=TIMEOUT_MS)
    shown = page.locator("[data-testid='stSidebar'] [data-testid='stMetricValue']")
    expect(shown).to_have_count(1, timeout=TIMEOUT_MS)
    assert shown.inner_text().split()[0] in label.inner_text()
    page.screenshot(path=artifacts / "interaction-measure.png")


def test_failing_online_tiles_are_reported_with_the_way_back(
    context: Any, app_url: str, artifacts: Path
) -> None:
    page = context.new_page()
    page.goto(f"{app_url}/?basemap=osm", wait_until="domcontentloaded")
    notice = map_frame(page).locator(".bm-tile-failure")
    expect(notice).to_be_visible(timeout=TIMEOUT_MS)  # no network here: tiles fail
    expect(notice).to_contain_text("offline basemap")
    page.screenshot(path=artifacts / "interaction-tiles-failed.png")
    page.locator(".st-key-basemap_offline button:visible").click()
    expect(page).not_to_have_url(f"{app_url}/?basemap=osm", timeout=TIMEOUT_MS)
    expect(page.locator(".st-key-basemap_offline")).to_have_count(0, timeout=TIMEOUT_MS)
    wait_for_paths(page, minimum=50)
    expect(map_frame(page).locator(".bm-tile-failure")).to_have_count(0)
