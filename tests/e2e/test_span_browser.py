"""The app in headless Chromium on a date of 2024 (issue 23): the map, its legend and date
stamp, the timeline card of that year and one export download, on the committed data and
its real records of 2024 (the EU mission, the Russian border guards, the peacekeepers'
withdrawal). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from geo.dataset import Dataset
from geo.periods import key_days, period_of
from tests.conftest import TEST_TODAY
from tests.e2e.server import ROOT, streamlit_server
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, date_field, map_frame, wait_for_paths

pytestmark = pytest.mark.e2e

#: A day after the peacekeepers left (12 June 2024) and before the Russian border guards
#: left Zvartnots (1 August 2024).
DAY_2024 = dt.date(2024, 6, 15)


@pytest.fixture(scope="module")
def url_2024(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the committed data."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log, ROOT / "data", today=TEST_TODAY) as url:
        yield url


def test_a_2024_date_draws_map_legend_timeline_and_exports(
    browser: Any, url_2024: str, artifacts: Path, dataset: Dataset
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{url_2024}/?date={DAY_2024.isoformat()}", wait_until="domcontentloaded")
        wait_for_paths(page, minimum=50)
        assert date_field(page).input_value() == DAY_2024.isoformat()
        frame = map_frame(page)
        expect(frame.locator(".bm-legend")).to_contain_text("EU mission base", timeout=TIMEOUT_MS)
        legend = frame.locator(".bm-legend").inner_text()
        for label in ("EU mission area", "Border-guard post", "Russian military base"):
            assert label in legend
        for gone in ("Peacekeeping HQ", "Monitoring centre", "Checkpoint", "Transit route"):
            assert gone not in legend, gone  # left, closed, or never drawn (no route)
        expect(frame.get_by_text("Situation on 15 June 2024")).to_have_count(1)
        card = page.locator("[data-event-id='peacekeepers-withdrawal-complete-2024-06-12']")
        expect(card).to_have_count(1, timeout=TIMEOUT_MS)
        expect(card).to_contain_text("12 June 2024")
        years = f"{dataset.span.first.year}–{TEST_TODAY[:4]}"  # the committed data's first year
        expect(page.get_by_text(f"Russian military presence, {years}")).to_have_count(1)
        page.screenshot(path=artifacts / "span-2024-map.png", full_page=True)
        page.get_by_text("Export", exact=True).click()
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name=re.compile("Map image \\(PNG\\)")).click()
        download = info.value
        assert download.suggested_filename == "south-caucasus-2024-06-15-map.png"
        image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
        image.save(artifacts / "span-2024-export.png")
        assert image.size[0] > 1000
        page.locator(MAP_FRAME).wait_for(timeout=TIMEOUT_MS)  # the map stayed
        page.locator(".st-key-key-dates button").first.click()  # key dates by period
        menu = page.get_by_role("dialog", name="Key dates")
        expect(menu.get_by_role("combobox", name="Period")).to_be_visible(timeout=TIMEOUT_MS)
        days = key_days(dataset)
        period = days.periods[period_of(days.periods, DAY_2024)]
        label = f"{period.label} ({len(period.days)} key dates)"
        expect(menu).to_match_aria_snapshot(f'- combobox "Period": {label}')
        page.screenshot(path=artifacts / "span-2024-key-dates.png")
        page.locator(".st-key-key-latest button").click()
        expect(date_field(page)).to_have_value(TEST_TODAY, timeout=TIMEOUT_MS)
    finally:
        context.close()
    assert errors == []
