"""Metric and geodesic helpers: the one place that goes to the metric CRS and back.

Geometries come in and go out in :data:`geo.settings.CRS` (EPSG:4326) unless a function
says otherwise; work in metres is done in :data:`geo.settings.METRIC_CRS` (UTM zone 38N);
lengths and areas that are reported are geodesic, on the WGS 84 ellipsoid.

>>> from shapely.geometry import Point
>>> round(geodesic_km(Point(44.0, 40.0), Point(45.0, 40.0)), 1)
85.4
>>> round(geodesic_area_km2(buffer_km(Point(45.0, 40.0), 10.0)))
314
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points as _nearest_points

from geo import settings

if TYPE_CHECKING:
    import pyproj

# geopandas, pyproj and geopy are imported by the functions that use them: a module that
# only needs the records (a cached dataset, the command line's --help) must not load
# them (issue 15).

#: A coordinate reference system as geopandas accepts it (e.g. ``"EPSG:4326"``).
CRSLike: TypeAlias = "str | pyproj.CRS"


@cache
def _geod() -> pyproj.Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def project(geometries: Iterable[BaseGeometry], *, source: CRSLike, target: CRSLike) -> list[Any]:
    """The geometries, given in ``source``, reprojected to ``target``.

    The same coordinates as geopandas' ``GeoSeries.to_crs`` (the same PROJ operation
    applied to the same points, 2-D and 3-D geometries apart, as geopandas does), but with
    the transformer made once per pair of CRSs (:func:`_transformer`): ``to_crs`` makes
    one on every call, 6 ms for the comparison's equal-area CRS (issue 25).
    """
    items = list(geometries)
    data = np.empty(len(items), dtype=object)
    data[:] = items
    if _same_crs(source, target):
        return list(data)
    transform = _transformer(source, target).transform
    result = np.empty_like(data)
    has_z = shapely.has_z(data)
    for mask, with_z in ((~has_z, False), (has_z, True)):
        if not mask.any():
            continue
        coords = shapely.get_coordinates(data[mask], include_z=with_z)
        moved = transform(*(coords[:, axis] for axis in range(coords.shape[1])))
        result[mask] = shapely.set_coordinates(data[mask].copy(), np.array(moved).T)
    return list(result)


@functools.cache
def _same_crs(source: CRSLike, target: CRSLike) -> bool:
    """Whether the two CRSs are exactly the same (geopandas then leaves the geometries)."""
    from pyproj import CRS

    return bool(CRS.from_user_input(source).is_exact_same(CRS.from_user_input(target)))


def to_metric(geometries: Iterable[BaseGeometry], crs: CRSLike = settings.CRS) -> list[Any]:
    """The geometries (in ``crs``) reprojected to :data:`geo.settings.METRIC_CRS`."""
    return project(geometries, source=crs, target=settings.METRIC_CRS)


def from_metric(geometries: Iterable[BaseGeometry], crs: CRSLike = settings.CRS) -> list[Any]:
    """Metric geometries (:data:`geo.settings.METRIC_CRS`) reprojected to ``crs``."""
    return project(geometries, source=settings.METRIC_CRS, target=crs)


@functools.cache
def _transformer(source: CRSLike, target: CRSLike) -> pyproj.Transformer:
    """The transformer geopandas' ``to_crs`` would build (x, y order), made once.

    A pyproj transformer makes its PROJ object again in each thread that uses it, and
    Streamlit runs each script run in a new thread: made from the CRSs, that is the
    whole search for the operation again (6 ms for the comparison's equal-area CRS).
    The operation found is kept as its PROJ pipeline, which a thread makes in 0.1 ms;
    where the pipeline would not give the same coordinates at the region's corners and
    centre (an operation PROJ chooses point by point), the transformer made from the
    CRSs is kept instead.
    """
    import pyproj

    found = pyproj.Transformer.from_crs(source, target, always_xy=True)
    try:
        pipeline = pyproj.Transformer.from_pipeline(found.definition)
    except pyproj.exceptions.ProjError:
        return found
    west, south, east, north = settings.REGION_BBOX
    xs = np.array([west, east, west, east, (west + east) / 2])
    ys = np.array([south, south, north, north, (south + north) / 2])
    if _same_crs(source, settings.CRS):
        probe = (xs, ys)
    else:  # the probe's points in ``source``
        probe = pyproj.Transformer.from_crs(settings.CRS, source, always_xy=True).transform(xs, ys)
    same = all(
        np.array_equal(a, b)
        for a, b in zip(found.transform(*probe), pipeline.transform(*probe), strict=True)
    )
    return pipeline if same else found


def _reproject(geometry: BaseGeometry, source: CRSLike, target: CRSLike) -> BaseGeometry:
    transform = _transformer(source, target).transform
    return shapely.transform(geometry, lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1])))


def buffer_km(geometry: BaseGeometry, km: float) -> BaseGeometry:
    """Buffer an EPSG:4326 geometry by ``km`` kilometres (computed in the metric CRS).

    One geometry at a time is what the data loader asks for thousands of times, so this
    reprojects with a transformer made once rather than through a GeoSeries each call.
    """
    metric = _reproject(geometry, settings.CRS, settings.METRIC_CRS)
    buffered = metric.buffer(km * 1000.0, quad_segs=16)
    return _reproject(buffered, settings.METRIC_CRS, settings.CRS)


def nearest_points(a: BaseGeometry, b: BaseGeometry) -> tuple[Point, Point]:
    """The closest pair of points of two EPSG:4326 geometries (found in metres)."""
    near_a, near_b = _nearest_points(*to_metric([a, b]))
    start, end = from_metric([near_a, near_b])
    return start, end


def geodesic_km(a: Point, b: Point) -> float:
    """Geodesic distance in km between two lon/lat points (geopy, WGS 84)."""
    from geopy.distance import geodesic

    return float(geodesic((a.y, a.x), (b.y, b.x)).km)


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    """The area of a lon/lat (EPSG:4326) geometry on the WGS 84 ellipsoid, in km2.

    Each polygon is oriented first (outer ring counter-clockwise, holes clockwise):
    ``pyproj.Geod`` adds the signed area of every ring, so a hole turning the same way as
    its outer ring would be added instead of subtracted. Lines and points measure 0.

    >>> from shapely.geometry import Polygon
    >>> outer = [(45, 40), (46, 40), (46, 41), (45, 41)]
    >>> hole = [(45.25, 40.25), (45.75, 40.25), (45.75, 40.75), (45.25, 40.75)]
    >>> round(geodesic_area_km2(Polygon(outer, [hole])))  # both rings counter-clockwise
    7060
    """
    total = 0.0
    for part in polygon_parts(geometry):
        area, _ = _geod().geometry_area_perimeter(orient(part, sign=1.0))
        total += float(area)
    return abs(total) / 1e6


def polygon_parts(geometry: BaseGeometry) -> list[Polygon]:
    """The non-empty polygons of a (Multi)Polygon or collection; other types are ignored."""
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in polygon_parts(g)]


def polygonal(geometry: BaseGeometry) -> Polygon | MultiPolygon:
    """The polygons of ``geometry`` as one Polygon or MultiPolygon (an empty Polygon if
    none): the lines and points that clipping leaves where shapes touch are dropped."""
    parts = polygon_parts(geometry)
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def line_parts(geometry: BaseGeometry) -> list[LineString]:
    """The LineStrings of a (Multi)LineString or collection; other types are ignored."""
    if isinstance(geometry, LineString):
        return [geometry]
    return [line for g in getattr(geometry, "geoms", []) for line in line_parts(g)]


__all__ = [
    "buffer_km",
    "from_metric",
    "geodesic_area_km2",
    "geodesic_km",
    "line_parts",
    "nearest_points",
    "polygon_parts",
    "polygonal",
    "project",
    "to_metric",
]
