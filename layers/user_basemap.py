"""A basemap of the user's own (issue 21 item 3): which one is in force, and how the web
map reaches it.

It is named by the environment (:data:`BASEMAP_ENV`: an MBTiles file, a folder of
``z/x/y`` tiles or a tile URL template; :data:`ATTRIBUTION_ENV`: its attribution, else the
package's own) for the app, or by the command line (``--basemap-tiles``,
``--basemap-attribution``) for an export, which puts it in force with :func:`showing`.
:func:`current` answers every renderer: the source of :func:`showing` in the current
context, else the environment's. A view shows it when its ``basemap`` is
:data:`USER_BASEMAP`.

On screen, a local package's tiles are served by the app's own server at
:data:`TILE_ROUTE` (:mod:`layers.web.tile_route`, mounted by ``server.py``); a URL template
is handed to the browser as it is (the only outside host contacted is the one the user
named). Paper maps draw the tiles themselves (:mod:`layers.paper.basemap_tiles`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from geo.tile_store import open_source
from geo.tiles import TileSource

#: The environment variable naming the user's basemap, and the one giving its attribution.
BASEMAP_ENV = "BRIEFING_BASEMAP"
ATTRIBUTION_ENV = "BRIEFING_BASEMAP_ATTRIBUTION"
#: The key of the user's basemap among a view's basemaps (``layers.briefing.view.BASEMAPS``).
USER_BASEMAP = "user"
#: Path of the app's own tile route: ``/briefing-tiles/<z>/<x>/<y>``.
TILE_ROUTE = "/briefing-tiles"

_SHOWING: ContextVar[TileSource | None] = ContextVar("user_basemap", default=None)


@contextmanager
def showing(source: TileSource | None) -> Iterator[None]:
    """Within the block, :func:`current` is ``source`` (when not ``None``)."""
    token = _SHOWING.set(source)
    try:
        yield
    finally:
        _SHOWING.reset(token)


def current(environ: Mapping[str, str] | None = None) -> TileSource | None:
    """The user's basemap in force: that of :func:`showing`, else the one the environment
    names (``None`` when it names none). :class:`~geo.errors.TileError` when the
    environment names one that cannot be used."""
    shown = _SHOWING.get()
    if shown is not None:
        return shown
    return configured(os.environ if environ is None else environ)


def configured(environ: Mapping[str, str]) -> TileSource | None:
    """The basemap ``environ`` names (:data:`BASEMAP_ENV`, :data:`ATTRIBUTION_ENV`), read
    once per setting; ``None`` without one."""
    setting = environ.get(BASEMAP_ENV, "").strip()
    if not setting:
        return None
    return _opened(setting, environ.get(ATTRIBUTION_ENV) or None)


@functools.lru_cache(maxsize=8)
def _opened(setting: str, attribution: str | None) -> TileSource:
    return open_source(setting, attribution)


def leaflet_url(source: TileSource) -> str:
    """The tile URL template the browser asks: the app's own route for a local package,
    the user's template for a URL."""
    return f"{TILE_ROUTE}/{{z}}/{{x}}/{{y}}" if source.local else source.location


def credit(source: TileSource) -> str:
    """The basemap's line in credits: its name and attribution (plain text).

    >>> from geo.tiles import TileSource
    >>> credit(TileSource("folder", "/t", "Your basemap (t)", "© Example"))
    'Basemap: Your basemap (t), © Example'
    """
    return f"Basemap: {source.name}" + (f", {source.attribution}" if source.attribution else "")
