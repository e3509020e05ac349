"""The events an interactive map draws on a day, from work done once per dataset (issue 25).

Above :data:`layers.web.geojson.EVENT_MARKER_LIMIT` events the map draws the latest ones
and counts the earlier ones per grid square (:func:`layers.features.latest_events`).
The events begun by a day are a prefix of the dataset's events in date order
(:mod:`layers.event_index`), so the earlier ones are a prefix too: :class:`EarlierCounts`
sorts the events into their squares once, with each square's running totals (its least
certain status, its sources and citations in first-seen order), and a day's counts are a
bisection per square instead of a pass over up to 10,000 events. The counts are equal to
:func:`layers.features.earlier_event_counts` of the same prefix (a test compares them at
every split of a synthetic dataset); each square's point is one object, so a count met
again is the same feature to :mod:`layers.web.geojson`'s shared features.

:func:`day_event_rows` is what :func:`layers.features.layer_features` draws with an
event limit: the per-event features (made once, :meth:`EventIndex.per_event`) sliced,
after the counts. A situation whose events are not the dataset's own prefix (made by
hand) gets ``None``, and the caller takes the general path.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import Point

from geo.dataset import Dataset
from geo.situation import Situation
from layers.catalog import ControlSource, EventSource, LayerSpec
from layers.event_index import event_index
from layers.features import (
    _CERTAINTY,
    EVENT_CELL_DEG,
    Feature,
    _control_features,
    _event_feature,
    earlier_count,
    earlier_event_counts,
)

#: The rank of a status not in the certainty order (as :func:`earlier_event_counts`).
_UNKNOWN = 9


def _rank(status: str) -> int:
    return _CERTAINTY.index(status) if status in _CERTAINTY else _UNKNOWN


class _Square:
    """The events of one grid square in date order (their positions among all events),
    with running totals after each: the highest status rank, and how many distinct
    sources and citations the first k events cite (first-seen order is kept, so the
    first k events' distinct values are a prefix of all of them)."""

    __slots__ = ("cited", "cited_after", "column", "line", "point", "positions", "rank_after",
                 "rows", "sources", "sources_after")  # fmt: skip

    def __init__(self, column: int, line: int, cell_deg: float) -> None:
        self.column, self.line = column, line
        self.point = Point((column + 0.5) * cell_deg, (line + 0.5) * cell_deg)
        self.positions: list[int] = []
        self.rows: list[Feature] = []
        self.rank_after: list[int] = []
        self.sources: dict[str, None] = {}
        self.sources_after: list[int] = []
        self.cited: dict[str, None] = {}
        self.cited_after: list[int] = []

    def add(self, position: int, row: Feature) -> None:
        self.positions.append(position)
        self.rows.append(row)
        rank = _rank(row.status)
        self.rank_after.append(max(rank, self.rank_after[-1]) if self.rank_after else rank)
        self.sources.update(dict.fromkeys(row.source_ids))
        self.sources_after.append(len(self.sources))
        self.cited.update(dict.fromkeys(row.citations))
        self.cited_after.append(len(self.cited))

    def count(self, held: int, cell_deg: float) -> Feature:
        """The count of this square's first ``held`` events (as
        :func:`earlier_event_counts` writes it)."""
        rows = self.rows[:held]
        rank = self.rank_after[held - 1]
        if rank == _UNKNOWN:  # a status outside the order: the general path decides
            return earlier_event_counts(rows, cell_deg)[0]
        sources = tuple(self.sources)[: self.sources_after[held - 1]]
        cited = tuple(self.cited)[: self.cited_after[held - 1]]
        square = f"{self.column}-{self.line}"
        return earlier_count(rows, square, _CERTAINTY[rank], cell_deg, sources, cited, self.point)


class EarlierCounts:
    """:func:`earlier_event_counts` of any prefix of ``rows`` (event features of one layer
    in date order), each square sorted once (module docstring)."""

    def __init__(self, rows: Sequence[Feature], cell_deg: float = EVENT_CELL_DEG) -> None:
        self.cell_deg = cell_deg
        geometries = np.array([row.geometry for row in rows], dtype=object)
        centres = shapely.centroid(geometries) if len(rows) else geometries
        columns = np.floor(shapely.get_x(centres) / cell_deg) if len(rows) else []
        lines = np.floor(shapely.get_y(centres) / cell_deg) if len(rows) else []
        squares: dict[tuple[int, int], _Square] = {}
        positions = zip(np.asarray(columns).tolist(), np.asarray(lines).tolist(), strict=True)
        for position, (column, line) in enumerate(positions):
            if math.isfinite(column) and math.isfinite(line):  # not an empty geometry
                cell = (int(column), int(line))
                square = squares.get(cell)
                if square is None:
                    square = squares[cell] = _Square(*cell, cell_deg)
                square.add(position, rows[position])
        self._squares = [squares[cell] for cell in sorted(squares)]

    def counts(self, split: int) -> list[Feature]:
        """:func:`earlier_event_counts` of ``rows[:split]``."""
        found = []
        for square in self._squares:
            held = bisect.bisect_left(square.positions, split)
            if held:
                found.append(square.count(held, self.cell_deg))
        return found


def day_event_rows(
    dataset: Dataset, situation: Situation, spec: LayerSpec, convention: str, limit: int
) -> list[Feature] | None:
    """:func:`layers.features.latest_events` of the event layer ``spec``'s features in
    ``situation`` (``limit`` drawn one by one), from the dataset's per-event features and
    :class:`EarlierCounts`; ``None`` when the situation's events are not a prefix of the
    dataset's own records (then the caller takes the general path)."""
    index = event_index(dataset)
    begun = situation.events
    if len(begun) > len(index.events) or not all(map(operator.is_, begun, index.events)):
        return None
    if spec.valid is not None and not spec.drawn_on(situation.day):
        return []
    made = index.per_event(
        ("feature", spec.id, convention),
        lambda event: _event_feature(spec.id, dataset, event, convention),
    )
    count = len(begun)
    if count <= limit:
        return list(made[:count])
    split = count - limit
    earlier = index.once(("earlier", spec.id, convention), lambda: EarlierCounts(made))
    return [*earlier.counts(split), *made[split:count]]


def every_record_rows(dataset: Dataset, spec: LayerSpec, convention: str) -> list[Feature]:
    """The features of every record the events or control layer ``spec`` can draw, as
    they are on a day the record is in force (an area not cut by another): made once per
    dataset and naming and kept (:meth:`EventIndex.per_event`, the control features'
    records by id), for a map to make their GeoJSON before any day asks for them."""
    if isinstance(spec.source, EventSource):
        index = event_index(dataset)
        return list(
            index.per_event(
                ("feature", spec.id, convention),
                lambda event: _event_feature(spec.id, dataset, event, convention),
            )
        )
    if isinstance(spec.source, ControlSource):
        every = Situation(dataset.span.last, tuple(dataset.control), (), ())
        return list(_control_features(spec.id, dataset, every, convention))
    return []


__all__ = ["EarlierCounts", "day_event_rows", "every_record_rows"]
