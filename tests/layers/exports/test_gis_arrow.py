"""The GeoPackage tables built as Arrow tables from plain rows (issue 25) read back as the
GeoDataFrames the export wrote before (typed columns, ``date32[pyarrow]`` dates, list
fields joined) read back: same layers, geometry types, fields and field types, values
and geometries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon

from geo import io, settings
from geo.dataset import Dataset
from layers.briefing.view import View
from layers.catalog import LAYER_IDS
from layers.exports import annotation_tables, gis
from layers.exports.gis_arrow import DATE_FIELDS, arrow_layers
from tests.hostile import hostile_annotations

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def _frame(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> gpd.GeoDataFrame:
    """A table as the export made it before: text ``str``, dates ``date32[pyarrow]``,
    list fields joined by :func:`gis.text_value`."""
    columns = {}
    for name in fields:
        if name in DATE_FIELDS:
            columns[name] = pd.Series([r[name] for r in rows], dtype="date32[pyarrow]")
        elif name in gis.LIST_FIELDS:
            columns[name] = pd.Series([gis.text_value(name, r[name]) for r in rows], dtype="str")
        else:
            columns[name] = pd.Series([r[name] for r in rows], dtype="str")
    geometry = gpd.GeoSeries([r["geometry"] for r in rows], crs=settings.CRS)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=settings.CRS)


def _from_frames(path: Path, tables: Rows, fields: Sequence[str]) -> Path:
    for index, (name, rows) in enumerate(tables.items()):
        frame = _frame(rows, fields)
        pyogrio.write_dataframe(
            frame, path, layer=name, driver="GPKG", use_arrow=True, append=index > 0
        )
    return path


def _from_arrow(path: Path, tables: Rows, fields: Sequence[str]) -> Path:
    layers = arrow_layers(tables, fields, DATE_FIELDS)
    data = io.gis_geopackage_bytes(
        layers,
        metadata={"export_date": "2020-11-10"},
        layer_metadata={},
        styles={},
        timestamp="2020-11-10T00:00:00.000Z",
    )
    path.write_bytes(data)
    return path


def assert_read_back_alike(expected: Path, actual: Path) -> None:
    """Same spatial layers (names, geometry types), fields and OGR types, and the same
    values and WKB geometries read back, layer by layer."""
    layers = [(str(n), str(t)) for n, t in pyogrio.list_layers(expected)]
    assert [(str(n), str(t)) for n, t in pyogrio.list_layers(actual) if t is not None] == layers
    for name, _ in layers:
        old, new = pyogrio.read_info(expected, layer=name), pyogrio.read_info(actual, layer=name)
        assert list(new["fields"]) == list(old["fields"])
        assert list(new["ogr_types"]) == list(old["ogr_types"])
        assert new["crs"] == old["crs"] == settings.CRS
        assert new["geometry_type"] == old["geometry_type"]
        _, old_table = pyogrio.read_arrow(expected, layer=name)
        _, new_table = pyogrio.read_arrow(actual, layer=name)
        assert new_table.equals(old_table)


def test_the_view_and_its_annotations_read_back_as_the_frames_did(
    dataset: Dataset, tmp_path: Path
) -> None:
    view = View(day=dt.date(2020, 11, 10), layers=LAYER_IDS, annotations=hostile_annotations())
    rows = gis.gis_rows(dataset, view)
    drawn = annotation_tables.annotation_rows(view.annotations)
    assert len(rows) > 5 and set(drawn) == {f"annotations_{f}" for f in gis.FAMILY_ORDER}
    fields = annotation_tables.FIELDS
    for tables, names, label in ((rows, gis.FIELD_NAMES, "view"), (drawn, fields, "drawn")):
        assert_read_back_alike(
            _from_frames(tmp_path / f"{label}-frames.gpkg", tables, names),
            _from_arrow(tmp_path / f"{label}-arrow.gpkg", tables, names),
        )


def test_mixed_singles_and_multis_missing_text_and_dates(tmp_path: Path) -> None:
    """A table mixing Points and MultiPoints is MultiPoint (its Points made multi), one
    mixing families is ``Unknown``; missing text is null, missing dates too."""
    fields = ("id", "label", "start", "end", "source_ids")

    def row(number: int, geometry: Any, start: dt.date | None) -> dict[str, Any]:
        label = None if number % 2 else f"«{number}» <b>&"
        return {"id": f"r{number}", "label": label, "start": start, "end": None,
                "source_ids": [f"s{number}", "s0"], "geometry": geometry}  # fmt: skip

    square = Polygon([(44, 40), (45, 40), (45, 41), (44, 40)])
    tables = {
        "mixed_points": [
            row(1, Point(44.5, 40.2), dt.date(2020, 11, 10)),
            row(2, MultiPoint([(44, 40), (45, 41)]), None),
        ],
        "mixed_families": [
            row(3, LineString([(44, 40), (45, 41)]), dt.date(1994, 5, 12)),
            row(4, MultiPolygon([square]), None),
        ],
    }
    layers = arrow_layers(tables, fields, DATE_FIELDS)
    assert layers["mixed_points"].geometry_type == "MultiPoint"
    assert layers["mixed_families"].geometry_type == "Unknown"
    assert_read_back_alike(
        _from_frames(tmp_path / "frames.gpkg", tables, fields),
        _from_arrow(tmp_path / "arrow.gpkg", tables, fields),
    )
