"""The static first map (issue 25): the page rewriting, the middleware that does it only
for the default view's page, the preview's route, the preview made once per process, and
hostile data text kept text in the preview and its overlay."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from geo.dataset import Dataset
from layers.web import first_map
from layers.web.first_map import FRAME_TITLE, Prepared, overlay_html, with_first_map
from layers.web.first_map_route import FirstMapPage, first_map_routes
from tests.async_run import run_async
from tests.hostile import IMG, JINJA, SCRIPT

PAGE = (
    b"<!DOCTYPE html>\n<html lang='en'><head><title>Streamlit</title></head>\n"
    b"  <body>\n    <noscript>text</noscript>\n    <div id='root'></div>\n  </body>\n</html>\n"
)
BLOCK = b"<div id='bm-first-map'>preview</div>"


@pytest.fixture
def ready() -> Iterator[Prepared]:
    """A preview made ready in this process, forgotten afterwards."""
    made = Prepared("v1", b"<html>the preview</html>", "0123456789abcdef", BLOCK)
    first_map.forget()
    first_map.prepare("v1", lambda: made)
    _wait_ready()
    yield made
    first_map.forget()


def _wait_ready(seconds: float = 10) -> Prepared:
    deadline = time.monotonic() + seconds
    while (found := first_map.current()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert found is not None, "no preview made"
    return found


# --- the page rewriting -----------------------------------------------------------------


def test_the_block_goes_right_after_the_one_body_tag_and_nothing_else_changes() -> None:
    changed = with_first_map(PAGE, BLOCK)
    at = changed.index(b"<body>") + len(b"<body>")
    assert changed[at : at + len(BLOCK)] == BLOCK
    assert changed.replace(BLOCK, b"", 1) == PAGE
    tagged = PAGE.replace(b"<body>", b"<BODY class='x' data-a=\"1\">")
    assert with_first_map(tagged, BLOCK) == tagged.replace(b'"1">', b'"1">' + BLOCK)


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head></head><div id='root'></div></html>",  # no body
        PAGE.replace(b"</noscript>", b"</noscript><body>"),  # two body tags
        b"<html><bodyish></bodyish></html>",  # not a body tag
        b"",
    ],
)
def test_a_page_without_exactly_one_body_tag_is_left_alone(page: bytes) -> None:
    assert with_first_map(page, BLOCK) == page


def test_the_overlay_is_a_labelled_busy_preview_and_escapes_its_text() -> None:
    hostile = f"{IMG} {SCRIPT} {JINJA} ' \""
    block = overlay_html("/briefing-first-map/x.html", hostile, height="600px",
                         phone_height="320px")  # fmt: skip
    assert IMG not in block and "onerror=alert(1)>" not in block
    assert "<script>alert(1)" not in block and "{{7*7}}" not in block
    assert "&lt;img src=x onerror=alert(1)&gt;" in block
    assert "aria-busy='true'" in block and first_map.LOADING_TEXT in block
    assert f"title='{FRAME_TITLE}'" in block and "streamlit_folium" not in FRAME_TITLE
    frame = r"<iframe[^>]* src='/briefing-first-map/x\.html' sandbox='allow-scripts'"
    assert re.search(frame, block)
    later = overlay_html("/p.html", "day", height="1px", phone_height="1px", deferred=True)
    assert "data-src='/p.html'" in later and " src='" not in later


# --- the middleware and the route -------------------------------------------------------


def _serve(
    middleware_app: Any, path: str, query: bytes = b"", method: str = "GET"
) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    scope = {"type": "http", "method": method, "path": path, "query_string": query,
             "headers": [], "path_params": {}}  # fmt: skip
    run_async(lambda: middleware_app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], dict(sent[0]["headers"]), body


def _streamlit(status: int = 200, kind: bytes = b"text/html; charset=utf-8") -> Any:
    """An app answering like Streamlit's page: in two chunks, with its validators."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", kind), (b"content-length", str(len(PAGE)).encode()),
                   (b"etag", b'"abc"'), (b"last-modified", b"Mon, 07 Dec 2026 04:41:53 GMT"),
                   (b"cache-control", b"no-cache")]  # fmt: skip
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": PAGE[:40], "more_body": True})
        await send({"type": "http.response.body", "body": PAGE[40:]})

    return app


def test_the_default_views_page_gets_the_overlay_and_loses_the_files_validators(
    ready: Prepared,
) -> None:
    status, headers, body = _serve(FirstMapPage(_streamlit()), "/")
    assert status == 200 and body == with_first_map(PAGE, ready.block)
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers and b"last-modified" not in headers
    assert headers[b"cache-control"] == b"no-cache"


@pytest.mark.parametrize(
    ("path", "query", "method"),
    [
        ("/", b"date=2020-11-10", "GET"),  # a shared link's state: not the default view
        ("/", b"layers=", "GET"),
        ("/app", b"", "GET"),
        ("/", b"", "HEAD"),
        ("/_stcore/health", b"", "GET"),
    ],
)
def test_every_other_request_is_answered_as_it_is(
    ready: Prepared, path: str, query: bytes, method: str
) -> None:
    _, headers, body = _serve(FirstMapPage(_streamlit()), path, query, method)
    assert body == PAGE and headers[b"etag"] == b'"abc"'


def test_other_answers_and_a_process_without_a_preview_are_left_alone(ready: Prepared) -> None:
    for app in (_streamlit(status=404), _streamlit(kind=b"application/json")):
        assert _serve(FirstMapPage(app), "/")[2] == PAGE
    first_map.forget()
    assert _serve(FirstMapPage(_streamlit()), "/")[2] == PAGE


def test_the_route_serves_the_ready_preview_by_its_digest_only(ready: Prepared) -> None:
    from starlette.routing import Router

    router = Router(routes=first_map_routes())
    status, headers, body = _serve(router, f"/briefing-first-map/{ready.digest}.html")
    assert status == 200 and body == ready.page
    assert headers[b"content-type"].startswith(b"text/html")
    assert b"immutable" in headers[b"cache-control"]
    for wrong in ("f" * 16, "../etc/passwd", ready.digest.upper()):
        status, _, body = _serve(router, f"/briefing-first-map/{wrong}.html")
        assert status == 404 and wrong.encode() not in body


# --- made once per process --------------------------------------------------------------


def test_the_preview_is_made_once_per_data_version_and_a_failure_is_not_retried() -> None:
    first_map.forget()
    calls: list[str] = []

    def build(version: str) -> Prepared:
        calls.append(version)
        return Prepared(version, b"p", version * 16, b"b")

    assert first_map.prepare("a", lambda: build("a"))
    assert _wait_ready().version == "a"
    assert not first_map.prepare("a", lambda: build("a"))
    assert first_map.prepare("b", lambda: build("b"))
    deadline = time.monotonic() + 10
    while _wait_ready().version != "b" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls == ["a", "b"]

    def broken() -> Prepared:
        calls.append("c")
        raise RuntimeError("no map")

    assert first_map.prepare("c", broken)
    deadline = time.monotonic() + 10
    while "c" not in calls and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert not first_map.prepare("c", broken)  # failed once: the page is served without
    assert first_map.current() is not None and first_map.current().version == "b"  # type: ignore[union-attr]
    first_map.forget()


# --- data text stays text ---------------------------------------------------------------


def test_hostile_data_stays_text_in_the_preview_and_its_overlay(
    hostile_dataset: Dataset,
) -> None:
    from ui.static_first import build

    made = build("hostile", hostile_dataset)
    page, block = made.page.decode("utf-8"), made.block.decode("utf-8")
    for text in (page, block):
        assert IMG not in text and "onerror=alert(1)>" not in text
        assert "</script><script>alert(1)" not in text
        assert "${alert(1)}" not in text and "{{7*7}}" not in text
    drawn = page.replace("\\u0026", "&")  # the names are in the page, escaped, as JSON
    assert "&lt;img src=x onerror=alert(1)&gt;" in drawn
    assert made.digest == first_map.digest_of(made.page) and made.url in block
    assert build("hostile", hostile_dataset).page == made.page  # equal data, equal bytes
