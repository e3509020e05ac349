"""The static first map (issue 25, ``layers.web.first_map``) in Chromium, on a server of
this module with ``BRIEFING_FIRST_MAP=on`` and an editable copy of the data: the default
address shows the default view's map before the live map's frame exists, as a labelled
preview that takes no click, and it is gone once the live map has painted; an address
with query state gets none; a data error removes it. The session's server (the default
setting) sends no static first map.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layers.web.first_map import FRAME_TITLE, LOADING_TEXT, OVERLAY_ID
from tests.conftest import TEST_TODAY
from tests.e2e.server import streamlit_server
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, wait_for_paths
from ui.static_first import SETTING_ENV

pytestmark = pytest.mark.e2e

#: The preview's frame (sandboxed: it cannot reach the page) tells the page when its map
#: has drawn its layers, with its date stamp; the page notes whether the live map's frame
#: existed when it heard it.
RECORDER = """(() => {
  const LIVE = 'iframe[title="streamlit_folium.st_folium"]';
  if (window === window.top) {
    const seen = window.bmSeen = {};
    window.addEventListener('message', (e) => {
      if (!e.data || !e.data.bmStaticDrawn || seen.static_drawn) return;
      seen.static_drawn = true;
      seen.live_frame_then = !!document.querySelector(LIVE);
      seen.stamp = e.data.stamp;
    });
    return;
  }
  if (location.pathname.indexOf('/briefing-first-map/') !== 0) return;
  const timer = setInterval(() => {
    if (document.querySelectorAll('.leaflet-overlay-pane path').length > 50) {
      clearInterval(timer);
      const stamp = (document.querySelector('.bm-date-stamp') || {}).textContent || '';
      window.parent.postMessage({bmStaticDrawn: true, stamp: stamp}, '*');
    }
  }, 4);
})();"""
GONE = f"() => !document.getElementById('{OVERLAY_ID}')"


@pytest.fixture(scope="module")
def ready_url(
    data_copy: Path, browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The address of a server with the static first map on, once its process has made
    the preview (on its first run)."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    on = {SETTING_ENV: "on"}
    with streamlit_server(log, data_copy, environ=on, today=TEST_TODAY) as url:
        _run_once(browser, url)
        deadline = time.monotonic() + 60
        while OVERLAY_ID.encode() not in _page(url):
            assert time.monotonic() < deadline, "the app's page never got its static first map"
            time.sleep(0.5)
        yield url


def _run_once(browser: Any, url: str) -> None:
    """A visit that runs the script (with query state: no static map of its own)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/?date=2020-11-10", wait_until="domcontentloaded")
    wait_for_paths(page, minimum=20)
    context.close()


def _page(url: str) -> bytes:
    with urllib.request.urlopen(f"{url}/", timeout=10) as reply:
        return bytes(reply.read())


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.add_init_script(RECORDER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def test_the_default_address_shows_the_static_map_first_then_only_the_live_one(
    tab: Any, ready_url: str, artifacts: Path
) -> None:
    tab.goto(f"{ready_url}/", wait_until="commit")
    tab.wait_for_function("() => window.bmSeen && window.bmSeen.static_drawn",
                          timeout=TIMEOUT_MS)  # fmt: skip
    seen = tab.evaluate("() => window.bmSeen")
    assert seen["live_frame_then"] is False  # drawn before the live map's frame existed
    assert seen["stamp"].startswith("Situation on ")
    box = tab.locator(f"#{OVERLAY_ID}")
    assert box.get_attribute("aria-busy") == "true"
    assert LOADING_TEXT in box.inner_text() and seen["stamp"] in box.inner_text()
    assert box.locator("iframe").get_attribute("title") == FRAME_TITLE
    assert box.locator("iframe").get_attribute("sandbox") == "allow-scripts"
    tab.screenshot(path=artifacts / "static-first-map.png")
    wait_for_paths(tab, minimum=50)
    tab.wait_for_function(GONE, timeout=TIMEOUT_MS)
    assert tab.evaluate("() => document.documentElement.dataset.bmFirstMap") == "live"
    assert tab.locator(f"iframe[title='{FRAME_TITLE}']").count() == 0
    assert tab.locator(MAP_FRAME).count() == 1
    tab.screenshot(path=artifacts / "static-first-map-swapped.png")


def test_the_preview_takes_no_click_and_the_live_map_gets_them_after_the_swap(
    tab: Any, ready_url: str
) -> None:
    tab.goto(f"{ready_url}/", wait_until="commit")
    tab.locator(f"#{OVERLAY_ID}").wait_for(state="attached", timeout=TIMEOUT_MS)
    assert tab.evaluate(
        f"() => getComputedStyle(document.getElementById('{OVERLAY_ID}')).pointerEvents"
    ) == "none"  # fmt: skip
    wait_for_paths(tab, minimum=50)
    tab.wait_for_function(GONE, timeout=TIMEOUT_MS)
    hit = tab.evaluate(
        """(selector) => { const frame = document.querySelector(selector);
             const r = frame.getBoundingClientRect();
             const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return hit === frame; }""",
        MAP_FRAME,
    )
    assert hit
    zoom = tab.frame_locator(MAP_FRAME).locator(".leaflet-control-zoom-in")
    zoom.click(timeout=TIMEOUT_MS)  # a real click at the point, nothing in front of it


def test_an_address_with_query_state_gets_no_static_map(tab: Any, ready_url: str) -> None:
    reply = tab.goto(f"{ready_url}/?date=2020-11-10", wait_until="commit")
    assert OVERLAY_ID not in reply.text()
    wait_for_paths(tab, minimum=50)
    assert tab.locator(f"#{OVERLAY_ID}").count() == 0
    assert tab.evaluate("() => window.bmSeen.static_drawn") is None


def test_a_data_error_removes_the_static_map(
    tab: Any, ready_url: str, data_copy: Path, artifacts: Path
) -> None:
    events = data_copy / "events.yaml"
    good = events.read_text(encoding="utf-8")
    events.write_text("[unclosed", encoding="utf-8")
    try:
        tab.goto(f"{ready_url}/", wait_until="commit")  # the preview made before the edit
        tab.locator(f"#{OVERLAY_ID}").wait_for(state="attached", timeout=TIMEOUT_MS)
        alert = tab.locator("[data-testid=stAlert]").first
        alert.wait_for(timeout=TIMEOUT_MS)
        tab.wait_for_function(GONE, timeout=TIMEOUT_MS)
        assert tab.evaluate("() => document.documentElement.dataset.bmFirstMap") == "error"
        assert "cannot be drawn" in alert.inner_text()
        tab.screenshot(path=artifacts / "static-first-map-data-error.png")
    finally:
        events.write_text(good, encoding="utf-8")


def test_the_default_setting_sends_no_static_map(browser: Any, app_url: str) -> None:
    _run_once(browser, app_url)
    assert OVERLAY_ID.encode() not in _page(app_url)
