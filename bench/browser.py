"""Cold start to first map in headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from tests.e2e.server import CHROMIUM_ARGS, chromium_path

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _first_map(browser: Any, url: str) -> tuple[float, float]:
    """Seconds from navigation to the load event, and from the load event to 50+ map
    paths drawn in the map iframe. A fresh browser context each time (empty cache)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter()
    page.frame_locator(MAP_FRAME).locator("path").nth(50).wait_for(state="attached", timeout=60_000)
    drawn = time.perf_counter()
    context.close()
    return loaded - start, drawn - loaded


def first_map_times(url: str, repeat: int = 5) -> dict[str, object]:
    """First-visit (cold server cache) and median later figures, or why they are absent."""
    executable = chromium_path()
    if executable is None:
        return {"skipped": "Debian chromium not installed"}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            first = _first_map(browser, url)
            later = [_first_map(browser, url) for _ in range(repeat)]
        finally:
            browser.close()
    return {
        "cold_load_s": first[0],
        "cold_map_after_load_s": first[1],
        "load_s": statistics.median(t[0] for t in later),
        "map_after_load_s": statistics.median(t[1] for t in later),
    }
