"""Boundary layers as plain records, readable without pandas.

:attr:`geo.dataset.Dataset.boundaries` maps layer names to GeoDataFrames (EPSG:4326).
Features of a boundary layer need only each row's ``name``, ``area_km2`` (where the
layer has it) and geometry: :func:`boundary_records` gives those, from the frames, or
straight from a :class:`StoredBoundaries` (the boundaries of a dataset read back from
the cache, :mod:`geo.dataset_cache`) without building a frame, so a GeoJSON export from
the command line need not import pandas or geopandas (issue 15).
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(frozen=True)
class BoundaryRecord:
    """One row of a boundary layer: its English ``name``, ``area_km2`` (``None`` where
    the layer has no such column or the value is missing) and geometry (EPSG:4326)."""

    name: str
    area_km2: float | None
    geometry: BaseGeometry | None


def frame_records(frame: gpd.GeoDataFrame) -> tuple[BoundaryRecord, ...]:
    """The rows of one boundary layer as :class:`BoundaryRecord`, in order."""
    import pandas as pd

    records = []
    for row in frame.itertuples(index=False):
        area = getattr(row, "area_km2", None)
        value = float(area) if area is not None and pd.notna(area) else None
        records.append(BoundaryRecord(str(row.name), value, row.geometry))
    return tuple(records)


def boundary_records(
    boundaries: Mapping[str, gpd.GeoDataFrame], layer: str
) -> tuple[BoundaryRecord, ...]:
    """The rows of the boundary layer ``layer`` (:class:`KeyError` if there is none)."""
    if isinstance(boundaries, StoredBoundaries):
        return boundaries.records(layer)
    return frame_records(boundaries[layer])


class StoredBoundaries(Mapping[str, "gpd.GeoDataFrame"]):
    """Boundary layers kept as records plus each frame's pickle: the frame is rebuilt
    (importing geopandas) only when a caller asks for it, once per layer.

    Made by :meth:`from_frames`; pickles to its records and frame pickles only.
    """

    def __init__(
        self, records: Mapping[str, tuple[BoundaryRecord, ...]], pickled: Mapping[str, bytes]
    ) -> None:
        self._records = dict(records)
        self._pickled = dict(pickled)
        self._frames: dict[str, gpd.GeoDataFrame] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_frames(cls, frames: Mapping[str, gpd.GeoDataFrame]) -> StoredBoundaries:
        """The layers of ``frames`` (in their order) as pickles, and as records those
        with a ``name`` column (the layers a catalogue layer can draw)."""
        pickled = {name: pickle.dumps(frame, protocol=5) for name, frame in frames.items()}
        records = {name: frame_records(frame) for name, frame in frames.items() if "name" in frame}
        return cls(records, pickled)

    def records(self, layer: str) -> tuple[BoundaryRecord, ...]:
        """The rows of ``layer``, without building its frame when it has records."""
        if layer in self._records:
            return self._records[layer]
        return frame_records(self[layer])

    def __getitem__(self, layer: str) -> gpd.GeoDataFrame:
        with self._lock:
            if layer not in self._frames:
                frame: gpd.GeoDataFrame = pickle.loads(self._pickled[layer])  # noqa: S301 - ours
                self._frames[layer] = frame
            return self._frames[layer]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pickled)

    def __len__(self) -> int:
        return len(self._pickled)

    def __reduce__(self) -> tuple[type[StoredBoundaries], tuple[object, ...]]:
        return (StoredBoundaries, (self._records, self._pickled))
