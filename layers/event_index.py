"""The events of a dataset indexed by date once, and what is made from each event once.

A date change at 10,000 events must not rebuild 10,000 of anything: the events begun by
a day are a prefix of the events in date order
(:attr:`geo.dataset.Dataset.events_in_date_order`), so :meth:`EventIndex.begun` is a
bisection, and per-event products (map features, timeline titles) are made once per
dataset and naming convention by :meth:`EventIndex.per_event` and sliced afterwards.

:func:`event_index` keeps one index per live dataset (at most :data:`MAX_INDEXES`,
least recently used dropped), keyed by the dataset object itself: a reloaded or edited
dataset is a new object and gets a new index; nothing is shared between datasets.
Datasets are read-only, so an index never goes stale while its dataset lives.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from geo.dataset import Dataset
from geo.identity_cache import IdentityCache
from geo.model import Event

T = TypeVar("T")

#: Indexes kept at once (the app holds at most two datasets; tests make many).
MAX_INDEXES = 4


class EventIndex:
    """The events of one dataset in date order, with per-event products made once."""

    def __init__(self, dataset: Dataset) -> None:
        self.events: tuple[Event, ...] = dataset.events_in_date_order
        self.dates: tuple[dt.date, ...] = dataset.event_dates
        self.positions: dict[str, int] = {e.id: i for i, e in enumerate(self.events)}
        self._made: dict[Hashable, tuple[Any, ...]] = {}
        self._derived: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def begun(self, day: dt.date) -> int:
        """How many events have begun by ``day``: ``events[:begun(day)]`` are those in
        force (:func:`geo.situation.in_force`), in date order."""
        return bisect.bisect_right(self.dates, day)

    def per_event(self, key: Hashable, make: Callable[[Event], T]) -> tuple[T, ...]:
        """``make(event)`` for every event in date order, made on the first call with
        ``key`` and reused after. ``key`` must name everything ``make`` depends on besides
        the event and the dataset (e.g. ``("feature", layer_id, convention)``)."""
        made = self._made.get(key)
        if made is None:
            made = tuple(make(event) for event in self.events)
            with self._lock:
                made = self._made.setdefault(key, made)
        return made

    def once(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made on the first call with ``key`` and reused after (something
        derived from all the events, e.g. :class:`layers.event_counts.EarlierCounts`);
        ``key`` as for :meth:`per_event`."""
        made = self._derived.get(key)
        if made is None:
            made = make()
            with self._lock:
                made = self._derived.setdefault(key, made)
        return made  # type: ignore[no-any-return]


#: The indexes by their dataset, held weakly: an index never keeps its dataset alive.
_INDEXES: IdentityCache[EventIndex] = IdentityCache(MAX_INDEXES, "event indexes", weak=True)


def event_index(dataset: Dataset) -> EventIndex:
    """The :class:`EventIndex` of ``dataset`` (made on first use, see module docstring)."""
    return _INDEXES.get((dataset,), None, lambda: EventIndex(dataset))


__all__ = ["MAX_INDEXES", "EventIndex", "event_index"]
