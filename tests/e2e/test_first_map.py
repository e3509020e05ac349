"""A session's first visit (issue 25): the first run sends the map with an empty timeline
box and without the sidebar's export and deck panels; the map's first report (sent when
its script has drawn it) asks for the run that fills them; the map's frame is loaded once
for both, and the folded text alternative holds no table until it is opened. Should the
map never report, the empty box asks for that run itself after a few seconds. The map
frame's files are kept by the browser (layers.web.cache_headers)."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from layers.web.annotations import ANNOTATE_JS_URL
from layers.web.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL
from layers.web.cache_headers import IMMUTABLE
from tests.e2e.test_browser import (
    MAP_FRAME,
    TIMEOUT_MS,
    map_frame,
    map_frame_itself,
    wait_for_paths,
)
from ui.timeline import FALLBACK_SECONDS

pytestmark = pytest.mark.e2e

#: In every frame: count the map frame's documents in the top page (a remount adds one),
#: and note on one clock (epoch ms) when the map frame first holds 51 paths and when the
#: top page first holds a timeline card and the sidebar's export panel.
_RECORDER = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  const top = window.top;
  const mark = (k) => {
    top.bmMarks = top.bmMarks || {};
    if (!(k in top.bmMarks)) top.bmMarks[k] = now();
  };
  const ours = () => location.href.includes('streamlit_folium');  // known once loaded
  if (window === top) {
    const timer = setInterval(() => {
      if (document.querySelector('.st-key-timeline button')) mark('cards');
      if ([...document.querySelectorAll('[data-testid=stSidebar] summary')]
            .some((s) => s.textContent.includes('Export'))) mark('export');
      if (top.bmMarks && 'cards' in top.bmMarks && 'export' in top.bmMarks) clearInterval(timer);
    }, 4);
    return;
  }
  window.addEventListener('DOMContentLoaded', () => {
    if (ours()) top.bmMapDocuments = (top.bmMapDocuments || 0) + 1;
  });
  const timer = setInterval(() => {
    if (ours() && document.querySelectorAll('.leaflet-overlay-pane path').length > 50) {
      mark('paths');
      clearInterval(timer);
    }
  }, 4);
})();"""


def test_first_visit_fills_the_timeline_after_the_map_is_drawn_without_reloading_its_frame(
    browser: Any, app_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.add_init_script(_RECORDER)
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
        marks = page.evaluate("() => window.bmMarks")
        # The cards and the export panel came after the map was drawn: the run that
        # draws them was asked for by the map (before, it was asked for at once, and
        # the browser laid them out before it loaded the map's frame).
        assert marks["paths"] < marks["cards"], marks
        assert marks["paths"] < marks["export"], marks
        assert page.locator(MAP_FRAME).count() == 1
        assert page.evaluate("() => window.bmMapDocuments") == 1
        assert map_frame(page).locator(".leaflet-overlay-pane path").count() > 50
        page.screenshot(path=artifacts / "first-map-filled.png")  # looked at: map and cards
        section = page.locator("[data-testid='stExpander']", has_text="What the map shows")
        assert section.locator("table").count() == 0  # folded: not sent
        section.locator("summary").click()
        section.locator("table").wait_for(timeout=TIMEOUT_MS)
        assert section.locator("tbody tr").count() > 100
        assert page.evaluate("() => window.bmMapDocuments") == 1  # opening it: no remount
    finally:
        context.close()


def test_the_timeline_fills_even_if_the_map_never_reports(browser: Any, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    # The map's frame never loads (its page refused), so it never reports.
    context.route("**/component/streamlit_folium*/**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(app_url)
        page.get_by_text("Loading the events…").wait_for(timeout=4 * TIMEOUT_MS)
        cards = page.locator(".st-key-timeline button", has_text="Show on map")
        cards.first.wait_for(timeout=TIMEOUT_MS + 1000 * FALLBACK_SECONDS)
        assert cards.count() >= 20
        assert page.get_by_text("Loading the events…").count() == 0
        assert map_frame(page).locator(".leaflet-overlay-pane path").count() == 0  # no map
    finally:
        context.close()


def _cache_control(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as reply:
        assert reply.status == 200
        return str(reply.headers.get("Cache-Control", ""))


def test_the_map_frames_files_are_kept_by_the_browser_a_year(app_url: str) -> None:
    # Our static files, by the URLs the map asks for (each with its file's digest).
    for url in (LEAFLET_JS_URL, LEAFLET_CSS_URL, ANNOTATE_JS_URL):
        assert "?v=" in url
        assert _cache_control(app_url + url) == IMMUTABLE, url
    # Without the digest the URL does not name the content: left as Streamlit sends it.
    assert _cache_control(app_url + "/app/static/leaflet/leaflet.js") != IMMUTABLE
    # The component's page is not kept; its bundle (a hashed name) is.
    component = app_url + "/component/streamlit_folium.st_folium/"
    assert _cache_control(component + "index.html") != IMMUTABLE
    with urllib.request.urlopen(component + "index.html", timeout=30) as reply:
        bundle = re.search(r'src="\./(static/js/main\.[0-9a-f]{8}\.js)"', reply.read().decode())
    assert bundle is not None
    assert _cache_control(component + bundle.group(1)) == IMMUTABLE


#: The frame's own requests for its files: path and query, and the bytes that came over
#: the network (0 when the browser's cache answered).
_FRAME_FILES = """() => performance.getEntriesByType('resource')
  .map((r) => ({url: r.name.slice(location.origin.length), size: r.transferSize}))
  .filter((r) => r.url.startsWith('/app/static/') || r.url.includes('/static/js/main.'))"""


def test_the_page_preloads_the_files_the_map_frame_loads_and_the_frame_takes_them_from_the_cache(
    browser: Any, app_url: str
) -> None:
    found: list[tuple[str, int]] = []
    for _ in range(2):  # the first visit after a start registers the component (warm-up)
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        page = context.new_page()
        try:
            answer = page.goto(app_url)
            assert answer is not None
            link = answer.headers.get("link", "")
            wait_for_paths(page, 51)
            found = [(f["url"], f["size"]) for f in map_frame_itself(page).evaluate(_FRAME_FILES)]
        finally:
            context.close()
    preloaded = re.findall(r"<([^>]+)>; rel=preload; as=(?:script|style)", link)
    for url in (LEAFLET_JS_URL, LEAFLET_CSS_URL, ANNOTATE_JS_URL):
        assert url in preloaded, link
    assert any("/static/js/main." in url for url in preloaded), link
    # every file the frame loaded was named by the page, and came from the browser's cache
    assert len(found) == 4, found
    assert {url for url, _ in found} == set(preloaded), (found, preloaded)
    assert all(size == 0 for _, size in found), found
