"""The change layer: areas whose holder differs between two dates, as map features.

Turns a :class:`geo.change.Change` into a frame with the columns of
:data:`layers.features.FEATURE_COLUMNS` (EPSG:4326), styled by direction with the palette
keys of :func:`layers.styles.change_style_key`, so the web map and the paper renderer
draw it like any other layer. Also the human words for holders and directions, shared by
the compare page, the animation and the app's comparison table (an unmapped side
worded by the zone or corridor that covers it, :func:`area_direction_label`). Text is plain.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.change import UNMAPPED, AreaChange, Change, PlaceChange
from geo.dataset import Dataset
from geo.dates import format_date
from geo.identity_cache import IdentityCache
from geo.model import Site
from layers.catalog import LegendEntry
from layers.features import Feature, feature_frame
from layers.styles import change_style_key

#: Layer id of the change features (not a catalogue layer: it needs two dates).
CHANGE_LAYER = "change"

#: Margin in degrees around the control areas when a map of change (the comparison
#: map, the compare page, the animation) chooses its extent.
ZOOM_MARGIN = 0.3

#: Who a holder key stands for, as the map's legend words it.
HOLDER_LABELS: dict[str, str] = {
    "armenian": "Armenian forces",
    "azerbaijani": "Azerbaijan",
    UNMAPPED: "no holder mapped",
}

#: Legend of the change layer, one entry per palette key, in reading order.
CHANGE_LEGEND: tuple[LegendEntry, ...] = (
    LegendEntry(
        label="Passed from Armenian forces to Azerbaijan",
        style_key="change-armenian-azerbaijani",
        shape="polygon",
    ),
    LegendEntry(
        label="Passed from Azerbaijan to Armenian forces",
        style_key="change-azerbaijani-armenian",
        shape="polygon",
    ),
    LegendEntry(
        label="Holder mapped after only (none before)",
        style_key="change-from-unmapped",
        shape="polygon",
    ),
    LegendEntry(
        label="Holder mapped before only (none after)",
        style_key="change-to-unmapped",
        shape="polygon",
    ),
)


def holder_label(holder: str) -> str:
    """``'Armenian forces'``, ``'Azerbaijan'`` or ``'no holder mapped'``."""
    return HOLDER_LABELS.get(holder, holder)


def direction_label(from_holder: str, to_holder: str) -> str:
    """``'Armenian forces → Azerbaijan'``."""
    return f"{holder_label(from_holder)} → {holder_label(to_holder)}"


#: Share of an unmapped piece a site with ``not_held_by`` must cover to be named as its
#: holder's stand-in (the schematic Lachin corridor covers its piece whole).
COVER_SHARE = 0.5


def covering_site(dataset: Dataset, geometry: BaseGeometry, day: dt.date) -> Site | None:
    """The site with ``not_held_by`` (a schematic zone or corridor, sites.yaml) in force on
    ``day`` that covers ``geometry`` (EPSG:4326): a point inside it, or at least
    :data:`COVER_SHARE` of an area; ``None`` if there is none.

    Such a site stands where no control record applies (e.g. the Lachin corridor, under
    Russian peacekeepers, inside a district that passed to Azerbaijan): it says what the
    unmapped side of a change is. Shares are taken in EPSG:4326, fine for a comparison of
    two areas at the same place.
    """
    for site in dataset.sites:
        if not site.not_held_by or not site.span.contains(day):
            continue
        if site.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        if _covers(site.geometry, geometry):
            return site
    return None


#: Whether a site's shape covers a changed area, by the two shapes' identities (each
#: entry holds both, so an identity is never taken for another shape's): the areas of a
#: pair of situations are the same objects on every run (:func:`geo.change.compare`), and
#: the comparison's table words them on every run. At most :data:`COVERS_KEPT` kept.
COVERS_KEPT = 1024
_COVERS: IdentityCache[bool] = IdentityCache(COVERS_KEPT, "site covers area")


def _covers(site: BaseGeometry, geometry: BaseGeometry) -> bool:
    """``site`` (a polygon) covers ``geometry``: a point inside it, or at least
    :data:`COVER_SHARE` of an area."""
    if geometry.geom_type in ("Point", "MultiPoint"):
        return bool(site.covers(geometry))

    def covered() -> bool:
        share = site.intersection(geometry).area
        return bool(geometry.area > 0 and share >= COVER_SHARE * geometry.area)

    return _COVERS.get((site, geometry), None, covered)


def _side(dataset: Dataset, holder: str, geometry: BaseGeometry, day: dt.date) -> str:
    site = covering_site(dataset, geometry, day) if holder == UNMAPPED else None
    return holder_label(holder) if site is None else f"{site.name}, no control record"


def area_direction_label(dataset: Dataset, change: Change, area: AreaChange) -> str:
    """:func:`direction_label` of ``area``, with an unmapped side worded by the site that
    covers it (:func:`covering_site`), e.g. ``'Armenian forces → Lachin corridor (under
    Russian peacekeepers), no control record'``."""
    return (
        f"{_side(dataset, area.from_holder, area.geometry, change.before)} → "
        f"{_side(dataset, area.to_holder, area.geometry, change.after)}"
    )


def place_direction_label(dataset: Dataset, change: Change, place: PlaceChange) -> str:
    """:func:`direction_label` of a place that changed hands, an unmapped side worded as in
    :func:`area_direction_label` (by the site its point lies in)."""
    record = dataset.places.get(place.place_id)
    if record is None:
        return direction_label(place.from_holder, place.to_holder)
    point = Point(record.lon, record.lat)
    return (
        f"{_side(dataset, place.from_holder, point, change.before)} → "
        f"{_side(dataset, place.to_holder, point, change.after)}"
    )


def format_km2(km2: float) -> str:
    """Area rounded to the square kilometre, e.g. ``'2,035 km²'`` (``'< 1 km²'`` below 1)."""
    return "< 1 km²" if 0 < km2 < 0.5 else f"{km2:,.0f} km²"


def change_features(dataset: Dataset, change: Change) -> gpd.GeoDataFrame:
    """The changed areas of ``change`` as a feature frame (EPSG:4326), largest first per
    direction (the order of ``change.areas``).

    The frame has the columns of :func:`layers.features.layer_features`: ``layer`` is
    :data:`CHANGE_LAYER`; ``style_key`` the direction's palette key; ``label`` the area
    name; ``details`` direction, area, dates and status; ``source_ids`` and ``citations``
    the sources of the areas' records.
    """
    return feature_frame(
        [_feature(dataset, change, index, area) for index, area in enumerate(change.areas)]
    )


def _feature(dataset: Dataset, change: Change, index: int, area: AreaChange) -> Feature:
    return Feature(
        id=f"change-{index}",
        layer=CHANGE_LAYER,
        style_key=change_style_key(area.from_holder, area.to_holder),
        status=area.status,
        label=area.area_name,
        details=(
            ("Change", area_direction_label(dataset, change, area)),
            ("Area", f"{format_km2(area.km2)} (approximate)"),
            ("Between", f"{format_date(change.before)} and {format_date(change.after)}"),
            ("Status", area.status),
        ),
        source_ids=area.sources,
        citations=tuple(dataset.source(s).citation() for s in area.sources),
        names=None,
        geometry=area.geometry,
    )
