"""Presentation mode in headless Chromium: the keyboard steps through the slides and the
map flies there without a remount. The screenshot goes to tests/artifacts/ (look at it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from layers.web.html import WORD_JOINER
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, iframe_kept, mark_iframe, wait_for_paths
from ui.deck import PRESENTATION_MAP_HEIGHT

pytestmark = pytest.mark.e2e

#: Slide titles as shown: escape_markdown puts an invisible word joiner after a colon.
FIRST = "1993-2020:" + WORD_JOINER + " Armenian forces hold Nagorno-Karabakh and seven districts"
SECOND = "Autumn 2020:" + WORD_JOINER + " six weeks of war"
#: The deck's key listener is installed and a visible Previous or Next button is enabled.
KEYS_READY = """() => typeof document.__bmDeckKeys === "function" &&
  [...document.querySelectorAll(".st-key-deck_next button, .st-key-deck_prev button")]
    .some((b) => b.offsetParent !== null && !b.disabled)"""


def test_arrow_right_moves_to_the_next_slide_without_remounting_the_map(
    browser: Any, app_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    wait_for_paths(page, minimum=50)
    page.get_by_text("Deck", exact=True).click()  # open the sidebar's expander
    page.locator(".st-key-deck_article button:visible").click()
    page.locator(".st-key-deck_present button:visible").click()
    title = page.locator("h3").first
    expect(title).to_have_text(FIRST, timeout=TIMEOUT_MS)
    expect(page.get_by_text("1 / 7", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    # The presentation's map replaces the app's (another size, another place on the page).
    presented = page.locator(f"{MAP_FRAME}[height='{PRESENTATION_MAP_HEIGHT}']")
    expect(presented).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=TIMEOUT_MS)
    wait_for_paths(page, minimum=50)
    page.locator("[data-testid='stSidebarCollapseButton'] button").click()  # as a presenter would
    expect(page.locator("[data-testid='stSidebar']")).to_have_attribute(
        "data-collapsed", "true", timeout=TIMEOUT_MS
    )
    mark_iframe(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    # The keys' listener comes with the run that drew the slide (st.html at its end): a key
    # pressed before it exists goes nowhere (as for a presenter pressing during the load).
    page.wait_for_function(KEYS_READY, timeout=TIMEOUT_MS)
    page.keyboard.press("ArrowRight")
    expect(title).to_have_text(SECOND, timeout=TIMEOUT_MS)
    expect(page.get_by_text("2 / 7", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    assert iframe_kept(page)
    page.wait_for_timeout(1000)  # let the fly animation end before the picture
    page.screenshot(path=artifacts / "deck-presentation.png")
    page.wait_for_function(KEYS_READY, timeout=TIMEOUT_MS)
    page.keyboard.press("PageUp")
    expect(title).to_have_text(FIRST, timeout=TIMEOUT_MS)
    assert iframe_kept(page)
    context.close()
    assert errors == []
