"""The map on screen: first in view and wide, a date stamp that follows the date without
a remount, a legend off the subject, country names that stay, labels that never overlap.

Screenshots go to tests/artifacts/screen-*.png (look at them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from geo import settings
from geo.io import read_boundaries
from layers.web.overlay import OPEN_LEGEND_MAP_PX
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, iframe_kept, mark_iframe, type_date

pytestmark = pytest.mark.e2e

#: Rectangles of every permanent label shown on the map (not hidden, not off the map),
#: in the map frame's pixels.
_LABEL_RECTS = """() => Array.from(document.querySelectorAll('.leaflet-tooltip.bm-label'))
    .filter(el => !el.classList.contains('bm-label-hidden') && el.offsetWidth > 0)
    .map(el => { const r = el.getBoundingClientRect();
                 return {text: el.innerText, left: r.left, top: r.top, right: r.right,
                         bottom: r.bottom}; })
    .filter(r => r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight)"""


def overlapping(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and a["top"] < b["bottom"] - 1
        and b["top"] < a["bottom"] - 1
    )


@pytest.fixture(params=[(1366, 768), (1600, 1000), (430, 900)], ids=lambda s: f"{s[0]}x{s[1]}")
def screen(request: Any, browser: Any, app_url: str) -> Iterator[tuple[Any, int, int]]:
    """The app at one window size, once the date stamp and the labels are drawn."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".bm-date-stamp")).to_have_text(
        "Situation on 23 February 2021", timeout=TIMEOUT_MS
    )
    frame.locator(".bm-label-hidden").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    yield page, width, height
    context.close()
    assert errors == []


def settled_box(page: Any, locator: Any, tries: int = 100) -> dict[str, float]:
    """``locator``'s box once it is laid out: an element seen visible may be redrawn by the
    run that follows (the page's parts fill in after the map's first report), and between
    the two Playwright finds no box (a clean-clone CI run, 8 December 04:10)."""
    for _ in range(tries):
        found = locator.bounding_box()
        if found is not None:
            return dict(found)
        page.wait_for_timeout(100)
    raise AssertionError(f"{locator} has no box after {tries / 10:.0f} s")


def test_map_comes_first_wide_with_stamp_legend_and_country_names(
    screen: tuple[Any, int, int], artifacts: Path
) -> None:
    page, width, height = screen
    page.screenshot(path=artifacts / f"screen-{width}x{height}.png")
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    assert box["y"] < height * 0.5  # the map starts in the first half of the first screen
    heading = page.get_by_role("heading", name="Timeline")
    expect(heading).to_be_visible(timeout=TIMEOUT_MS)  # it follows the map's first report
    timeline = settled_box(page, heading)
    if width >= 1600:
        assert box["width"] >= 2 / 3 * width
    if width < 640:
        assert box["width"] >= width - 40 and timeline["y"] > box["y"] + box["height"]
    frame = page.frame_locator(MAP_FRAME)
    legend = frame.locator("details.bm-legend")
    expect(legend).to_have_count(1)
    # folded on phones and laptops, where it would hide the west of the map (issue 24)
    assert legend.evaluate("el => el.open") is (box["width"] >= OPEN_LEGEND_MAP_PX)
    for country in ("ARMENIA", "AZERBAIJAN"):
        name = frame.locator(".bm-look-country:not(.bm-label-hidden)", has_text=country)
        expect(name).to_be_visible()
    rects = frame.locator("body").evaluate(_LABEL_RECTS)
    assert len(rects) >= 10
    clashes = [
        (a["text"], b["text"]) for i, a in enumerate(rects) for b in rects[i + 1 :]
        if overlapping(a, b)
    ]  # fmt: skip
    assert clashes == []
    frame_box = {"left": 0, "top": 0, "right": box["width"], "bottom": box["height"]}
    assert all(r["left"] >= 0 and r["right"] <= frame_box["right"] for r in rects)  # not cut


def test_legend_stays_off_karabakh(screen: tuple[Any, int, int]) -> None:
    page, _, _ = screen
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("details.bm-legend").evaluate("el => { el.open = true; }")
    nkao = read_boundaries(settings.DATA_DIR / settings.BOUNDARIES_FILE)["nkao"].total_bounds
    corners = [[float(nkao[1]), float(nkao[0])], [float(nkao[3]), float(nkao[2])]]
    karabakh = frame.locator("body").evaluate(
        """(el, c) => { const a = window.map.latLngToContainerPoint(c[0]),
                          b = window.map.latLngToContainerPoint(c[1]);
                    return {left: Math.min(a.x, b.x), right: Math.max(a.x, b.x),
                            top: Math.min(a.y, b.y), bottom: Math.max(a.y, b.y)}; }""",
        corners,
    )
    legend = frame.locator(".bm-legend-box").evaluate(
        """el => { const r = el.getBoundingClientRect();
                   return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"""
    )
    assert not overlapping(legend, karabakh), (legend, karabakh)


def test_date_stamp_and_legend_follow_the_date_without_remount(
    browser: Any, app_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(app_url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    stamp = frame.locator(".bm-date-stamp")
    expect(stamp).to_have_text("Situation on 23 February 2021", timeout=TIMEOUT_MS)
    expect(frame.locator(".bm-legend")).to_contain_text("Proposed deployment area")
    mark_iframe(page)
    type_date(page, "2020-11-10")
    expect(stamp).to_have_text("Situation on 10 November 2020", timeout=TIMEOUT_MS)
    expect(frame.locator(".bm-legend")).not_to_contain_text("Proposed deployment area")
    expect(frame.locator(".bm-legend")).to_contain_text("Peacekeeping HQ")
    assert iframe_kept(page)
    page.screenshot(path=artifacts / "screen-2020-11-10.png")
    context.close()


#: Where the country names are (centre, map frame pixels), with Armenia's bounding box
#: on screen, the screen x of longitude 46.5 at AZERBAIJAN's height and how many labels
#: decluttering hid; ``null`` until both names are drawn.
_COUNTRY_PLACES = """(el, arm) => {
    const hidden = document.querySelectorAll('.bm-label-hidden').length;
    const names = {};
    document.querySelectorAll('.bm-look-country').forEach(n => {
        const r = n.getBoundingClientRect();
        names[n.innerText.trim()] = {x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
    });
    if (!names.ARMENIA || !names.AZERBAIJAN) { return null; }
    const a = window.map.latLngToContainerPoint([arm[1], arm[0]]),
          b = window.map.latLngToContainerPoint([arm[3], arm[2]]);
    const aze = window.map.containerPointToLatLng([0, names.AZERBAIJAN.y]);
    const east = window.map.latLngToContainerPoint([aze.lat, 46.5]).x;
    return {names: names, armenia: {left: Math.min(a.x, b.x), right: Math.max(a.x, b.x),
            top: Math.min(a.y, b.y), bottom: Math.max(a.y, b.y)}, east: east, hidden: hidden};
}"""


def test_area_labels_stay_on_their_areas_when_leaflet_css_arrives_late(
    browser: Any, app_url: str, artifacts: Path
) -> None:
    """Leaflet centres a label on the width it has when placed: placed before
    leaflet.css applied, a label was as wide as the map and sat half the map's width
    to the left (AZERBAIJAN over Armenia at 1366x768), and was never decluttered.
    The stylesheet is held here until the labels exist, as a slow load does."""
    armenia = read_boundaries(settings.DATA_DIR / settings.BOUNDARIES_FILE)["countries"]
    arm = [float(v) for v in armenia[armenia["iso_a3"] == "ARM"].total_bounds]
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    held: list[Any] = []
    page.route("**/leaflet.css?*", lambda route: held.append(route))  # ?v=<digest>
    page.goto(app_url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".bm-look-country").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    assert held  # the labels were placed before the stylesheet came
    for route in held:
        route.continue_()
    handle = page.locator(MAP_FRAME).element_handle()
    map_frame = handle.content_frame() if handle else None
    assert map_frame is not None
    map_frame.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-pane')).position === 'absolute'",
        timeout=TIMEOUT_MS,
    )
    body = frame.locator("body")
    right = f"""arm => {{ const p = ({_COUNTRY_PLACES})(null, arm); if (!p) {{ return false; }}
        const a = p.armenia, n = p.names.ARMENIA;
        return a.left < n.x && n.x < a.right && a.top < n.y && n.y < a.bottom
            && p.names.AZERBAIJAN.x > p.east && p.hidden > 0; }}"""
    try:  # as expect() does: the right places, or a timeout
        map_frame.wait_for_function(right, arg=arm, timeout=TIMEOUT_MS)
    except PlaywrightTimeoutError:
        pytest.fail(f"country names misplaced: {body.evaluate(_COUNTRY_PLACES, arm)}")
    finally:
        page.screenshot(path=artifacts / "screen-1366x768-late-css.png")
    rects = body.evaluate(_LABEL_RECTS)
    clashes = [
        (a["text"], b["text"]) for i, a in enumerate(rects) for b in rects[i + 1 :]
        if overlapping(a, b)
    ]  # fmt: skip
    assert clashes == []
    context.close()


_VIEW = "() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng]"


def _opened(browser: Any, app_url: str, width: int, height: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(app_url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".bm-date-stamp")).to_have_text(
        "Situation on 23 February 2021", timeout=TIMEOUT_MS
    )
    return context, page


def _view(page: Any) -> list[float]:
    return [round(v, 3) for v in page.frame_locator(MAP_FRAME).locator("body").evaluate(
        f"el => ({_VIEW})()"
    )]  # fmt: skip


def test_a_resized_frame_shows_the_extent_fitted_again_until_the_map_is_moved(
    browser: Any, app_url: str
) -> None:
    """A frame resized after its map was fitted (a page laid out late, a phone turned)
    shows what a page opened at the new size shows; once the user has zoomed, a resize
    keeps the user's zoom."""
    fresh, phone = _opened(browser, app_url, 430, 900)
    expected = _view(phone)
    fresh.close()
    context, page = _opened(browser, app_url, 1366, 768)
    wide = _view(page)
    assert wide[0] != expected[0]  # the two sizes fit the extent at different zooms
    page.set_viewport_size({"width": 430, "height": 900})
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("body").evaluate("el => new Promise(r => setTimeout(r, 500))")
    resized = _view(page)
    assert resized[0] == expected[0]
    assert abs(resized[1] - expected[1]) < 0.01 and abs(resized[2] - expected[2]) < 0.01
    frame.locator(".leaflet-control-zoom-in").click()
    frame.locator("body").evaluate("el => new Promise(r => setTimeout(r, 500))")
    zoomed = _view(page)[0]
    assert zoomed > expected[0]
    page.set_viewport_size({"width": 1366, "height": 768})
    frame.locator("body").evaluate("el => new Promise(r => setTimeout(r, 500))")
    assert _view(page)[0] == zoomed
    context.close()
