"""The app on the hostile copy of the data (tests/hostile.py), driven by AppTest: the page
renders, and no Markdown element the app writes holds a link, image, heading, directive
or icon made from data text; exports prepared in the app succeed.

The browser side (no dialog, no injected element, no outside request) is
tests/e2e/test_hostile_browser.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from layers.briefing.view import View
from layers.exports import file_name
from layers.web.html import WORD_JOINER
from tests.app.helpers import timeline_cards
from tests.hostile import CLEAN_PAYLOAD

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def hostile_app(hostile_data_dir: Path) -> Iterator[AppTest]:
    """One app session on the hostile data (shared by this module's tests, in order)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_DATA_DIR", str(hostile_data_dir))
        at = AppTest.from_file(APP, default_timeout=300)
        at.query_params["date"] = "2020-11-10"
        at.run()
        yield at


def assert_plain_markdown_inert(body: str) -> None:
    """A Markdown body (caption, warning, error) shows data as text: every Markdown
    special is backslash-escaped and every colon is followed by a word joiner."""
    assert not re.search(r"(?<!\\)\[link\]|(?<!\\)!\\?\[i|(?<!\\)\]\(", body), body[:200]
    assert not re.search(r"^\s*#", body, re.MULTILINE), body[:200]
    assert ":material/" not in body and ":red[" not in body, body[:200]
    assert not re.search(r"(?<!\\)<(img|script|/script)", body), body[:200]
    assert not re.search(r"(?<!\\)\$", body), body[:200]  # no maths


def assert_html_card_inert(body: str) -> None:
    """A timeline card: one raw-HTML block on one line (data cannot end it with a blank
    line), escaped HTML, no colon for Streamlit's icon codes."""
    assert body.startswith("<div") and body.endswith("</div>"), body[:200]
    assert "\n" not in body and "\r" not in body
    assert "<img" not in body and "<script" not in body and "<h1" not in body
    assert ":material/" not in body and ":red[" not in body and "{{" not in body
    assert "href" not in body and "src=" not in body.replace("src=x", "")


def test_the_page_renders_with_hostile_text(hostile_app: AppTest) -> None:
    at = hostile_app
    assert not at.exception
    assert not at.error
    cards = [m.value for m in at.markdown if m.value.startswith("<div")]
    assert len(cards) >= 20  # every event of the timeline
    assert sum("&lt;img src=x onerror=alert(1)&gt;" in c for c in cards) == len(cards)
    assert any("&#123;&#123;7*7&#125;&#125;" in c for c in cards)
    for element in at.markdown:
        if element.value.startswith("<div"):
            assert_html_card_inert(element.value)
        else:
            assert_plain_markdown_inert(element.value)
    for element in [*at.caption, *at.warning, *at.error, *at.info]:
        assert_plain_markdown_inert(element.value)


def test_search_result_caption_shows_a_hostile_name_as_text(hostile_app: AppTest) -> None:
    at = hostile_app
    at.sidebar.text_input(key="search").set_value(f"Yerevan {CLEAN_PAYLOAD}").run()
    assert not at.exception
    (caption,) = [c.value for c in at.sidebar.caption if c.value.startswith("Found")]
    assert_plain_markdown_inert(caption)
    shown = re.sub(r"\\(.)", r"\1", caption).replace(WORD_JOINER, "")  # as Markdown renders
    assert shown.startswith(f"Found Yerevan {CLEAN_PAYLOAD}".split("\n")[0])


@pytest.mark.parametrize("fmt", ["html", "csv", "pdf"])
def test_exports_prepared_in_the_app_succeed(
    hostile_app: AppTest, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    at = hostile_app
    builders: dict[str, Callable[[], Any]] = {}
    register = MediaFileManager.add_deferred

    def recording(self: MediaFileManager, data: Callable[[], Any], *args: Any, **kw: Any) -> str:
        builders[str(kw.get("file_name"))] = data
        return register(self, data, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    at.run()  # the download buttons hand their builders to Streamlit
    wanted = file_name(View(day=dt.date(2020, 11, 10)), fmt)
    build = builders[wanted]
    assert build()  # what a click on the button downloads
    at.run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_the_timeline_component_gets_only_inert_cards(
    hostile_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a browser's session the cards go to the timeline's component (its script
    inserts each card's html as markup, ids and labels as text): every card inert."""
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(hostile_data_dir))
    at = AppTest.from_file(APP, default_timeout=300)
    at.context["timezone"] = "Europe/Berlin"  # a browser's front end sends its time zone
    at.query_params["date"] = "2020-11-10"
    at.run()
    at.run()  # the run the map's first report asks for
    assert not at.exception
    cards = timeline_cards(at)
    assert len(cards) >= 20
    for _, html, _ in cards:
        assert_html_card_inert(html)
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert any("&#123;&#123;7*7&#125;&#125;" in html for _, html, _ in cards)
