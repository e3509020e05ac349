"""All disk access of the project: reading data files and writing exports.

Every other module takes and returns objects.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import geopandas as gpd
import pyogrio
import yaml

from geo._errors import DataError

#: Key added to every YAML mapping: the 1-based line it starts on.
LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records the line each mapping starts on."""


def _construct_mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_line
)


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read a YAML file holding a top-level list of mappings.

    Each mapping gets a ``__line__`` key with the line it starts on. A file that is
    missing, unparsable or not a list of mappings raises :class:`DataError` naming it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError([f"{path.name}: cannot be read ({exc.strerror or exc})"]) from exc
    except UnicodeDecodeError as exc:
        raise DataError([f"{path.name}: is not UTF-8 text ({exc.reason})"]) from exc
    try:
        loaded = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError([f"{path.name}{where}: not valid YAML ({problem})"]) from exc
    if loaded is None:
        return []
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


def _without_lines(value: Any) -> Any:
    """Drop the line keys of nested mappings: only top-level records keep theirs."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def folder_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time (ns) and size of each file in ``folder``: it changes when
    any data file is edited, added or removed (empty if the folder is missing)."""
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.iterdir() if p.is_file())
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def read_boundaries(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of the boundaries GeoPackage, keyed by layer name (EPSG:4326)."""
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
    return {name: gpd.read_file(path, layer=name, bbox=bbox, engine="pyogrio") for name in layers}


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (parents created) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_geopackage(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    """Write each GeoDataFrame as a layer of a new GeoPackage at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def geopackage_bytes(layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    """Return the bytes of a new GeoPackage holding each GeoDataFrame as a layer.

    The file is built in a private temporary folder (never a shared fixed path) that is
    removed before returning; layer names are the dictionary keys.
    """
    with TemporaryDirectory(prefix="briefing-gpkg-") as folder:
        path = write_geopackage(Path(folder) / "export.gpkg", layers)
        return path.read_bytes()


def bytes_written_by(write: Callable[[Path], None], filename: str) -> bytes:
    """Return the bytes a writer that needs a file path (e.g. an external encoder) writes.

    ``write`` is called with a path named ``filename`` in a private temporary folder
    (never a shared fixed path), which is removed before returning.
    """
    with TemporaryDirectory(prefix="briefing-file-") as folder:
        path = Path(folder) / filename
        write(path)
        return path.read_bytes()
