"""The static first map (issue 25): the page rewriting, the middleware that does it only
for the default view's page, the preview images' route, the preview made once per
process, and hostile data text kept text in the preview's images and its overlay."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from geo.dataset import Dataset
from layers.web import first_map
from layers.web.first_map import Prepared, Shown, overlay_html, with_first_map
from layers.web.first_map_route import FirstMapPage, first_map_routes
from tests.async_run import run_async
from tests.hostile import IMG, JINJA, SCRIPT

PAGE = (
    b"<!DOCTYPE html>\n<html lang='en'><head><title>Streamlit</title></head>\n"
    b"  <body>\n    <noscript>text</noscript>\n    <div id='root'></div>\n  </body>\n</html>\n"
)
BLOCK = b"<div id='bm-first-map'>preview</div>"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
DIGEST = "0123456789abcdef"
LINK = b'</briefing-first-map/x.svg>; rel=preload; as=image; media="(min-width: 1px)"'


@pytest.fixture
def ready() -> Iterator[Prepared]:
    """A preview made ready in this process, forgotten afterwards."""
    made = Prepared("v1", {DIGEST: SVG}, BLOCK, LINK)
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
    shown = [Shown(7.75, (10, 20), (1410.5, 720.25), "/briefing-first-map/x.svg")]
    block = overlay_html(shown, (1.0, 2.0, 3.0, 4.0), hostile, f"<details>{hostile}</details>",
                         box_css="#bm-first-map { height: 600px; }", zooms=(8,))  # fmt: skip
    date_only = block.replace(f"<details>{hostile}</details>", "")
    assert IMG not in date_only and "onerror=alert(1)>" not in date_only
    assert "<script>alert(1)" not in date_only and "{{7*7}}" not in date_only
    assert "&lt;img src=x onerror=alert(1)&gt;" in block
    assert "aria-busy='true'" in block and first_map.LOADING_TEXT in block
    assert "<iframe" not in block  # an image: nothing runs or draws in a frame
    image = re.search(r"<img [^>]*>", block)
    assert image is not None and "alt=''" in image.group() and "src=" not in image.group()
    assert f"elementtiming='{first_map.TIMING_NAME}'" in image.group()
    found = re.search(r"data-images='([^']*)'", block)
    assert found is not None
    rows = json.loads(found.group(1).replace("&quot;", '"'))
    assert rows == [[7.75, 10, 20, 1410.5, 720.25, "/briefing-first-map/x.svg"]]
    assert "data-extent='[1.0, 2.0, 3.0, 4.0]'" in block and "data-zooms='[8]'" in block
    assert ".bm-below-z8 .bm-from-z8" in block  # what the live map hides below zoom 8


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
    assert headers[b"link"] == LINK  # the image the viewport will show, fetched at once
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


def test_the_route_serves_the_ready_previews_images_by_their_digest_only(
    ready: Prepared,
) -> None:
    from starlette.routing import Router

    router = Router(routes=first_map_routes())
    status, headers, body = _serve(router, f"/briefing-first-map/{DIGEST}.svg")
    assert status == 200 and body == SVG
    assert headers[b"content-type"] == b"image/svg+xml"
    assert b"immutable" in headers[b"cache-control"]
    assert b"default-src 'none'" in headers[b"content-security-policy"]
    for wrong in ("f" * 16, "../etc/passwd", DIGEST.upper()):
        status, _, body = _serve(router, f"/briefing-first-map/{wrong}.svg")
        assert status == 404 and wrong.encode() not in body
    assert _serve(router, f"/briefing-first-map/{DIGEST}.html")[0] == 404


# --- made once per process --------------------------------------------------------------


def test_the_preview_is_made_once_per_data_version_and_a_failure_is_not_retried() -> None:
    first_map.forget()
    calls: list[str] = []

    def build(version: str) -> Prepared:
        calls.append(version)
        return Prepared(version, {version * 16: b"p"}, b"b")

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


#: The only elements the preview's images are made of.
SVG_ELEMENTS = {"svg", "g", "path", "circle", "polygon", "text"}


def test_hostile_data_stays_text_in_the_previews_images_and_its_overlay(
    hostile_dataset: Dataset,
) -> None:
    from ui.static_first import build

    made = build("hostile", hostile_dataset)
    block = made.block.decode("utf-8")
    assert IMG not in block and "onerror=alert(1)>" not in block
    assert "</script><script>alert(1)" not in block
    assert "${alert(1)}" not in block and "{{7*7}}" not in block
    texts: list[str] = []
    for digest, svg in made.files.items():
        assert digest == first_map.digest_of(svg) and f"/{digest}.svg" in block
        root = ET.fromstring(svg)  # well-formed XML whatever the names
        tags = {element.tag.split("}")[-1] for element in root.iter()}
        assert tags <= SVG_ELEMENTS, tags  # no script, image, link or foreign object
        assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)
        texts += ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("text")]
    # the names are drawn as typed: the text read back is the data's, never markup run
    assert any(IMG in text for text in texts), texts[:5]
    assert any(JINJA in text for text in texts)
    assert build("hostile", hostile_dataset).files == made.files  # equal data, equal bytes
