"""The GeoPackage tables of a view as Arrow tables, built from plain rows (issue 25).

The GeoPackage export used to make a GeoDataFrame of each table and let pyogrio turn it
back into Arrow; building the Arrow table from the rows of
:func:`layers.exports.gis.gis_rows` (and of the annotations) skips the frames: the file
written is the same, byte for byte (``tests/layers/exports/test_gis_arrow.py``).

Every table is EPSG:4326: text fields are ``string`` (missing text is null), the date
fields ``date32`` (GeoPackage ``DATE``), the list fields joined into text as
:func:`layers.exports.gis.text_value` joins them; ``geometry`` is WKB. Its geometry
type is the one GDAL is told, chosen as pyogrio chose it for a frame: the one type of
the table, the multi type when singles and multis of one family mix (their singles
made multi), else ``Unknown``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import shapely

from geo.io import GisLayer
from layers.exports.gis_fields import LIST_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

#: Fields of the view's tables that are dates (``date32``); the others are text.
DATE_FIELDS: tuple[str, ...] = ("start", "end")

#: The multi type of each single type.
_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}


def arrow_layers(
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    fields: Sequence[str],
    dates: Collection[str] = (),
) -> dict[str, GisLayer]:
    """Each table of ``rows`` (name -> rows holding ``fields`` and a shapely
    ``geometry``) as a :class:`geo.io.GisLayer`: ``fields`` in order (those in ``dates``
    as ``date32``, the others text) then ``geometry`` as WKB."""
    return {name: _layer(table, fields, dates) for name, table in rows.items()}


def _layer(
    rows: Sequence[Mapping[str, Any]], fields: Sequence[str], dates: Collection[str]
) -> GisLayer:
    import pyarrow as pa

    columns: dict[str, pa.Array] = {}
    for name in fields:
        values = [row[name] for row in rows]
        if name in dates:
            columns[name] = pa.array(values, type=pa.date32())
        else:  # large_string: what the frames of text held (pandas ``str``)
            texts = [_text(name, value) for value in values]
            columns[name] = pa.array(texts, type=pa.large_string())
    geometries, geometry_type = _geometries([row["geometry"] for row in rows])
    columns["geometry"] = pa.array(shapely.to_wkb(geometries), type=pa.binary())
    return GisLayer(pa.table(columns), geometry_type)


def _text(name: str, value: Any) -> str | None:
    from layers.exports.gis import text_value

    if name in LIST_FIELDS:
        return text_value(name, value)
    return value if value is None or type(value) is str else str(value)


def _geometries(geometries: list[Any]) -> tuple[Any, str]:
    """The geometries (singles made multi where a table mixes singles and multis of one
    family) and the table's geometry type."""
    types = list(dict.fromkeys(g.geom_type for g in geometries if g is not None))
    z = " Z" if any(g is not None and not g.is_empty and g.has_z for g in geometries) else ""
    if len(types) == 1:
        return geometries, types[0] + z
    if len(types) == 2:
        for single, multi in _MULTI.items():
            if set(types) == {single, multi}:
                return [_promoted(g, single) for g in geometries], multi + z
    return geometries, "Unknown"


def _promoted(geometry: Any, single: str) -> Any:
    if geometry is None or geometry.geom_type != single:
        return geometry
    return {
        "Point": shapely.multipoints,
        "LineString": shapely.multilinestrings,
        "Polygon": shapely.multipolygons,
    }[single]([geometry])
