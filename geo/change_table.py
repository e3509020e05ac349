"""A change between two days (:class:`geo.change.Change`) as rows: the changed areas as a
feature frame (EPSG:4326) and every area, place and site as plain table rows, for the
app's tables and the exports. Holder keys are not turned into labels here.
"""

from __future__ import annotations

import geopandas as gpd

from geo import settings
from geo.change import BOUNDARY_ACCURACY_KM, Change, PlaceChange

#: Columns of :func:`change_frame`, in order (``geometry`` last).
CHANGE_COLUMNS = (
    "area_name",
    "from_holder",
    "to_holder",
    "direction",
    "km2",
    "before_id",
    "after_id",
    "status",
    "sources",
    "geometry",
)


def change_frame(change: Change) -> gpd.GeoDataFrame:
    """The changed areas as rows, EPSG:4326, in the order of ``change.areas``.

    Columns: ``area_name, from_holder, to_holder, direction, km2, before_id, after_id,
    status, sources, geometry``. ``from_holder`` / ``to_holder`` are holder keys of
    :data:`geo.settings.HOLDERS` or :data:`UNMAPPED`; ``direction`` is their
    :func:`direction_key`; ``km2`` is measured in :data:`EQUAL_AREA_CRS`;
    ``before_id`` / ``after_id`` are control record ids ("" where unmapped);
    ``sources`` holds a list of source ids.
    """
    rows = [
        {
            "area_name": a.area_name,
            "from_holder": a.from_holder,
            "to_holder": a.to_holder,
            "direction": a.direction,
            "km2": a.km2,
            "before_id": a.before_id or "",
            "after_id": a.after_id or "",
            "status": a.status,
            "sources": list(a.sources),
            "geometry": a.geometry,
        }
        for a in change.areas
    ]
    if not rows:
        return gpd.GeoDataFrame(columns=list(CHANGE_COLUMNS), geometry="geometry", crs=settings.CRS)
    return gpd.GeoDataFrame(
        rows, columns=list(CHANGE_COLUMNS), geometry="geometry", crs=settings.CRS
    )


#: Keys of every row of :func:`change_table`, in order.
TABLE_COLUMNS = ("what", "id", "name", "change", "km2", "status", "records", "sources", "note")


def change_table(change: Change) -> list[dict[str, str | float | None]]:
    """The change as plain rows (for the app table and the exports): areas, places, sites.

    Every row has the keys of :data:`TABLE_COLUMNS`: ``what`` is ``'area'``, ``'place'``
    or ``'site'``; ``id`` the place or site id (for areas the after record id, else the
    before one); ``change`` a direction key for areas and places, or
    ``'appeared'`` / ``'ended'`` / ``'appeared and ended'`` for sites; ``km2`` a float for
    areas, ``None`` otherwise; ``records`` and ``sources`` comma-separated ids; ``note``
    the caveat of a place :attr:`PlaceChange.on_edge`, else "". Holder keys are not
    turned into labels here: that belongs to the renderer.
    """
    rows: list[dict[str, str | float | None]] = []
    for a in change.areas:
        rows.append(
            {
                "what": "area",
                "id": a.after_id or a.before_id or "",
                "name": a.area_name,
                "change": a.direction,
                "km2": a.km2,
                "status": a.status,
                "records": ", ".join(a.record_ids),
                "sources": ", ".join(a.sources),
                "note": "",
            }
        )
    for p in change.towns:  # an area's name point: the area's own row says how it changed
        records = tuple(i for i in (p.before_id, p.after_id) if i is not None)
        rows.append(
            {
                "what": "place",
                "id": p.place_id,
                "name": p.name,
                "change": p.direction,
                "km2": None,
                "status": p.status,
                "records": ", ".join(records),
                "sources": ", ".join(p.sources),
                "note": _edge_note(p),
            }
        )
    for s in change.sites:
        rows.append(
            {
                "what": "site",
                "id": s.site_id,
                "name": s.name,
                "change": s.change,
                "km2": None,
                "status": s.status,
                "records": s.site_id,
                "sources": ", ".join(s.sources),
                "note": "",
            }
        )
    return rows


def _edge_note(place: PlaceChange) -> str:
    if not place.on_edge:
        return ""
    return (
        f"{place.edge_km:.1f} km from the area's edge: within the boundaries' accuracy "
        f"({BOUNDARY_ACCURACY_KM:g} km), so the side it lies on is uncertain"
    )
