"""The user's own layers: an uploaded file read, checked and held as typed records.

An analyst brings events and areas as GeoJSON, GeoPackage, KML or CSV. The file's bytes
(never a path: the app receives bytes, the CLI reads them through :mod:`geo.io`) become
one :class:`UserLayer`, held by the caller (the app's session) and never written to
``data/``.

What is read
------------
* GeoJSON: EPSG:4326 unless the file names another CRS (legacy ``crs`` member).
* GeoPackage: every layer, each converted from its own CRS; a layer without a CRS is
  refused.
* KML: EPSG:4326 by definition. KMZ (zipped) is not accepted, nor a KML with a DOCTYPE
  (no entity expansion).
* CSV (UTF-8): a latitude and a longitude column in WGS 84 degrees (names
  :data:`LAT_COLUMNS` / :data:`LON_COLUMNS`, any case), optionally a date column
  (:data:`DATE_COLUMNS`); other columns are text.

Columns: the name is the first of :data:`NAME_COLUMNS` present (else "Feature N"), the
date the first of :data:`DATE_COLUMNS`; up to :data:`MAX_DETAIL_FIELDS` other columns
become ``(field, value)`` details. Dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
(or typed dates); a partial date gives year or month precision and the feature appears
from the first day of that year or month. Every text goes through
:func:`geo.text.clean_text` and is cut to :data:`MAX_TEXT_CHARS`.

Problems are collected with the row (1-based, as a spreadsheet or GIS attribute table
counts data rows) and the field. A row that cannot be drawn (no or bad geometry, bad
coordinates, a bad date) is left out and listed; a geometry that can be repaired is
repaired (:func:`shapely.make_valid`) and listed. A file that cannot be read at all raises
:class:`geo.errors.DataError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io as _stdio
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo import io, settings
from geo.dates import format_date
from geo.errors import DataError
from geo.text import clean_text

if TYPE_CHECKING:
    import geopandas as gpd

#: Largest file accepted, in bytes (refused before parsing).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Most features kept from one file; further rows are left out and listed once.
MAX_USER_FEATURES = 5000
#: Longest text kept from one field (name, description or other column), in characters.
MAX_TEXT_CHARS = 300
#: Longest layer title (from the file name), in characters.
MAX_TITLE_CHARS = 60
#: Most extra text columns shown per feature.
MAX_DETAIL_FIELDS = 8
#: Most problems listed for a person ("a screenful"); then "... and N more".
MAX_PROBLEMS_LISTED = 20

#: File formats by file-name extension.
FORMATS: dict[str, str] = {
    "geojson": "GeoJSON",
    "json": "GeoJSON",
    "gpkg": "GeoPackage",
    "kml": "KML",
    "csv": "CSV",
}

LAT_COLUMNS = ("latitude", "lat", "y")
LON_COLUMNS = ("longitude", "lon", "lng", "long", "x")
DATE_COLUMNS = ("date", "day", "when", "start", "begin", "timestamp")
NAME_COLUMNS = ("name", "title", "label")
DESCRIPTION_COLUMNS = ("description", "desc", "notes", "note")
#: Columns never shown as details (GIS housekeeping; KML styling fields of GDAL's LIBKML).
_HIDDEN_COLUMNS: tuple[str, ...] = ("fid", "ogc_fid", "id", "geometry", "tessellate", "extrude")
_HIDDEN_COLUMNS += ("visibility", "altitudemode", "draworder", "icon", "snippet", "end")

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_KEPT_TYPES = ("Point", "LineString", "Polygon")


@dataclass(frozen=True, kw_only=True)
class UserFeature:
    """One feature of a user layer. ``geometry`` is EPSG:4326, 2-D and valid.

    ``date`` is the first day the feature is shown (``None``: always shown) and
    ``precision`` how much of it the file gave: ``'year'``, ``'month'`` or ``'day'``.
    """

    row: int
    name: str
    details: tuple[tuple[str, str], ...]
    date: dt.date | None
    precision: str | None
    geometry: BaseGeometry

    def describe_date(self) -> str:
        """The date as a person reads it ('October 2020'), or '' when undated."""
        if self.date is None or self.precision is None:
            return ""
        return format_date(self.date, self.precision)


@dataclass(frozen=True, kw_only=True)
class UserLayer:
    """The features of one uploaded file and the problems found reading it.

    ``id`` is ``user-`` and a digest of the bytes (the same file gives the same id);
    ``title`` the cleaned file name; ``problems`` every problem, plain text.
    """

    id: str
    title: str
    file_format: str
    features: tuple[UserFeature, ...]
    problems: tuple[str, ...]

    @property
    def dated(self) -> bool:
        """Whether any feature has a date (the layer then changes with the date)."""
        return any(f.date is not None for f in self.features)

    def in_force(self, day: dt.date) -> tuple[UserFeature, ...]:
        """Features shown on ``day``: the undated ones and those dated on or before it."""
        return tuple(f for f in self.features if f.date is None or f.date <= day)

    def shown_problems(self) -> list[str]:
        """:func:`screenful` of the problems."""
        return screenful(self.problems)


def screenful(problems: Iterable[str]) -> list[str]:
    """The first :data:`MAX_PROBLEMS_LISTED` problems, then ``... and N more``."""
    listed = list(problems)
    shown = listed[:MAX_PROBLEMS_LISTED]
    hidden = len(listed) - len(shown)
    return [*shown, f"... and {hidden:,} more"] if hidden else shown


def file_format(filename: str) -> str:
    """The format a file name asks for (a value of :data:`FORMATS`); DataError if none."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        known = ", ".join(f".{s}" for s in FORMATS)
        raise DataError([f"{_short(filename)}: not a file type read here (use {known})"])
    return FORMATS[suffix]


def read_user_layer(data: bytes, filename: str) -> UserLayer:
    """Read an uploaded file's bytes as a :class:`UserLayer` (EPSG:4326).

    Raises :class:`DataError` for a file over :data:`MAX_UPLOAD_BYTES` (before any
    parsing), of an unknown type, unreadable, without a usable CRS, or with no feature
    that can be drawn (the error then lists the rows' problems).
    """
    name = _short(clean_text(filename)) or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(
            [f"{name}: {len(data):,} bytes is over the limit of {MAX_UPLOAD_BYTES:,} bytes"]
        )
    kind = file_format(name)
    problems: list[str] = []
    if kind == "CSV":
        rows = list(_csv_rows(data, name, problems))
    else:
        rows = list(_vector_rows(data, name, kind))
    features = list(_features(rows, problems))
    if not features:
        raise DataError([f"{name}: no feature could be drawn", *screenful(problems)])
    digest = hashlib.sha256(data).hexdigest()[:12]
    title = name.rsplit(".", 1)[0][:MAX_TITLE_CHARS] or name
    return UserLayer(
        id=f"user-{digest}",
        title=title,
        file_format=kind,
        features=tuple(features),
        problems=tuple(problems),
    )


# --- reading -------------------------------------------------------------------------

# One row as read: its 1-based number, its attributes and its geometry (EPSG:4326, or
# None when missing or unusable; the str then says why).
_Row = tuple[int, dict[str, Any], BaseGeometry | str]


def _vector_rows(data: bytes, name: str, kind: str) -> Iterator[_Row]:
    if kind == "KML":  # UTF-8 only, so the check below cannot be dodged by the encoding
        text = io.decode_text(data, name, max_bytes=MAX_UPLOAD_BYTES).lower()
        if "<!doctype" in text or "<!entity" in text:
            raise DataError([f"{name}: a KML file with a DOCTYPE is refused (no entities)"])
    frames = io.read_vector_bytes(data, name)
    row = 0
    for layer_name, frame in frames.items():
        where = f"{name}, layer {_short(layer_name)}" if len(frames) > 1 else name
        frame = _to_wgs84(frame, where, assume_wgs84=kind != "GeoPackage")
        columns = [c for c in frame.columns if c != frame.geometry.name]
        for values, geometry in zip(
            frame[columns].itertuples(index=False, name=None), frame.geometry, strict=True
        ):
            row += 1
            attrs = dict(zip(columns, values, strict=True))
            yield row, attrs, geometry if geometry is not None else "no geometry"


def _to_wgs84(frame: gpd.GeoDataFrame, where: str, *, assume_wgs84: bool) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if not assume_wgs84:
            raise DataError([f"{where}: has no coordinate reference system (CRS); set one"])
        return frame.set_crs(settings.CRS)
    if frame.crs.equals(settings.CRS):
        return frame
    try:
        return frame.to_crs(settings.CRS)
    except Exception as exc:  # pyproj raises several types for an unusable CRS
        raise DataError([f"{where}: its CRS cannot be converted to WGS 84 ({exc})"]) from exc


def _csv_rows(data: bytes, name: str, problems: list[str]) -> Iterator[_Row]:
    text = io.decode_text(data, name, max_bytes=MAX_UPLOAD_BYTES).removeprefix("\ufeff")
    reader = csv.reader(_stdio.StringIO(text, newline=""))
    header = [clean_text(h).strip() for h in next(reader, [])]
    lower = [h.lower() for h in header]
    lat = next((lower.index(c) for c in LAT_COLUMNS if c in lower), None)
    lon = next((lower.index(c) for c in LON_COLUMNS if c in lower), None)
    if lat is None or lon is None:
        found = ", ".join(repr(_short(h)) for h in header[:12]) or "none"
        raise DataError(
            [
                f"{name}: needs a latitude and a longitude column (e.g. 'lat' and 'lon'; "
                f"columns found: {found})"
            ]
        )
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        attrs = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header)}
        if len(cells) > len(header):
            problems.append(f"row {number}: {len(cells) - len(header)} cells beyond the header")
        yield number, attrs, _csv_point(cells, lat, lon, header)


def _csv_point(cells: list[str], lat: int, lon: int, header: list[str]) -> BaseGeometry | str:
    values = []
    for index in (lat, lon):
        raw = cells[index].strip() if index < len(cells) else ""
        try:
            values.append(float(raw))
        except ValueError:
            return f"{header[index]}: {_quote(raw)} is not a number"
    return Point(values[1], values[0])


# --- checking ------------------------------------------------------------------------


def _features(rows: Iterable[_Row], problems: list[str]) -> Iterator[UserFeature]:
    kept = 0
    left_out = 0
    for number, attrs, geometry in rows:
        if kept >= MAX_USER_FEATURES:
            left_out += 1
            continue
        feature = _feature(number, attrs, geometry, problems)
        if feature is not None:
            kept += 1
            yield feature
    if left_out:
        problems.append(f"{left_out:,} rows after the first {MAX_USER_FEATURES:,} left out")


def _feature(
    number: int, attrs: Mapping[str, Any], geometry: BaseGeometry | str, problems: list[str]
) -> UserFeature | None:
    where = f"row {number}"
    if isinstance(geometry, str):
        problems.append(f"{where}: {geometry}; row left out")
        return None
    shape, note = _checked_geometry(geometry)
    if shape is None:
        problems.append(f"{where}, geometry: {note}; row left out")
        return None
    if note:
        problems.append(f"{where}, geometry: {note}")
    keys = {str(k).lower(): k for k in attrs}
    date_key = _first_filled(attrs, keys, DATE_COLUMNS)
    day: dt.date | None = None
    precision: str | None = None
    if date_key is not None:
        try:
            day, precision = parse_partial_date(attrs[date_key])
        except ValueError as exc:
            problems.append(f"{where}, {_short(str(date_key))}: {exc}; row left out")
            return None
        if precision in ("year", "month"):
            assert day is not None
            problems.append(
                f"{where}, {_short(str(date_key))}: {precision} only; shown from {format_date(day)}"
            )
        if day is not None and not settings.FIRST_DATE <= day <= settings.LAST_DATE:
            problems.append(
                f"{where}, {_short(str(date_key))}: {day.isoformat()} is outside the map's "
                f"dates ({settings.FIRST_DATE.isoformat()} to {settings.LAST_DATE.isoformat()})"
            )
    name_key = _first_filled(attrs, keys, NAME_COLUMNS)
    name = _text(attrs[name_key]) if name_key is not None else ""
    details: list[tuple[str, str]] = []
    skip = {name_key, date_key}
    skip |= {keys[c] for c in (*LAT_COLUMNS, *LON_COLUMNS, *_HIDDEN_COLUMNS) if c in keys}
    for key, value in attrs.items():
        text = _text(value)
        if key in skip or not text or len(details) >= MAX_DETAIL_FIELDS:
            continue
        details.append((_text(key)[:MAX_TITLE_CHARS], text))
    return UserFeature(
        row=number,
        name=name or f"Feature {number}",
        details=tuple(details),
        date=day,
        precision=precision,
        geometry=shape,
    )


def _first_filled(
    attrs: Mapping[str, Any], keys: Mapping[str, str], wanted: tuple[str, ...]
) -> str | None:
    """The first column of ``wanted`` (lower-case names) with a value in this row, else the
    first present (a GeoJSON file's features may each use another of them)."""
    present = [keys[c] for c in wanted if c in keys]
    return next((k for k in present if _text(attrs[k])), present[0] if present else None)


def _checked_geometry(geometry: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """The geometry made 2-D and valid, with a note; ``None`` and the reason if unusable."""
    if geometry.is_empty:
        return None, "empty geometry"
    shape = shapely.force_2d(geometry)
    coords = shapely.get_coordinates(shape)
    if not all(math.isfinite(v) for v in coords.ravel()):
        return None, "coordinates that are not numbers"
    min_x, min_y, max_x, max_y = shape.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        return None, (
            f"coordinates {_bounds(shape.bounds)} are not longitude/latitude degrees "
            "(is the file in another CRS without saying so?)"
        )
    note = ""
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        shape = _keep_highest_dimension(shapely.make_valid(shape))
        if shape is None or shape.is_empty:
            return None, f"invalid ({reason}) and cannot be repaired"
        note = f"invalid ({reason}); repaired"
    if shape.geom_type.removeprefix("Multi") not in _KEPT_TYPES:
        parts = _keep_highest_dimension(shape)
        if parts is None:
            return None, f"unsupported geometry type {shape.geom_type}"
        shape = parts
    return shape, note


def _keep_highest_dimension(shape: BaseGeometry) -> BaseGeometry | None:
    """``shape`` if simple; for a collection, the union of its parts of the highest
    dimension (a repaired bow-tie polygon can come back with stray lines)."""
    if shape.geom_type != "GeometryCollection":
        return shape
    parts = [p for p in getattr(shape, "geoms", ()) if not p.is_empty]
    if not parts:
        return None
    top = max(shapely.get_dimensions(p) for p in parts)
    kept = [p for p in parts if shapely.get_dimensions(p) == top]
    return shapely.union_all(kept)


def parse_partial_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A date and its precision from ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a typed date.

    Blank gives ``(None, None)``; anything else raises :class:`ValueError` quoting it.

    >>> parse_partial_date("2020-10")
    (datetime.date(2020, 10, 1), 'month')
    >>> parse_partial_date("1994")
    (datetime.date(1994, 1, 1), 'year')
    """
    import pandas as pd  # here: the app and the command line import this module

    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None, None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    raw = clean_text(str(value)).strip()
    if not raw:
        return None, None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][0-9:.]+(Z|[+-][0-9:]+)?", raw):
        raw = raw[:10]  # a timestamp: its day
    match = _PARTIAL_DATE.match(raw)
    if match is None:
        raise ValueError(f"{_quote(raw)} is not a date YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        parsed = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{_quote(raw)} is not a real date ({exc})") from exc
    return parsed, "day" if day else "month" if month else "year"


def _text(value: Any) -> str:
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    text = " ".join(clean_text(str(value)).split())  # one line: no Markdown blocks
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


def _short(text: str) -> str:
    return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1] + "…"


def _quote(text: str) -> str:
    return repr(_short(text))


def _bounds(bounds: tuple[float, float, float, float]) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in bounds) + ")"
