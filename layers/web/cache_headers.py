"""Long browser caching for the files whose URL names their content (issue 25).

Streamlit serves the app's ``static/`` folder at ``/app/static/`` with an ETag and no
``Cache-Control``, and a component's build files with ``Cache-Control: public`` and no
lifetime, so a return visit asks again for each (or, for the component's files, which
carry no validator, fetches them again). The map's frame loads Leaflet, its stylesheet
and the annotation tool from ``/app/static/`` and the component's bundle from
``/component/<name>/static/``: :class:`CacheHeaders` (an ASGI middleware, mounted by
``server.py`` through ``st.App(middleware=...)``) marks a successful answer
``public, max-age=31536000, immutable`` when its URL is one that changes with the content:

- ``/app/static/<path>?v=<digest>``: our URLs carry the file's digest
  (:func:`versioned`), so an edited file gets a new URL;
- ``/component/<name>/static/.../<stem>.<8 hex digits>.<ext>``: the hashed names of a
  component's build (streamlit-folium's ``main.521860b0.js``).

Everything else (the page, the component's ``index.html``, a ``/app/static`` URL without
``v=``, answers other than 200) is left as Streamlit sends it. Streamlit's own bundle
(``/static/``) is already sent immutable for a year.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from geo import io

#: The header of an answer whose URL changes with its content.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Hex digits of a file's digest in its URL.
DIGEST_CHARS = 12

_HASHED_BUILD_FILE = re.compile(r"/component/[^/]+/static/(?:.+/)?[^/]+\.[0-9a-f]{8}\.[a-z]+$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def versioned(url: str, path: Path) -> str:
    """``url`` with the digest of the file at ``path`` as its ``v`` parameter.

    >>> versioned("/app/static/x.js", Path(__file__)).startswith("/app/static/x.js?v=")
    True
    """
    digest = hashlib.sha256(io.read_text(path).encode("utf-8")).hexdigest()
    return f"{url}?v={digest[:DIGEST_CHARS]}"


def immutable(path: str, query: bytes) -> bool:
    """Whether the answer to ``path`` (and its raw query string) may be kept a year.

    >>> immutable("/app/static/leaflet/leaflet.js", b"v=0123456789ab")
    True
    >>> immutable("/app/static/leaflet/leaflet.js", b"")
    False
    >>> immutable("/component/streamlit_folium.st_folium/static/js/main.521860b0.js", b"")
    True
    >>> immutable("/component/streamlit_folium.st_folium/index.html", b"streamlitUrl=x")
    False
    """
    if "/app/static/" in path:
        return bool(parse_qs(query.decode("latin-1")).get("v"))
    return bool(_HASHED_BUILD_FILE.search(path))


def app_page(path: str) -> bool:
    """Whether ``path`` may answer with the app's page (Streamlit's ``index.html``), not
    a file, a component's page or one of Streamlit's own routes.

    >>> [app_page(p) for p in ("/", "/app", "/_stcore/health", "/component/x/index.html")]
    [True, True, False, False]
    """
    return not path.startswith(("/_stcore/", "/component/", "/app/static/", "/static/"))


class CacheHeaders:
    """ASGI middleware: :data:`IMMUTABLE` on the 200 answers :func:`immutable` names;
    with ``preload`` (a ``Link`` header's value, :func:`layers.web.frame_files.link_header`),
    that header on the app's page (an HTML answer to a path :func:`app_page` allows)."""

    def __init__(self, app: ASGIApp, preload: str = "") -> None:
        self.app = app
        self.preload = preload.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.preload and app_page(scope["path"]):
            await self.app(scope, receive, self._with_preload(send))
            return
        if not immutable(scope["path"], scope["query_string"]):
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control"]  # fmt: skip
                headers.append((b"cache-control", IMMUTABLE.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_header)

    def _with_preload(self, send: Send) -> Send:
        """``send`` adding the ``Link`` header to a 200 HTML answer."""

        async def send_with_link(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = list(message.get("headers", []))
                kinds = [v for k, v in headers if k.lower() == b"content-type"]
                if kinds and kinds[0].startswith(b"text/html"):
                    message = {**message, "headers": [*headers, (b"link", self.preload)]}
            await send(message)

        return send_with_link
