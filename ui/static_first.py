"""The static first map's preview made once per process (issue 25,
:mod:`layers.web.first_map`): the default view the app shows to a visit without query
state, drawn by :func:`layers.web.map.preview_html`, with its overlay sized as
:mod:`ui.layout` sizes the live map.

The app's first run (and the warm-up's, ``deploy/warmup.py``) asks for it; it is made in
a thread of its own so that the run does not wait for it, and pages are served without
the overlay until it is ready.

It is OFF unless ``BRIEFING_FIRST_MAP=on`` (or ``deferred``) is in the environment: the
preview's frame draws its map on the page's main thread while Streamlit's bundle runs
there, and on the 2-core machine that delayed the live map by 0.3-0.6 s (README,
"A static first map in front of the app"). Off, the app's page is served as Streamlit
sends it.
"""

from __future__ import annotations

import os

from geo.dataset import Dataset
from layers.briefing.view import View, view_from_query
from layers.web import first_map
from layers.web.groups import date_stamp
from layers.web.map import preview_html
from layers.web.stable_ids import stable_ids
from ui.basemap import usable_view
from ui.layout import LAPTOP_MAP_CSS, PHONE_MAP_CSS

#: Environment variable switching the static first map on (see :data:`ON`).
SETTING_ENV = "BRIEFING_FIRST_MAP"


#: Its values: the preview's frame loaded at once; loaded after the page's own scripts
#: (DOMContentLoaded). Anything else (the default): no static first map.
ON, DEFERRED = "on", "deferred"


def setting() -> str:
    """``$BRIEFING_FIRST_MAP``, lower case."""
    return os.environ.get(SETTING_ENV, "").strip().lower()


def enabled() -> bool:
    """Whether the static first map is on (``$BRIEFING_FIRST_MAP`` is ``on`` or
    ``deferred``)."""
    return setting() in (ON, DEFERRED)


def default_view(dataset: Dataset) -> View:
    """The view the app draws for its address without query state."""
    view, _ = view_from_query({}, span=dataset.span)
    return usable_view(view)[0]


def build(version: object, dataset: Dataset) -> first_map.Prepared:
    """The preview of the default view (element ids numbered, so equal data makes equal
    bytes and one URL in every process of a cluster)."""
    view = default_view(dataset)
    with stable_ids():
        page = preview_html(dataset, view).encode("utf-8")
    digest = first_map.digest_of(page)
    url = f"{first_map.ROUTE}/{digest}.html"
    block = first_map.overlay_html(
        url,
        date_stamp(view.day),
        height=LAPTOP_MAP_CSS,
        phone_height=PHONE_MAP_CSS,
        deferred=setting() == DEFERRED,
    )
    return first_map.Prepared(version, page, digest, block.encode("utf-8"))


def prepare(version: object, dataset: Dataset) -> None:
    """Ask for the preview of data ``version`` (made once, in a thread; see module)."""
    if enabled():
        first_map.prepare(version, lambda: build(version, dataset))
