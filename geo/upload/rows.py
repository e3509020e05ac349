"""From rows read out of a user's file to checked features, with bounded work.

A reader yields :data:`Row` values: the row's 1-based number, its attributes and its
geometry (EPSG:4326; or a string saying why there is none). Before it builds a geometry
it asks the :class:`Budget` whether the vertices fit (the file's and the feature's
limits); :func:`checked_features` then turns rows into plain features (JSON-ready
mappings, geometry as WKB), repairing invalid geometries only within the repair limit.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.dates import format_date
from geo.text import clean_text
from geo.upload.limits import Limits

#: Longest text kept from one field (name, description or other column), in characters.
MAX_TEXT_CHARS = 300
#: Longest layer title or column name, in characters.
MAX_TITLE_CHARS = 60
#: Most extra text columns shown per feature.
MAX_DETAIL_FIELDS = 8

LAT_COLUMNS = ("latitude", "lat", "y")
LON_COLUMNS = ("longitude", "lon", "lng", "long", "x")
DATE_COLUMNS = ("date", "day", "when", "start", "begin", "timestamp")
NAME_COLUMNS = ("name", "title", "label")
DESCRIPTION_COLUMNS = ("description", "desc", "notes", "note")
#: Columns never shown as details (GIS housekeeping; KML styling fields).
HIDDEN_COLUMNS: tuple[str, ...] = ("fid", "ogc_fid", "id", "geometry", "tessellate", "extrude")
HIDDEN_COLUMNS += ("visibility", "altitudemode", "draworder", "icon", "snippet", "end")

#: Longest text cleaned before it is cut (bounds the work on a 10 MB cell).
_CLEANED_CHARS = 16 * MAX_TEXT_CHARS
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_KEPT_TYPES = ("Point", "LineString", "Polygon")

#: One row as read: its number, its attributes and its geometry (EPSG:4326) or the
#: reason it has none.
Row = tuple[int, dict[str, Any], BaseGeometry | str]
#: Called with the row number and its vertex count before a repair (the worker reports
#: it, so a read stopped at the time limit can say where it was).
Progress = Callable[[int, int], None]


class Problems:
    """The problems of one file, in order; beyond ``limit`` they are only counted."""

    def __init__(self, limit: int) -> None:
        self.listed: list[str] = []
        self.more = 0
        self._limit = limit

    def add(self, problem: str) -> None:
        if len(self.listed) < self._limit:
            self.listed.append(problem)
        else:
            self.more += 1

    def all(self) -> list[str]:
        """The listed problems, then ``... and N more problems`` if any were only counted."""
        return [*self.listed, f"... and {self.more:,} more problems"] if self.more else self.listed


class Budget:
    """What a file may still cost: vertices (file and feature limits) and features.

    Readers call :meth:`vertices` before building a geometry and :meth:`full` to stop
    reading rows once enough features are kept; :func:`checked_features` counts kept
    features and the rows left out.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.vertices_left = limits.file_vertices
        self.kept = 0
        self.examined = 0
        self.left_out = 0
        self.stopped_at: int | None = None

    def full(self) -> bool:
        """Whether the feature or row limit is reached or the vertex budget spent."""
        limits = self.limits
        return (
            self.kept >= limits.features
            or self.examined >= limits.rows
            or self.stopped_at is not None
        )

    def vertices(self, row: int, count: int) -> str | None:
        """Take ``count`` vertices for ``row``; the reason the row is left out if they do
        not fit (the file's budget, once exceeded, leaves out every later row too)."""
        if count > self.limits.feature_vertices:
            return (
                f"{count:,} vertices, over the limit of {self.limits.feature_vertices:,} "
                "a feature (simplify it)"
            )
        if count > self.vertices_left:
            self.stopped_at = row
            return (
                f"the file's geometries hold more than {self.limits.file_vertices:,} "
                "vertices, the limit (simplify them)"
            )
        self.vertices_left -= count
        return None


def checked_features(
    rows: Iterable[Row], budget: Budget, problems: Problems, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """The plain features of ``rows`` (see :func:`plain_feature`), at most the budget's
    feature limit; rows left out are listed in ``problems`` (by row and field)."""
    features: list[dict[str, Any]] = []
    for number, attrs, geometry in rows:
        if budget.full():
            budget.left_out += 1
            continue
        budget.examined += 1
        feature = _feature(number, attrs, geometry, budget, problems, progress)
        if feature is not None:
            budget.kept += 1
            features.append(feature)
    if budget.stopped_at is not None:
        problems.add(
            f"rows from {budget.stopped_at:,} on left out: the file's geometries hold more "
            f"than {budget.limits.file_vertices:,} vertices, the limit"
        )
    elif budget.left_out and budget.examined >= budget.limits.rows:
        problems.add(
            f"{budget.left_out:,} rows after row {budget.limits.rows:,} left out (at most "
            f"{budget.limits.rows:,} rows are read)"
        )
    elif budget.left_out:
        problems.add(f"{budget.left_out:,} rows after the first {budget.kept:,} left out")
    return features


def _feature(
    number: int,
    attrs: Mapping[str, Any],
    geometry: BaseGeometry | str,
    budget: Budget,
    problems: Problems,
    progress: Progress | None,
) -> dict[str, Any] | None:
    where = f"row {number}"
    if isinstance(geometry, str):
        if budget.stopped_at != number:  # the file's vertex limit is reported once
            problems.add(f"{where}: {geometry}; row left out")
        return None
    shape, note = checked_geometry(geometry, budget.limits.repair_vertices, number, progress)
    if shape is None:
        problems.add(f"{where}, geometry: {note}; row left out")
        return None
    if note:
        problems.add(f"{where}, geometry: {note}")
    keys = {str(k).lower(): k for k in attrs}
    date_key = _first_filled(attrs, keys, DATE_COLUMNS)
    day: dt.date | None = None
    precision: str | None = None
    if date_key is not None:
        try:
            day, precision = parse_partial_date(attrs[date_key])
        except ValueError as exc:
            problems.add(f"{where}, {short(str(date_key))}: {exc}; row left out")
            return None
        if precision in ("year", "month"):
            assert day is not None
            problems.add(
                f"{where}, {short(str(date_key))}: {precision} only; shown from {format_date(day)}"
            )
    name_key = _first_filled(attrs, keys, NAME_COLUMNS)
    name = text_of(attrs[name_key]) if name_key is not None else ""
    details: list[list[str]] = []
    skip = {name_key, date_key}
    skip |= {keys[c] for c in (*LAT_COLUMNS, *LON_COLUMNS, *HIDDEN_COLUMNS) if c in keys}
    for key, value in attrs.items():
        if key in skip or len(details) >= MAX_DETAIL_FIELDS:
            continue
        text = text_of(value)
        if text:
            details.append([text_of(key)[:MAX_TITLE_CHARS], text])
    return {
        "row": number,
        "name": name or f"Feature {number}",
        "named": bool(name),
        "details": details,
        "date": day.isoformat() if day is not None else None,
        "precision": precision,
        "date_field": short(str(date_key)) if day is not None else None,
        "wkb": base64.b64encode(shapely.to_wkb(shape)).decode("ascii"),
    }


def _first_filled(
    attrs: Mapping[str, Any], keys: Mapping[str, str], wanted: tuple[str, ...]
) -> str | None:
    """The first column of ``wanted`` (lower-case names) with a value in this row, else the
    first present (a GeoJSON file's features may each use another of them)."""
    present = [keys[c] for c in wanted if c in keys]
    return next((k for k in present if text_of(attrs[k])), present[0] if present else None)


def checked_geometry(
    geometry: BaseGeometry,
    repair_vertices: int,
    row: int = 0,
    progress: Progress | None = None,
) -> tuple[BaseGeometry | None, str]:
    """The geometry made 2-D and valid, with a note; ``None`` and the reason if unusable
    (an invalid geometry of more than ``repair_vertices`` vertices is not repaired)."""
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
        if len(coords) > repair_vertices:
            return None, (
                f"invalid ({reason}) and too large to repair here ({len(coords):,} vertices; "
                f"at most {repair_vertices:,})"
            )
        if progress is not None:
            progress(row, len(coords))
        try:
            shape = keep_highest_dimension(shapely.make_valid(shape))
        except shapely.errors.GEOSException as exc:  # std::bad_alloc at the memory limit
            return None, f"invalid ({reason}) and cannot be repaired here ({exc})"
        if shape is None or shape.is_empty:
            return None, f"invalid ({reason}) and cannot be repaired"
        note = f"invalid ({reason}); repaired"
    if shape.geom_type.removeprefix("Multi") not in _KEPT_TYPES:
        parts = keep_highest_dimension(shape)
        if parts is None:
            return None, f"unsupported geometry type {shape.geom_type}"
        shape = parts
    return shape, note


def keep_highest_dimension(shape: BaseGeometry) -> BaseGeometry | None:
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
    if _missing(value):
        return None, None
    if isinstance(value, dt.datetime):  # pandas' Timestamp is one too
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
        raise ValueError(f"{quote(raw)} is not a date YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        parsed = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{quote(raw)} is not a real date ({exc})") from exc
    return parsed, "day" if day else "month" if month else "year"


def _missing(value: Any) -> bool:
    """None, NaN, or pandas' NaT (pandas is only looked at if something imported it:
    the worker never does)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pandas = sys.modules.get("pandas")
    return pandas is not None and value is pandas.NaT


def text_of(value: Any) -> str:
    """A value as one line of cleaned text, cut to :data:`MAX_TEXT_CHARS` characters."""
    if _missing(value):
        return ""
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    text = " ".join(clean_text(str(value)[:_CLEANED_CHARS]).split())  # one line
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


def short(text: str) -> str:
    """``text`` cut to :data:`MAX_TITLE_CHARS` characters."""
    return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1] + "…"


def quote(text: str) -> str:
    """``repr`` of :func:`short` of ``text``."""
    return repr(short(text))


def _bounds(bounds: tuple[float, float, float, float]) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in bounds) + ")"
