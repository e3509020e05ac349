"""The web map: its base (:func:`base_map`) and the stand-alone page (:func:`standalone_html`).

* For the Streamlit app, :func:`base_map` is a map whose content depends only on the
  extent and basemap, so the component is not remounted when the date or the layers
  change (it carries the date stamp and legend boxes of :mod:`layers.web.overlay`); the
  layers come as feature groups (:func:`layers.web.groups.feature_groups`, prepared as
  script once per situation by :mod:`layers.web.situations`).
* For exports, :func:`standalone_html`, a complete page with Leaflet inlined.

The rooms of the web bridge: :mod:`layers.web.geojson` (frames to GeoJSON and styles),
:mod:`layers.web.groups` (feature groups, labels, popups), :mod:`layers.web.elements`
(elements written verbatim, controls). Every text from data reaches the HTML through
:mod:`layers.web.html` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
from shapely.geometry import mapping

from geo import settings
from geo.dataset import Dataset
from geo.errors import TileError
from geo.tiles import TileSource
from layers.briefing.print_options import PrintOptions, banner_colours, imprint_line
from layers.briefing.view import Bounds, View
from layers.catalog import LAND_BOUNDARIES, MIN_ZOOMS, layer
from layers.features import view_features
from layers.styles import LABEL_STYLES
from layers.user_basemap import USER_BASEMAP, current, leaflet_url
from layers.web import assets
from layers.web.annotations import add_tool, annotation_group
from layers.web.elements import (
    LOCAL_TILE_FAILURE_TEXT,
    TILE_FAILURE_TEXT,
    FillFrame,
    FocusWithoutScroll,
    MapControl,
    PopupBuilder,
    TileFailureNotice,
    Verbatim,
    ZoomClass,
    ZoomThresholds,
    figure_of,
)
from layers.web.geojson import feature_collections, prepare_geometry, zoom_css
from layers.web.groups import layer_group, situation_group
from layers.web.html import POPUP_CSS, escape_text
from layers.web.labels import MINOR_LABEL_ZOOM, web_font
from layers.web.overlay import Overlay
from layers.web.playback import PLAYER_CSS, DayPlayer
from layers.web.preview_frame import DatePreview
from layers.web.spread import SpreadEvents
from layers.web.tooltips import BatchedTooltips

#: Height of the map in the app, in pixels.
MAP_HEIGHT = 600

LAND_STYLE = {"color": "#c9c4bb", "weight": 0.6, "fillColor": "#f4f1ea", "fillOpacity": 1.0}

_CSS = """
<style>
.leaflet-container { background: #dfe8ee; font: 12px/1.35 system-ui, sans-serif; }
.bm-control { background: rgba(255,255,255,0.92); padding: 4px 6px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 42vh; overflow-y: auto;
  font-size: 11px; line-height: 1.25; }
.bm-control summary { cursor: pointer; }
/* the open legend never reaches the zoom and drawing buttons (top left): it scrolls, by
   wheel, touch or keyboard, without a scroll bar widening it over the map on a phone */
.bm-control.bm-legend-box { max-height: calc(100vh - 190px); overflow-y: auto;
  scrollbar-width: none; max-width: 55vw; }  /* a phone's map keeps Karabakh clear */
.bm-control.bm-date-stamp { font-size: 14px; font-weight: 700; color: #222; max-height: none;
  padding: 3px 8px; }
.leaflet-tooltip.bm-label-hidden { visibility: hidden; }
.leaflet-tooltip.bm-area { text-align: center; line-height: 1.15; }
.bm-legend-group { font-weight: 600; margin-top: 4px; }
.leaflet-tooltip.bm-label { background: transparent; border: none; box-shadow: none; padding: 0 2px;
  font-size: 11px; font-weight: 600; color: #222; text-shadow: 0 0 2px #fff, 0 0 2px #fff;
  position: absolute; white-space: nowrap; width: max-content; }
.leaflet-container .leaflet-popup-content, .leaflet-popup-content table, .leaflet-popup-content li
  { font-size: 12px; line-height: 1.3; }
.leaflet-popup-content table { border-collapse: collapse; }
.leaflet-tooltip.bm-label::before { display: none; }
.bm-zoomed-out .leaflet-tooltip.bm-label-minor { display: none; }
.bm-marker { background: none; border: none; }
.bm-pin { background: none; border: none; }
.bm-tile-failure { max-width: 260px; font-size: 12px; border-left: 4px solid #d84315; }
.bm-control.bm-now { max-width: 300px; font-size: 12px; border-left: 4px solid #d84315; }
.bm-now .bm-now-date { font-weight: 700; }
.bm-picking, .bm-picking .leaflet-interactive { cursor: crosshair !important; }
.bm-picking .leaflet-pane path.leaflet-interactive,
.bm-picking .leaflet-pane .leaflet-marker-icon.leaflet-interactive
  { pointer-events: none !important; }
.leaflet-tooltip.bm-measure-label { font-size: 13px; font-weight: 700; padding: 1px 5px;
  border: 1px solid #000; border-radius: 3px; background: rgba(255,255,255,0.92); }
.bm-title h1 { font-size: 16px; margin: 0; }
body.bm-page { display: flex; flex-direction: column; margin: 0; font: 13px system-ui, sans-serif; }
body.bm-page .folium-map { order: 1; flex: none; }
body.bm-page .bm-sources { order: 2; padding: 4px 12px; }
body.bm-page .bm-sources h2 { font-size: 14px; }
body.bm-page .bm-banner { order: 0; padding: 3px 12px; font-weight: bold; text-align: center; }
body.bm-page .bm-banner.bm-bottom { order: 3; }
body.bm-page .bm-asof { order: 0; padding: 2px 12px; color: #555; }
</style>
"""


def _popup_css() -> str:
    """CSS of the popups of :func:`layers.web.html.popup_html` (their look, once per page
    instead of once per feature)."""
    return f"<style>\n{POPUP_CSS}</style>\n"


def _label_css() -> str:
    """CSS of each label look of :data:`layers.styles.LABEL_STYLES` on the web map."""
    rules = []
    for key, look in LABEL_STYLES.items():
        font = web_font(look)
        spacing = f" letter-spacing: {font.spacing:g}em;" if font.spacing else ""
        rules.append(
            f".leaflet-tooltip.bm-look-{key} {{ font-size: {font.size}px;"
            f" color: {font.colour}; font-style: {font.style};"
            f" font-weight: {font.weight};{spacing} }}"
        )
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"



# --- the map --------------------------------------------------------------------------


def _land(dataset: Dataset) -> folium.GeoJson:
    countries = dataset.boundaries[LAND_BOUNDARIES]
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": mapping(prepare_geometry(g))}
            for g in countries.geometry
        ],
    }
    return folium.GeoJson(data, name="land", style_function=lambda _: LAND_STYLE, interactive=False)


def _leaflet_bounds(bounds: Bounds) -> list[list[float]]:
    min_x, min_y, max_x, max_y = bounds
    return [[min_y, min_x], [max_y, max_x]]


def base_map(
    dataset: Dataset, bounds: Bounds, basemap: str, *, annotation_tool: str = "edit"
) -> folium.Map:
    """A map with no data layers: basemap, scale bar, the (empty) date stamp and legend
    boxes of :class:`layers.web.overlay.Overlay`, fitted to ``bounds``.

    ``basemap`` is ``'vector'`` (light fills of the catalogue's land,
    :data:`layers.catalog.LAND_BOUNDARIES`, no network needed), ``'osm'``
    (OpenStreetMap tiles) or ``'user'`` (the user's own tiles,
    :func:`layers.user_basemap.current`; the vector land when none can be used). The
    date and legend come with :func:`situation_group`. Leaflet is loaded from the app's
    own server. ``annotation_tool`` is ``'edit'`` (the user draws), ``'show'``
    (annotations shown only) or ``'inline'`` (shown, the script inlined for a stand-alone
    page): :mod:`layers.web.annotations`.
    """
    fmap = folium.Map(
        location=None,
        tiles=None,
        control_scale=True,
        zoom_start=8,
        height=MAP_HEIGHT,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    fmap.default_js = [("leaflet", assets.LEAFLET_JS_URL)]
    fmap.default_css = [("leaflet_css", assets.LEAFLET_CSS_URL)]
    zooms = f"<style>\n{zoom_css(MIN_ZOOMS)}\n</style>\n"
    css = Verbatim(_CSS + _popup_css() + _label_css() + zooms)
    figure_of(fmap).header.add_child(css, name="briefing_css")
    source = _user_tiles() if basemap == USER_BASEMAP else None
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", max_zoom=18).add_to(fmap)
        TileFailureNotice().add_to(fmap)
    elif source is not None:
        user_tile_layer(source).add_to(fmap)
        TileFailureNotice(
            text=LOCAL_TILE_FAILURE_TEXT if source.local else TILE_FAILURE_TEXT
        ).add_to(fmap)
    else:
        _land(dataset).add_to(fmap)
    BatchedTooltips().add_to(fmap)  # labels placed together (before any is added)
    Overlay().add_to(fmap)
    ZoomClass(MINOR_LABEL_ZOOM).add_to(fmap)
    ZoomThresholds(MIN_ZOOMS).add_to(fmap)
    FocusWithoutScroll().add_to(fmap)  # the first click on the map is not lost
    FillFrame().add_to(fmap)  # a phone's shorter frame (ui.layout) holds the whole map
    SpreadEvents().add_to(fmap)  # events at one place each open their own popup
    PopupBuilder().add_to(fmap)  # popups built when opened (layers.web.html.POPUP_JS)
    add_tool(fmap, editable=annotation_tool == "edit", inline=annotation_tool == "inline")
    if annotation_tool == "edit":  # the app's map: it plays by day (layers.web.playback)
        figure_of(fmap).header.add_child(Verbatim(PLAYER_CSS), name="player_css")
        DayPlayer().add_to(fmap)
        DatePreview().add_to(fmap)  # a date change shown at the input (date_preview)
    fmap.fit_bounds(_leaflet_bounds(bounds))
    return fmap

def _user_tiles() -> TileSource | None:
    """The user's basemap in force, or ``None`` (none named, or one that cannot be used:
    the app says why, :func:`layers.user_basemap.current`)."""
    try:
        return current()
    except TileError:
        return None


def user_tile_layer(source: TileSource) -> folium.TileLayer:
    """The Leaflet tile layer of the user's basemap: from the app's own tile route (a
    local package) or the user's URL template; tiles from the package's zoom range,
    stretched beyond it, asked only inside the source's bounds where it gives them (so a
    package of one area does not fail everywhere else); its attribution as text (escaped:
    Leaflet writes it as HTML)."""
    bounds: dict[str, Any] = {}
    if source.bounds is not None:
        bounds["bounds"] = _leaflet_bounds(source.bounds)
    return folium.TileLayer(
        tiles=leaflet_url(source),
        attr=escape_text(source.attribution or source.name),
        name=escape_text(source.name),
        min_zoom=0,
        max_zoom=18,
        max_native_zoom=source.max_zoom,
        min_native_zoom=source.min_zoom,
        **bounds,
    )


# --- standalone page ------------------------------------------------------------------


def _sources_html(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> str:
    basemap = dataset.source(settings.NATURAL_EARTH_SOURCE_ID).citation()
    cited = dict.fromkeys(c for frame in frames.values() for cs in frame["citations"] for c in cs)
    cited.setdefault(basemap, None)  # the vector basemap is drawn from it too
    items = "".join(f"<li>{escape_text(c)}</li>" for c in cited)
    return f"<section class='bm-sources'><h2>Sources</h2><ul>{items}</ul></section>"


def _title_html(view: View) -> str:
    return f"<div class='bm-title'><h1>{escape_text(view.title)}</h1></div>"


def _inline_leaflet(fmap: folium.Map) -> None:
    fmap.default_js = []
    fmap.default_css = []
    header = figure_of(fmap).header
    header.add_child(Verbatim(f"<style>{assets.leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Verbatim(f"<script>{assets.leaflet_js()}</script>"), name="leaflet_js")


def marking_html(sheet: PrintOptions | None) -> tuple[str, str]:
    """The classification banner of the print options as the page's first and last
    element (coloured like the paper banner), with the producer and "as of" line under
    the first; ``('', '')`` without them. User text: escaped."""
    if sheet is None or not (sheet.banner or sheet.as_of or sheet.producer):
        return "", ""
    top = bottom = ""
    if sheet.banner:
        background, ink = banner_colours(sheet.banner)
        style = f"background:{background};color:{ink}"
        text = escape_text(sheet.banner)
        top = f"<div class='bm-banner bm-top' role='note' style='{style}'>{text}</div>"
        bottom = f"<div class='bm-banner bm-bottom' role='note' style='{style}'>{text}</div>"
    if imprint := imprint_line(sheet):
        top += f"<div class='bm-asof'>{escape_text(imprint)}</div>"
    return top, bottom


def _view_map(
    dataset: Dataset,
    view: View,
    frames: Mapping[str, gpd.GeoDataFrame],
    basemap: str,
    *,
    annotation_tool: str,
) -> folium.Map:
    """:func:`base_map` with ``frames`` (the view's layers on its day) drawn as feature
    groups, the date stamp and legend of what is drawn, and the view's annotations."""
    fmap = base_map(dataset, view.bounds, basemap, annotation_tool=annotation_tool)
    collections = feature_collections(frames)
    for layer_id in sorted(collections, key=lambda i: layer(i).draw_order):
        layer_group(layer_id, collections[layer_id]).add_to(fmap)
    situation_group(collections, view.day).add_to(fmap)
    annotation_group(view.annotations).add_to(fmap)
    return fmap


def standalone_html(dataset: Dataset, view: View, sheet: PrintOptions | None = None) -> str:
    """A complete, self-contained HTML page of the map for ``view``.

    Only the view's layers, as they stood on ``view.day``, in its naming convention,
    fitted to ``view.bounds``; with title, date stamp, a legend of what is drawn, a scale
    bar and the sources of every feature shown; the classification banner of ``sheet``
    at the top and bottom of the page with its "as of" date (issue 22). Leaflet is
    inlined (no network needed with the vector basemap). The user's basemap is drawn from
    its URL template; a local package (served by the app only) gives way to the vector
    basemap.
    """
    frames = view_features(dataset, view)
    tiles = _user_tiles() if view.basemap == USER_BASEMAP else None
    # a file has no server to ask for a local package's tiles: the offline land instead
    basemap = "vector" if tiles is not None and tiles.local else view.basemap
    fmap = _view_map(dataset, view, frames, basemap, annotation_tool="inline")
    _inline_leaflet(fmap)
    MapControl(_title_html(view), position="topleft", css_class="bm-title").add_to(fmap)
    root = figure_of(fmap)
    root.title = escape_text(view.title)
    top, bottom = marking_html(sheet)
    if top:
        root.html.add_child(Verbatim(top), name="marking_top")
    root.html.add_child(Verbatim(_sources_html(dataset, frames)), name="sources")
    if bottom:
        root.html.add_child(Verbatim(bottom), name="marking_bottom")
    root.html.add_child(Verbatim("<script>document.body.classList.add('bm-page');</script>"))
    return str(root.render())
