"""The app in headless Chromium on an editable copy of data/: data text stays text in the
timeline and warnings, and an open session keeps its view through a data error.

The server reads a temporary copy of the data folder, which the tests edit and restore.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect

from layers.web.html import WORD_JOINER
from tests.conftest import TEST_TODAY
from tests.e2e.server import streamlit_server
from tests.e2e.test_browser import TIMEOUT_MS, date_field, date_value, wait_for_paths

pytestmark = pytest.mark.e2e

#: Markdown that would become a heading, a link, an outside image, a coloured span and an
#: icon if it ever escaped the timeline's HTML block.
HOSTILE = (
    "first line\n\n# heading\n\n[link](https://example.invalid) "
    "![i](https://example.invalid/p.gif)\n\n:red[x] :material/home: end"
)


@pytest.fixture(scope="module")
def copy_url(data_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(
        tmp_path_factory.mktemp("streamlit") / "server.log", data_copy, today=TEST_TODAY
    ) as url:
        yield url


@pytest.fixture
def events_file(data_copy: Path) -> Iterator[Path]:
    """events.yaml of the copy, restored after the test."""
    path = data_copy / "events.yaml"
    good = path.read_text(encoding="utf-8")
    yield path
    path.write_text(good, encoding="utf-8")


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A page that records outside requests, dialogs and script errors (none allowed)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    page.on(
        "request",
        lambda request: problems.append(request.url) if "example.invalid" in request.url else None,
    )
    yield page
    context.close()
    assert problems == []


def rerun(page: Any) -> None:
    """Rerun the script in the same session (Streamlit's R shortcut), as after an edit.

    Waits until no run is going on first (the map's first report of its view reruns its
    fragment just after the page loads; a shortcut pressed then can be lost)."""
    page.locator("h3, [data-testid=stAlert]").first.wait_for(timeout=TIMEOUT_MS)
    idle = page.locator("[data-testid=stApp][data-test-script-state=notRunning]")
    idle.wait_for(timeout=TIMEOUT_MS)
    page.keyboard.press("r")
    page.wait_for_timeout(1500)


def layer_box(page: Any, layer_id: str) -> Any:
    return page.locator(f".st-key-layer-{layer_id} input[type=checkbox]")


def test_hostile_text_in_the_timeline_and_warnings_stays_text(
    tab: Any, copy_url: str, events_file: Path, artifacts: Path
) -> None:
    events = yaml.safe_load(events_file.read_text(encoding="utf-8"))
    events[0].update(title=HOSTILE, note=HOSTILE)
    events_file.write_text(yaml.safe_dump(events, allow_unicode=True), encoding="utf-8")
    tab.goto(f"{copy_url}/?names=:material/home:&basemap=:red[x]", wait_until="domcontentloaded")
    wait_for_paths(tab, minimum=50)
    first = tab.locator(".bm-event").filter(has_text="first line").first
    first.wait_for(timeout=TIMEOUT_MS)
    tab.screenshot(path=artifacts / "hostile-timeline.png", full_page=True)
    text = first.inner_text()
    assert "# heading" in text and "[link](https://example.invalid)" in text
    assert ":red[x] :material/home: end" in text
    assert tab.locator("h1").count() == 0
    assert tab.locator("img[src*='example.invalid'], a[href*='example.invalid']").count() == 0
    markdown = tab.locator("[data-testid=stMarkdownContainer], [data-testid=stAlert]")
    assert markdown.locator("[data-testid=stIconMaterial]").count() == 0
    warnings = " ".join(tab.locator("[data-testid=stAlert]").all_inner_texts())
    warnings = warnings.replace(WORD_JOINER, "")
    assert "':material/home:'" in warnings and "':red[x]'" in warnings


def test_an_open_session_keeps_its_view_through_a_data_error(
    tab: Any, copy_url: str, events_file: Path, artifacts: Path
) -> None:
    tab.goto(f"{copy_url}/?date=2005-05-05&names=az", wait_until="domcontentloaded")
    wait_for_paths(tab, minimum=20)
    expect(date_field(tab)).to_have_value("2005-05-05", timeout=TIMEOUT_MS)
    good = events_file.read_text(encoding="utf-8")
    events_file.write_text("[unclosed", encoding="utf-8")
    rerun(tab)
    tab.locator("[data-testid=stAlert]").first.wait_for(timeout=TIMEOUT_MS)
    events_file.write_text(good, encoding="utf-8")
    rerun(tab)
    wait_for_paths(tab, minimum=20)
    expect(layer_box(tab, "control")).to_have_count(1, timeout=TIMEOUT_MS)
    tab.screenshot(path=artifacts / "after-data-error.png", full_page=True)
    assert date_value(tab) == "2005-05-05"
    assert tab.locator("[data-testid=stSliderThumbValue]").inner_text() == "2005-05-05"
    assert layer_box(tab, "control").is_checked()
    layer_box(tab, "events").uncheck(force=True)
    expect(tab).to_have_url(re.compile(r"layers="), timeout=TIMEOUT_MS)
    assert "date=2005-05-05" in tab.url and "names=az" in tab.url
    assert "layers=none" not in tab.url and "control" in tab.url
