"""CSV read with Python's :mod:`csv`: a latitude and a longitude column in WGS 84
degrees (names :data:`~geo.upload.rows.LAT_COLUMNS` / :data:`~geo.upload.rows.LON_COLUMNS`,
any case), other columns as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import DataError
from geo.text import clean_text
from geo.upload.rows import LAT_COLUMNS, LON_COLUMNS, Budget, Problems, Row, quote, short


def csv_rows(data: bytes, name: str, budget: Budget, problems: Problems) -> Iterator[Row]:
    """The rows of a CSV file (UTF-8) with a point each; :class:`DataError` if it has no
    latitude and longitude columns or is not CSV."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from _rows(reader, name, budget, problems)
    except csv.Error as exc:
        raise DataError([f"{name}: not valid CSV at line {reader.line_num:,} ({exc})"]) from exc


def _rows(
    reader: Iterator[list[str]], name: str, budget: Budget, problems: Problems
) -> Iterator[Row]:
    header = [clean_text(h).strip() for h in next(reader, [])]
    lower = [h.lower() for h in header]
    lat = next((lower.index(c) for c in LAT_COLUMNS if c in lower), None)
    lon = next((lower.index(c) for c in LON_COLUMNS if c in lower), None)
    if lat is None or lon is None:
        found = ", ".join(repr(short(h)) for h in header[:12]) or "none"
        raise DataError(
            [
                f"{name}: needs a latitude and a longitude column (e.g. 'lat' and 'lon'; "
                f"columns found: {found})"
            ]
        )
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        if budget.full():  # count the rest without reading it
            budget.left_out += 1 + sum(1 for rest in reader if len(rest) > 1 or any(rest))
            return
        attrs = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header)}
        if len(cells) > len(header):
            problems.add(f"row {number}: {len(cells) - len(header)} cells beyond the header")
        yield number, attrs, _point(cells, lat, lon, header, number, budget)


def _point(
    cells: list[str], lat: int, lon: int, header: list[str], number: int, budget: Budget
) -> BaseGeometry | str:
    values = []
    for index in (lat, lon):
        raw = cells[index].strip() if index < len(cells) else ""
        try:
            values.append(float(raw))
        except ValueError:
            return f"{header[index]}: {quote(raw)} is not a number"
    refused = budget.vertices(number, 1)
    return refused if refused is not None else Point(values[1], values[0])
