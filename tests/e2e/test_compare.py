"""Comparison mode in headless Chromium: both dates drawn, the change layer, the swipe bar.

The screenshot goes to tests/artifacts/compare-mode.png (look at it: a test can pass on
a blank map).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from layers.styles import STYLES
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
TIMEOUT_MS = 30_000
#: Leaflet names a pane's element ``leaflet-<name>-pane`` (layers.web.compare panes).
BEFORE = ".leaflet-bm-before-pane"
AFTER = ".leaflet-bm-after-pane"
#: Fill of the change layer's "Armenian forces -> Azerbaijan" areas, and of the areas
#: held by Armenian forces (the palette of layers.styles).
HANDED_OVER_FILL = STYLES["change-armenian-azerbaijani"].fill
ARMENIAN_FILL = STYLES["control-armenian"].fill


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """The app at 1366 x 768, switched to comparison mode, once both dates have drawn."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    tab.goto(app_url, wait_until="domcontentloaded")
    frame = tab.frame_locator(MAP_FRAME)
    # The first map drawn before the switch, as a user would see it (a switch clicked
    # during the page's first run once timed out in a full CI run: not reproduced).
    frame.locator("path").nth(49).wait_for(state="attached", timeout=TIMEOUT_MS)
    tab.get_by_text("Compare two dates").click()
    try:
        frame.locator(f"{AFTER} path[fill='{HANDED_OVER_FILL}']").first.wait_for(
            state="attached", timeout=TIMEOUT_MS
        )
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=ARTIFACTS / "compare-mode-not-drawn.png")  # for the CI log
        raise
    yield tab
    context.close()
    assert errors == []


def clip_edge(frame: Any, pane: str, side: int) -> float:
    """One edge (0 top, 1 right, 2 bottom, 3 left) of a pane's CSS clip, in pixels."""
    clip = frame.locator(pane).evaluate("el => el.style.clip")
    return float(clip.removeprefix("rect(").removesuffix(")").split(",")[side].strip()[:-2])


def test_compare_mode_draws_both_dates_and_the_swipe_bar_splits_them(
    page: Any, artifacts: Path
) -> None:
    frame = page.frame_locator(MAP_FRAME)
    # Both dates drawn: on 9 November 2020 Kalbajar, Lachin and Aghdam are still Armenian-held.
    expect(frame.locator(f"{BEFORE} path[fill='{ARMENIAN_FILL}']").first).to_be_attached()
    assert frame.locator(f"{AFTER} path").count() > 0
    stamp = frame.locator(".bm-date-stamp")
    expect(stamp).to_have_text("Before 9 November 2020 · after 1 December 2020")
    expect(frame.locator(".bm-legend-box")).to_contain_text("What changed (right of the bar)")
    expect(
        page.get_by_text("What changed between 9 November 2020 and 1 December 2020")
    ).to_be_visible()
    # Before and after meet at the bar, in the middle of the map at first.
    assert clip_edge(frame, BEFORE, 1) == clip_edge(frame, AFTER, 3)
    box = frame.locator(".leaflet-container").bounding_box()
    knob = frame.locator(".bm-swipe-knob").bounding_box()
    assert abs(knob["x"] + knob["width"] / 2 - (box["x"] + box["width"] / 2)) < 3
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "compare-mode.png"))

    # Drag the bar to 30 % of the width: both panes' clips follow it, the map stays put.
    centre_before = frame.locator(".leaflet-map-pane").evaluate("el => el.style.transform")
    page.mouse.move(knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.3 * box["width"], knob["y"] + knob["height"] / 2, steps=8)
    page.mouse.up()
    container = frame.locator(".leaflet-container")
    expect(container).to_have_attribute("data-swipe", "0.300", timeout=5_000)
    assert clip_edge(frame, BEFORE, 1) == clip_edge(frame, AFTER, 3)
    assert frame.locator(".leaflet-map-pane").evaluate("el => el.style.transform") == (
        centre_before
    )
    page.screenshot(path=str(artifacts / "compare-mode-swiped.png"))
    # The app has taken the bar's new place (it writes swipe= and reruns): a date typed
    # during that rerun is lost (a known race, README "Compare two dates").
    expect(page).to_have_url(re.compile(r"swipe=0\.3"), timeout=TIMEOUT_MS)

    # A new after date swaps the layers in the same map (no remount).
    page.locator(MAP_FRAME).evaluate("el => { el.dataset.bmMark = 'kept'; }")
    page.locator(".st-key-compare_after [data-type=year]").click()
    page.keyboard.type("20201125")
    page.keyboard.press("Enter")
    page.locator("h3").first.click()  # blur to commit
    expect(
        page.get_by_text("What changed between 9 November 2020 and 25 November 2020")
    ).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(f"{MAP_FRAME}[data-bm-mark='kept']")).to_have_count(1)
    expect(stamp).to_have_text("Before 9 November 2020 · after 25 November 2020")
    expect(container).to_have_attribute("data-swipe", "0.300")
