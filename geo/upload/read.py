"""The whole read of one user file, as the worker process runs it: the kind checked
against the bytes, the rows read by that kind's reader, the features checked within the
limits. The result is plain JSON-ready data (:func:`read_plain`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from geo.errors import DataError
from geo.upload import sniff
from geo.upload.limits import Limits
from geo.upload.rows import Budget, Problems, Progress, Row, checked_features

Reader = Callable[[bytes, str, Budget, Problems], Iterator[Row]]


def _reader(kind: str) -> Reader:
    """The reader of a kind (imported on use: a CSV needs no SQLite, a KML no numpy)."""
    if kind == sniff.GEOJSON:
        from geo.upload.geojson import geojson_rows

        return lambda data, name, budget, problems: geojson_rows(data, name, budget)
    if kind == sniff.KML:
        from geo.upload.kml import kml_rows

        return lambda data, name, budget, problems: kml_rows(data, name, budget)
    if kind == sniff.GEOPACKAGE:
        from geo.upload.gpkg import geopackage_rows

        return geopackage_rows
    from geo.upload.table import csv_rows

    return csv_rows


def read_plain(
    data: bytes, name: str, kind: str, limits: Limits, progress: Progress | None = None
) -> dict[str, Any]:
    """Read ``data`` (named ``name``, of the ``kind`` its name asks for) within ``limits``.

    Returns ``{"features": [...], "problems": [...]}``: each feature a mapping with
    ``row``, ``name``, ``details`` (pairs), ``date`` (ISO or ``None``), ``precision``
    and ``wkb`` (base64 of the EPSG:4326 geometry's WKB). Raises :class:`DataError`
    (one line each) for a file that cannot be used at all.
    """
    if len(data) > limits.max_bytes:
        raise DataError(
            [f"{name}: {len(data):,} bytes is over the limit of {limits.max_bytes:,} bytes"]
        )
    kind = sniff.checked_kind(data, name, kind)
    budget = Budget(limits)
    problems = Problems(limits.problems)
    rows = _reader(kind)(data, name, budget, problems)
    features = checked_features(rows, budget, problems, progress)
    return {"features": features, "problems": problems.all()}
