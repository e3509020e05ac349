"""The user's own layers: an uploaded file read, checked and held as typed records.

An analyst brings events and areas as GeoJSON, GeoPackage, KML or CSV. The file's bytes
(never a path: the app receives bytes, the CLI reads them through :mod:`geo.io`) become
one :class:`UserLayer`, held by the caller (the app's session) and never written to
``data/``.

How it is read (:mod:`geo.upload`)
----------------------------------
A user's file is data in a format we decide. Its kind comes from its bytes and must
agree with its name (:mod:`geo.upload.sniff`); anything else (an OGR VRT, GML, a ZIP, a
KML with a DOCTYPE, ...) is refused in one line. The file never reaches GDAL: our own
readers parse it in a worker process bounded in time and memory
(:mod:`geo.upload.worker`), counting rows and vertices before building geometries.

What is read
------------
* GeoJSON: EPSG:4326 unless the file names another CRS as an EPSG code (legacy ``crs``
  member).
* GeoPackage: every feature table listed in ``gpkg_contents`` (not views), each converted
  from its own CRS (an EPSG code); a layer without one is refused, non-spatial tables
  are ignored with a note.
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
coordinates, a bad date, too many vertices) is left out and listed; a geometry that can
be repaired is repaired (:func:`shapely.make_valid`) and listed. A file that cannot be
read at all raises :class:`geo.errors.DataError`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.dates import DaySpan, format_date
from geo.errors import DataError
from geo.text import clean_text
from geo.upload import sniff, worker
from geo.upload.limits import MAX_UPLOAD_BYTES, MAX_USER_FEATURES, Limits
from geo.upload.rows import (
    DATE_COLUMNS,
    DESCRIPTION_COLUMNS,
    LAT_COLUMNS,
    LON_COLUMNS,
    MAX_DETAIL_FIELDS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    NAME_COLUMNS,
    parse_partial_date,
    short,
)

__all__ = [
    "DATE_COLUMNS",
    "DESCRIPTION_COLUMNS",
    "FORMATS",
    "LAT_COLUMNS",
    "LON_COLUMNS",
    "MAX_DETAIL_FIELDS",
    "MAX_PROBLEMS_LISTED",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_UPLOAD_BYTES",
    "MAX_USER_FEATURES",
    "NAME_COLUMNS",
    "NAME_FIELD",
    "UserFeature",
    "UserLayer",
    "file_format",
    "parse_partial_date",
    "read_user_layer",
    "screenful",
]

#: The label field that stands for a feature's name (:meth:`UserLayer.label_of`).
NAME_FIELD = "(name)"
#: Most problems listed for a person ("a screenful"); then "... and N more".
MAX_PROBLEMS_LISTED = 20

#: File formats by file-name extension.
FORMATS: dict[str, str] = {
    "geojson": sniff.GEOJSON,
    "json": sniff.GEOJSON,
    "gpkg": sniff.GEOPACKAGE,
    "kml": sniff.KML,
    "csv": sniff.CSV,
}


@dataclass(frozen=True, kw_only=True)
class UserFeature:
    """One feature of a user layer. ``geometry`` is EPSG:4326, 2-D and valid.

    ``date`` is the first day the feature is shown (``None``: always shown) and
    ``precision`` how much of it the file gave: ``'year'``, ``'month'`` or ``'day'``.
    ``named`` is False when the file gave no name (``name`` is then "Feature N").
    """

    row: int
    name: str
    details: tuple[tuple[str, str], ...]
    date: dt.date | None
    precision: str | None
    geometry: BaseGeometry
    named: bool = True

    def describe_date(self) -> str:
        """The date as a person reads it ('October 2020'), or '' when undated."""
        if self.date is None or self.precision is None:
            return ""
        return format_date(self.date, self.precision)


@dataclass(frozen=True, kw_only=True)
class UserLayer:
    """The features of one uploaded file and the problems found reading it.

    ``id`` is ``user-`` and a digest of the bytes (the same file gives the same id);
    ``title`` the cleaned file name (or the name the user gave it); ``problems`` every
    problem, plain text. ``colour`` is the colour the user chose (an index of the user
    palette, ``layers.styles.USER_COLOURS``; ``None``: by upload order) and
    ``label_field`` the field that labels its features on maps and in exports
    (:data:`NAME_FIELD` for the name, a detail field's name, ``None``: no labels).
    """

    id: str
    title: str
    file_format: str
    features: tuple[UserFeature, ...]
    problems: tuple[str, ...]
    colour: int | None = None
    label_field: str | None = None

    def fields(self) -> tuple[str, ...]:
        """The fields a label can come from: :data:`NAME_FIELD`, then the detail fields
        of the features, in order of first appearance."""
        found = dict.fromkeys(name for f in self.features for name, _ in f.details)
        return (NAME_FIELD, *found)

    def label_of(self, feature: UserFeature) -> str:
        """The label of ``feature`` by :attr:`label_field` (its name when the field is
        empty for it); "" without a label field."""
        if self.label_field is None:
            return ""
        if self.label_field == NAME_FIELD:
            return feature.name
        value = dict(feature.details).get(self.label_field, "")
        return value or feature.name

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
        raise DataError([f"{short(filename)}: not a file type read here (use {known})"])
    return FORMATS[suffix]


def read_user_layer(
    data: bytes,
    filename: str,
    *,
    limits: Limits | None = None,
    report: Callable[[worker.Outcome], None] | None = None,
    span: DaySpan | None = None,
) -> UserLayer:
    """Read an uploaded file's bytes as a :class:`UserLayer` (EPSG:4326).

    Raises :class:`DataError` for a file over :data:`MAX_UPLOAD_BYTES` (before any
    parsing), of an unknown type, whose bytes are not what its name says, unreadable,
    without a usable CRS, stopped at a limit of ``limits`` (default: those of
    :mod:`geo.upload.limits`, with :data:`MAX_USER_FEATURES`), or with no feature that
    can be drawn (the error then lists the rows' problems). ``report``, if given, is
    called with the worker's :class:`~geo.upload.worker.Outcome` (time, memory). A
    feature dated outside ``span`` (the data's, :attr:`geo.dataset.Dataset.span`) is kept
    and noted among the problems.
    """
    name = short(clean_text(filename)) or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(
            [f"{name}: {len(data):,} bytes is over the limit of {MAX_UPLOAD_BYTES:,} bytes"]
        )
    kind = sniff.checked_kind(data, name, file_format(name))  # refused here, unparsed
    try:
        outcome = worker.run_worker(data, name, kind, limits or Limits(features=MAX_USER_FEATURES))
    except OSError as exc:  # no process or memory file could be made: the server is full
        raise DataError([f"{name}: cannot be read now ({exc.strerror or exc}); try again"]) from exc
    if report is not None:
        report(outcome)
    result = outcome.result
    if not result.get("ok"):
        raise DataError([str(p) for p in result.get("problems", ())] or [f"{name}: cannot be read"])
    try:
        features = tuple(_feature(plain) for plain in result["features"])
        problems = tuple(str(p) for p in result["problems"])
        problems += _outside(result["features"], span)
    except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise DataError([f"{name}: cannot be read (the reader's result is malformed)"]) from exc
    if not features:
        raise DataError([f"{name}: no feature could be drawn", *screenful(problems)])
    digest = hashlib.sha256(data).hexdigest()[:12]
    title = name.rsplit(".", 1)[0][:MAX_TITLE_CHARS] or name
    return UserLayer(
        id=f"user-{digest}",
        title=title,
        file_format=kind,
        features=features,
        problems=problems,
    )


def _outside(features: Iterable[Mapping[str, Any]], span: DaySpan | None) -> tuple[str, ...]:
    """A note for each feature (the worker's plain data) dated outside ``span``."""
    if span is None:
        return ()
    notes = []
    for plain in features:
        if plain["date"] is not None and not span.contains(dt.date.fromisoformat(plain["date"])):
            where = f"row {int(plain['row'])}, {plain.get('date_field') or 'date'}"
            notes.append(
                f"{where}: {plain['date']} is outside the map's dates ({span.describe()})"
            )
    return tuple(notes)


def _feature(plain: Mapping[str, Any]) -> UserFeature:
    """A feature from the worker's plain data (see :func:`geo.upload.read.read_plain`)."""
    date = plain["date"]
    precision = plain["precision"]
    geometry = shapely.from_wkb(base64.b64decode(plain["wkb"], validate=True))
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        raise ValueError("no geometry")
    return UserFeature(
        row=int(plain["row"]),
        name=str(plain["name"]),
        details=tuple((str(key), str(value)) for key, value in plain["details"]),
        date=dt.date.fromisoformat(date) if date is not None else None,
        precision=str(precision) if precision is not None else None,
        geometry=geometry,
        named=bool(plain.get("named", True)),
    )
