"""axe-core in headless Chromium (issue 24): the main page (with the drawing tools open),
comparison mode and presentation mode have no serious or critical violation, in the
app's page and in the map's frame; the map's tools work from the keyboard.

axe-core 4.14.1 is vendored (tests/e2e/vendor/axe-core/, MPL-2.0, see its README) and
injected with Playwright into every frame of the page: nothing is fetched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_paths
from ui.deck import PRESENTATION_MAP_HEIGHT

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: The violations that fail the test (axe's impact levels).
BLOCKING = ("serious", "critical")
_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def violations(page: Any) -> list[str]:
    """Serious and critical axe violations of every frame of ``page``, once Streamlit
    has finished drawing (a rerun's stale elements are faded and would fail contrast)."""
    page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=true]').length === 0", timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(500)
    found = []
    for frame in page.frames:
        if frame.is_detached() or not frame.url.startswith("http"):
            continue
        frame.add_script_tag(path=str(AXE))
        for v in frame.evaluate(_RUN):
            if v["impact"] in BLOCKING:
                where = frame.url[:50]
                found.append(f"{where}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")
    return found


def open_app(browser: Any, url: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_for_paths(page, minimum=40)
    return context, page


def test_the_main_page_has_no_serious_violation_and_draws_from_the_keyboard(
    browser: Any, app_url: str
) -> None:
    context, page = open_app(browser, f"{app_url}/?date=2020-11-10")
    frame = map_frame(page)
    # the drawing tools, from the keyboard: Tab to the Draw button, open it, pick Text,
    # Enter on the map adds its centre, type the label, Enter
    toggle = frame.locator(".bm-ann-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    frame.locator(".bm-ann-tool", has_text="Text").focus()
    page.keyboard.press("Enter")
    frame.locator(".leaflet-container").focus()
    page.keyboard.press("Enter")  # the map's centre
    field = frame.locator(".bm-ann-form input[type=text]")
    expect(field).to_be_focused(timeout=TIMEOUT_MS)
    page.keyboard.type("Typed from the keyboard")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]ann="), timeout=TIMEOUT_MS)
    expect(frame.locator(".bm-ann-text")).to_have_text("Typed from the keyboard")
    assert violations(page) == []
    context.close()


def test_comparison_mode_has_no_serious_violation(browser: Any, app_url: str) -> None:
    context, page = open_app(browser, f"{app_url}/?mode=compare")
    expect(map_frame(page).locator(".bm-swipe")).to_have_count(1, timeout=TIMEOUT_MS)
    assert violations(page) == []
    context.close()


def test_presentation_mode_has_no_serious_violation(browser: Any, app_url: str) -> None:
    context, page = open_app(browser, app_url)
    page.get_by_text("Deck", exact=True).click()
    page.locator(".st-key-deck_article button:visible").click()
    page.locator(".st-key-deck_present button:visible").click()
    expect(page.locator(".st-key-deck_next button")).to_be_visible(timeout=TIMEOUT_MS)
    presented = page.locator(f"{MAP_FRAME}[height='{PRESENTATION_MAP_HEIGHT}']")
    expect(presented).to_have_count(1, timeout=TIMEOUT_MS)  # the presentation's map
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=TIMEOUT_MS)
    wait_for_paths(page, minimum=40)
    assert violations(page) == []
    context.close()
