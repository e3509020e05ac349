"""Vendored front-end assets: Leaflet 1.9.4 (BSD-2-Clause), shipped in ``static/leaflet``.

The map must work with no network, so Leaflet is served by Streamlit itself
(``[server] enableStaticServing`` in ``.streamlit/config.toml`` serves ``static/`` under
``/app/static/``) instead of from a CDN, and inlined into standalone HTML exports.
The files are read through :func:`geo.io.read_text` (all disk access is in :mod:`geo.io`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from geo import io
from layers.web.cache_headers import versioned

#: Folder Streamlit serves at ``/app/static`` (next to ``app.py``).
STATIC_DIR: Path = Path(__file__).resolve().parents[2] / "static"

LEAFLET_VERSION = "1.9.4"
LEAFLET_JS_FILE = STATIC_DIR / "leaflet" / "leaflet.js"
LEAFLET_CSS_FILE = STATIC_DIR / "leaflet" / "leaflet.css"

#: URLs of the same files as the Streamlit server publishes them (same origin as the app),
#: each with its file's digest, so that the browser keeps them (:mod:`.cache_headers`).
LEAFLET_JS_URL = versioned("/app/static/leaflet/leaflet.js", LEAFLET_JS_FILE)
LEAFLET_CSS_URL = versioned("/app/static/leaflet/leaflet.css", LEAFLET_CSS_FILE)


@cache
def leaflet_js() -> str:
    """The text of the vendored ``leaflet.js``."""
    return io.read_text(LEAFLET_JS_FILE)


@cache
def leaflet_css() -> str:
    """The text of the vendored ``leaflet.css``."""
    return io.read_text(LEAFLET_CSS_FILE)
