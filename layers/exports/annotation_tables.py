"""The view's annotations (:mod:`layers.briefing.annotations`) in the data exports: their
own tables, one per geometry family (``annotations_points``, ``annotations_lines``,
``annotations_areas``), with the fields :data:`FIELDS`, EPSG:4326.

GeoJSON features carry ``table`` and these fields (the annotation file's properties,
so the features can be read back as annotations); the GeoPackage has the tables; KML a
folder "Annotations" with one placemark each, named by its label; CSV rows with
``table``, ``id``, ``layer`` = ``annotations``, ``kind``, ``label``, ``style_key`` (the
colour) and ``note`` (the other properties). Labels are user text: escaped by each
writer as every other text is (XML, ``popup_html``, :func:`layers.exports.gis.inert_cell`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shapely.geometry import shape

from layers.briefing.annotations import KIND_TITLES, Annotation

#: Fields of an annotation table (plus ``geometry``).
FIELDS = ("id", "kind", "label", "colour", "curved", "symbol")
#: Geometry family of each annotation geometry type, and the table names.
_FAMILIES = {"Point": "points", "LineString": "lines", "Polygon": "areas"}
TABLE_PREFIX = "annotations_"
#: The ``layer`` value of annotation rows in CSV.
LAYER = "annotations"


def annotation_rows(annotations: Sequence[Annotation]) -> dict[str, list[dict[str, Any]]]:
    """Rows (the fields and a shapely ``geometry``) by table name, areas, lines, points."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for number, annotation in enumerate(annotations, start=1):
        geometry = annotation.geometry()
        name = TABLE_PREFIX + _FAMILIES[geometry["type"]]
        tables.setdefault(name, []).append(
            {
                "id": f"annotation-{number}",
                "kind": annotation.kind,
                "label": annotation.label,
                "colour": annotation.colour,
                "curved": "true" if annotation.curved else "false",
                "symbol": annotation.symbol,
                "geometry": shape(geometry),
            }
        )
    order = [TABLE_PREFIX + family for family in ("areas", "lines", "points")]
    return {name: tables[name] for name in order if name in tables}


def geojson_features(annotations: Sequence[Annotation]) -> list[dict[str, Any]]:
    """The annotations as features of the GeoJSON export (``table`` and the annotation
    file's properties)."""
    features = []
    for number, annotation in enumerate(annotations, start=1):
        geometry = annotation.geometry()
        table = TABLE_PREFIX + _FAMILIES[geometry["type"]]
        features.append(
            {
                "type": "Feature",
                "id": f"annotation-{number}",
                "properties": {"table": table, **annotation.properties()},
                "geometry": geometry,
            }
        )
    return features


def layer_metadata(name: str) -> dict[str, str]:
    """``IDENTIFIER`` and ``DESCRIPTION`` of an annotation table."""
    family = name.removeprefix(TABLE_PREFIX)
    return {
        "IDENTIFIER": f"Annotations ({family})",
        "DESCRIPTION": "What the user drew on the map: kind, label, colour (briefing palette).",
    }


def csv_row(name: str, row: dict[str, Any], field_names: Sequence[str]) -> dict[str, str]:
    """An annotation row as the CSV export's fields (``field_names``)."""
    values = dict.fromkeys(field_names, "")
    notes = [f"colour: {row['colour']}"]
    if row["kind"] == "arrow":
        notes.append(f"curved: {row['curved']}")
    if row["kind"] == "point":
        notes.append(f"symbol: {row['symbol']}")
    values |= {
        "id": row["id"],
        "layer": LAYER,
        "kind": row["kind"],
        "style_key": row["colour"],
        "label": row["label"],
        "note": "; ".join(notes),
    }
    return values


def placemark_title(annotation: Annotation) -> str:
    """A placemark's name: the label, else what it is ("Arrow (movement)")."""
    return annotation.label or KIND_TITLES[annotation.kind]
