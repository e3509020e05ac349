"""Geodesic measurement between places, sites and borders (geopy on WGS 84).

Inputs are shapely geometries in EPSG:4326. Nearest points between extended shapes
are found in :data:`geo.settings.METRIC_CRS`; the distance between them is then the
geodesic (ellipsoidal) distance (both by :mod:`geo.metric`).
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.dataset import Dataset
from geo.errors import StateError
from geo.metric import buffer_km, geodesic_km, nearest_points


@dataclass(frozen=True)
class Measurement:
    """A geodesic distance and the two points (EPSG:4326) it runs between."""

    km: float
    start: Point
    end: Point


def nearest_distance(a: BaseGeometry, b: BaseGeometry) -> Measurement:
    """Shortest geodesic distance between two EPSG:4326 geometries (0 if they touch)."""
    start, end = nearest_points(a, b)
    return Measurement(km=geodesic_km(start, end), start=start, end=end)


def between(a: tuple[float, float], b: tuple[float, float]) -> Measurement:
    """Geodesic distance between two (lat, lon) points (e.g. two clicks on the map).

    >>> round(between((40.0, 44.0), (40.0, 45.0)).km, 1)
    85.4
    """
    start, end = Point(a[1], a[0]), Point(b[1], b[0])
    return Measurement(km=geodesic_km(start, end), start=start, end=end)


def target_options(dataset: Dataset) -> dict[str, str]:
    """Measurable targets, key -> English label: places, sites, countries, areas."""
    options = {f"place:{p.id}": p.names.en for p in dataset.places.values()}
    options |= {f"site:{s.id}": s.name for s in dataset.sites}
    countries = dataset.boundaries.get("countries")
    if countries is not None:
        options |= {f"country:{n}": f"{n} (border)" for n in sorted(countries["name"])}
    options["area:nakhchivan"] = "Nakhchivan (border)"
    options["area:azerbaijan-mainland"] = "Azerbaijan without Nakhchivan (border)"
    return options


def resolve_target(dataset: Dataset, key: str) -> BaseGeometry:
    """Geometry (EPSG:4326) of a target key from :func:`target_options`."""
    kind, _, ident = key.partition(":")
    if kind == "place" and ident in dataset.places:
        place = dataset.places[ident]
        return Point(place.lon, place.lat)
    if kind == "site":
        for site in dataset.sites:
            if site.id == ident:
                return site.geometry
    if kind == "country":
        countries = dataset.boundaries["countries"]
        match = countries[countries["name"] == ident]
        if not match.empty:
            return shapely.union_all(match.geometry.to_numpy()).boundary
    if kind == "area" and ident in ("nakhchivan", "azerbaijan-mainland"):
        nakhchivan = shapely.union_all(dataset.boundaries["nakhchivan"].geometry.to_numpy())
        if ident == "nakhchivan":
            return nakhchivan
        countries = dataset.boundaries["countries"]
        azerbaijan = shapely.union_all(
            countries[countries["name"] == "Azerbaijan"].geometry.to_numpy()
        )
        return azerbaijan.difference(buffer_km(nakhchivan, 1.0))  # drop the shared outline
    raise StateError(f"unknown measurement target {key!r}")


def measure(dataset: Dataset, key_a: str, key_b: str) -> Measurement:
    """Shortest geodesic distance between two targets of :func:`target_options`."""
    return nearest_distance(resolve_target(dataset, key_a), resolve_target(dataset, key_b))
