"""The date row's menus send the browser their widgets only while open (issue 25,
ui.folding): after a date change the Key dates menu opens with its widgets, a step unit
chosen there holds once it is folded again, and the map's frame is never remounted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from geo.dates import format_date
from layers.web.date_widgets import SELECTORS
from tests.e2e.test_browser import (
    TIMEOUT_MS,
    date_field,
    iframe_kept,
    map_frame,
    mark_iframe,
    wait_for_paths,
)

pytestmark = pytest.mark.e2e


def _stamp(page: Any, day: dt.date) -> None:
    """Wait for ``day``'s stamp and its run (the slider shows the day: the map's frame may
    show the day before its run comes, layers.web.date_preview)."""
    expect(map_frame(page).locator(".bm-date-stamp")).to_have_text(
        f"Situation on {format_date(day)}", timeout=TIMEOUT_MS
    )
    expect(page.locator(SELECTORS["slider"])).to_have_attribute(
        "aria-valuetext", day.isoformat(), timeout=TIMEOUT_MS
    )


def test_a_folded_menu_opens_with_its_widgets_and_keeps_its_choice(
    browser: Any, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        wait_for_paths(page, minimum=50)
        page.locator(".st-key-timeline button").first.wait_for(timeout=TIMEOUT_MS)
        mark_iframe(page)
        field = date_field(page)
        field.fill("2020-11-10")
        field.press("Enter")
        _stamp(page, dt.date(2020, 11, 10))
        menu = page.locator(".st-key-key-dates")
        assert not page.get_by_text("Step (◀ ▶ and Play)").count()  # folded: not sent
        menu.locator("button").first.click()
        year = page.locator(".st-key-play_step").get_by_text("Year", exact=True)
        year.wait_for(timeout=TIMEOUT_MS)  # drawn by the run that opening asked for
        year.click()
        expect(page.locator(SELECTORS["next"])).to_have_text("Year ▶", timeout=TIMEOUT_MS)
        page.keyboard.press("Escape")  # folded again
        expect(page.get_by_text("Step (◀ ▶ and Play)")).to_have_count(0, timeout=TIMEOUT_MS)
        field.fill("2020-11-12")
        field.press("Enter")
        _stamp(page, dt.date(2020, 11, 12))
        page.locator(SELECTORS["next"]).click()  # still a year
        expect(field).to_have_value("2021-11-12", timeout=TIMEOUT_MS)
        _stamp(page, dt.date(2021, 11, 12))
        cards = page.locator(".st-key-timeline button", has_text="Show on map")
        assert cards.count() >= 20  # the timeline is there after every change
        assert iframe_kept(page)
    finally:
        context.close()
