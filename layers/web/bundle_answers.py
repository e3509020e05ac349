"""Streamlit's build files answered from memory (issue 25, the first map's boot).

A first visit's page asks the app's server for some 65 files of Streamlit's bundle
(``/static/js/…``, its stylesheet and fonts) before its load event, over the browser's
six connections; Streamlit serves each from disk through Starlette's ``StaticFiles``
(a ``stat``, an ``open``, the body read in 64 KiB pieces in worker threads), about 2.3 ms
of the server's one Python thread per file (140 ms for 60 files, 8 December 2026), while
that thread also runs the script. The files are content-hashed and never change while
the process runs, so :class:`BundleAnswers` (an ASGI middleware, mounted by
``server.py``) keeps Streamlit's own answer to a plain ``GET`` of a ``/static/`` file the
first time it passes (status, headers and body as Streamlit sent them) and sends that
again for the same path: the same bytes and headers, without the file system or the
threads. Anything else goes to Streamlit as before: other paths, a conditional or ranged
request (``If-None-Match``, ``If-Modified-Since``, ``Range``), an answer other than a
whole 200 or one chosen by the request's headers (``Vary``, ``Content-Encoding``), and
every file once :data:`LIMIT_BYTES` are kept.
"""

from __future__ import annotations

from layers.web.cache_headers import ASGIApp, Message, Receive, Scope, Send

#: The most bytes of answers kept per process (Streamlit's files a page loads before its
#: map are about 3 MiB, with the rest of its first page about 5; the whole build 30).
LIMIT_BYTES = 16 * 1024 * 1024
#: The path prefix of Streamlit's content-hashed build files.
PREFIX = "/static/"
#: Request headers that make an answer depend on more than the path.
_VARYING = {b"range", b"if-none-match", b"if-modified-since", b"if-range"}
#: Answer headers of an answer chosen by the request's other headers (never kept).
_NEGOTIATED = {b"vary", b"content-encoding", b"content-range"}
#: Answer headers uvicorn writes itself for every answer.
_PER_ANSWER = {b"date", b"server"}


def plain_get(scope: Scope) -> bool:
    """Whether ``scope`` is a ``GET`` of a ``/static/`` path whose answer depends on the
    path alone (no query, no conditional or ranged header).

    >>> plain_get({"type": "http", "method": "GET", "path": "/static/js/a.1.js",
    ...            "query_string": b"", "headers": [(b"accept", b"*/*")]})
    True
    >>> plain_get({"type": "http", "method": "GET", "path": "/static/js/a.1.js",
    ...            "query_string": b"", "headers": [(b"range", b"bytes=0-1")]})
    False
    >>> plain_get({"type": "http", "method": "GET", "path": "/app/static/x.js",
    ...            "query_string": b"", "headers": []})
    False
    """
    return (
        scope["type"] == "http"
        and scope["method"] == "GET"
        and str(scope["path"]).startswith(PREFIX)
        and not scope.get("query_string")
        and not any(k.lower() in _VARYING for k, _ in scope.get("headers", []))
    )


class BundleAnswers:
    """ASGI middleware: Streamlit's answers to plain ``GET``\\ s of its ``/static/`` files
    (:func:`plain_get`), kept the first time and sent again from memory (see module)."""

    def __init__(self, app: ASGIApp, limit: int = LIMIT_BYTES) -> None:
        self.app = app
        self.limit = limit
        self.kept: dict[str, tuple[Message, bytes]] = {}
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not plain_get(scope):
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        found = self.kept.get(path)
        if found is not None:
            start, body = found
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, self._keeping(path, send))

    def _keeping(self, path: str, send: Send) -> Send:
        """``send`` that also keeps a whole 200 answer for ``path`` (within the limit)."""
        start: Message | None = None
        pieces: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            await send(message)
            if message["type"] == "http.response.start":
                whole = message["status"] == 200 and not any(
                    k.lower() in _NEGOTIATED for k, _ in message.get("headers", [])
                )
                start = message if whole else None
                return
            if start is None or message["type"] != "http.response.body":
                start = None
                return
            pieces.append(bytes(message.get("body", b"")))
            if message.get("more_body", False):
                return
            body = b"".join(pieces)
            if self.size + len(body) <= self.limit and path not in self.kept:
                headers = [(k, v) for k, v in start.get("headers", [])
                           if k.lower() not in _PER_ANSWER]  # fmt: skip
                self.kept[path] = ({**start, "headers": headers}, body)
                self.size += len(body)

        return keep
