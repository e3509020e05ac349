"""A GeoPackage read as data: SQLite from memory, real tables only, bounded.

The bytes are loaded into an in-memory SQLite database (``deserialize``: no file, no
path, nothing ATTACHed; ``query_only``, ``trusted_schema`` off, no extension loading).
An authorizer lets statements read only ``sqlite_master``, GeoPackage's own tables and
the feature tables found valid, never through a view or a trigger, and call no function
but ``count``; a progress handler stops any statement that runs longer than
:data:`~geo.upload.limits.SQL_SECONDS`. A layer is read only if ``gpkg_contents``
lists it with ``data_type = 'features'`` and it is a plain table (not a view, not a
virtual table, no computed columns); other entries are ignored with a note. Rows are
counted first and geometries are checked and counted (:mod:`geo.upload.wkb`) before
GEOS builds them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import shapely

from geo.errors import DataError
from geo.upload.crs import epsg_of_name, to_wgs84
from geo.upload.limits import Limits
from geo.upload.rows import Budget, Problems, Row, short
from geo.upload.wkb import BlobError, blob_wkb, count_vertices

#: GeoPackage's own tables read here.
_META = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys")
#: Most entries in the schema, and in gpkg_contents.
_MAX_SCHEMA_ENTRIES = 10_000
_MAX_LAYERS = 100
#: Rows fetched at once.
_BATCH = 500


@dataclass(frozen=True)
class _Layer:
    table: str
    column: str
    srs_id: int


class _Guard:
    """The authorizer and progress handler of one connection."""

    def __init__(self, seconds: float) -> None:
        self.readable: set[str] = {"sqlite_master", "sqlite_schema", *_META}
        self.seconds = seconds
        self.spent = 0.0  # time inside SQLite for the current statement
        self.entered = time.monotonic()

    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
    ) -> int:
        if source is not None:  # inside a view or trigger: never
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_SELECT:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and db in ("main", None) and arg1 in self.readable:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and arg2 == "count":
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and arg1 == "table_xinfo":
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    def progress(self) -> int:
        """Non-zero (stop the statement) once it has run :attr:`seconds` in SQLite."""
        return int(self.spent + time.monotonic() - self.entered > self.seconds)

    def fetch(self, cursor: sqlite3.Cursor, size: int) -> list[Any]:
        self.entered = time.monotonic()
        try:
            return cursor.fetchmany(size)
        finally:
            self.spent += time.monotonic() - self.entered

    def execute(self, db: sqlite3.Connection, sql: str, *args: Any) -> sqlite3.Cursor:
        self.spent = 0.0
        self.entered = time.monotonic()
        try:
            return db.execute(sql, args)
        finally:
            self.spent += time.monotonic() - self.entered

    def rows(self, db: sqlite3.Connection, sql: str, *args: Any, limit: int) -> list[Any]:
        """All rows of a statement, refused beyond ``limit`` rows."""
        rows = self.fetch(self.execute(db, sql, *args), limit + 1)
        if len(rows) > limit:
            raise sqlite3.DatabaseError(f"more than {limit:,} entries in a table of contents")
        return rows


def _connect(data: bytes, limits: Limits) -> tuple[sqlite3.Connection, _Guard]:
    image = bytearray(data)
    if image[18:20] == b"\x02\x02":  # WAL mode: read as a rollback-journal database
        image[18:20] = b"\x01\x01"
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")
    db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(limits.max_bytes, 1_000_000))
    db.setlimit(sqlite3.SQLITE_LIMIT_WORKER_THREADS, 0)
    db.deserialize(bytes(image))
    db.execute("PRAGMA trusted_schema = OFF")
    db.execute("PRAGMA query_only = ON")
    guard = _Guard(limits.sql_seconds)
    db.set_authorizer(guard.authorize)
    db.set_progress_handler(guard.progress, 1000)
    return db, guard


def geopackage_rows(data: bytes, name: str, budget: Budget, problems: Problems) -> Iterator[Row]:
    """The rows of every feature table of a GeoPackage, in ``gpkg_contents`` order,
    numbered on across tables, geometries in EPSG:4326; :class:`DataError` if the file
    cannot be read, has no feature table or a table without a usable CRS."""
    try:
        db, guard = _connect(data, budget.limits)
        with closing(db):
            layers, epsg = _layers(db, guard, name, problems)
            yield from _all_rows(db, guard, name, layers, epsg, budget)
    except sqlite3.Error as exc:
        reason = " ".join(str(exc).split())[:200]
        if "interrupted" in reason:
            reason = f"a query on it ran longer than {budget.limits.sql_seconds:g} s"
        raise DataError([f"{name}: cannot be read as a GeoPackage ({reason})"]) from exc


def _layers(
    db: sqlite3.Connection, guard: _Guard, name: str, problems: Problems
) -> tuple[list[_Layer], dict[int, int | None]]:
    schema: dict[str, tuple[str, str]] = {}
    rows = guard.rows(db, "SELECT name, type, sql FROM sqlite_master", limit=_MAX_SCHEMA_ENTRIES)
    for entry_name, kind, sql in rows:
        schema[str(entry_name)] = (str(kind), str(sql or ""))
    for table in _META:
        if _table_problem(schema, table) is not None:
            raise DataError(
                [f"{name}: cannot be read as a GeoPackage: {table} is missing or not a table"]
            )
    contents = guard.rows(
        db, "SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid", limit=_MAX_LAYERS
    )
    columns = {
        str(t): (str(c), int(s or 0))
        for t, c, s in guard.rows(
            db,
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns",
            limit=_MAX_LAYERS,
        )
    }
    layers = []
    for table, data_type in contents:
        table = str(table)
        problem = _table_problem(schema, table)
        if data_type != "features":
            problems.add(f"table {short(table)!r} holds no features ({data_type}); ignored")
        elif problem is not None:
            problems.add(f"layer {short(table)!r} {problem}; ignored (only tables are read)")
        elif table not in columns:
            problems.add(f"layer {short(table)!r} has no geometry column listed; ignored")
        elif _computed_columns(db, guard, table):
            problems.add(f"layer {short(table)!r} has computed columns; ignored")
        else:
            layers.append(_Layer(table, columns[table][0], columns[table][1]))
            guard.readable.add(table)
    if not layers:
        found = "; ".join(problems.listed[-3:]) or "gpkg_contents lists none"
        raise DataError([f"{name}: no feature table to read ({found})"])
    return layers, _srs(db, guard)


def _table_problem(schema: dict[str, tuple[str, str]], table: str) -> str | None:
    """Why ``table`` cannot be read as a plain table (``None`` if it can)."""
    kind, sql = schema.get(table, ("missing", ""))
    if kind == "view":
        return "is an SQL view"
    if kind != "table":
        return "is not in the file" if kind == "missing" else f"is a {kind}"
    if sql.lstrip().upper().startswith("CREATE VIRTUAL"):
        return "is a virtual table"
    return None


def _computed_columns(db: sqlite3.Connection, guard: _Guard, table: str) -> bool:
    info = guard.rows(db, f"PRAGMA table_xinfo({_quoted(table)})", limit=2000)
    return any(row[-1] not in (0, None) for row in info)  # hidden: 2, 3 = generated


def _srs(db: sqlite3.Connection, guard: _Guard) -> dict[int, int | None]:
    """EPSG code by srs_id (``None``: undefined, or not an EPSG code)."""
    codes: dict[int, int | None] = {}
    sql = "SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys"
    for srs_id, organization, code in guard.rows(db, sql, limit=_MAX_SCHEMA_ENTRIES):
        epsg = epsg_of_name(f"{organization}:{code}") if srs_id not in (0, -1) else None
        codes[int(srs_id)] = epsg
    return codes


def _all_rows(
    db: sqlite3.Connection,
    guard: _Guard,
    name: str,
    layers: list[_Layer],
    epsg: dict[int, int | None],
    budget: Budget,
) -> Iterator[Row]:
    number = 0
    for layer in layers:
        where = name if len(layers) == 1 else f"{name}, layer {short(layer.table)}"
        code = epsg.get(layer.srs_id)
        if code is None:
            raise DataError(
                [
                    f"{where}: has no coordinate reference system (CRS) given as an EPSG "
                    "code; set one"
                ]
            )
        table = _quoted(layer.table)  # a checked table's name, quoted
        count = f"SELECT count(*) FROM {table}"  # noqa: S608
        total = int(guard.rows(db, count, limit=1)[0][0])  # rows are counted first
        if budget.full():
            budget.left_out += total
            continue
        cursor = guard.execute(db, f"SELECT * FROM {table}")  # noqa: S608
        names = [str(d[0]) for d in cursor.description]
        geometry_index = next((i for i, n in enumerate(names) if n == layer.column), None)
        read = 0
        while not budget.full() and (batch := guard.fetch(cursor, _BATCH)):
            for values in batch:
                if budget.full():
                    break
                number += 1
                read += 1
                attrs = {n: v for i, (n, v) in enumerate(zip(names, values, strict=True))
                         if i != geometry_index}  # fmt: skip
                blob = values[geometry_index] if geometry_index is not None else None
                yield number, attrs, _geometry(number, blob, code, budget)
        cursor.close()
        budget.left_out += max(0, total - read)  # the rest is counted, not read
        number += max(0, total - read)


def _geometry(number: int, blob: Any, epsg: int, budget: Budget) -> Any:
    if blob is None:
        return "no geometry"
    if not isinstance(blob, bytes):
        return "the geometry column holds no geometry blob"
    try:
        wkb = blob_wkb(blob)
        if wkb is None:
            return "empty geometry"
        count = count_vertices(wkb, limit=budget.limits.feature_vertices)
    except BlobError as exc:
        if str(exc).startswith("more than"):
            return f"{exc} in one feature, over the limit (simplify it)"
        return f"geometry: {exc}"
    refused = budget.vertices(number, count)
    if refused is not None:
        return refused
    try:
        return to_wgs84(shapely.from_wkb(wkb), epsg)
    except (shapely.errors.GEOSException, ValueError) as exc:
        return f"geometry cannot be built ({exc})"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
