"""Coordinate reference systems of user files: EPSG codes only, converted with PROJ's
local database (its network access off). A CRS given as free text (WKT, PROJ strings)
could name grid files; it is refused rather than interpreted."""

from __future__ import annotations

import functools
import os
import re
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

WGS84 = 4326

_EPSG_NAMES = (
    re.compile(r"^EPSG:{1,2}(\d{1,6})$", re.IGNORECASE),
    re.compile(r"^urn:ogc:def:crs:EPSG:[\d.]*:(\d{1,6})$", re.IGNORECASE),
    re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/[\d.]+/(\d{1,6})$", re.IGNORECASE),
)
_LON_LAT_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84")


def epsg_of_name(name: str) -> int | None:
    """The EPSG code a CRS name gives (``EPSG:3857``, ``urn:ogc:def:crs:EPSG::3857``,
    ``http://www.opengis.net/def/crs/EPSG/0/3857``; OGC's CRS84 is 4326 in longitude,
    latitude order), or ``None``.

    >>> epsg_of_name("urn:ogc:def:crs:EPSG::32638")
    32638
    >>> epsg_of_name("+proj=longlat +nadgrids=@/etc/passwd") is None
    True
    """
    name = name.strip()
    if name.upper() in (n.upper() for n in _LON_LAT_NAMES):
        return WGS84
    for pattern in _EPSG_NAMES:
        match = pattern.match(name)
        if match:
            return int(match.group(1))
    return None


def to_wgs84(geometry: BaseGeometry, epsg: int) -> BaseGeometry:
    """``geometry`` converted from EPSG ``epsg`` to longitude, latitude (EPSG:4326);
    :class:`ValueError` if the code is unknown or cannot be converted."""
    if epsg == WGS84:
        return geometry
    transformer = _transformer(epsg)

    def convert(xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1], errcheck=False)
        return np.column_stack([x, y])

    return shapely.transform(geometry, convert)


@functools.cache
def _transformer(epsg: int) -> Any:
    """PROJ's transformer from ``epsg`` to WGS 84 in longitude, latitude order."""
    os.environ["PROJ_NETWORK"] = "OFF"  # never fetch grids (pyproj reads it at import)
    import pyproj

    pyproj.network.set_network_enabled(False)  # type: ignore[attr-defined]
    try:
        return pyproj.Transformer.from_crs(epsg, WGS84, always_xy=True)
    except pyproj.exceptions.CRSError as exc:
        raise ValueError(f"EPSG:{epsg} is not a CRS known here ({exc})") from exc
