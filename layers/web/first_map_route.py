"""The static first map on the app's server (issue 25, :mod:`layers.web.first_map`): the
preview's images at ``/briefing-first-map/<digest>.svg`` (:func:`first_map_routes`) and
the app's page with the overlay at the top of its ``<body>`` (:class:`FirstMapPage`, an
ASGI middleware mounted by ``server.py``).

Only the app's page at ``/`` without a query string gets the overlay: a shared link's
state (``?date=...``) is not the default view, so it gets the page as Streamlit sends it.
The rewritten page loses Streamlit's ``ETag`` and ``Last-Modified`` (it is no longer the
file they describe: a browser revalidating would otherwise keep a page without the
overlay, or the overlay of a preview gone) and keeps its ``Cache-Control: no-cache``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from layers.web import first_map
from layers.web.cache_headers import ASGIApp, Message, Receive, Scope, Send

#: Headers of the preview's images (their URL names their content; an image opened on
#: its own may not run or fetch anything).
HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Content-Type": "image/svg+xml",
}
NOT_FOUND_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
#: Headers of the app's page that describe the file, not the page sent.
_DROPPED = {b"content-length", b"etag", b"last-modified"}


async def preview(request: Request) -> Response:
    """The ready preview's image the path names by its digest, else a plain 404."""
    ready = first_map.current()
    found = None if ready is None else ready.files.get(str(request.path_params.get("digest")))
    if found is None:
        return Response(
            b"no such image", status_code=404, media_type="text/plain", headers=NOT_FOUND_HEADERS
        )
    return Response(found, headers=HEADERS)


def first_map_routes() -> list[BaseRoute]:
    """The route serving the preview's images."""
    return [Route(f"{first_map.ROUTE}/{{digest}}.svg", preview, methods=["GET"])]


def default_page(scope: Scope) -> bool:
    """Whether the request asks for the app's page of the default view: ``GET /``
    without a query string."""
    return (
        scope["type"] == "http"
        and scope["method"] == "GET"
        and scope["path"] == "/"
        and not scope["query_string"]
    )


class FirstMapPage:
    """ASGI middleware: the app's page of the default view with the ready preview's
    overlay (:func:`layers.web.first_map.with_first_map`); every other answer, and every
    answer while no preview is ready, as it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ready = first_map.current()
        if ready is None or not default_page(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(bytes(message.get("body", b"")))
            if message.get("more_body", False):
                return
            await _send_page(send, start, b"".join(body), ready.block, ready.link)

        await self.app(scope, receive, keep)


async def _send_page(
    send: Send, start: Message, page: bytes, block: bytes, link: bytes = b""
) -> None:
    """``page`` with ``block`` (and the ``Link`` header ``link`` preloading its image)
    when it is a 200 HTML answer, else as it came."""
    headers = list(start.get("headers", []))
    kinds = [v for k, v in headers if k.lower() == b"content-type"]
    if start["status"] == 200 and kinds and kinds[0].startswith(b"text/html"):
        changed = first_map.with_first_map(page, block)
        if changed is not page:
            page = changed
            headers = [(k, v) for k, v in headers if k.lower() not in _DROPPED]
            headers.append((b"content-length", str(len(page)).encode("ascii")))
            if link:
                headers.append((b"link", link))
            start = {**start, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": page})
