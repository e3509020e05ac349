"""All disk access of the project: reading data files and writing exports.

Every other module takes and returns objects. The YAML text of data files and documents
is parsed by :mod:`geo.safe_yaml` (its keys and :func:`parse_document` re-exported here).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from geo import gdal_safety, settings
from geo.errors import DataError
from geo.safe_yaml import DUPLICATES_KEY as DUPLICATES_KEY
from geo.safe_yaml import FIELD_LINES_KEY as FIELD_LINES_KEY
from geo.safe_yaml import LINE_KEY as LINE_KEY
from geo.safe_yaml import parse_document as parse_document
from geo.safe_yaml import parse_records

if TYPE_CHECKING:
    import geopandas as gpd
    import pyarrow as pa

# geopandas and pyogrio (GDAL) are imported by the functions that read or write vector
# files: reading YAML or a cached dataset must not pay for them (issue 15). GDAL is
# configured first, process-wide, so that no file can reach another file or the network
# (issue 19; user files never reach GDAL at all, see geo.upload).
gdal_safety.apply()

#: Permissions of a newly written export (an overwritten file keeps its own).
NEW_FILE_MODE = 0o644


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read a YAML file holding a top-level list of mappings (``[]`` for none).

    Each mapping gets a ``__line__`` key with the line it starts on; every string is
    cleaned by :func:`geo.text.clean_text`; dates stay text. A file that is missing,
    bigger than :data:`geo.settings.MAX_DATA_FILE_BYTES`, unparsable, hostile (see
    :class:`geo.safe_yaml._DataLoader`), empty or comment-only, or not a list of mappings raises
    :class:`DataError` naming it (and the line, where there is one).
    """
    return parse_records(_read_text(path), path.name)


def _read_text(path: Path) -> str:
    """The UTF-8 text of a data file, refused unread beyond the size limit."""
    limit = settings.MAX_DATA_FILE_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raw = b""
        else:
            with path.open("rb") as stream:
                raw = stream.read(limit + 1)  # a file growing meanwhile is still capped
    except OSError as exc:
        raise DataError([f"{path.name}: cannot be read ({exc.strerror or exc})"]) from exc
    if size > limit or len(raw) > limit:
        shown = f"{size:,} bytes" if size > limit else f"more than {limit:,} bytes"
        raise DataError(
            [f"{path.name}: the file is {shown}; data files may hold at most {limit:,} bytes"]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([f"{path.name}: is not UTF-8 text ({exc.reason})"]) from exc


def read_text(path: Path) -> str:
    """The UTF-8 text of a file shipped with the project (e.g. the vendored Leaflet)."""
    return path.read_text(encoding="utf-8")


def read_document(path: Path, *, max_bytes: int) -> Any:
    """Read and parse a YAML document of at most ``max_bytes`` bytes (see
    :func:`parse_document`); a missing, larger, non-UTF-8 or broken file raises
    :class:`DataError` naming it."""
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise DataError([f"{path.name}: cannot be read ({exc.strerror or exc})"]) from exc
    return parse_document(decode_text(data, path.name, max_bytes=max_bytes), path.name)


def decode_text(data: bytes, name: str, *, max_bytes: int) -> str:
    """``data`` as UTF-8 text if it holds at most ``max_bytes`` bytes, else :class:`DataError`."""
    if len(data) > max_bytes:
        raise DataError([f"{name}: larger than the limit of {max_bytes:,} bytes"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([f"{name}: is not UTF-8 text ({exc.reason})"]) from exc


def folder_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time (ns) and size of each file in ``folder``: it changes when
    any data file is edited, added or removed (empty if the folder is missing)."""
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.iterdir() if p.is_file())
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def read_boundaries(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of the boundaries GeoPackage, keyed by layer name (EPSG:4326)."""
    import geopandas as gpd
    import pyogrio

    if not path.is_file():
        raise DataError([f"{path.name}: missing; rebuild it with `python -m geo.build_boundaries`"])
    try:
        names = [str(row[0]) for row in pyogrio.list_layers(path)]
        return {name: gpd.read_file(path, layer=name, engine="pyogrio") for name in names}
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise DataError([f"{path.name}: cannot be read as a GeoPackage ({exc})"]) from exc


def read_layers(
    path: Path, layers: tuple[str, ...], bbox: tuple[float, float, float, float]
) -> dict[str, gpd.GeoDataFrame]:
    """Read the named layers of a GeoPackage, keeping features that meet ``bbox``
    (min lon, min lat, max lon, max lat; the file's CRS, EPSG:4326 for Natural Earth)."""
    import geopandas as gpd

    if not path.is_file():  # a local file only: never a /vsi... or URL name for GDAL
        raise DataError([f"{path}: not a file"])
    return {name: gpd.read_file(path, layer=name, bbox=bbox, engine="pyogrio") for name in layers}


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (parents created) and return the path.

    The bytes go to a temporary file beside the target, which then replaces it: a
    failure (full disk, no permission, ...) raises :class:`OSError` and leaves any
    previous file at ``path`` as it was. A target that exists but is not a regular file
    (a folder, ``/dev/full``) is refused with :class:`IsADirectoryError` or
    :class:`OSError`. (The command lines refuse an ``--out`` in a missing folder first.)
    """
    return _replace_atomically(path, lambda temporary: _write_all(temporary, data))


def write_geopackage(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    """Write each GeoDataFrame as a layer of a new GeoPackage at ``path`` (atomically,
    as :func:`write_bytes`)."""

    def write(temporary: Path) -> None:
        temporary.unlink()  # GDAL creates the file itself
        for name, frame in layers.items():
            frame.to_file(temporary, layer=name, driver="GPKG", engine="pyogrio")

    return _replace_atomically(path, write)


def _write_all(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Create a temporary file beside ``path``, let ``write`` fill it, then rename it
    over ``path``; the temporary file is removed if anything fails."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    if path.exists() and not path.is_file():
        raise OSError(errno.EINVAL, "is not a regular file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else NEW_FILE_MODE
    handle, name = tempfile.mkstemp(
        prefix=f".{path.name}.part-", suffix=path.suffix, dir=path.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.chmod(mode)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


#: The ``layer_styles`` table as QGIS creates it in a GeoPackage.
_LAYER_STYLES_SQL = """CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
    f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
    styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"""


class GisLayer(NamedTuple):
    """One layer of :func:`gis_geopackage_bytes`: an Arrow table (its fields, then
    ``geometry`` as WKB in EPSG:4326; ``date32`` columns become ``DATE`` fields) and the
    geometry type GDAL records for it (``"MultiPolygon"``, ``"Point"``, ``"Unknown"``)."""

    table: pa.Table
    geometry_type: str


def gis_geopackage_bytes(
    layers: Mapping[str, GisLayer],
    *,
    metadata: Mapping[str, str],
    layer_metadata: Mapping[str, Mapping[str, str]],
    styles: Mapping[str, str],
    timestamp: str,
) -> bytes:
    """The bytes of a new GeoPackage for GIS users, identical for identical input.

    Each :class:`GisLayer` becomes a layer (written from its Arrow table by GDAL, no
    frame made); ``metadata`` goes to ``gpkg_metadata`` (GDAL dataset
    metadata), ``layer_metadata`` (``IDENTIFIER``, ``DESCRIPTION``) to gpkg_contents;
    ``styles`` (layer name -> QML) fill the QGIS ``layer_styles`` table as each layer's
    default style; every timestamp GeoPackage keeps is set to ``timestamp``
    (``YYYY-MM-DDTHH:MM:SS.SSSZ``). Built in a private temporary folder.
    """
    from pyogrio.raw import write_arrow

    with tempfile.TemporaryDirectory(prefix="briefing-gpkg-") as folder, _no_fsync():
        path = Path(folder) / "export.gpkg"
        for index, (name, layer) in enumerate(layers.items()):
            write_arrow(
                layer.table,
                path,
                layer=name,
                driver="GPKG",
                geometry_name="geometry",
                geometry_type=layer.geometry_type,
                crs=settings.CRS,
                append=index > 0,
                dataset_metadata=dict(metadata) if index == 0 else None,
                layer_metadata=dict(layer_metadata.get(name, {})) or None,
            )
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("PRAGMA synchronous = OFF")
            db.execute(_LAYER_STYLES_SQL)
            db.executemany(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, '', '', ?)",
                [(n, n, qml, f"Briefing map style of {n}", timestamp) for n, qml in styles.items()],
            )
            db.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
                "'QGIS styles (QML) of the layers', ?)",
                (timestamp,),
            )
            db.execute("UPDATE gpkg_contents SET last_change = ?", (timestamp,))
            db.execute("UPDATE gpkg_metadata_reference SET timestamp = ?", (timestamp,))
        return path.read_bytes()


@contextmanager
def _no_fsync() -> Iterator[None]:
    """GDAL's SQLite writes without fsync inside the block: the GeoPackage is a temporary
    file read back at once, and an fsync per layer made the export three times slower.
    (A process-wide GDAL option; the previous value is restored.)"""
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": previous})


def bytes_written_by(write: Callable[[Path], None], filename: str) -> bytes:
    """Return the bytes a writer that needs a file path (e.g. an external encoder) writes.

    ``write`` is called with a path named ``filename`` in a private temporary folder
    (never a shared fixed path), which is removed before returning.
    """
    with tempfile.TemporaryDirectory(prefix="briefing-file-") as folder:
        path = Path(folder) / filename
        write(path)
        return path.read_bytes()


def read_upload(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of a user's file; :class:`DataError` if it is over ``max_bytes`` (checked
    before reading) or cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataError([f"{path.name}: {size:,} bytes is over the limit of {max_bytes:,}"])
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # a file that grew meanwhile is still capped
    except OSError as exc:
        raise DataError([f"{path.name}: cannot be read ({exc.strerror or exc})"]) from exc
    if len(data) > max_bytes:
        raise DataError([f"{path.name}: larger than the limit of {max_bytes:,} bytes"])
    return data


# --- The validated-dataset cache (geo.dataset_cache) ----------------------------------


def file_digests(folder: Path, suffix: str = "") -> tuple[tuple[str, str], ...]:
    """Name and SHA-256 (hex) of the content of every regular file directly in
    ``folder`` whose name ends with ``suffix``, sorted by name (empty if the folder is
    missing). Unreadable files are listed with the reason instead of a digest."""
    if not folder.is_dir():
        return ()
    digests = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(suffix)):
        try:
            with path.open("rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError as exc:
            digest = f"unreadable: {exc.strerror or exc}"
        digests.append((path.name, digest))
    return tuple(digests)


def folder_names(folder: Path, suffix: str) -> tuple[str, ...]:
    """The sorted names of the entries of ``folder`` ending with ``suffix`` (empty if
    the folder cannot be listed)."""
    try:
        return tuple(sorted(e.name for e in os.scandir(folder) if e.name.endswith(suffix)))
    except OSError:
        return ()


def read_cache_file(path: Path) -> bytes | None:
    """The bytes of a cache file, or ``None`` if it is missing or cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_cache_file(path: Path, data: bytes, *, keep: int) -> Path:
    """Write a cache file atomically (its folder created private, mode 0700), then
    delete the oldest files of that folder with the same suffix beyond the ``keep``
    newest. Raises :class:`OSError` if it cannot be written."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _replace_atomically(path, lambda temporary: _write_all(temporary, data))
    entries = [
        p
        for p in path.parent.iterdir()
        if p.suffix == path.suffix and not p.name.startswith(".") and p.is_file()
    ]
    entries.sort(key=lambda p: (p.stat().st_mtime_ns, p == path), reverse=True)
    for old in entries[keep:]:
        old.unlink(missing_ok=True)
    return path
