"""GIS-ready tables of a view: one geometry type per layer, typed fields, the view recorded.

The schema (layer names, fields, the GeoJSON ``view`` member) is documented in
``docs/GIS_EXPORT.md``; :data:`layers.exports.gis_fields.FIELDS` is its source (with each
feature's values, :func:`layers.exports.gis_fields.feature_fields`). Every table
returned here is EPSG:4326 and has the columns of :data:`FIELDS` plus ``geometry``:

- ``start`` and ``end`` are ``date32[pyarrow]`` columns (GeoPackage ``DATE``);
- ``source_ids`` and ``sources`` hold lists of strings (each writer joins them its way);
- every other field is text or missing (NaN, the missing value of pandas strings).

A catalogue layer becomes one table per geometry family it holds on the date, named
``<layer id in snake_case>_<points|lines|areas>`` (the suffix is always there, so a
layer keeps its name whatever the date). Areas are MultiPolygons, lines
MultiLineStrings, points Points.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import MultiLineString, MultiPolygon
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.naming import CONVENTIONS
from layers.briefing.print_options import PrintOptions, marking_line
from layers.briefing.view import View
from layers.catalog import layer
from layers.exports import annotation_tables
from layers.exports.gis_fields import FIELD_NAMES as FIELD_NAMES
from layers.exports.gis_fields import FIELDS as FIELDS
from layers.exports.gis_fields import LIST_FIELDS, Records, feature_fields
from layers.exports.gis_fields import period_end as period_end
from layers.features import view_feature_rows

if TYPE_CHECKING:
    import geopandas as gpd

# pandas and geopandas are imported by the functions that make frames (GeoPackage, KML,
# CSV): the GeoJSON export works on plain rows and needs neither (issue 15).

#: One feature of a GIS table: the fields of :data:`FIELDS` plus ``geometry``, as Python
#: values (text or ``None``, ``datetime.date`` or ``None``, lists of text).
Row = dict[str, Any]


#: Separators of list fields in GeoPackage and CSV text.
SOURCE_ID_SEPARATOR = "; "
SOURCE_SEPARATOR = "\n"

#: Geometry family (table-name suffix) of each shapely geometry type.
FAMILIES: dict[str, str] = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "LinearRing": "lines",
    "Polygon": "areas",
    "MultiPolygon": "areas",
}
FAMILY_ORDER: tuple[str, ...] = ("areas", "lines", "points")

GENERATOR = "South Caucasus briefing map (python -m layers.exports)"
SCHEMA_DOC = "docs/GIS_EXPORT.md"


def table_name(layer_id: str, family: str) -> str:
    """``russian-bases`` + ``points`` -> ``russian_bases_points``."""
    return f"{layer_id.replace('-', '_')}_{family}"


def family_of(name: str) -> str:
    """The geometry family of a table name (its suffix)."""
    return name.rsplit("_", 1)[1]


def layer_of(name: str) -> str:
    """The catalogue layer id of a table name."""
    return name.rsplit("_", 1)[0].replace("_", "-")


def gis_tables(dataset: Dataset, view: View) -> dict[str, gpd.GeoDataFrame]:
    """The view's visible features as typed tables (see the module docstring), keyed by
    table name, in catalogue order and areas, lines, points within a layer. Layers with
    no feature on the date have no table."""
    return tables_of(gis_rows(dataset, view))


def tables_of(rows: Mapping[str, Sequence[Row]]) -> dict[str, gpd.GeoDataFrame]:
    """The typed tables (see the module docstring) of :func:`gis_rows`."""
    return {name: _table(table) for name, table in rows.items()}


def gis_rows(dataset: Dataset, view: View) -> dict[str, list[Row]]:
    """The rows of :func:`gis_tables`, by table name in the same order, as plain
    :data:`Row` values (no pandas)."""
    records = Records(dataset)
    tables: dict[str, list[Row]] = {}
    for layer_id, layer_features in view_feature_rows(dataset, view).items():
        by_family: dict[str, list[Row]] = {}
        for feature in layer_features:
            fields = feature_fields(feature, records, view.day)
            for family, geometry in _by_family(feature.geometry):
                by_family.setdefault(family, []).append({**fields, "geometry": geometry})
        for family in FAMILY_ORDER:
            if family in by_family:
                tables[table_name(layer_id, family)] = by_family[family]
    return tables


def _table(rows: Sequence[Row]) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    columns = {
        name: pd.Series([row[name] for row in rows], dtype=_DTYPES.get(name, "str"))
        for name in FIELD_NAMES
    }
    geometry = gpd.GeoSeries([row["geometry"] for row in rows], crs=settings.CRS)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=settings.CRS)


#: pandas dtype of the fields that are not text (missing text is NaN).
_DTYPES: dict[str, str] = {"start": "date32[pyarrow]", "end": "date32[pyarrow]"}
_DTYPES |= {"source_ids": "object", "sources": "object"}


def _by_family(geometry: BaseGeometry | None) -> list[tuple[str, BaseGeometry]]:
    """The geometry split by family; areas and lines made multi, collections taken apart."""
    if geometry is None or geometry.is_empty:
        return []
    parts: dict[str, list[BaseGeometry]] = {}
    for part in _singles(geometry):
        parts.setdefault(FAMILIES[part.geom_type], []).append(part)
    result: list[tuple[str, BaseGeometry]] = []
    for family in FAMILY_ORDER:
        found = parts.get(family)
        if not found:
            continue
        if family == "areas":
            result.append((family, MultiPolygon(found)))
        elif family == "lines":
            result.append((family, MultiLineString(found)))
        else:
            result.append((family, found[0] if len(found) == 1 else shapely.multipoints(found)))
    return result


def _singles(geometry: BaseGeometry) -> list[BaseGeometry]:
    if geometry.geom_type in ("Point", "LineString", "LinearRing", "Polygon"):
        return [] if geometry.is_empty else [geometry]
    return [single for part in shapely.get_parts(geometry) for single in _singles(part)]


# --- The view, as the files record it --------------------------------------------------


def view_record(
    dataset: Dataset,
    view: View,
    tables: Mapping[str, Sequence[Row]],
    sheet: PrintOptions | None = None,
) -> dict[str, Any]:
    """What the export shows: date, the marking of the print options (``sheet``: banner,
    producer, "as of" date, and the one line of :func:`marking_line`), layers, naming,
    extent, tables (the rows of :func:`gis_rows`) and sources cited.

    The GeoJSON export carries it as the foreign member ``view``; the GeoPackage as
    dataset metadata (:func:`geopackage_metadata`).
    """
    cited = sorted({s for t in tables.values() for row in t for s in row["source_ids"]})
    sheet = sheet or PrintOptions()
    return {
        "date": view.day.isoformat(),
        "marking": marking_line(sheet, view.day, view.title),
        "banner": sheet.banner,
        "as_of": sheet.as_of.isoformat() if sheet.as_of else "",
        "producer": sheet.producer,
        "title": view.title,
        "layers": list(view.layers),
        "names": view.convention,
        "naming": CONVENTIONS[view.convention],
        "bounds": list(view.bounds),
        "crs": settings.CRS,
        "tables": {
            name: {
                "title": layer(layer_of(name)).title,
                "geometry": family_of(name),
                "features": len(table),
            }
            for name, table in tables.items()
        },
        "sources": [_source_entry(dataset, source_id) for source_id in cited],
        "generator": GENERATOR,
        "schema": SCHEMA_DOC,
    } | ({"annotations": len(view.annotations)} if view.annotations else {})


def _source_entry(dataset: Dataset, source_id: str) -> dict[str, str | None]:
    source = dataset.source(source_id)
    return {"id": source.id, "citation": source.citation(), "url": source.url}


def geopackage_metadata(record: Mapping[str, Any]) -> dict[str, str]:
    """Dataset metadata items (GDAL writes them to ``gpkg_metadata``): the export's date
    as ``export_date`` and every other entry of :func:`view_record` as text or JSON."""
    items = {"export_date": str(record["date"])}
    for key, value in record.items():
        if key != "date":
            items[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return items


def layer_metadata(name: str) -> dict[str, str]:
    """``IDENTIFIER`` and ``DESCRIPTION`` of a table (GDAL writes them to gpkg_contents)."""
    spec = layer(layer_of(name))
    return {"IDENTIFIER": f"{spec.title} ({family_of(name)})", "DESCRIPTION": spec.description}


def fixed_timestamp(view: View) -> str:
    """The timestamp written where GeoPackage wants one (``gpkg_contents.last_change``):
    the view's date at midnight UTC, so identical exports are identical bytes."""
    return f"{view.day.isoformat()}T00:00:00.000Z"


# --- Text forms ------------------------------------------------------------------------


def text_value(name: str, value: Any) -> str | None:
    """A field's value as GeoPackage or CSV text (dates ISO, lists joined)."""
    if name == "source_ids":
        return SOURCE_ID_SEPARATOR.join(value)
    if name == "sources":
        return SOURCE_SEPARATOR.join(value)
    if value is None:
        return None
    if type(value) is str:
        return value
    if type(value) is dt.date:
        return value.isoformat()
    import pandas as pd  # a value out of a frame: pd.NA, NaN, NaT or another type

    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def geojson_text(dataset: Dataset, view: View, sheet: PrintOptions | None = None) -> str:
    """A GeoJSON FeatureCollection (EPSG:4326) of the view's tables.

    Each feature's properties are the fields of :data:`FIELDS` plus ``table`` (its table
    name); ``start`` / ``end`` are ISO dates, ``source_ids`` and ``sources`` lists. The
    foreign member ``view`` is :func:`view_record` (with the marking of ``sheet``).
    """
    tables = gis_rows(dataset, view)
    features = [
        {
            "type": "Feature",
            "id": str(row["id"]),
            "properties": {"table": name, **_json_properties(row)},
            "geometry": json.loads(shapely.to_geojson(row["geometry"])),
        }
        for name, table in tables.items()
        for row in table
    ]
    features += annotation_tables.geojson_features(view.annotations)
    collection = {
        "type": "FeatureCollection",
        "view": view_record(dataset, view, tables, sheet),
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, indent=1)


def _json_properties(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: list(row[name]) if name in LIST_FIELDS else text_value(name, row[name])
        for name in FIELD_NAMES
    }


#: First characters that make a spreadsheet read a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(text: str) -> str:
    """``text`` made safe for a spreadsheet cell: a leading ``=``, ``+``, ``-``, ``@``,
    tab or carriage return gets a ``'`` before it, so no formula runs (OWASP advice)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


#: First characters of the marking line of a CSV export (a comment to CSV readers that
#: know them: ``pandas.read_csv(..., comment="#")``; one cell A1 in a spreadsheet).
CSV_MARKING_PREFIX = "# "


def csv_text(dataset: Dataset, view: View, sheet: PrintOptions | None = None) -> str:
    """The view's tables as one CSV: a first line carrying the marking
    (:data:`CSV_MARKING_PREFIX` and :func:`marking_line` of ``sheet``: banner, title,
    situation date, producer, "as of"), then the header ``table``, the fields of
    :data:`FIELDS` and ``wkt`` (the geometry, EPSG:4326), then the rows. Every cell is
    :func:`inert_cell`. Written as UTF-8 with a byte-order mark (the exporter), so that
    Excel reads Xankəndi, Şuşa and Cyrillic right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # one physical line whatever the title holds (a comment to readers that skip them)
    marking = " ".join(marking_line(sheet or PrintOptions(), view.day, view.title).split())
    writer.writerow([CSV_MARKING_PREFIX + marking])
    writer.writerow(["table", *FIELD_NAMES, "wkt"])
    for name, table in gis_tables(dataset, view).items():
        for row in table.to_dict("records"):
            values = [text_value(f, row[f]) or "" for f in FIELD_NAMES]
            wkt = shapely.to_wkt(row["geometry"], rounding_precision=6)
            writer.writerow([inert_cell(v) for v in (name, *values, wkt)])
    for name, rows in annotation_tables.annotation_rows(view.annotations).items():
        for row in rows:
            fields = annotation_tables.csv_row(name, row, FIELD_NAMES)
            wkt = shapely.to_wkt(row["geometry"], rounding_precision=6)
            cells = (name, *(fields[f] for f in FIELD_NAMES), wkt)
            writer.writerow([inert_cell(v) for v in cells])
    return buffer.getvalue()
