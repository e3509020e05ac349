"""A session's first visit (issue 25): the first run sends the map with an empty timeline
box and the next run fills the box; the map's frame is loaded once for both, and the
folded text alternative holds no table until it is opened."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_paths

pytestmark = pytest.mark.e2e

#: In every frame: count the map frame's documents in the top page (a remount adds one).
_COUNT_MAP_DOCUMENTS = """(() => {
  if (window === window.top || !location.href.includes('streamlit_folium')) {
    if (window !== window.top) {
      window.addEventListener('DOMContentLoaded', () => {
        if (location.href.includes('streamlit_folium')) {
          window.top.bmMapDocuments = (window.top.bmMapDocuments || 0) + 1;
        }
      });
    }
    return;
  }
  window.top.bmMapDocuments = (window.top.bmMapDocuments || 0) + 1;
})();"""


def test_first_visit_fills_the_timeline_after_the_map_without_reloading_its_frame(
    browser: Any, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.add_init_script(_COUNT_MAP_DOCUMENTS)
    page = context.new_page()
    try:
        page.goto(app_url)
        page.locator(MAP_FRAME).wait_for(timeout=4 * TIMEOUT_MS)  # a cold server, loaded
        wait_for_paths(page, 51)
        cards = page.locator(".st-key-timeline button", has_text="Show on map")
        cards.first.wait_for(timeout=TIMEOUT_MS)
        assert cards.count() >= 20
        assert page.get_by_text("Loading the events…").count() == 0
        page.wait_for_timeout(1500)  # any run still on its way lands
        assert page.locator(MAP_FRAME).count() == 1
        assert page.evaluate("() => window.bmMapDocuments") == 1
        assert map_frame(page).locator(".leaflet-overlay-pane path").count() > 50
        section = page.locator("[data-testid='stExpander']", has_text="What the map shows")
        assert section.locator("table").count() == 0  # folded: not sent
        section.locator("summary").click()
        section.locator("table").wait_for(timeout=TIMEOUT_MS)
        assert section.locator("tbody tr").count() > 100
        assert page.evaluate("() => window.bmMapDocuments") == 1  # opening it: no remount
    finally:
        context.close()
