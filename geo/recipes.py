"""Build curated geometries from recipes (data/SCHEMA.md, "Geometry recipes").

Input boundaries and output geometries are in EPSG:4326; buffers and distances are
computed in :data:`geo.settings.METRIC_CRS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import RecipeError
from geo.metric import buffer_km
from geo.model import Community, Place

if TYPE_CHECKING:
    import geopandas as gpd

BASE_KEYS = ("place", "point", "path", "boundary", "held")
MODIFIER_KEYS = ("buffer_km", "clip_to", "within_km_of", "minus")


@dataclass(frozen=True)
class RecipeContext:
    """What recipes may refer to: boundary layers (EPSG:4326), gazetteer places and the
    area a holder held on a day, drawn from the communities (``None`` when communities.yaml
    did not load; :meth:`geo.communities.CommunityAreas.held`)."""

    boundaries: Mapping[str, gpd.GeoDataFrame]
    places: Mapping[str, Place]
    held: Callable[[str, dt.date, bool], BaseGeometry] | None = None
    #: Communities (communities.yaml) by id: a ``path`` may run through them too.
    communities: Mapping[str, Community] = field(default_factory=dict)


def build_geometry(recipe: Any, context: RecipeContext) -> BaseGeometry:
    """Return the geometry a recipe describes (EPSG:4326).

    Raises
    ------
    RecipeError
        When the recipe is malformed or refers to an unknown place or boundary; the
        message quotes the bad value.
    """
    if not isinstance(recipe, Mapping):
        raise RecipeError(f"must be a mapping with one of {BASE_KEYS} (got {recipe!r})")
    unknown = sorted(set(recipe) - {*BASE_KEYS, *MODIFIER_KEYS, "__line__"})
    if unknown:
        raise RecipeError(f"unknown recipe keys {unknown}")
    bases = [key for key in BASE_KEYS if key in recipe]
    if len(bases) != 1:
        raise RecipeError(f"needs exactly one of {BASE_KEYS} (got {bases or 'none'})")
    geometry = _base(bases[0], recipe[bases[0]], context)
    if "buffer_km" in recipe:
        geometry = buffer_km(geometry, _positive_km(recipe["buffer_km"], "buffer_km"))
    if "clip_to" in recipe:
        geometry = geometry.intersection(boundary_union(recipe["clip_to"], context))
    if "within_km_of" in recipe:
        spec = recipe["within_km_of"]
        if not isinstance(spec, Mapping):
            raise RecipeError(f"within_km_of must be a mapping (got {spec!r})")
        km = _positive_km(spec.get("km"), "within_km_of.km")
        outline = boundary_union(spec, context).boundary
        geometry = geometry.intersection(buffer_km(outline, km))
    if "minus" in recipe:
        geometry = geometry.difference(_minus(recipe["minus"], context))
    if geometry.is_empty:
        raise RecipeError("builds an empty geometry (do the boundary and modifiers overlap?)")
    return geometry


def _minus(value: Any, context: RecipeContext) -> BaseGeometry:
    """Union of the sub-recipes listed under ``minus`` (each a full recipe)."""
    if not isinstance(value, list) or not value:
        raise RecipeError(f"minus must be a non-empty list of recipes (got {value!r})")
    parts = []
    for index, sub in enumerate(value):
        try:
            parts.append(build_geometry(sub, context))
        except RecipeError as exc:
            raise RecipeError(f"minus[{index}]: {exc}") from exc
    return shapely.union_all(parts)


def _base(key: str, value: Any, context: RecipeContext) -> BaseGeometry:
    if key == "place":
        return _place_point(value, context)
    if key == "point":
        return _lon_lat(value)
    if key == "held":
        return _held(value, context)
    if key == "path":
        if not isinstance(value, list) or len(value) < 2:
            raise RecipeError(f"path must list at least two place ids (got {value!r})")
        return LineString([_path_point(item, context) for item in value])
    return boundary_union(value, context)


def _lon_lat(value: Any) -> Point:
    """A ``[lon, lat]`` point given by a cited source."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise RecipeError(f"point must be [lon, lat] (got {value!r})")
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RecipeError(f"point [lon, lat] out of range (got {value!r})")
    return Point(lon, lat)


def _held(value: Any, context: RecipeContext) -> BaseGeometry:
    """``held: {holder: H, date: YYYY-MM-DD, outside_band: false}``: the area H held that
    day, drawn from the communities (data/SCHEMA.md, "Control from the communities"); with
    ``outside_band: true``, less that day's approximate-line band (the ground H held for
    sure)."""
    if not isinstance(value, Mapping) or set(value) - {"holder", "date", "outside_band"}:
        raise RecipeError(f"held must be a mapping with 'holder' and 'date' (got {value!r})")
    holder, on = value.get("holder"), value.get("date")
    outside_band = value.get("outside_band", False)
    if not isinstance(outside_band, bool):
        raise RecipeError(f"held.outside_band must be true or false (got {outside_band!r})")
    if holder not in settings.HOLDERS:
        raise RecipeError(f"held.holder must be one of {settings.HOLDERS} (got {holder!r})")
    try:
        day = dt.date.fromisoformat(str(on))
    except ValueError:
        raise RecipeError(f"held.date must be an ISO date YYYY-MM-DD (got {on!r})") from None
    if not settings.EARLIEST_RECORD_DATE <= day <= settings.LATEST_RECORD_DATE:
        raise RecipeError(f"held.date must be within the records' bounds (got {day})")
    if context.held is None:
        raise RecipeError("held: no areas from the communities (see communities.yaml)")
    return context.held(str(holder), day, outside_band)


def _path_point(item: Any, context: RecipeContext) -> Point:
    """A point of a ``path``: a place id, or else a community's (communities.yaml), or
    ``[lon, lat]`` (a point given by a cited source where no gazetteer place fits, such as
    a border tripoint)."""
    if isinstance(item, list):
        return _lon_lat(item)
    community = context.communities.get(item) if isinstance(item, str) else None
    if community is not None and item not in context.places:
        return Point(community.lon, community.lat)
    try:
        return _place_point(item, context)
    except RecipeError:
        raise RecipeError(
            f"unknown place or community id {item!r} (not in places.yaml or communities.yaml)"
        ) from None


def _place_point(place_id: Any, context: RecipeContext) -> Point:
    place = context.places.get(place_id) if isinstance(place_id, str) else None
    if place is None:
        raise RecipeError(f"unknown place id {place_id!r} (not in places.yaml)")
    return Point(place.lon, place.lat)


def _positive_km(value: Any, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise RecipeError(f"{name} must be a positive number of km (got {value!r})")
    return float(value)


def boundary_union(spec: Any, context: RecipeContext) -> BaseGeometry:
    """Union of the features of ``spec['layer']`` whose columns equal ``spec['match']``."""
    if not isinstance(spec, Mapping) or not isinstance(spec.get("layer"), str):
        raise RecipeError(f"boundary must be a mapping with 'layer' and 'match' (got {spec!r})")
    layer = context.boundaries.get(spec["layer"])
    if layer is None:
        known = ", ".join(sorted(context.boundaries))
        raise RecipeError(f"unknown boundary layer {spec['layer']!r} (known: {known})")
    match = spec.get("match") or {}
    if not isinstance(match, Mapping):
        raise RecipeError(f"boundary 'match' must be a mapping (got {match!r})")
    selected = layer
    for column, wanted in match.items():
        if column not in layer.columns:
            raise RecipeError(f"layer {spec['layer']!r} has no column {column!r}")
        selected = selected[selected[column] == wanted]
    if selected.empty:
        raise RecipeError(f"no feature of layer {spec['layer']!r} matches {dict(match)!r}")
    return shapely.union_all(selected.geometry.to_numpy())

