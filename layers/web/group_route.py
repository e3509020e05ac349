"""The route of the map's kept groups: ``GET /briefing-groups/<key>.js`` answers the script
registered under ``key`` in :mod:`layers.web.group_store` (issue 25, "send only what
changed").

A map frame that is sent a stub for a group it lacks (a remount the server did not see, a
reload) fetches the group's script here, synchronously, and runs it. A key names the
digest of its script, so the answer under a key never changes: it is sent as immutable,
cached for a year. The key is checked (24 lowercase hex digits) before it is looked up,
nothing of the request is used as a path or echoed in the answer, and anything else is a
plain 404. ``server.py`` mounts :func:`group_routes` beside the tile route.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from layers.web.group_store import GROUP_ROUTE, script_of

#: Headers of every script sent.
HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}
#: Content type of every script sent.
MEDIA_TYPE = "text/javascript; charset=utf-8"
#: Headers of a refusal (a key may be served later by another process: never cached).
NOT_FOUND_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def group(request: Request) -> Response:
    """The script of the path's key, or a 404 that names nothing of the request."""
    key = request.path_params.get("key", "")
    script = script_of(key) if isinstance(key, str) else None
    if script is None:
        return Response(
            b"no such group", status_code=404, media_type="text/plain", headers=NOT_FOUND_HEADERS
        )
    # Starlette adds the charset to text/* types only when none is given: given here.
    return Response(script.encode("utf-8"), headers=HEADERS | {"Content-Type": MEDIA_TYPE})


def group_routes() -> list[BaseRoute]:
    """The route serving the kept groups' scripts."""
    return [Route(f"{GROUP_ROUTE}/{{key}}.js", group, methods=["GET"])]
