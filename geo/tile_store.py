"""Reading the user's own basemap tiles: the disk (and, for a URL the user configured, the
network) access of :mod:`geo.tiles`, kept apart from :mod:`geo.io` for its length.

A tile source is data in a format we chose, read with bounds:

- **MBTiles** (SQLite): the file must start with SQLite's header; it is opened
  read-only and immutable, with an authorizer that lets statements read only the
  ``metadata`` table and the tile tables, never through a view or a trigger, and call no
  function; only two statements, with parameters, are ever run. ``tiles`` may be a table
  or the usual deduplicating view over ``map`` and ``images``, whose tables are then read
  directly (the view's SQL never runs). At most :data:`MAX_METADATA_ROWS` metadata rows,
  each value cut to :data:`MAX_TEXT_CHARS` characters, HTML tags removed (an
  attribution is shown as text).
- **A folder** ``<z>/<x>/<y>.png`` (or ``.jpg``, ``.jpeg``, ``.webp``): the path is
  built from three integers; a file whose real path leaves the folder (a link) is not
  read.
- **A URL template** (paper exports only; the browser fetches the screen's tiles
  itself): http or https only, no redirect followed, :data:`URL_TIMEOUT_S` seconds and
  :data:`MAX_TILE_BYTES` bytes at most.

A tile is returned only if it is at most :data:`MAX_TILE_BYTES` bytes and its first bytes
say PNG, JPEG or WebP (:func:`geo.tiles.image_kind`); anything else is no tile.
"""

from __future__ import annotations

import html
import re
import sqlite3
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

from geo.errors import TileError
from geo.tiles import MAX_ZOOM, MIN_ZOOM, TileSource, image_kind, parse_setting

#: Largest tile read, in bytes (a 256 px PNG of a detailed map is 20-100 KB).
MAX_TILE_BYTES = 1024 * 1024
#: Most metadata rows read from an MBTiles file, and the longest value kept.
MAX_METADATA_ROWS = 200
MAX_TEXT_CHARS = 500
#: Seconds a tile request to a configured URL may take.
URL_TIMEOUT_S = 10.0
#: How this program names itself to a tile server the user configured.
USER_AGENT = "south-caucasus-briefing-map (user-configured basemap)"
#: Extensions a folder's tiles may have, tried in this order.
FOLDER_EXTENSIONS = ("png", "jpg", "jpeg", "webp")

_SQLITE_HEADER = b"SQLite format 3\x00"
_TAG = re.compile(r"<[^>]*>")


def open_source(setting: str, attribution: str | None = None) -> TileSource:
    """The tile source a setting names (:func:`geo.tiles.parse_setting`), its name, zoom
    range, bounds and attribution read from the MBTiles metadata where it has them;
    ``attribution`` given here wins. :class:`~geo.errors.TileError` if it cannot be used.
    """
    kind, location = parse_setting(setting)
    given = clean_text(attribution) if attribution else ""
    if kind == "url":
        return TileSource(kind, location, name="Your basemap (tile URL)", attribution=given)
    path = Path(location).expanduser()
    if kind == "folder":
        if not path.is_dir():
            raise TileError(f"basemap folder {location!r} does not exist (or is not a folder)")
        zooms = sorted(int(p.name) for p in path.iterdir() if p.is_dir() and p.name.isdigit())
        zooms = [z for z in zooms if MIN_ZOOM <= z <= MAX_ZOOM]
        if not zooms:
            raise TileError(f"basemap folder {location!r} has no <zoom>/<x>/<y> tiles")
        name = f"Your basemap ({path.name})"
        return TileSource(kind, str(path.resolve()), name, given, zooms[0], zooms[-1])
    metadata = _metadata(path)
    low, high = _zoom_range(path, metadata)
    return TileSource(
        kind,
        str(path.resolve()),
        name=metadata.get("name") or f"Your basemap ({path.name})",
        attribution=given or metadata.get("attribution", ""),
        min_zoom=low,
        max_zoom=high,
        bounds=_bounds(metadata.get("bounds")),
    )


def clean_text(text: str) -> str:
    """An attribution or name as plain text on one line: HTML tags removed, entities
    decoded, whitespace joined, at most :data:`MAX_TEXT_CHARS` characters.

    >>> clean_text('&copy; <a href="https://example.org">Example</a>  maps')
    '© Example maps'
    """
    plain = html.unescape(_TAG.sub("", text))
    return " ".join(plain.split())[:MAX_TEXT_CHARS]


def read_tile(source: TileSource, zoom: int, x: int, y: int) -> tuple[bytes, str] | None:
    """The bytes of a tile and their image kind (``png``, ``jpeg``, ``webp``), or
    ``None`` when the source has no such tile or it is not a bounded image."""
    if not (MIN_ZOOM <= zoom <= MAX_ZOOM and 0 <= x < 2**zoom and 0 <= y < 2**zoom):
        return None
    if source.kind == "mbtiles":
        data = _mbtiles_tile(Path(source.location), zoom, x, y)
    elif source.kind == "folder":
        data = _folder_tile(Path(source.location), zoom, x, y)
    else:
        data = _url_tile(source.location, zoom, x, y)
    if data is None or len(data) > MAX_TILE_BYTES:
        return None
    kind = image_kind(data)
    return (data, kind) if kind else None


# --- MBTiles --------------------------------------------------------------------------

_TILE_TABLES = ("tiles", "map", "images")


def _authorize(
    action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
) -> int:
    """Reads of ``sqlite_master``, ``metadata`` and the tile tables only; nothing from
    inside a view or trigger; no function."""
    if source is not None:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    readable = ("sqlite_master", "sqlite_schema", "metadata", *_TILE_TABLES)
    if action == sqlite3.SQLITE_READ and db in ("main", None) and arg1 in readable:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise TileError(f"basemap file {str(path)!r} does not exist")
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise TileError(f"basemap file {path.name!r} is not an MBTiles (SQLite) file")
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")
    db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_TILE_BYTES + 1)
    db.execute("PRAGMA trusted_schema = OFF")
    db.execute("PRAGMA query_only = ON")
    db.set_authorizer(_authorize)
    return db


def _kinds(db: sqlite3.Connection) -> dict[str, str]:
    """Type (``table``, ``view``) of each schema object named like a tile table."""
    rows = db.execute(
        "SELECT name, type FROM sqlite_master WHERE name IN (?, ?, ?, ?)",
        ("metadata", *_TILE_TABLES),
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def _tile_query(kinds: dict[str, str]) -> str | None:
    """The statement reading one tile: ``tiles`` when it is a table, ``map`` joined to
    ``images`` when ``tiles`` is the usual view over them (never the view itself)."""
    if kinds.get("tiles") == "table":
        return (
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
            "AND tile_row = ?"
        )
    if kinds.get("map") == "table" and kinds.get("images") == "table":
        return (
            "SELECT images.tile_data FROM map JOIN images ON images.tile_id = map.tile_id "
            "WHERE map.zoom_level = ? AND map.tile_column = ? AND map.tile_row = ?"
        )
    return None


def _metadata(path: Path) -> dict[str, str]:
    try:
        with closing(_connect(path)) as db:
            kinds = _kinds(db)
            if _tile_query(kinds) is None:
                raise TileError(
                    f"basemap file {path.name!r} has no tiles table (nor map and images tables)"
                )
            if kinds.get("metadata") != "table":
                return {}
            rows = db.execute("SELECT name, value FROM metadata").fetchmany(MAX_METADATA_ROWS)
    except sqlite3.DatabaseError as exc:
        raise TileError(f"basemap file {path.name!r} cannot be read as MBTiles ({exc})") from exc
    return {str(k): clean_text(str(v)) for k, v in rows if isinstance(k, str) and v is not None}


def _zoom_range(path: Path, metadata: dict[str, str]) -> tuple[int, int]:
    try:
        low, high = int(metadata["minzoom"]), int(metadata["maxzoom"])
    except (KeyError, ValueError):
        low, high = MIN_ZOOM, 18
    if not MIN_ZOOM <= low <= high <= MAX_ZOOM:
        raise TileError(f"basemap file {path.name!r}: zooms {low}-{high} outside 0-{MAX_ZOOM}")
    return low, high


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    """MBTiles ``bounds`` (``west,south,east,north``), if usable."""
    try:
        west, south, east, north = (float(v) for v in (text or "").split(","))
    except ValueError:
        return None
    ok = -180 <= west < east <= 180 and -90 <= south < north <= 90
    return (west, south, east, north) if ok else None


def _mbtiles_tile(path: Path, zoom: int, x: int, y: int) -> bytes | None:
    try:
        with closing(_connect(path)) as db:
            query = _tile_query(_kinds(db))
            if query is None:
                return None
            row = db.execute(query, (zoom, x, 2**zoom - 1 - y)).fetchone()  # rows from south
    except (sqlite3.DatabaseError, TileError, OSError):
        return None
    data = row[0] if row else None
    return data if isinstance(data, bytes) else None


# --- a folder of tiles, a URL ---------------------------------------------------------


def _folder_tile(root: Path, zoom: int, x: int, y: int) -> bytes | None:
    for extension in FOLDER_EXTENSIONS:
        path = root / str(zoom) / str(x) / f"{y}.{extension}"
        try:
            if not path.is_file() or not path.resolve().is_relative_to(root.resolve()):
                continue
            if path.stat().st_size > MAX_TILE_BYTES:
                return None
            return path.read_bytes()
        except OSError:
            return None
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _url_tile(template: str, zoom: int, x: int, y: int) -> bytes | None:
    url = template.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))
    if not url.startswith(("http://", "https://")):
        return None
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - http(s) checked above
    try:
        with opener.open(request, timeout=URL_TIMEOUT_S) as reply:
            data: bytes = reply.read(MAX_TILE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return data
