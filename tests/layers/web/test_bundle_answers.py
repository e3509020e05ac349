"""Streamlit's build files answered from memory (issue 25, :mod:`layers.web.bundle_answers`):
the same answer as Streamlit's, Streamlit asked once per file, and only for what cannot
differ between two requests."""

from __future__ import annotations

from typing import Any

from layers.web.bundle_answers import BundleAnswers
from tests.async_run import run_async

_BODY = b"export const x = 1;" * 100


class _Streamlit:
    """An app answering like Streamlit's static route (the body in two pieces), counting
    its calls."""

    def __init__(self, status: int = 200, extra: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        self.calls = 0
        self.status = status
        self.extra = extra

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        headers = [
            (b"content-type", b"application/javascript"),
            (b"content-length", str(len(_BODY)).encode()),
            (b"etag", b'"abc"'),
            (b"cache-control", b"public, immutable, max-age=31536000"),
            (b"date", f"call {self.calls}".encode()),
            *self.extra,
        ]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": _BODY[:700], "more_body": True})
        await send({"type": "http.response.body", "body": _BODY[700:]})


def _get(middleware: BundleAnswers, path: str, *headers: tuple[bytes, bytes]) -> dict[str, Any]:
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"",
             "headers": list(headers)}  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    run_async(lambda: middleware(scope, receive, send))  # Playwright may hold the loop
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    named = {k: v for k, v in start["headers"] if k != b"date"}
    return {"status": start["status"], "headers": named, "body": body}


def test_a_build_file_is_asked_of_streamlit_once_and_answered_the_same_after() -> None:
    streamlit = _Streamlit()
    middleware = BundleAnswers(streamlit)
    first = _get(middleware, "/static/js/index.Ab12.js")
    again = [_get(middleware, "/static/js/index.Ab12.js") for _ in range(3)]
    assert streamlit.calls == 1
    assert first["body"] == _BODY
    assert all(answer == first for answer in again)
    _get(middleware, "/static/js/other.Cd34.js")  # another file: its own answer
    assert streamlit.calls == 2


def test_requests_whose_answer_may_differ_go_to_streamlit_each_time() -> None:
    for path, headers in (
        ("/static/js/index.Ab12.js", ((b"range", b"bytes=0-9"),)),
        ("/static/js/index.Ab12.js", ((b"if-none-match", b'"abc"'),)),
        ("/static/js/index.Ab12.js", ((b"If-Modified-Since", b"Tue, 08 Dec 2026"),)),
        ("/app/static/leaflet/leaflet.js", ()),  # the app's own files: not Streamlit's build
        ("/", ()),  # the page
    ):
        streamlit = _Streamlit()
        middleware = BundleAnswers(streamlit)
        for _ in range(2):
            assert _get(middleware, path, *headers)["body"] == _BODY
        assert streamlit.calls == 2, (path, headers)


def test_answers_other_than_a_whole_plain_200_are_not_kept() -> None:
    for status, extra in (
        (404, ()),
        (200, ((b"content-encoding", b"gzip"),)),
        (200, ((b"vary", b"Accept-Encoding"),)),
    ):
        streamlit = _Streamlit(status, extra)
        middleware = BundleAnswers(streamlit)
        for _ in range(2):
            assert _get(middleware, "/static/js/index.Ab12.js")["status"] == status
        assert streamlit.calls == 2, (status, extra)


def test_no_more_than_the_limit_is_kept() -> None:
    streamlit = _Streamlit()
    middleware = BundleAnswers(streamlit, limit=len(_BODY) + 10)
    for _ in range(2):
        _get(middleware, "/static/js/a.1.js")
        _get(middleware, "/static/js/b.2.js")  # would pass the limit: asked each time
    assert streamlit.calls == 3
    assert middleware.size == len(_BODY)
