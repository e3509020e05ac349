"""The files the map's frame loads, named to the browser with the app's page (issue 25).

The map's frame (streamlit-folium's component) starts only after Streamlit's front end has
booted, run the script and laid out the page; it then fetches the component's bundle,
then Leaflet and the annotation tool one after the other, then Leaflet's stylesheet.
Every one of those URLs names its content and is kept a year by the browser
(:mod:`layers.web.cache_headers`), so the page's answer names them in a ``Link`` header
(``rel=preload``, :func:`link_header`): the browser fetches them into its cache while
Streamlit's bundle loads, and the frame finds them there.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from geo import io
from layers.web.annotations import ANNOTATE_JS_URL
from layers.web.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL

#: The URL under which Streamlit serves streamlit-folium's build (its component's name).
COMPONENT_URL = "/component/streamlit_folium.st_folium/"

_BUNDLE = re.compile(r"""<script[^>]*\bsrc=["']\./(static/js/main\.[0-9a-f]{8}\.js)["']""")


def component_bundle(index_html: str) -> str | None:
    """The URL of the component's hashed bundle named by its build's ``index.html``.

    >>> component_bundle('<script defer="defer" src="./static/js/main.521860b0.js">')
    '/component/streamlit_folium.st_folium/static/js/main.521860b0.js'
    >>> component_bundle("<p>no script</p>") is None
    True
    """
    found = _BUNDLE.search(index_html)
    return COMPONENT_URL + found.group(1) if found else None


def _component_index() -> Path | None:
    spec = importlib.util.find_spec("streamlit_folium")
    if spec is None or spec.origin is None:
        return None
    index = Path(spec.origin).parent / "frontend" / "build" / "index.html"
    return index if index.is_file() else None


@cache
def frame_files() -> tuple[tuple[str, str], ...]:
    """``(url, kind)`` of each file the map's frame loads, in its order (``kind`` as a
    preload's ``as``): the component's bundle (when its build names one), Leaflet, the
    annotation tool, Leaflet's stylesheet."""
    index = _component_index()
    bundle = component_bundle(io.read_text(index)) if index is not None else None
    files = [(LEAFLET_JS_URL, "script"), (ANNOTATE_JS_URL, "script"), (LEAFLET_CSS_URL, "style")]
    return ((bundle, "script"), *files) if bundle else tuple(files)


def link_header(files: tuple[tuple[str, str], ...]) -> str:
    """The ``Link`` header preloading ``files``.

    >>> link_header((("/a.js?v=1", "script"), ("/b.css", "style")))
    '</a.js?v=1>; rel=preload; as=script, </b.css>; rel=preload; as=style'
    """
    return ", ".join(f"<{url}>; rel=preload; as={kind}" for url, kind in files)
