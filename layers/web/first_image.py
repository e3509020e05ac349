"""The static first map as an image (issue 25): the default view's map drawn by our own
code as one SVG per zoom level, exactly where the live Leaflet map will draw it.

Leaflet fits the default extent in the map's box at a zoom that depends on the box
(:func:`geo.leaflet_view.fit_zoom`: 7.75 on a laptop or desktop, 6.75 on a phone), and
its labels keep their pixel size whatever the zoom, so the picture cannot be one image
scaled: :func:`svg_at` draws the view at one zoom, in Web Mercator pixels of that zoom,
over a window of :data:`WINDOW` pixels centred on the extent's centre (the centre every
box shows); the page shows the one of its box's zoom, placed at the box's pixel origin
(:mod:`layers.web.first_map`). What it draws, in Leaflet's order:

* the offline basemap's land (the live base map's style), then each layer's lines,
  areas and circle points in draw order, styled per feature by
  :func:`layers.web.geojson.feature_style` (the style definition of the live map);
* the point symbols of other shapes (:func:`layers.web.legend.marker_svg`, as the live
  map's icons), above every path;
* the permanent labels (:mod:`layers.web.first_labels`).

Features and labels drawn from some zoom on are left out below it, as the live map hides
them. Text from data is the features' own escaped text (``tooltip``, ``label``: made by
:func:`layers.web.html.escape_text`, whose entities are XML's too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry import mapping

from geo.dataset import Dataset
from geo.leaflet_view import (
    Bounds,
    centre_px,
    fit_zoom,
    pixel_origin,
    world_lonlat,
    world_px,
    world_size,
)
from layers.briefing.view import View
from layers.catalog import LAND_BOUNDARIES, layer
from layers.features import view_features
from layers.styles import style
from layers.web.first_labels import Frame, Placed, frame_at, labels_svg, place_labels
from layers.web.geojson import (
    FeatureCollection,
    feature_collections,
    feature_style,
    prepare_geometry,
)
from layers.web.groups import date_stamp
from layers.web.legend import marker_svg
from layers.web.map import LAND_STYLE
from layers.web.overlay import OPEN_LEGEND_MAP_PX
from layers.web.spread import EVENT, RING_PX, STACK_PROPERTY

#: Width and height of each image in pixels: any map box up to this size is covered.
WINDOW = (2800, 1400)
#: Leaflet path options.
Options = Mapping[str, Any]


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class Projector:
    """Lon/lat to the image's pixels at ``zoom``: Web Mercator pixels minus the window's
    top left corner ``origin``."""

    def __init__(self, zoom: float, origin: tuple[float, float]) -> None:
        self.zoom = zoom
        self.origin = origin
        self.size = world_size(zoom)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """One point's pixel."""
        x, y = world_px(lon, lat, self.zoom)
        return x - self.origin[0], y - self.origin[1]

    def ring(self, coords: Sequence[Sequence[float]]) -> str:
        """An SVG path's part of one line or ring (``M x y L ...``), repeated pixels
        dropped."""
        array = np.asarray(coords, dtype=float)[:, :2]
        lat = np.clip(array[:, 1], -85.0511287798, 85.0511287798)
        x = (array[:, 0] + 180.0) / 360.0 * self.size - self.origin[0]
        y = (1.0 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2.0 * self.size - self.origin[1]
        points = np.round(np.column_stack((x, y)), 1)
        keep = np.ones(len(points), dtype=bool)
        keep[1:] = np.any(points[1:] != points[:-1], axis=1)
        points = points[keep]
        return "M" + "L".join(f"{_fmt(px)} {_fmt(py)}" for px, py in points)


def _lines(geometry: Mapping[str, Any]) -> Iterable[tuple[list[Any], bool]]:
    """The lines and rings of a GeoJSON geometry, and whether each is closed."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "LineString":
        yield coords, False
    elif kind == "MultiLineString":
        for line in coords:
            yield line, False
    elif kind == "Polygon":
        for ring in coords:
            yield ring, True
    elif kind == "MultiPolygon":
        for polygon in coords:
            for ring in polygon:
                yield ring, True


def _points(geometry: Mapping[str, Any]) -> list[Sequence[float]]:
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPoint":
        return list(geometry["coordinates"])
    return []


def paint(options: Options, *, line: bool = False) -> str:
    """SVG presentation attributes of Leaflet path ``options`` (Leaflet's defaults:
    round caps and joins, even-odd fill, a line never filled).

    >>> paint({"color": "#123456", "weight": 2, "opacity": 1, "fillColor": "#fff",
    ...        "fillOpacity": 0.5, "dashArray": "4 2"})
    "stroke='#123456' stroke-width='2' stroke-dasharray='4 2' fill='#fff' fill-opacity='0.5'"
    """
    parts = []
    if options.get("stroke", True):
        parts.append(f"stroke='{options.get('color', '#3388ff')}'")
        parts.append(f"stroke-width='{options.get('weight', 3):g}'")
        if options.get("opacity", 1.0) != 1:
            parts.append(f"stroke-opacity='{options['opacity']:g}'")
        if options.get("dashArray"):
            parts.append(f"stroke-dasharray='{options['dashArray']}'")
    else:
        parts.append("stroke='none'")
    filled = not line and options.get("fill", True) and options.get("fillOpacity", 0.2) > 0
    if filled:
        parts.append(f"fill='{options.get('fillColor') or options.get('color', '#3388ff')}'")
        parts.append(f"fill-opacity='{options.get('fillOpacity', 0.2):g}'")
    else:
        parts.append("fill='none'")
    return " ".join(parts)


def _hidden(props: Mapping[str, Any], zoom: float) -> bool:
    """Whether the live map hides a feature at ``zoom`` (drawn from a higher zoom)."""
    return "min_zoom" in props and zoom < props["min_zoom"]


def path_elements(feature: Mapping[str, Any], project: Projector) -> list[str]:
    """The SVG elements of one feature's lines, areas or circle points (none for a point of
    another symbol: :func:`icon_elements`)."""
    geometry = feature["geometry"]
    props = feature["properties"]
    options = feature_style(dict(feature))
    points = _points(geometry)
    if points:
        if (style(props["style_key"], props["status"]).marker or "circle") != "circle":
            return []
        attrs = paint(options)
        radius = options.get("radius", 10)
        return [
            f"<circle cx='{_fmt(x)}' cy='{_fmt(y)}' r='{radius:g}' {attrs}/>"
            for x, y in (project.point(p[0], p[1]) for p in points)
        ]
    parts = list(_lines(geometry))
    if not parts:
        return []
    line = not parts[0][1]
    d = "".join(project.ring(coords) + ("z" if closed else "") for coords, closed in parts)
    return [f"<path d='{d}' {paint(options, line=line)}/>"]


def icon_elements(feature: Mapping[str, Any], project: Projector) -> list[str]:
    """The symbols of a point feature drawn as an icon (a square, triangle, diamond or
    star: :func:`layers.web.legend.marker_svg`), centred on each point as Leaflet's
    ``DivIcon`` (anchor at half its whole-pixel size)."""
    props = feature["properties"]
    look = style(props["style_key"], props["status"])
    if (look.marker or "circle") == "circle":
        return []
    symbol = marker_svg(look)
    half = round(2 * (look.radius + look.weight)) // 2
    out = []
    for point in _points(feature["geometry"]):
        x, y = project.point(point[0], point[1])
        out.append(f"<g transform='translate({_fmt(x - half)} {_fmt(y - half)})'>{symbol}</g>")
    return out


def _drawn(
    collections: Mapping[str, FeatureCollection], zoom: float
) -> list[tuple[str, Mapping[str, Any]]]:
    """``(layer id, feature)`` in the live map's drawing order, those it hides at
    ``zoom`` left out."""
    ids = sorted(collections, key=lambda i: layer(i).draw_order)
    return [
        (layer_id, feature)
        for layer_id in ids
        for feature in collections[layer_id]["features"]
        if not _hidden(feature["properties"], zoom)
    ]


#: The leader line from a spread event to its point (``layers.web.spread``'s).
LEADER = {"color": "#444444", "weight": 1, "opacity": 0.8}


def spread_events(
    drawn: Sequence[tuple[str, Mapping[str, Any]]], project: Projector
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[str]]:
    """``drawn`` with the events that share a point with another event or a town moved
    onto a ring around it, as :class:`layers.web.spread.SpreadEvents` moves them (sorted
    by id, the first above, then counter-clockwise; :data:`RING_PX` wide, wider beyond
    four), and the SVG of their leader lines."""
    def where(feature: Mapping[str, Any]) -> tuple[float, float]:
        lon, lat = feature["geometry"]["coordinates"][:2]
        return round(lon, 5), round(lat, 5)

    events: dict[tuple[float, float], list[Mapping[str, Any]]] = {}
    towns: set[tuple[float, float]] = set()
    for _, feature in drawn:
        props, geometry = feature["properties"], feature["geometry"]
        if geometry["type"] != "Point":
            continue
        if props.get(STACK_PROPERTY) == EVENT:
            events.setdefault(where(feature), []).append(feature)
        elif "label_at" not in props and props.get("tooltip"):
            towns.add(where(feature))
    moved: dict[int, Mapping[str, Any]] = {}
    leaders = []
    for point, group in events.items():
        if len(group) == 1 and point not in towns:
            continue
        group = sorted(group, key=lambda f: str(f.get("id")))
        n = len(group)
        step, radius = 2 * math.pi / max(n, 4), RING_PX + max(0, n - 4) * 3
        home = group[0]["geometry"]["coordinates"][:2]
        cx, cy = world_px(home[0], home[1], project.zoom)
        cx, cy = math.floor(cx + 0.5), math.floor(cy + 0.5)  # Leaflet's layer point
        for i, feature in enumerate(group):
            angle = -math.pi / 2 - i * step
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            lon, lat = world_lonlat(x, y, project.zoom)
            geometry = {"type": "Point", "coordinates": [lon, lat]}
            moved[id(feature)] = {**feature, "geometry": geometry}
            start, end = project.point(home[0], home[1]), project.point(lon, lat)
            leaders.append(
                f"<path d='M{_fmt(start[0])} {_fmt(start[1])}L{_fmt(end[0])} {_fmt(end[1])}' "
                f"{paint(LEADER, line=True)}/>"
            )
    return [(i, moved.get(id(f), f)) for i, f in drawn], leaders


def svg_at(
    land: Sequence[Mapping[str, Any]],
    land_style: Options,
    collections: Mapping[str, FeatureCollection],
    zoom: float,
    origin: tuple[float, float],
    frame: Frame | None = None,
) -> tuple[str, list[Placed]]:
    """The SVG of the map at ``zoom`` over :data:`WINDOW` from world pixel ``origin``:
    the ``land`` geometries (GeoJSON) in ``land_style``, ``collections`` (the live map's
    feature collections, :func:`layers.web.geojson.feature_collections`) and their
    labels, decluttered for ``frame`` (:func:`layers.web.first_labels.place_labels`);
    and the labels placed."""
    project = Projector(zoom, origin)
    width, height = WINDOW
    body: list[str] = []
    body.append("<g stroke-linecap='round' stroke-linejoin='round' fill-rule='evenodd'>")
    land_paint = paint(land_style)
    for geometry in land:
        d = "".join(project.ring(c) + "z" for c, _ in _lines(geometry))
        if d:
            body.append(f"<path d='{d}' {land_paint}/>")
    drawn, leaders = spread_events(_drawn(collections, zoom), project)
    for _, feature in drawn:
        body.extend(path_elements(feature, project))
    body.extend(leaders)
    body.append("</g>")
    for _, feature in drawn:
        body.extend(icon_elements(feature, project))
    placed = place_labels(drawn, project, frame)
    body.append(labels_svg(placed))
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}'>{''.join(body)}</svg>"
    )
    return svg, placed


# --- the images of a view ----------------------------------------------------------


@dataclass(frozen=True)
class Image:
    """The map at ``zoom`` as SVG; its top left corner is world pixel ``origin`` and the
    extent's centre world pixel ``centre`` (at that zoom)."""

    zoom: float
    origin: tuple[int, int]
    centre: tuple[float, float]
    svg: bytes


#: The map boxes the app's layout makes (:mod:`ui.layout`: 320 to 600 px high, a phone's
#: 240 px to a wide screen's width): an image is made for each zoom they fit at.
BOX_WIDTHS = range(240, WINDOW[0] + 1, 8)
BOX_HEIGHTS = range(320, 601, 8)


def zooms_for(bounds: Bounds) -> tuple[float, ...]:
    """The zooms at which ``bounds`` is fitted in the app's map boxes.

    >>> zooms_for((43.2, 38.7, 47.9, 41.4))
    (6.0, 6.25, 6.5, 6.75, 7.0, 7.25, 7.5, 7.75)
    """
    found = {fit_zoom(bounds, w, h) for w in BOX_WIDTHS for h in BOX_HEIGHTS}
    return tuple(sorted(found))


#: Below this map width the live legend starts closed (``layers.web.overlay``).
OPEN_LEGEND_PX = OPEN_LEGEND_MAP_PX


def image_at(
    land: Sequence[Mapping[str, Any]],
    collections: Mapping[str, FeatureCollection],
    bounds: Bounds,
    zoom: float,
    box: tuple[int, int] | None = None,
    stamp: str = "",
) -> Image:
    """The :class:`Image` of ``bounds`` fitted at ``zoom``: :data:`WINDOW` centred on the
    extent's centre; its labels decluttered as in a map ``box`` (width, height) with the
    date stamp ``stamp`` when given (the box the image is mostly shown in: the labels a
    box's edges and controls hide differ a little from box to box)."""
    cx, cy = centre_px(bounds, zoom)
    origin = (math.floor(cx - WINDOW[0] / 2), math.floor(cy - WINDOW[1] / 2))
    frame = None
    if box is not None:
        left, top = pixel_origin(bounds, zoom, *box)
        frame = frame_at(left - origin[0], top - origin[1], *box, stamp=stamp,
                         legend_open=box[0] >= OPEN_LEGEND_PX)  # fmt: skip
    svg, _ = svg_at(land, LAND_STYLE, collections, zoom, origin, frame)
    return Image(zoom, origin, (cx, cy), svg.encode("utf-8"))


def land_geometries(dataset: Dataset) -> list[dict[str, Any]]:
    """The offline basemap's land as the live base map draws it (GeoJSON geometries)."""
    countries = dataset.boundaries[LAND_BOUNDARIES]
    return [dict(mapping(prepare_geometry(g))) for g in countries.geometry]


def view_images(
    dataset: Dataset,
    view: View,
    collections: Mapping[str, FeatureCollection] | None = None,
    land: Sequence[Mapping[str, Any]] | None = None,
    boxes: Mapping[float, tuple[int, int]] | None = None,
) -> list[Image]:
    """The images of ``view`` (its layers on its day, in its naming, fitted to its
    extent; ``collections`` when made already) at every zoom of :func:`zooms_for`, the
    labels of each decluttered for its box in ``boxes`` (by zoom) when given."""
    if collections is None:
        collections = feature_collections(view_features(dataset, view))
    if land is None:
        land = land_geometries(dataset)
    stamp = date_stamp(view.day)
    return [
        image_at(land, collections, view.bounds, z, (boxes or {}).get(z), stamp)
        for z in zooms_for(view.bounds)
    ]
