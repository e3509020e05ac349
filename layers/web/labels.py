"""Where the web map writes the names of areas (countries, the oblast, districts).

Leaflet puts a polygon's permanent tooltip at the centre of its first ring, which for a
country clipped to the region can be an islet or a point off the view. Here each
labelled area gets one anchor instead: the pole of inaccessibility (``polylabel``) of
the largest part of the area inside the default extent, leaving out the smaller labelled
areas lying inside it (AZERBAIJAN is not written over Nagorno-Karabakh's name).

Input frames are EPSG:4326 feature frames (:mod:`layers.features`); anchors are
``(lon, lat)`` rounded to 5 decimals.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from layers.briefing.view import DEFAULT_BOUNDS
from layers.catalog import layer
from layers.styles import LabelStyle

#: Smallest label text on the web map, in CSS pixels; paper sizes (points) are scaled
#: by :data:`LABEL_PX_PER_PT` up to it.
MIN_LABEL_PX = 11
LABEL_PX_PER_PT = 1.6
#: Below this zoom the labels of minor places (villages, airport, border point) are
#: hidden, so the towns around Karabakh stay readable at the default view (the villages
#: themselves are drawn from their :attr:`layers.catalog.LayerSpec.detail` zoom).
MINOR_LABEL_ZOOM = 9


@dataclass(frozen=True)
class WebFont:
    """A label look of :data:`layers.styles.LABEL_STYLES` on the web map: size in CSS
    pixels, colour, ``italic`` or ``normal``, CSS weight, letter spacing in em."""

    size: int
    colour: str
    style: str
    weight: int
    spacing: float


def web_font(look: LabelStyle) -> WebFont:
    """The web map's font of a label look (the live map's CSS and the static first map's
    image both read it).

    >>> web_font(LabelStyle(placement="centre", fontsize=8.5, colour=None, upper=True))
    WebFont(size=14, colour='#222222', style='normal', weight=600, spacing=0.12)
    """
    return WebFont(
        size=max(MIN_LABEL_PX, round(look.fontsize * LABEL_PX_PER_PT)),
        colour=look.colour or "#222222",
        style=look.style,
        weight=700 if look.weight == "bold" else 600,
        # capitals are written by layers.web.geojson (by language: CSS would need a lang)
        spacing=0.12 if look.upper else 0.0,
    )


#: Precision of ``polylabel`` in degrees (about 1 km).
POLYLABEL_TOLERANCE = 0.01
_AREA_TYPES = ("Polygon", "MultiPolygon")


def _labelled_areas(frames: Mapping[str, gpd.GeoDataFrame]) -> list[tuple[str, BaseGeometry]]:
    areas = []
    for layer_id, frame in frames.items():
        label = layer(layer_id).label
        if label is None or not label.permanent_on_web:
            continue
        for row in frame.itertuples(index=False):
            geometry = row.geometry
            if geometry is not None and geometry.geom_type in _AREA_TYPES:
                areas.append((str(row.id), geometry))
    return areas


def _largest_part(geometry: BaseGeometry) -> BaseGeometry:
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


def area_label_points(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, tuple[float, float]]:
    """Feature id -> ``(lon, lat)`` of its label, for the area features of layers whose
    catalogue label is permanent on the web map.

    >>> from shapely.geometry import box
    >>> import geopandas as gpd
    >>> from layers.catalog import LAND
    >>> frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(44, 39, 45, 40)], crs=4326)
    >>> area_label_points({LAND.id: frame})
    {'a': (44.5, 39.5)}
    """
    areas = _labelled_areas(frames)
    extent = box(*DEFAULT_BOUNDS)
    anchors: dict[str, tuple[float, float]] = {}
    for feature_id, geometry in areas:
        inner = [
            other
            for other_id, other in areas
            if other_id != feature_id
            and other.area < geometry.area
            and geometry.contains(other.representative_point())
        ]
        region = geometry.intersection(extent)
        if inner and not region.is_empty:
            region = region.difference(unary_union(inner))
        if region.is_empty or region.geom_type not in _AREA_TYPES:
            region = geometry
        point = polylabel(_largest_part(region), tolerance=POLYLABEL_TOLERANCE)
        anchors[feature_id] = (round(point.x, 5), round(point.y, 5))
    return anchors


def wrap_label(text: str, width: int | None) -> list[str]:
    """The lines of an area label wrapped at ``width`` characters (one line if ``None``).

    >>> wrap_label("Nagorno-Karabakh Autonomous Oblast", 18)
    ['Nagorno-Karabakh', 'Autonomous Oblast']
    """
    if width is None:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [text]
