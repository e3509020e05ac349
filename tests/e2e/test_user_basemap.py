"""The user's own basemap in headless Chromium (issue 21 item 3): the app started with
``BRIEFING_BASEMAP`` naming a generated tile package offers it, draws its tiles under the
vectors from the app's own server (no other host is asked) and shows its attribution.

Screenshots go to tests/artifacts/ (look at them); a reviewed copy is in docs/ground/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from layers.user_basemap import ATTRIBUTION_ENV, BASEMAP_ENV, TILE_ROUTE
from tests.e2e.server import streamlit_server
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, wait_for_paths
from tests.tile_package import write_mbtiles

pytestmark = pytest.mark.e2e

#: Tiles drawn in the map frame: (source, loaded width) of each tile image.
TILES = """() => Array.from(document.querySelectorAll('img.leaflet-tile'))
    .map(t => [t.getAttribute('src'), t.complete ? t.naturalWidth : 0])"""
ATTRIBUTION = "Test tiles © Example <i>Cartography</i> {{7*7}}"


@pytest.fixture(scope="module")
def tiles_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app, with the generated package as the user's basemap."""
    folder = tmp_path_factory.mktemp("tiles")
    package = write_mbtiles(folder / "test.mbtiles")
    environ = {BASEMAP_ENV: str(package), ATTRIBUTION_ENV: ATTRIBUTION}
    with streamlit_server(folder / "server.log", environ=environ) as url:
        yield url


def _host(url: str) -> str:
    """The host a request goes to: a ``blob:`` URL's is its origin's (the timeline's
    component loads its script as a blob of the page's origin); ``data:`` has none."""
    parts = urlsplit(url)
    if parts.scheme == "blob":
        return urlsplit(url[len("blob:") :]).netloc
    return "" if parts.scheme == "data" else parts.netloc


def test_the_tiles_come_from_the_apps_own_server(
    browser: Any, tiles_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    tab = context.new_page()
    hosts: set[str] = set()
    errors: list[str] = []
    tab.on("request", lambda request: hosts.add(_host(request.url)))
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    tab.goto(f"{tiles_url}/?basemap=user&view=46.0,39.35,47.1,40.25", wait_until="domcontentloaded")
    tab.locator(MAP_FRAME).wait_for(timeout=4 * TIMEOUT_MS)  # a fresh server: first run
    wait_for_paths(tab, minimum=20)
    # the sidebar's panels follow the map's first report
    expect(tab.get_by_text("Your basemap (tiles configured for this app)")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    frame = tab.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_function(
        f"() => ({TILES})().filter(t => t[1] === 256).length >= 4",
        polling=200,
        timeout=TIMEOUT_MS,
    )
    loaded = [src for src, width in frame.evaluate(TILES) if width == 256]
    assert all(src.startswith(f"{TILE_ROUTE}/8/") for src in loaded), loaded
    assert hosts - {""} == {urlsplit(tiles_url).netloc}  # no other host, the tiles included
    assert frame.locator(".bm-tile-failure").count() == 0  # no tile asked off the package
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "Test tiles © Example Cartography {{7*7}}" in attribution
    assert frame.locator(".leaflet-control-attribution i").count() == 0  # text, not markup
    # the vectors lie above the tiles (overlay pane over tile pane)
    assert frame.evaluate(
        "() => +getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex"
        " > +getComputedStyle(document.querySelector('.leaflet-tile-pane')).zIndex"
    )
    tab.locator(MAP_FRAME).screenshot(path=artifacts / "user-basemap-screen.png")
    context.close()
    assert errors == []
