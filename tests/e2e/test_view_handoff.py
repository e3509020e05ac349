"""The view on screen goes into the URL, a fresh browser, exports and Back (issue 11).

Screenshots go to tests/artifacts/ (look at them).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image
from playwright.sync_api import expect

from layers.web.date_widgets import SELECTORS
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, date_field, map_frame, wait_for_paths

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1500, "height": 1100}


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    opened = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    yield opened
    opened.close()


def open_app(context: Any, url: str) -> Any:
    tab = context.new_page()
    tab.goto(url, wait_until="domcontentloaded")
    wait_for_paths(tab, minimum=50)
    return tab


def url_view(page: Any) -> tuple[float, ...]:
    (raw,) = parse_qs(urlparse(page.url).query)["view"]
    return tuple(float(v) for v in raw.split(","))


def screen_bounds(page: Any) -> tuple[float, ...]:
    """The bounds Leaflet shows (min lon, min lat, max lon, max lat)."""
    value = map_frame(page).locator("body").evaluate(
        "() => { const b = window.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    return tuple(float(v) for v in value)


def assert_close(a: tuple[float, ...], b: tuple[float, ...], share: float = 0.01) -> None:
    """Equal within ``share`` of the extent's width (x) and height (y)."""
    width, height = b[2] - b[0], b[3] - b[1]
    for index, (x, y) in enumerate(zip(a, b, strict=True)):
        assert abs(x - y) <= share * (width if index % 2 == 0 else height), (a, b)


def pan_and_zoom(page: Any) -> None:
    box = page.locator(MAP_FRAME).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - 180, cy - 90, steps=8)
    page.mouse.up()
    frame = map_frame(page)
    for _ in range(2):
        frame.locator(".leaflet-control-zoom-in").click()
        expect(frame.locator(".leaflet-zoom-anim")).to_have_count(0, timeout=TIMEOUT_MS)


def test_pan_and_zoom_reach_the_url_and_a_fresh_browser_opens_the_same_bounds(
    context: Any, browser: Any, app_url: str, artifacts: Path
) -> None:
    page = open_app(context, app_url)
    page.locator(MAP_FRAME).evaluate("el => { el.dataset.bmMark = 'kept'; }")
    pan_and_zoom(page)
    shown = screen_bounds(page)
    expect(page).to_have_url(re.compile(r"view="), timeout=TIMEOUT_MS)
    page.wait_for_function(  # the debounced report of the last zoom has landed
        "([w, s]) => { const v = new URL(location).searchParams.get('view');"
        " if (!v) return false; const [x, y] = v.split(',').map(Number);"
        " return Math.abs(x - w) < 1e-4 && Math.abs(y - s) < 1e-4; }",
        arg=[shown[0], shown[1]],
        timeout=TIMEOUT_MS,
    )
    assert_close(url_view(page), shown)
    assert page.locator(f"{MAP_FRAME}[data-bm-mark='kept']").count() == 1  # not remounted
    page.screenshot(path=artifacts / "view-panned-zoomed.png", full_page=True)
    fresh = browser.new_context(viewport=VIEWPORT)
    try:
        other = open_app(fresh, page.url)
        other.wait_for_timeout(500)  # the fit animation
        assert_close(screen_bounds(other), url_view(page))
        other.screenshot(path=artifacts / "view-restored-fresh-context.png", full_page=True)
    finally:
        fresh.close()


def test_an_exported_png_covers_the_zoomed_extent(context: Any, app_url: str) -> None:
    page = open_app(context, app_url)
    pan_and_zoom(page)
    expect(page).to_have_url(re.compile(r"view="), timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let the last debounced report land
    shown = url_view(page)
    page.get_by_text("Export", exact=True).click()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("Map image \\(PNG\\)")).click()
    download = info.value
    assert re.fullmatch(r"south-caucasus-\d{4}-\d\d-\d\d-map\.png", download.suggested_filename)
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    extent = tuple(float(v) for v in image.text["Extent"].split(","))
    # the paper map holds the screen's extent, padded in one dimension only (never cropped)
    assert extent[0] <= shown[0] + 1e-6 and extent[2] >= shown[2] - 1e-6
    assert extent[1] <= shown[1] + 1e-6 and extent[3] >= shown[3] - 1e-6
    width_ratio = (extent[2] - extent[0]) / (shown[2] - shown[0])
    height_ratio = (extent[3] - extent[1]) / (shown[3] - shown[1])
    assert min(width_ratio, height_ratio) < 1.02  # fitted: one side matches the screen
    assert max(width_ratio, height_ratio) < 2.5  # and no default frame


def test_back_restores_the_previous_date(context: Any, app_url: str) -> None:
    page = open_app(context, app_url)
    expect(date_field(page)).to_have_value("2021-02-23", timeout=TIMEOUT_MS)
    page.locator(SELECTORS["prev"]).click()
    expect(date_field(page)).not_to_have_value("2021-02-23", timeout=TIMEOUT_MS)
    earlier = str(date_field(page).input_value())
    expect(page).to_have_url(re.compile(f"date={earlier}"), timeout=TIMEOUT_MS)
    page.go_back()
    expect(date_field(page)).to_have_value("2021-02-23", timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile("date=2021-02-23"), timeout=TIMEOUT_MS)
    page.go_forward()
    expect(date_field(page)).to_have_value(earlier, timeout=TIMEOUT_MS)
