"""The static first map (issue 25, ``layers.web.first_map``) in Chromium, on a server of
this module with the default setting (on) and an editable copy of the data: the default
address shows the default view's map as an image before the live map's frame exists, as
a labelled preview that takes no click, placed where Leaflet will draw the live map, and
it is gone once the live map has painted; an address with query state gets none; a data
error removes it.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.leaflet_view import fit_zoom, pixel_origin
from layers.briefing.view import DEFAULT_BOUNDS
from layers.web.first_map import LOADING_TEXT, OVERLAY_ID, TIMING_NAME
from tests.conftest import TEST_TODAY
from tests.e2e.server import streamlit_server
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, wait_for_paths

pytestmark = pytest.mark.e2e

#: In the top page: when the preview's image is painted (Element Timing), whether the
#: live map's frame existed then, and the overlay's date stamp.
RECORDER = """(() => {
  if (window !== window.top) return;
  const LIVE = 'iframe[title="streamlit_folium.st_folium"]';
  const seen = window.bmSeen = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.identifier !== 'TIMING' || seen.static_painted) continue;
      seen.static_painted = true;
      seen.live_frame_then = !!document.querySelector(LIVE);
      seen.src = e.element ? e.element.getAttribute('src') : '';
      const stamp = document.querySelector('#OVERLAY .bm-date-stamp');
      seen.stamp = stamp ? stamp.textContent : '';
    }
  }).observe({type: 'element', buffered: true});
})();""".replace("TIMING", TIMING_NAME).replace("OVERLAY", OVERLAY_ID)
GONE = f"() => !document.getElementById('{OVERLAY_ID}')"


@pytest.fixture(scope="module")
def ready_url(
    data_copy: Path, browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The address of a server with the default settings, once its process has made the
    preview (on its first run)."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log, data_copy, today=TEST_TODAY) as url:
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
    tab.wait_for_function("() => window.bmSeen && window.bmSeen.static_painted",
                          timeout=TIMEOUT_MS)  # fmt: skip
    seen = tab.evaluate("() => window.bmSeen")
    assert seen["live_frame_then"] is False  # painted before the live map's frame existed
    assert seen["src"].startswith("/briefing-first-map/") and seen["src"].endswith(".svg")
    assert seen["stamp"].startswith("Situation on ")
    box = tab.locator(f"#{OVERLAY_ID}")
    assert box.get_attribute("aria-busy") == "true" and box.get_attribute("role") == "status"
    assert LOADING_TEXT in box.inner_text() and seen["stamp"] in box.inner_text()
    assert box.locator("iframe").count() == 0 and box.locator("img").get_attribute("alt") == ""
    tab.screenshot(path=artifacts / "static-first-map.png")
    wait_for_paths(tab, minimum=50)
    tab.wait_for_function(GONE, timeout=TIMEOUT_MS)
    assert tab.evaluate("() => document.documentElement.dataset.bmFirstMap") == "live"
    assert tab.locator(f"#{OVERLAY_ID}").count() == 0
    assert tab.locator(MAP_FRAME).count() == 1
    tab.screenshot(path=artifacts / "static-first-map-swapped.png")


@pytest.mark.parametrize("viewport", [(1500, 1100), (430, 900)])
def test_the_image_is_the_one_of_the_boxs_zoom_placed_where_leaflet_draws(
    browser: Any, ready_url: str, viewport: tuple[int, int]
) -> None:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    # the live map never comes (its frame's page refused): the preview stays, unmoved
    context.route("**/component/streamlit_folium*/**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(f"{ready_url}/", wait_until="load")
        placed = page.evaluate(
            f"""() => {{ const box = document.getElementById('{OVERLAY_ID}');
                 const img = box.querySelector('img');
                 return {{w: box.clientWidth, h: box.clientHeight, src: img.getAttribute('src'),
                          left: parseFloat(img.style.left), top: parseFloat(img.style.top),
                          shown: getComputedStyle(img).visibility,
                          images: JSON.parse(box.dataset.images)}}; }}"""
        )
        zoom = fit_zoom(DEFAULT_BOUNDS, placed["w"], placed["h"])
        row = next(r for r in placed["images"] if r[0] == zoom)
        assert placed["src"] == row[5] and placed["shown"] == "visible"
        # the image's world pixel at the box's top left corner is Leaflet's pixel origin
        origin = (row[1] - placed["left"], row[2] - placed["top"])
        assert origin == pixel_origin(DEFAULT_BOUNDS, zoom, placed["w"], placed["h"])
    finally:
        context.close()


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
    assert tab.evaluate("() => window.bmSeen.static_painted") is None


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
