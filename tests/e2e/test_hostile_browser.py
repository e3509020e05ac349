"""The app in headless Chromium on the hostile copy of the data (tests/hostile.py): no
dialog, no element made from data text (image, script, heading, link) in the page or in
the map iframe with every popup and tooltip open, and no request to any host but the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import TEST_TODAY
from tests.e2e.server import streamlit_server
from tests.e2e.test_browser import MAP_FRAME, map_frame

pytestmark = pytest.mark.e2e

#: The first load reads the hostile data (about 1.7 MB of YAML) on a shared machine.
LOAD_TIMEOUT_MS = 180_000

#: Elements that only injected data text could create (the app itself has none of them).
INJECTED = (
    "img[onerror], img[src='x'], img[src*='example.invalid'], a[href*='example.invalid'], "
    "a[href^='javascript:'], h1, [onerror], iframe[src*='example.invalid']"
)
#: Opens every popup and tooltip of the Leaflet map in the iframe at once (autoClose off),
#: so their HTML is in the DOM; returns how many were opened.
OPEN_ALL = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  let opened = 0;
  map.eachLayer((layer) => {
    const popup = layer.getPopup && layer.getPopup();
    if (popup && layer.getLatLng) {
      popup.options.autoClose = false;
      popup.options.closeOnClick = false;
      layer.openPopup();
      opened += 1;
    }
    const tooltip = layer.getTooltip && layer.getTooltip();
    if (tooltip && layer.getLatLng) { layer.openTooltip(); opened += 1; }
  });
  return opened;
}"""
#: Scripts whose text holds the payload's alert call.
LIVE_SCRIPTS = (
    "() => [...document.scripts].filter((s) => s.textContent.includes('alert(1)</script>')"
    " || /<script>alert\\(1\\)/.test(s.textContent)).length"
)


@pytest.fixture(scope="module")
def hostile_url(hostile_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log, hostile_data_dir, today=TEST_TODAY) as url:
        yield url


def test_hostile_data_stays_text_in_the_browser(
    browser: Any, hostile_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))

    def outside(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            problems.append(f"request: {request.url}")

    page.on("request", outside)
    page.goto(f"{hostile_url}/?date=2020-11-10", wait_until="domcontentloaded")
    page.locator(MAP_FRAME).wait_for(timeout=LOAD_TIMEOUT_MS)
    frame = map_frame(page)
    frame.locator("path").nth(49).wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
    # the timeline's cards (the folded text alternative holds the text too, hidden)
    page.get_by_text("invisible", exact=False).filter(visible=True).first.wait_for(
        timeout=LOAD_TIMEOUT_MS
    )

    opened = frame.locator("body").evaluate(OPEN_ALL)
    assert opened >= 20  # place and site markers: popups and tooltips
    frame.locator(".leaflet-popup-content").nth(9).wait_for(timeout=LOAD_TIMEOUT_MS)
    # country names come from Natural Earth, not from the hostile data: some popups and
    # tooltips, not all, carry the payload, shown as typed
    texts = frame.locator(".leaflet-popup-content, .leaflet-tooltip").all_inner_texts()
    assert any("<img src=x onerror=alert(1)>" in text for text in texts)
    page.screenshot(path=str(artifacts / "hostile-page.png"))

    for where in (page.locator("body"), frame.locator("body")):
        assert where.locator(INJECTED).count() == 0
        assert where.evaluate(LIVE_SCRIPTS) == 0
    assert "{{7*7}}" in page.locator("body").inner_text()  # timeline: literal, not 49
    # the timeline's component (layers.web.timeline_cards): every card holds the payload
    # as text, and its buttons' labels are text too
    cards = page.locator(".bm-timeline .bm-card")
    assert cards.count() >= 20
    assert all("<img src=x onerror=alert(1)>" in t for t in cards.all_inner_texts())
    assert set(page.locator(".bm-timeline button").all_inner_texts()) == {"Show on map"}
    context.close()
    assert problems == []
