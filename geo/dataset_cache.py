"""The validated dataset, kept on disk between runs of the command line (issue 15).

Reading and validating the data files, and importing GDAL and geopandas to read the
boundaries, costs a command-line export more than writing its GeoJSON.
:func:`load_dataset_cached` gives what :func:`geo.dataset.load_dataset` gives, read back
from a file of the user's cache folder (:func:`geo.settings.cache_dir`, never data/)
when one was stored for exactly these inputs.

The cache can never serve stale data: an entry is named by :func:`dataset_key`, a
SHA-256 of the content of every file of the data folder, of the code that reads and
validates it (every ``geo/*.py``), of the installed packages and Python, and of today's
date (validation refuses sources dated in the future). An entry that is corrupted,
truncated, of another format or that does not unpickle to a :class:`Dataset` is
ignored and rebuilt. Data that fails validation is never stored: its problems are raised
by :func:`~geo.dataset.load_dataset` exactly as without the cache. At most
:data:`geo.settings.MAX_CACHED_DATASETS` entries are kept. The boundaries of a dataset
read back are :class:`geo.boundary_records.StoredBoundaries` (frames built on demand).
All disk access goes through :mod:`geo.io`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
import sys
from dataclasses import replace
from pathlib import Path

import shapely

from geo import io, settings
from geo.boundary_records import StoredBoundaries
from geo.dataset import Dataset, load_dataset

logger = logging.getLogger(__name__)

#: First bytes of a cache entry; a new layout of the entry changes the number.
MAGIC = b"south-caucasus-briefing dataset cache 1\n"
_DIGEST_BYTES = 32  # SHA-256 of the pickled payload, after MAGIC
_SUFFIX = ".pickle"


def dataset_key(data_dir: Path) -> str:
    """The SHA-256 (hex) naming the cache entry of ``data_dir`` today: it changes when
    any data file, any module of ``geo/``, an installed package, Python or the date does."""
    code_dir = Path(__file__).resolve().parent
    packages = Path(shapely.__file__).resolve().parent.parent  # site-packages
    parts = (
        MAGIC.decode(),
        sys.version,
        dt.date.today().isoformat(),
        repr(io.file_digests(data_dir)),
        repr(io.file_digests(code_dir, ".py")),
        repr(io.folder_names(packages, ".dist-info")),
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def load_dataset_cached(
    data_dir: Path = settings.DATA_DIR, *, cache: Path | None = None
) -> Dataset:
    """:func:`geo.dataset.load_dataset` of ``data_dir``, through the cache folder ``cache``
    (default :func:`geo.settings.cache_dir`).

    Raises
    ------
    DataError
        As :func:`~geo.dataset.load_dataset` (a broken data file is never cached).
    """
    folder = settings.cache_dir() if cache is None else cache
    key = dataset_key(data_dir)
    path = folder / f"dataset-{key}{_SUFFIX}"
    stored = _read(path)
    if stored is not None:
        return stored
    dataset = load_dataset(data_dir)
    if dataset_key(data_dir) == key:  # no file changed while it was read
        _store(path, dataset)
    return dataset


def _read(path: Path) -> Dataset | None:
    """The dataset of an entry, or ``None`` if it is missing or unusable in any way."""
    data = io.read_cache_file(path)
    if data is None:
        return None
    header = len(MAGIC) + _DIGEST_BYTES
    payload = data[header:]
    if data[: len(MAGIC)] != MAGIC or data[len(MAGIC) : header] != _digest(payload):
        logger.info("dataset cache entry %s is corrupted: rebuilt", path.name)
        return None
    try:
        dataset = pickle.loads(payload)  # noqa: S301 - our own entry, its digest checked
    except Exception:  # any unpickling failure means the entry is unusable: rebuild it
        logger.info("dataset cache entry %s cannot be read: rebuilt", path.name, exc_info=True)
        return None
    return dataset if isinstance(dataset, Dataset) else None


def _store(path: Path, dataset: Dataset) -> None:
    """Store ``dataset`` at ``path``; a cache that cannot be written is only logged."""
    kept = replace(dataset, boundaries=StoredBoundaries.from_frames(dataset.boundaries))
    try:
        payload = pickle.dumps(kept, protocol=5)
        io.write_cache_file(
            path, MAGIC + _digest(payload) + payload, keep=settings.MAX_CACHED_DATASETS
        )
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        logger.info("dataset cache not written (%s)", exc)


def _digest(payload: bytes) -> bytes:
    return hashlib.sha256(payload).digest()
