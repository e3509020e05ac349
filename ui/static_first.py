"""The static first map's preview made once per process (issue 25,
:mod:`layers.web.first_map`): the default view the app shows to a visit without query
state, drawn as images by :mod:`layers.web.first_image`, with its date stamp and legend
(the live map's) and its overlay sized as :mod:`ui.layout` sizes the live map.

The app's first run (and the warm-up's, ``deploy/warmup.py``) asks for it; it is made in
a thread of its own so that the run does not wait for it, and pages are served without
the overlay until it is ready.

It is ON unless ``BRIEFING_FIRST_MAP=off`` is in the environment: the preview is an image,
so it costs the page's main thread nothing while Streamlit's bundle runs
(docs/performance/README.md, "A static first map in front of the app"). Off, the app's
page is served as Streamlit sends it.
"""

from __future__ import annotations

import os

from geo.dataset import Dataset
from geo.leaflet_view import Bounds, fit_zoom, least_box, world_px
from layers.briefing.view import View, view_from_query
from layers.catalog import MIN_ZOOMS
from layers.features import view_features
from layers.web import first_map
from layers.web.first_image import land_geometries, view_images
from layers.web.geojson import feature_collections
from layers.web.groups import date_stamp
from layers.web.legend import drawn_legend_html
from layers.web.overlay import OPEN_LEGEND_MAP_PX
from ui.basemap import usable_view
from ui.layout import MAP_BOXES, box_rules

#: Environment variable switching the static first map off (see :data:`OFF`).
SETTING_ENV = "BRIEFING_FIRST_MAP"
#: Its value switching the preview off; anything else (or nothing) leaves it on.
OFF = "off"


def setting() -> str:
    """``$BRIEFING_FIRST_MAP``, lower case."""
    return os.environ.get(SETTING_ENV, "").strip().lower()


def enabled() -> bool:
    """Whether the static first map is on (unless ``$BRIEFING_FIRST_MAP`` is ``off``)."""
    return setting() != OFF


#: The live map's box in the app's layout (:data:`ui.layout.MAP_BOXES`, the one table):
#: for viewports from ``min_vw`` to ``max_vw`` pixels wide, the box is the width less
#: ``w_less``, and the height less ``h_less`` kept between ``h_min`` and ``h_max``.
LAYOUTS = tuple(
    (box.min_vw, box.max_vw, box.left + box.right, box.h_less, box.h_min, box.h_max)
    for box in MAP_BOXES
)
#: Where the overlay stands and how high, row by row of :data:`ui.layout.MAP_BOXES`.
OVERLAY_BOX_CSS = box_rules(
    "#bm-first-map {{ top: {top}px; left: {left}px; right: {right}px; height: {height_css}; }}"
)


def _at_least(size: int, less: int, low: int, high: int) -> str | None:
    """Media condition of ``clamp(low, side - less, high) >= size`` ("" always, ``None``
    never)."""
    if size <= low:
        return ""
    return None if size > high else str(size + less)


def _below(size: int, less: int, low: int, high: int) -> str | None:
    """Media condition of ``clamp(low, side - less, high) < size``."""
    if size <= low:
        return None
    return "" if size > high else str(size + less - 1)


#: Viewports whose map box an image's labels are decluttered for, the first of them
#: that fits the view at the image's zoom (a 1280 x 800 laptop at zoom 7.75, its legend
#: closed: on a wider screen the open legend covers the labels it would hide; a 430 x
#: 900 phone at 6.75; the labels the edges and controls of another box hide may differ
#: a little).
REFERENCE_VIEWPORTS = (
    (1280, 800), (430, 900), (1500, 1100), (390, 844), (360, 740), (1024, 768),
    (768, 1024), (820, 1180), (600, 900), (320, 640),
)  # fmt: skip


def map_box(width: int, height: int) -> tuple[int, int]:
    """The live map's box in a ``width`` x ``height`` viewport (:data:`LAYOUTS`)."""
    for min_vw, max_vw, w_less, h_less, h_min, h_max in LAYOUTS:
        if min_vw <= width <= max_vw:
            return width - w_less, max(h_min, min(height - h_less, h_max))
    raise ValueError(f"no layout for a viewport {width} px wide")


def reference_boxes(bounds: Bounds) -> dict[float, tuple[int, int]]:
    """For each zoom a reference viewport's box fits ``bounds`` at, the first such box."""
    boxes: dict[float, tuple[int, int]] = {}
    for viewport in REFERENCE_VIEWPORTS:
        box = map_box(*viewport)
        boxes.setdefault(fit_zoom(bounds, *box), box)
    return boxes


def preload_media(bounds: Bounds, zooms: list[float]) -> dict[float, str]:
    """For each of ``zooms`` (ascending), the media query of the viewports whose map box
    fits ``bounds`` at that zoom (:data:`LAYOUTS`), so the page's ``Link`` header can
    preload only the image the page will show; a zoom no viewport gives is left out."""
    media: dict[float, str] = {}
    for n, zoom in enumerate(zooms):
        w1, h1 = least_box(bounds, zoom)
        w2, h2 = least_box(bounds, zooms[n + 1]) if n + 1 < len(zooms) else (10**6, 10**6)
        queries = []
        for min_vw, max_vw, w_less, h_less, h_min, h_max in LAYOUTS:
            # zoom reached and the next not: the width below the next's, or the height
            for w_lo, w_hi, h_lo, h_hi in ((w1, w2 - 1, h1, None), (w1, None, h1, h2)):
                low_vw = max(min_vw, w_lo + w_less)
                high_vw = max_vw if w_hi is None else min(max_vw, w_hi + w_less)
                low_vh = _at_least(h_lo, h_less, h_min, h_max)
                high_vh = "" if h_hi is None else _below(h_hi, h_less, h_min, h_max)
                if low_vw > high_vw or low_vh is None or high_vh is None:
                    continue
                parts = [f"(min-width: {low_vw}px)"]
                parts += [f"(max-width: {high_vw}px)"] if high_vw < 100_000 else []
                parts += [f"(min-height: {low_vh}px)"] if low_vh else []
                parts += [f"(max-height: {high_vh}px)"] if high_vh else []
                queries.append(" and ".join(parts))
        if queries:
            media[zoom] = ", ".join(dict.fromkeys(queries))
    return media


def default_view(dataset: Dataset) -> View:
    """The view the app draws for its address without query state."""
    view, _ = view_from_query({}, span=dataset.span)
    return usable_view(view)[0]


def build(version: object, dataset: Dataset) -> first_map.Prepared:
    """The preview of the default view: its images (equal data makes equal bytes, so one
    URL in every process of a cluster) and the overlay naming them."""
    view = default_view(dataset)
    collections = feature_collections(view_features(dataset, view))
    boxes = reference_boxes(view.bounds)
    made = view_images(dataset, view, collections, land_geometries(dataset), boxes)
    files = {first_map.digest_of(image.svg): image.svg for image in made}
    shown = [
        first_map.Shown(
            image.zoom,
            image.origin,
            image.centre,
            f"{first_map.ROUTE}/{first_map.digest_of(image.svg)}.svg",
        )
        for image in made
    ]
    min_x, min_y, max_x, max_y = view.bounds
    block = first_map.overlay_html(
        shown,
        (*world_px(min_x, max_y, 0), *world_px(max_x, min_y, 0)),
        date_stamp(view.day),
        drawn_legend_html(collections),
        box_css=OVERLAY_BOX_CSS,
        zooms=MIN_ZOOMS,
        legend_px=OPEN_LEGEND_MAP_PX,
    )
    media = preload_media(view.bounds, [image.zoom for image in made])
    link = ", ".join(
        f'<{shown.url}>; rel=preload; as=image; fetchpriority=high; media="{media[shown.zoom]}"'
        for shown in shown
        if shown.zoom in media
    )
    return first_map.Prepared(version, files, block.encode("utf-8"), link.encode("latin-1"))


def prepare(version: object, dataset: Dataset) -> None:
    """Ask for the preview of data ``version`` (made once, in a thread; see module)."""
    if enabled():
        first_map.prepare(version, lambda: build(version, dataset))
