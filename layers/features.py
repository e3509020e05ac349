"""Features of each catalogue layer, ready for either renderer.

Every frame returned here is EPSG:4326 with the columns of :data:`FEATURE_COLUMNS`:

``id``
    stable feature id.
``layer``
    catalogue layer id.
``style_key``
    palette key in :data:`layers.styles.STYLES`.
``status``
    confirmed / reported / proposed / approximate.
``label``
    the name in the chosen naming convention (plain text, not escaped).
``details``
    list of ``(field, value)`` pairs of plain text for popups.
``sources``
    list of human citations (plain text).
``names``
    the :class:`geo.model.Names` of the feature where the data records them, else ``None``
    (the GIS exports read it; see :data:`EXTRA_COLUMNS`).
``geometry``
    shapely geometry.

Text is plain; :mod:`layers.html` escapes it before it reaches HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo import settings
from geo.dataset import Dataset
from geo.model import Names
from geo.naming import alternatives, label
from geo.timeline import Situation, state_at
from layers.catalog import SITE_LAYERS, check_layer_ids
from layers.view import View

#: Gazetteer kinds drawn as towns and cities; the others are minor places.
MAJOR_PLACE_KINDS = ("city", "town")

FEATURE_COLUMNS = ("id", "layer", "style_key", "status", "label", "details", "sources")
#: Columns after :data:`FEATURE_COLUMNS`, before ``geometry``.
EXTRA_COLUMNS = ("names",)

_STATUS_NOTE = {
    "approximate": "approximate: drawn schematically",
    "proposed": "proposed: not (yet) real",
}


def layer_features(
    dataset: Dataset,
    situation: Situation,
    layer_ids: Iterable[str],
    convention: str,
) -> dict[str, gpd.GeoDataFrame]:
    """Frames (see module docstring) for each requested layer, in catalogue order."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer_id in check_layer_ids(tuple(layer_ids)):
        rows = list(_rows(layer_id, dataset, situation, convention))
        frames[layer_id] = _frame(rows)
    return frames


def view_features(
    dataset: Dataset, view: View, situation: Situation | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Frames of the view's layers on its day, in its naming convention.

    Pass ``situation`` (``state_at(dataset, view.day)``) when the caller needs it too.
    """
    situation = situation or state_at(dataset, view.day)
    return layer_features(dataset, situation, view.layers, view.convention)


def _rows(
    layer_id: str, dataset: Dataset, situation: Situation, convention: str
) -> Iterable[dict[str, Any]]:
    if layer_id == "control":
        return _control_rows(dataset, situation, convention)
    if layer_id == "events":
        return _event_rows(dataset, situation)
    if layer_id == "places":
        return _place_rows(dataset, convention)
    if layer_id in SITE_LAYERS:
        return _site_rows(layer_id, dataset, situation, convention)
    return _boundary_rows(layer_id, dataset, convention)


def _frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    columns = [*FEATURE_COLUMNS, *EXTRA_COLUMNS, "geometry"]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry="geometry", crs=settings.CRS
    )


def _citations(dataset: Dataset, source_ids: Iterable[str]) -> list[str]:
    return [dataset.source(s).citation() for s in source_ids]


def _name_details(names: Names | None, convention: str) -> list[tuple[str, str]]:
    if names is None:
        return []
    others = alternatives(names, convention)
    return [("Also known as", ", ".join(others))] if others else []


def _provenance_details(status: str, note: str | None) -> list[tuple[str, str]]:
    details = [("Status", _STATUS_NOTE.get(status, status))]
    if note:
        details.append(("Note", note))
    return details


def _place_names(dataset: Dataset, place_id: str | None) -> Names | None:
    place = dataset.places.get(place_id) if place_id else None
    return place.names if place else None


#: Catalogue layer -> (boundaries.gpkg layer, palette style, gazetteer id prefix giving
#: the features' alternative names, e.g. 'district-' + 'lachin' for Lachin / Berdzor).
_BOUNDARY_LAYERS: dict[str, tuple[str, str, str | None]] = {
    "countries": ("countries", "country", None),
    "nakhchivan": ("nakhchivan", "nakhchivan", None),
    "provinces": ("provinces", "province", None),
    "nkao": ("nkao", "nkao", None),
    "districts": ("districts", "district", "district-"),
    "ceasefire-line": ("ceasefire_line", "ceasefire-line", None),
}


def _boundary_rows(layer_id: str, dataset: Dataset, convention: str) -> Iterable[dict[str, Any]]:
    source_layer, style_key, place_prefix = _BOUNDARY_LAYERS[layer_id]
    frame = dataset.boundaries[source_layer]
    for index, row in enumerate(frame.itertuples(index=False)):
        english = str(row.name)
        place_id = f"{place_prefix}{english.lower()}" if place_prefix else None
        names = _place_names(dataset, place_id) or Names(en=english)
        details = [("Layer", layer_id.replace("-", " ")), *_name_details(names, convention)]
        area = getattr(row, "area_km2", None)
        if area is not None and pd.notna(area):
            details.append(("Area", f"{float(area):,.0f} km²"))
        yield {
            "id": f"{layer_id}-{index}",
            "layer": layer_id,
            "style_key": style_key,
            "status": "confirmed",
            "label": label(names, convention),
            "details": details,
            "sources": _citations(dataset, [settings.NATURAL_EARTH_SOURCE_ID]),
            "names": names,
            "geometry": row.geometry,
        }


def _place_rows(dataset: Dataset, convention: str) -> Iterable[dict[str, Any]]:
    for place in dataset.places.values():
        if place.kind == "district":
            continue
        yield {
            "id": f"place-{place.id}",
            "layer": "places",
            "style_key": "place" if place.kind in MAJOR_PLACE_KINDS else "place-minor",
            "status": place.provenance.status,
            "label": label(place.names, convention),
            "details": [
                ("Kind", place.kind),
                *_name_details(place.names, convention),
                *_provenance_details(place.provenance.status, place.provenance.note),
            ],
            "sources": _citations(dataset, place.provenance.sources),
            "names": place.names,
            "geometry": Point(place.lon, place.lat),
        }


def _control_rows(
    dataset: Dataset, situation: Situation, convention: str
) -> Iterable[dict[str, Any]]:
    holders = {"armenian": "Armenian forces", "azerbaijani": "Azerbaijan"}
    for row in situation.control.itertuples(index=False):
        names = _place_names(dataset, row.place or None)
        yield {
            "id": row.id,
            "layer": "control",
            "style_key": f"control-{row.holder}",
            "status": row.status,
            "label": str(row.area_name),
            "details": [
                ("Held by", holders[row.holder]),
                ("Period", row.when),
                *_name_details(names, convention),
                *_provenance_details(row.status, row.note),
            ],
            "sources": _citations(dataset, row.sources),
            "names": names,
            "geometry": row.geometry,
        }


def _site_rows(
    layer_id: str, dataset: Dataset, situation: Situation, convention: str
) -> Iterable[dict[str, Any]]:
    names_by_id = {s.id: s.names for s in dataset.sites}
    for row in situation.sites.itertuples(index=False):
        if row.kind not in SITE_LAYERS[layer_id]:
            continue
        names = names_by_id.get(row.id)
        yield {
            "id": row.id,
            "layer": layer_id,
            "style_key": row.kind,
            "status": row.status,
            "label": label(names, convention) if names else str(row.name),
            "details": [
                ("Kind", row.kind.replace("-", " ")),
                ("Operator", row.operator),
                ("Period", row.when),
                *_name_details(names, convention),
                *_provenance_details(row.status, row.note),
            ],
            "sources": _citations(dataset, row.sources),
            "names": names,
            "geometry": row.geometry,
        }


def _event_rows(dataset: Dataset, situation: Situation) -> Iterable[dict[str, Any]]:
    for row in situation.events.itertuples(index=False):
        details = [("Date", row.when)]
        if row.quote:
            details.append(("Quote", f"“{row.quote}”"))
        details += _provenance_details(row.status, row.note)
        yield {
            "id": row.id,
            "layer": "events",
            "style_key": "event" if row.in_article else "event-context",
            "status": row.status,
            "label": str(row.title),
            "details": details,
            "sources": _citations(dataset, row.sources),
            "names": None,
            "geometry": row.geometry,
        }
