"""All disk access of the project: reading data files and writing exports.

Every other module takes and returns objects.
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
from typing import TYPE_CHECKING, Any, cast

import yaml

from geo import gdal_safety, settings
from geo.errors import DataError
from geo.text import clean_text

if TYPE_CHECKING:
    import geopandas as gpd

# geopandas and pyogrio (GDAL) are imported by the functions that read or write vector
# files: reading YAML or a cached dataset must not pay for them (issue 15). GDAL is
# configured first, process-wide, so that no file can reach another file or the network
# (issue 19; user files never reach GDAL at all, see geo.upload).
gdal_safety.apply()

#: Permissions of a newly written export (an overwritten file keeps its own).
NEW_FILE_MODE = 0o644

#: Key added to every YAML mapping: the 1-based line it starts on.
LINE_KEY = "__line__"

_ALIASES_REFUSED = (
    "anchors and aliases (&name, *name) are not allowed in data files; write each value out"
)


#: PyYAML's safe loader on libyaml (about 5x faster on 10,000 records) where PyYAML was
#: built with it, else its pure-Python one: the same events, nodes and marks.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DataLoader(_SafeLoader):  # type: ignore[misc]
    """A safe YAML loader for data files.

    It records the line each mapping starts on, passes every string through
    :func:`geo.text.clean_text`, keeps dates as text (the validator parses them and
    names the field), and refuses, with the line, what a data file never needs and a
    hostile one uses: anchors and aliases (refused before anything expands), duplicate
    keys, nesting deeper than :data:`geo.settings.MAX_YAML_DEPTH` and integers longer than
    :data:`geo.settings.MAX_NUMBER_DIGITS` digits. libyaml composes nodes without asking
    Python, so :func:`read_records` runs :func:`_check_events` over the event stream
    first (flat, no recursion, nothing expanded); nodes are built only after it passed.
    """


_TOO_DEEP = f"nested deeper than {settings.MAX_YAML_DEPTH} levels of lists and mappings"


def _refuse(event: yaml.Event, depth: int, *, aliases: bool) -> None:
    """Raise for an anchor or alias (if ``aliases``), or for a node nested too deeply."""
    anchored = isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None
    if aliases and anchored:
        raise yaml.composer.ComposerError(None, None, _ALIASES_REFUSED, _mark(event))
    if depth >= settings.MAX_YAML_DEPTH:
        raise yaml.composer.ComposerError(None, None, _TOO_DEEP, _mark(event))


def _mark(event: yaml.Event) -> yaml.Mark | None:
    """The event's start (libyaml's marks have the same ``line`` and ``column``)."""
    mark: Any = event.start_mark
    return cast(yaml.Mark | None, mark)


def _check_events(text: str, *, aliases: bool = True) -> None:
    """Refuse (``ComposerError`` with the mark) anchors and aliases (if ``aliases``) and
    nesting deeper than :data:`geo.settings.MAX_YAML_DEPTH`, reading only the event
    stream (libyaml's, no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_DataLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                continue
            if isinstance(event, yaml.NodeEvent):
                _refuse(event, depth, aliases=aliases)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
    except yaml.MarkedYAMLError as exc:  # libyaml's scanner reads ahead: its own limit
        if "nesting depth" not in str(exc.problem):
            raise
        raise yaml.composer.ComposerError(None, None, _TOO_DEEP, exc.problem_mark) from exc


def _construct_mapping(loader: _DataLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    first_line: dict[str, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key, line = clean_text(key_node.value), key_node.start_mark.line + 1
        if key == LINE_KEY:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {LINE_KEY!r} is reserved", key_node.start_mark
            )
        if key in first_line:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} appears twice in one mapping; first at line {first_line[key]}",
                key_node.start_mark,
            )
        first_line[key] = line
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


def _construct_text(loader: _DataLoader, node: yaml.ScalarNode) -> str:
    return clean_text(loader.construct_scalar(node))


def _construct_int(loader: _DataLoader, node: yaml.ScalarNode) -> int:
    digits = sum(char.isdigit() for char in node.value)
    if digits > settings.MAX_NUMBER_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {digits} digits is too long", node.start_mark
        )
    return int(loader.construct_yaml_int(node))


_DataLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_DataLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_DataLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_DataLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read a YAML file holding a top-level list of mappings (``[]`` for none).

    Each mapping gets a ``__line__`` key with the line it starts on; every string is
    cleaned by :func:`geo.text.clean_text`; dates stay text. A file that is missing,
    bigger than :data:`geo.settings.MAX_DATA_FILE_BYTES`, unparsable, hostile (see
    :class:`_DataLoader`), empty or comment-only, or not a list of mappings raises
    :class:`DataError` naming it (and the line, where there is one).
    """
    text = _read_text(path)
    try:
        _check_events(text)  # before anything is composed
        loaded = yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError([f"{path.name}{where}: not valid YAML ({problem})"]) from exc
    except RecursionError as exc:  # a safety net: MAX_YAML_DEPTH stops this first
        raise DataError([f"{path.name}: not valid YAML (nested too deeply)"]) from exc
    if loaded is None:  # empty or comments only: an accident; ``[]`` says "none" on purpose
        raise DataError([f"{path.name}: holds no records (expected a list of records)"])
    if not isinstance(loaded, list):
        raise DataError([f"{path.name}: expected a list of records, got {type(loaded).__name__}"])
    problems = [
        f"{path.name}: item {index} is a {type(item).__name__}, not a record (mapping)"
        for index, item in enumerate(loaded, start=1)
        if not isinstance(item, dict)
    ]
    if problems:
        raise DataError(problems)
    return [{key: _without_lines(value) for key, value in item.items()} for item in loaded]


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


def _without_lines(value: Any) -> Any:
    """Drop the line keys of nested mappings: only top-level records keep theirs."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def read_text(path: Path) -> str:
    """The UTF-8 text of a file shipped with the project (e.g. the vendored Leaflet)."""
    return path.read_text(encoding="utf-8")


#: Keys added to every mapping of a document read by :func:`parse_document`: the line of
#: each of its keys (``{key: line}``, 1-based), and the keys given more than once
#: (``[(line, key), ...]``, only when there are any).
FIELD_LINES_KEY = "__field_lines__"
DUPLICATES_KEY = "__duplicate_keys__"


class _DocumentLoader(yaml.SafeLoader):
    """A safe loader for user documents (decks): every mapping keeps its own line, the line
    of each key and its repeated keys (PyYAML keeps the last value silently); aliases are
    refused, so with a size cap no document expands beyond its bytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


def _construct_document_mapping(loader: _DocumentLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    duplicates: list[tuple[int, str]] = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in lines:
            duplicates.append((line, str(key)))
        lines[key] = line
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[FIELD_LINES_KEY] = lines
    if duplicates:
        mapping[DUPLICATES_KEY] = duplicates
    return mapping


_DocumentLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_document_mapping
)


def _construct_timestamp(loader: _DocumentLoader, node: yaml.ScalarNode) -> Any:
    """A date as PyYAML reads it, or the text itself when it names no real day
    (``2020-13-45``), so the validator can quote it instead of PyYAML raising."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_DocumentLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_document(text: str, name: str) -> Any:
    """Parse one YAML document given as text (a file's content or an upload).

    Every mapping gets ``__line__`` (the line it starts on), ``__field_lines__`` (the line
    of each key) and, if a key is repeated, ``__duplicate_keys__``: the validator reports
    those with their context. Text that is not YAML, uses aliases, holds more than
    :data:`geo.settings.MAX_DATA_FILE_BYTES` characters or nests deeper than
    :data:`geo.settings.MAX_YAML_DEPTH` levels (the limits of data files) raises
    :class:`DataError` naming ``name`` and the line, in one line.
    """
    limit = settings.MAX_DATA_FILE_BYTES
    if len(text) > limit:
        raise DataError([f"{name}: {len(text):,} characters; a document may hold {limit:,}"])
    loader: _DocumentLoader | None = None
    try:
        _check_events(text, aliases=False)  # nesting, before anything is composed
        loader = _DocumentLoader(text)  # checks for unprintable characters first
        return loader.get_single_data()
    except RecursionError as exc:  # a safety net: MAX_YAML_DEPTH stops this first
        raise DataError([f"{name}: not valid YAML (nested too deeply)"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError([f"{name}{where}: not valid YAML ({problem})"]) from exc
    finally:
        if loader is not None:
            loader.dispose()


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


def gis_geopackage_bytes(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    metadata: Mapping[str, str],
    layer_metadata: Mapping[str, Mapping[str, str]],
    styles: Mapping[str, str],
    timestamp: str,
) -> bytes:
    """The bytes of a new GeoPackage for GIS users, identical for identical input.

    Each frame becomes a layer (written through Arrow, so ``date32[pyarrow]`` columns
    are ``DATE`` fields); ``metadata`` goes to ``gpkg_metadata`` (GDAL dataset
    metadata), ``layer_metadata`` (``IDENTIFIER``, ``DESCRIPTION``) to gpkg_contents;
    ``styles`` (layer name -> QML) fill the QGIS ``layer_styles`` table as each layer's
    default style; every timestamp GeoPackage keeps is set to ``timestamp``
    (``YYYY-MM-DDTHH:MM:SS.SSSZ``). Built in a private temporary folder.
    """
    import pyogrio

    with tempfile.TemporaryDirectory(prefix="briefing-gpkg-") as folder, _no_fsync():
        path = Path(folder) / "export.gpkg"
        for index, (name, frame) in enumerate(layers.items()):
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                use_arrow=True,
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
