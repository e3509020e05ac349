"""The benchmark's peer pages (leafmap, explore) draw in Chromium from the local CDN copies:
every request the browser makes for them (CSS images and fonts included) is answered,
no script fails, and the only requests aborted are map tiles."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from bench.maps import PEER_MAPS
from bench.peer_assets import PeerAssets, external_urls
from bench.peers_browser import FEATURE, Router, page_html, page_server
from geo.dataset import Dataset
from layers.briefing.view import View

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", list(PEER_MAPS))
def test_peer_page_draws_from_local_copies(browser: Any, dataset: Dataset, name: str) -> None:
    if name == "leafmap":
        pytest.importorskip("leafmap", reason="leafmap is a bench requirement (make bench)")
    html = page_html(PEER_MAPS[name], dataset, View().day)
    assets = PeerAssets()
    try:
        assets.mapping(external_urls(html))  # fetched from npm on first use
    except OSError as exc:
        pytest.skip(f"npm registry unreachable and no cached copies: {exc}")
    router = Router(assets)
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as folder, page_server(Path(folder)) as base:
        (Path(folder) / "peer.html").write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 900, "height": 650})
        context.route("**/*", router)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/peer.html", wait_until="load")
        # drawn, not "network idle": the refused tile requests kept the network busy for
        # over 30 s once, with the tests on two processes
        expect(page.locator(FEATURE).nth(50)).to_be_attached(timeout=60_000)
        drawn = page.locator(FEATURE).count()
        context.close()
    assert dict(router.missing) == {}
    assert errors == []
    assert set(router.aborted) <= {"tile.openstreetmap.org"}
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in router.fulfilled
    assert drawn > 50
