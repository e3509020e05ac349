"""A date change reruns only the date's part of the page (app.py ``map_page``): the
header and the sidebar's layer panel are not sent again, while everything that shows
or uses the date follows it: the map, the URL, the export file names and the deck's
"Add slide"."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from geo.dates import format_date
from layers.web.date_widgets import SELECTORS
from tests.e2e.test_browser import (
    TIMEOUT_MS,
    date_field,
    date_value,
    iframe_kept,
    map_frame,
    mark_iframe,
    wait_for_paths,
)

pytestmark = pytest.mark.e2e

#: Text only the sidebar's layer panel sends (the naming convention's label).
LAYER_PANEL = "Place names"


def test_a_date_change_resends_only_the_dates_part_and_the_sidebar_follows(
    browser: Any, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    received: list[str] = []

    def listen(socket: Any) -> None:
        socket.on("framereceived", lambda payload: received.append(as_text(payload)))

    page.on("websocket", listen)
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        wait_for_paths(page, minimum=50)
        # The sidebar follows the map (the run its first report asks for, issue 25).
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text(LAYER_PANEL).wait_for(timeout=TIMEOUT_MS)
        assert any(LAYER_PANEL in frame for frame in received)  # the whole page, once
        mark_iframe(page)
        received.clear()
        page.locator(SELECTORS["prev"]).click()
        expect(date_field(page)).not_to_have_value("2021-02-23", timeout=TIMEOUT_MS)
        earlier = date_value(page)
        day = format_date(dt.date.fromisoformat(earlier))
        expect(map_frame(page).locator(".bm-date-stamp")).to_have_text(
            f"Situation on {day}", timeout=TIMEOUT_MS
        )
        expect(page).to_have_url(re.compile(f"date={earlier}"), timeout=TIMEOUT_MS)
        assert received  # the run's messages were seen
        assert not any(LAYER_PANEL in frame for frame in received)
        assert iframe_kept(page)

        page.get_by_text("Export", exact=True).click()
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name=re.compile(r"Visible data \(GeoJSON\)")).click()
        assert info.value.suggested_filename == f"south-caucasus-{earlier}-data.geojson"
        data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert data["features"]

        page.get_by_text("Deck", exact=True).click()
        page.locator(".st-key-deck_add button").click()
        slide = page.locator("[data-testid='stSidebar']").get_by_text(
            re.compile(rf"^1\. Situation on {day}")
        )
        expect(slide).to_be_visible(timeout=TIMEOUT_MS)  # the slide holds the new date
    finally:
        context.close()


def as_text(payload: str | bytes) -> str:
    """A websocket frame as text (Streamlit's protobuf frames are bytes; their strings
    are UTF-8)."""
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
