"""A change between two days (:class:`geo.change.Change`) as rows: the changed areas as a
feature frame (EPSG:4326) and every area, place and site as plain table rows, for the
app's tables and the exports. Holder keys are not turned into labels here.
"""

from __future__ import annotations

import geopandas as gpd

from geo import settings
from geo.change import BOUNDARY_ACCURACY_KM, Change, PlaceChange
from geo.dataset import Dataset
from geo.figures import FigureCheck, figures_on

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


#: Keys of every row of :func:`figure_rows`, in order.
FIGURE_COLUMNS = ("day", "figure", "holder", "published", "map", "unit", "status", "sources")


def figure_rows(dataset: Dataset, change: Change) -> list[dict[str, str | float]]:
    """The published figures (figures.yaml) describing the before or the after day, each
    beside the map's value that day, computed the same way (:mod:`geo.figures`).

    Every row has the keys of :data:`FIGURE_COLUMNS`: ``day`` ISO; ``figure`` what it
    measures; ``holder`` a holder key; ``published`` and ``map`` numbers in ``unit``
    (``km²`` or ``%``); ``sources`` the citations of the figure's sources, joined by "; ".
    """
    checks: list[FigureCheck] = []
    for day in dict.fromkeys((change.before, change.after)):
        checks += figures_on(dataset, day)
    return [
        {
            "day": check.day.isoformat(),
            "figure": check.figure.what,
            "holder": check.figure.holder,
            "published": check.figure.value,
            "map": check.map_value,
            "unit": check.unit_text,
            "status": check.figure.provenance.status,
            "sources": "; ".join(
                dataset.source(s).citation() for s in check.figure.provenance.sources
            ),
        }
        for check in checks
    ]
