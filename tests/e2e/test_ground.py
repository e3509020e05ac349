"""The ground in headless Chromium (issue 21): at zoom 10 over the Lachin corridor and over
Gyumri the map shows roads and rivers (and, over Gyumri, railways and named villages);
zoomed out, roads, minor rivers and those villages are hidden.

Screenshots go to tests/artifacts/ (look at them); reviewed copies are in docs/ground/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, wait_for_paths

pytestmark = pytest.mark.e2e

#: Number of a class's paths shown (not hidden by the zoom classes) in the map.
SHOWN = """cls => Array.from(document.querySelectorAll('path.' + cls))
    .filter(p => getComputedStyle(p).display !== 'none').length"""
#: Whether a path is drawn inside the map's view (Leaflet keeps the paths of features out of
#: view in the page, with an empty outline): shown, with a box meeting the frame's window.
_IN_VIEW = """p => {
    if (getComputedStyle(p).display === 'none') return false;
    const r = p.getBoundingClientRect();
    return r.width + r.height > 0 && r.right > 0 && r.bottom > 0
        && r.left < window.innerWidth && r.top < window.innerHeight; }"""
#: Number of paths of a colour (a palette style's stroke) drawn in the map's view.
STROKED = f"""colour => Array.from(document.querySelectorAll('path'))
    .filter(p => p.getAttribute('stroke') === colour).filter({_IN_VIEW}).length"""
#: Number of paths filled with a colour (a point symbol's fill) drawn in the map's view.
FILLED = f"""colour => Array.from(document.querySelectorAll('path'))
    .filter(p => p.getAttribute('fill') === colour).filter({_IN_VIEW}).length"""
#: The texts of the permanent labels shown (not hidden by the decluttering or the zoom).
LABELS = """() => Array.from(document.querySelectorAll('.leaflet-tooltip.bm-label'))
    .filter(t => !t.classList.contains('bm-label-hidden')
                 && getComputedStyle(t).display !== 'none'
                 && getComputedStyle(t).visibility !== 'hidden')
    .map(t => t.textContent.trim())"""

LACHIN = (39.6, 46.55)  # lat, lon: between Goris, Lachin and Stepanakert
GYUMRI = (40.79, 43.85)


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(app_url, wait_until="domcontentloaded")
    wait_for_paths(tab, minimum=50)
    yield tab
    context.close()
    assert errors == []


def fly(page: Any, centre: tuple[float, float], zoom: float) -> Any:
    """The map frame, its view set to ``centre`` at ``zoom`` (no animation) and redrawn."""
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.evaluate(
        "([lat, lon, zoom]) => window.map.setView([lat, lon], zoom, {animate: false})",
        [centre[0], centre[1], zoom],
    )
    frame.wait_for_function(
        "zoom => window.map.getZoom() === zoom", arg=zoom, polling=100, timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(800)  # tiles of land and the label decluttering settle
    return frame


def test_zoom_10_over_the_lachin_corridor_shows_the_roads(page: Any, artifacts: Path) -> None:
    frame = fly(page, LACHIN, 7)
    assert frame.evaluate(SHOWN, "bm-from-z8") == 0  # roads hidden at zoom 7
    frame = fly(page, LACHIN, 10)
    assert frame.evaluate(SHOWN, "bm-from-z8") >= 2  # the corridor road, Goris-Kapan
    legend = page.locator(MAP_FRAME).element_handle().content_frame()
    assert legend.locator(".bm-legend-row:visible", has_text="Road").count() == 1
    page.locator(MAP_FRAME).screenshot(path=artifacts / "ground-lachin-zoom10.png")


def test_zoom_10_over_gyumri_shows_roads_rivers_and_villages(page: Any, artifacts: Path) -> None:
    frame = fly(page, GYUMRI, 10)
    assert frame.evaluate(SHOWN, "bm-from-z9") >= 1  # minor rivers near Gyumri (WDBII)
    assert frame.evaluate(STROKED, "#7fb1e0") >= 1
    # the M1 and the railways to Yerevan, Tbilisi and (out of use) Kars
    assert frame.evaluate(STROKED, "#2a1f17") >= 1  # a road
    assert frame.evaluate(STROKED, "#3c3c3c") >= 1  # a railway in use
    assert frame.evaluate(STROKED, "#8c8c8c") >= 1  # the railway to Kars, out of use
    assert frame.evaluate(FILLED, "#4d4d4d") >= 2  # villages of the ground
    labels = set(frame.evaluate(LABELS))
    assert {"Gyumri", "Arapi"} <= labels  # the town's name and a village's, both placed
    legend = page.locator(MAP_FRAME).element_handle().content_frame()
    for row in ("Road", "Railway", "Village"):
        assert legend.locator(".bm-legend-row:visible", has_text=row).count() >= 1, row
    page.locator(MAP_FRAME).screenshot(path=artifacts / "ground-gyumri-zoom10.png")
    frame = fly(page, GYUMRI, 8)
    assert frame.evaluate(SHOWN, "bm-from-z9") == 0  # minor rivers and villages hidden
    assert frame.evaluate(FILLED, "#4d4d4d") == 0
