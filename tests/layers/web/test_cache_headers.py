"""The cache headers of the map frame's files (issue 25): a year for a URL that names
its content, nothing changed for any other answer."""

from __future__ import annotations

from typing import Any

from layers.web.annotations import ANNOTATE_JS_URL
from layers.web.assets import LEAFLET_CSS_URL, LEAFLET_JS_FILE, LEAFLET_JS_URL
from layers.web.cache_headers import IMMUTABLE, CacheHeaders, versioned
from layers.web.frame_files import frame_files, link_header
from tests.async_run import run_async


def _answer(path: str, query: bytes = b"", status: int = 200) -> dict[bytes, bytes]:
    """The headers the middleware sends for an app that answers with ``no-cache``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"cache-control", b"no-cache"), (b"etag", b'"x"')]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    scope = {"type": "http", "path": path, "query_string": query}
    run_async(lambda: CacheHeaders(app)(scope, receive, send))  # Playwright may hold the loop
    return dict(sent[0]["headers"])


def test_a_versioned_static_file_and_a_hashed_bundle_are_kept_a_year() -> None:
    bundle = "/component/streamlit_folium.st_folium/static/js/main.521860b0.js"
    for path, query in (("/app/static/leaflet/leaflet.js", b"v=0123456789ab"), (bundle, b"")):
        headers = _answer(path, query)
        assert headers[b"cache-control"] == IMMUTABLE.encode()
        assert headers[b"etag"] == b'"x"'


def test_other_answers_are_left_as_streamlit_sends_them() -> None:
    for path, query, status in (
        ("/app/static/leaflet/leaflet.js", b"", 200),  # no digest in the URL
        ("/component/streamlit_folium.st_folium/index.html", b"streamlitUrl=x", 200),
        ("/app/static/leaflet/leaflet.js", b"v=0123456789ab", 404),
        ("/", b"", 200),
    ):
        assert _answer(path, query, status)[b"cache-control"] == b"no-cache", path


def test_the_url_changes_with_the_file(tmp_path: Any) -> None:
    assert versioned("/app/static/leaflet/leaflet.js", LEAFLET_JS_FILE) == LEAFLET_JS_URL
    edited = tmp_path / "leaflet.js"
    edited.write_text("/* another version */", encoding="utf-8")
    assert versioned("/app/static/leaflet/leaflet.js", edited) != LEAFLET_JS_URL


def _preloaded(path: str, kind: bytes, status: int = 200) -> bytes | None:
    """The ``Link`` header the middleware (with a preload) sends for an answer of
    content type ``kind``, or ``None``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind)]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    scope = {"type": "http", "path": path, "query_string": b""}
    middleware = CacheHeaders(app, preload=link_header(frame_files()))
    run_async(lambda: middleware(scope, receive, send))
    return dict(sent[0]["headers"]).get(b"link")


def test_the_apps_page_names_the_map_frames_files_for_preloading() -> None:
    link = _preloaded("/", b"text/html; charset=utf-8")
    assert link is not None
    text = link.decode()
    for url, kind in (
        (LEAFLET_JS_URL, "script"), (ANNOTATE_JS_URL, "script"), (LEAFLET_CSS_URL, "style"),
    ):
        assert f"<{url}>; rel=preload; as={kind}" in text
    bundle = "/component/streamlit_folium.st_folium/static/js/main."
    assert f"<{bundle}" in text  # the component's hashed bundle, found in its build
    # nothing else carries it: a script, a component's page, an error, Streamlit's routes
    assert _preloaded("/app/static/leaflet/leaflet.js", b"text/javascript") is None
    assert _preloaded("/component/streamlit_folium.st_folium/index.html", b"text/html") is None
    assert _preloaded("/", b"text/html", status=304) is None
    assert _preloaded("/_stcore/health", b"text/html") is None
