"""Point queries: which country a gazetteer place is in and who held it on a day.

The labelling rule for places whose point falls outside their own country's polygon
(data/SCHEMA.md, ``country`` and ``boundary_note``): the recorded country wins, and the
control areas, which are drawn on the other country's polygons, are not applied to the
place. So Kapan, whose point lies ~0.7 km inside Natural Earth's Zangilan district, is
"Kapan, Armenia" and never "Armenian-held Zangilan".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point

from geo.model import ControlPeriod, Place


@dataclass(frozen=True)
class Whereabouts:
    """What a point query says about one place on one day.

    ``country`` is the recorded country where the place has one (else the polygon's);
    ``polygon_country`` the ``countries`` polygon holding the point (None if none);
    ``holder`` and ``area`` the holder and id of the control area covering the point
    (None where no area covers it or the labelling rule sets areas aside).
    """

    place: str
    country: str | None
    polygon_country: str | None
    holder: str | None
    area: str | None


def polygon_country(place: Place, countries: gpd.GeoDataFrame) -> str | None:
    """Name of the ``countries`` polygon (EPSG:4326, column ``name``) holding the point."""
    point = Point(place.lon, place.lat)
    for name, geometry in zip(countries["name"], countries.geometry, strict=True):
        if geometry is not None and geometry.covers(point):
            return str(name)
    return None


def locate(
    place: Place, boundaries: Mapping[str, gpd.GeoDataFrame], control: Sequence[ControlPeriod]
) -> Whereabouts:
    """Country and holder of ``place`` given the day's resolved control areas.

    Parameters
    ----------
    place : a gazetteer place (lon/lat, EPSG:4326).
    boundaries : the boundary layers; ``countries`` (column ``name``) is used.
    control : the day's control periods (EPSG:4326), overlaps already resolved, as in
        ``state_at(...).control``.
    """
    in_polygon = polygon_country(place, boundaries["countries"])
    set_aside = place.boundary_note is not None and place.country != in_polygon
    holder = area = None
    if not set_aside and control:
        shapes = np.array([c.geometry for c in control], dtype=object)
        hits = np.flatnonzero(shapely.covers(shapes, Point(place.lon, place.lat)))
        if hits.size:
            holder, area = control[hits[0]].holder, control[hits[0]].id
    return Whereabouts(
        place=place.id,
        country=place.country or in_polygon,
        polygon_country=in_polygon,
        holder=holder,
        area=area,
    )
