"""The app in headless Chromium: the map draws, toggles and dates act without a remount.

Screenshots go to tests/artifacts/ (look at them: a test can pass on a blank map).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from geo.dataset import Dataset
from geo.situation import state_at
from layers.catalog import LAYERS
from layers.features import features
from layers.styles import STYLES
from layers.web.date_widgets import SELECTORS

pytestmark = pytest.mark.e2e

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
ARMENIAN_FILL = STYLES["control-armenian"].fill
AZERBAIJANI_FILL = STYLES["control-azerbaijani"].fill
TIMEOUT_MS = 30_000


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh page on the app, once the map has drawn its layers."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    tab.goto(app_url, wait_until="domcontentloaded")
    wait_for_paths(tab, minimum=50)
    yield tab
    context.close()
    assert errors == []


def held_areas(dataset: Dataset, day: str, holder: str) -> int:
    """How many areas ``holder`` holds on ``day`` in the committed data: the paths of that
    fill the map must draw (one per control feature)."""
    spec = next(s for s in LAYERS if s.carries_holder)
    rows = features(dataset, state_at(dataset, dt.date.fromisoformat(day)), spec, "dual")
    return sum(1 for r in rows if r.style_key == f"control-{holder}")


def map_frame(page: Any) -> Any:
    return page.frame_locator(MAP_FRAME)


def map_frame_itself(page: Any) -> Any:
    """The map's frame itself (a Playwright ``Frame``, to ``evaluate`` in), once the
    page has one (waited for up to six seconds); :func:`map_frame` is its locator."""
    for _ in range(600):
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                return frame
        page.wait_for_timeout(10)
    raise AssertionError("no map frame")


def path_count(page: Any, selector: str = "path") -> int:
    return int(map_frame(page).locator(selector).count())


def wait_for_paths(page: Any, minimum: int = 1, selector: str = "path") -> None:
    page.locator(MAP_FRAME).wait_for(timeout=TIMEOUT_MS)
    map_frame(page).locator(selector).nth(minimum - 1).wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two Playwright bounding boxes overlap."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def mark_iframe(page: Any) -> None:
    """Tag the map iframe element and its window, to detect a remount later."""
    page.locator(MAP_FRAME).evaluate("el => { el.dataset.bmMark = 'kept'; }")
    page.frame_locator(MAP_FRAME).locator("body").evaluate("() => { window.bmMark = 42; }")


def iframe_kept(page: Any) -> bool:
    frames = page.locator(f"{MAP_FRAME}[data-bm-mark='kept']")
    if frames.count() != 1:
        return False
    return bool(map_frame(page).locator("body").evaluate("() => window.bmMark === 42"))


def date_field(page: Any) -> Any:
    return page.locator(SELECTORS["day_input"])


def date_value(page: Any) -> str:
    return str(date_field(page).input_value())


def type_date(page: Any, iso: str) -> None:
    """Type a date into the date field and press Enter (no click elsewhere)."""
    date_field(page).fill(iso)
    date_field(page).press("Enter")


def test_map_draws_layers_legend_and_scale(page: Any, artifacts: Path) -> None:
    assert path_count(page) > 50
    frame = map_frame(page)
    assert frame.locator(".bm-legend").count() == 1
    assert frame.locator(".leaflet-control-scale").count() == 1
    assert frame.locator(".leaflet-tile").count() == 0  # vector basemap: no tiles
    assert path_count(page, f"path[fill='{AZERBAIJANI_FILL}']") > 0
    assert frame.locator(".bm-label").count() > 10  # place labels
    page.screenshot(path=artifacts / "map-default.png", full_page=True)


def test_toggling_a_layer_drops_its_paths(page: Any, artifacts: Path) -> None:
    before = path_count(page)
    control = path_count(page, f"path[fill='{AZERBAIJANI_FILL}']")
    mark_iframe(page)
    page.locator(".st-key-layer-control label").click()
    azerbaijani = map_frame(page).locator(f"path[fill='{AZERBAIJANI_FILL}']")
    expect(azerbaijani).to_have_count(0, timeout=TIMEOUT_MS)
    assert path_count(page) <= before - control
    assert iframe_kept(page)
    page.screenshot(path=artifacts / "map-without-control.png", full_page=True)


def test_changing_the_date_recolours_without_remount(
    page: Any, artifacts: Path, dataset: Dataset
) -> None:
    on_the_day = path_count(page, f"path[fill='{AZERBAIJANI_FILL}']")
    assert on_the_day > 0
    mark_iframe(page)
    type_date(page, "2020-09-26")  # before the war: only the far side of the 1994 line
    before_war = held_areas(dataset, "2020-09-26", "azerbaijani")
    assert before_war < on_the_day
    azerbaijani = map_frame(page).locator(f"path[fill='{AZERBAIJANI_FILL}']")
    expect(azerbaijani).to_have_count(before_war, timeout=TIMEOUT_MS)
    assert path_count(page, f"path[fill='{ARMENIAN_FILL}']") >= 8
    assert iframe_kept(page)
    page.screenshot(path=artifacts / "map-2020-09-26.png", full_page=True)


def test_previous_key_date_button_moves_the_date(page: Any) -> None:
    mark_iframe(page)
    page.locator(f"{SELECTORS['prev']}:visible").click()
    expect(date_field(page)).not_to_have_value("2021-02-23", timeout=TIMEOUT_MS)
    assert date_value(page) < "2021-02-23"
    assert iframe_kept(page)


def test_clicking_an_event_sets_its_date(page: Any, artifacts: Path) -> None:
    mark_iframe(page)
    card = page.locator(".bm-card").filter(
        has=page.locator("[data-event-id='aghdam-handed-over-2020']")
    )  # the timeline's component (layers.web.timeline_cards)
    card.get_by_role("button", name="Show on map").click()
    expect(date_field(page)).to_have_value("2020-11-20", timeout=TIMEOUT_MS)
    assert iframe_kept(page)
    page.wait_for_timeout(1000)
    page.screenshot(path=artifacts / "map-event-aghdam.png", full_page=True)


def test_clicking_a_site_opens_its_popup_with_status_and_sources(
    page: Any, artifacts: Path
) -> None:
    frame = map_frame(page)
    # At Gyumri the border-guard detachment's marker sits on the base's (issue 23): the
    # base's popup is asked for with the border guards' layer off, then it is back on.
    guards = page.locator(".st-key-layer-border-guards input[type=checkbox]")
    guards.uncheck(force=True)
    expect(frame.locator(".bm-marker")).not_to_have_count(0, timeout=TIMEOUT_MS)
    page.wait_for_timeout(2000)  # the layer's markers leave the map
    markers = frame.locator(".bm-marker")
    assert markers.count() >= 3
    text = ""
    for index in range(markers.count()):
        markers.nth(index).click(force=True)
        popup = frame.locator(".leaflet-popup-content")
        popup.first.wait_for(timeout=TIMEOUT_MS)
        text = "\n".join(popup.all_inner_texts())
        if "Russian 102nd Military Base" in text:
            break
    assert "Russian 102nd Military Base" in text
    assert "Status" in text and "confirmed" in text
    assert "Sources" in text and "Warsaw Institute Foundation" in text
    assert "<" not in text  # markup was rendered, not shown as text
    page.wait_for_timeout(1000)  # let the popup finish fading in and panning
    # The legend would cover the popup's lower left here: it folds while the popup is open
    legend = frame.locator(".bm-legend")
    expect(legend).not_to_have_attribute("open", "", timeout=TIMEOUT_MS)
    box = frame.locator(".leaflet-popup").bounding_box()
    folded = frame.locator(".bm-legend-box").bounding_box()
    assert box and folded and not overlap(box, folded)
    page.screenshot(path=artifacts / "map-popup-102nd-base.png", full_page=True)
    frame.locator(".leaflet-popup-close-button").click()
    expect(legend).to_have_attribute("open", "", timeout=TIMEOUT_MS)  # back when it closes
    guards.check(force=True)


def test_minor_place_labels_show_only_when_zoomed_in(page: Any, artifacts: Path) -> None:
    frame = map_frame(page)
    minor = frame.locator(".bm-label-minor")
    assert minor.count() >= 3
    assert frame.locator(".bm-label").count() > minor.count()
    assert all(minor.nth(i).is_hidden() for i in range(minor.count()))
    for _ in range(6):  # zoom steps are half levels; each waits for the animation's end
        frame.locator(".leaflet-control-zoom-in").click()
        expect(frame.locator(".leaflet-zoom-anim")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(frame.locator(".bm-zoomed-out")).to_have_count(0, timeout=TIMEOUT_MS)
    placed = frame.locator(".bm-label-minor:not(.bm-label-hidden)")  # some may overlap
    expect(placed.first).to_be_visible(timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "map-zoomed-in.png", full_page=True)
