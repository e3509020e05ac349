"""The app's own tile route (issue 21 item 3): the user's local basemap tiles, served by
the server the app runs on at ``/briefing-tiles/<z>/<x>/<y>``
(:data:`layers.user_basemap.TILE_ROUTE`), so the browser asks no other host.

``server.py`` mounts :func:`tile_routes` next to Streamlit's own routes (``st.App``). A
tile is read by :func:`geo.tile_store.read_tile` (bounded, images only) in a worker
thread and sent with the content type its bytes say (never a name or metadata field),
``nosniff`` and an hour of caching; anything else is a plain 404. A URL template is not
served here: the browser fetches it from the host the user named.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from geo.tile_store import read_tile
from geo.tiles import TileSource
from layers.user_basemap import TILE_ROUTE

#: Headers of every tile sent.
HEADERS = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}


def tile_routes(source: TileSource | None) -> list[BaseRoute]:
    """The route serving ``source``'s tiles (none without a local source)."""
    if source is None or not source.local:
        return []

    async def tile(request: Request) -> Response:
        params = request.path_params
        found = await run_in_threadpool(read_tile, source, params["z"], params["x"], params["y"])
        if found is None:
            return Response(b"no such tile", status_code=404, media_type="text/plain")
        data, kind = found
        return Response(data, media_type=f"image/{kind}", headers=HEADERS)

    return [Route(f"{TILE_ROUTE}/{{z:int}}/{{x:int}}/{{y:int}}", tile, methods=["GET"])]
