"""Values kept by the identity of the objects they were made from: the one bounded,
thread-safe, least-recently-used cache of every result the map keeps per input object.

Most of what a date change or an atlas page works on is the same objects as the run
before (the records in force, their resolved shapes, a layer's frame, a geometry), and
those objects are costly or impossible to hash by value: hashing the control records
hashed every geometry, 9 ms for 2,000 areas on every date change (issue 25). So a value
is kept under the ``id`` of its ``sources`` and a ``key`` naming whatever else it depends
on. An ``id`` names an object only while it lives, and a new object may take the ``id``
of a collected one: each entry therefore holds its sources (strongly, or weakly with
``weak=True``), and a hit needs the key to match *and* the held sources to be the very
objects asked about (``is``), so a recycled ``id`` is a miss, never another object's value.

``make`` runs outside the lock (two threads asking at once may both make the value; the
later one is kept), and a ``make`` that raises leaves nothing behind. Values are shared
by every caller: callers never modify them.

>>> cache: IdentityCache[int] = IdentityCache(2, "lengths")
>>> words = ("a", "bc")
>>> cache.get((words,), "total", lambda: sum(map(len, words)))
3
>>> cache.get((words,), "total", lambda: -1)  # kept: the same object and key
3
>>> cache.stats().hits, cache.stats().misses
(1, 1)
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

V = TypeVar("V")


@dataclass(frozen=True)
class CacheStats:
    """What an :class:`IdentityCache` holds and how it was used since it was made or
    cleared: entries ``kept``, their total ``weight`` (the count, unless weighed),
    ``hits``, ``misses`` and values ``dropped`` (pushed out or replaced)."""

    name: str
    kept: int
    weight: int
    hits: int
    misses: int
    dropped: int


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    sources: tuple[object, ...]
    value: V
    weight: int


class IdentityCache(Generic[V]):
    """At most ``max_kept`` values (or total weight, see ``weigh``), each made from
    ``sources`` (matched by identity) and a hashable ``key``; the least recently used go
    first.

    ``on_drop(value)`` is called, outside the lock, for every value that leaves the cache
    (pushed out, replaced, cleared). ``weigh(key, value)`` gives an entry's weight
    against ``max_kept`` (default 1: ``max_kept`` counts entries); an entry heavier than
    ``max_kept`` is returned but not kept. With ``weak=True`` the entries hold their
    sources by weak reference (the sources must accept one), so the cache does not keep
    them alive; a source collected makes its entries misses."""

    def __init__(
        self,
        max_kept: int,
        name: str,
        *,
        on_drop: Callable[[V], None] | None = None,
        weigh: Callable[[Hashable, V], int] | None = None,
        weak: bool = False,
    ) -> None:
        if max_kept < 1:
            raise ValueError(f"{name}: max_kept must be at least 1, not {max_kept}")
        self.max_kept = max_kept
        self.name = name
        self._on_drop = on_drop
        self._weigh = weigh
        self._weak = weak
        self._entries: OrderedDict[tuple[tuple[int, ...], Hashable], _Entry[V]] = OrderedDict()
        self._weight = 0
        self._hits = self._misses = self._dropped = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IdentityCache({self.max_kept}, {self.name!r})"

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _same(self, held: tuple[object, ...], sources: tuple[object, ...]) -> bool:
        if self._weak:
            refs = cast("tuple[weakref.ref[object], ...]", held)
            return all(r() is s for r, s in zip(refs, sources, strict=True))
        return all(h is s for h, s in zip(held, sources, strict=True))

    def get(self, sources: tuple[object, ...], key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for the very objects ``sources`` and ``key``, else ``make()``,
        kept (replacing an entry whose sources were other objects under the same ids)."""
        slot = (tuple(map(id, sources)), key)
        with self._lock:
            entry = self._entries.get(slot)
            if entry is not None and self._same(entry.sources, sources):
                self._entries.move_to_end(slot)
                self._hits += 1
                return entry.value
            self._misses += 1
        value = make()
        held = tuple(weakref.ref(s) for s in sources) if self._weak else sources
        weight = 1 if self._weigh is None else self._weigh(key, value)
        dropped: list[V] = []
        with self._lock:
            old = self._entries.pop(slot, None)
            if old is not None:
                self._weight -= old.weight
                dropped.append(old.value)
            if weight <= self.max_kept:
                self._entries[slot] = _Entry(held, value, weight)
                self._weight += weight
            while self._weight > self.max_kept:
                _, out = self._entries.popitem(last=False)
                self._weight -= out.weight
                dropped.append(out.value)
            self._dropped += len(dropped)
        self._dropped_all(dropped)
        return value

    def peek(self, sources: tuple[object, ...], key: Hashable) -> V | None:
        """The value kept for the very objects ``sources`` and ``key`` (marked as used),
        or None; never makes one (a caller that makes it elsewhere, e.g. in a thread,
        hands it over with :meth:`get`)."""
        slot = (tuple(map(id, sources)), key)
        with self._lock:
            entry = self._entries.get(slot)
            if entry is None or not self._same(entry.sources, sources):
                return None
            self._entries.move_to_end(slot)
            return entry.value

    def _dropped_all(self, values: list[V]) -> None:
        if self._on_drop is not None:
            for value in values:
                self._on_drop(value)

    def clear(self) -> None:
        """Forget every value and the counts (tests, benchmarks; results never depend on
        the cache)."""
        with self._lock:
            values = [entry.value for entry in self._entries.values()]
            self._entries.clear()
            self._weight = 0
            self._hits = self._misses = self._dropped = 0
        self._dropped_all(values)

    def stats(self) -> CacheStats:
        """What the cache holds and its hits and misses (:class:`CacheStats`)."""
        with self._lock:
            return CacheStats(
                self.name, len(self._entries), self._weight, self._hits, self._misses,
                self._dropped,
            )  # fmt: skip


__all__ = ["CacheStats", "IdentityCache"]
