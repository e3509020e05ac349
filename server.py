"""The app's server: Streamlit serving ``app.py``, plus the routes of the user's basemap tiles
and of the map's kept groups.

Run ``streamlit run server.py`` (``make run`` does; ``streamlit run app.py`` still works,
without these routes: a map frame that lost its groups then cannot fetch them). With the
environment variable ``BRIEFING_BASEMAP`` naming an MBTiles file or a folder of ``z/x/y``
tiles, their tiles are served from this machine at ``/briefing-tiles/<z>/<x>/<y>``
(:mod:`layers.web.tile_route`); see the README, "Your own basemap". The scripts of the
map's kept groups are served at ``/briefing-groups/<key>.js``
(:mod:`layers.web.group_route`). A setting that cannot be used is logged here and shown in
the app. The files whose URL names their content are sent with a year of browser caching
(:mod:`layers.web.cache_headers`), and the app's page names the files of the map's frame for
the browser to fetch at once (:mod:`layers.web.frame_files`). The page of the default
view (``/`` without a query) shows a static first map until the live one has painted
(:mod:`layers.web.first_map`, :mod:`layers.web.first_map_route`). Streamlit's own build
files are answered from memory after their first answer (:mod:`layers.web.bundle_answers`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from geo.errors import TileError
from layers.user_basemap import current
from layers.web.bundle_answers import BundleAnswers
from layers.web.cache_headers import CacheHeaders
from layers.web.first_map_route import FirstMapPage, first_map_routes
from layers.web.frame_files import frame_files, link_header
from layers.web.group_route import group_routes
from layers.web.tile_route import tile_routes

logger = logging.getLogger("briefing.server")

try:
    _source = current()
except TileError as exc:
    logger.warning("the basemap of BRIEFING_BASEMAP is not served: %s", exc)
    _source = None

app = st.App(
    Path(__file__).with_name("app.py"),
    routes=tile_routes(_source) + group_routes() + first_map_routes(),
    # A year of browser caching for the files whose URL names their content; the page
    # names the map frame's files, so the browser fetches them while Streamlit boots.
    middleware=[
        # Streamlit's build files answered from memory after their first answer.
        Middleware(BundleAnswers),
        Middleware(CacheHeaders, preload=link_header(frame_files())),
        # The default view's page with a static first map while Streamlit boots.
        Middleware(FirstMapPage),
    ],
)
