"""geo.identity_cache: values kept by the identity of their sources."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from geo.identity_cache import IdentityCache


class _Thing:
    """An object compared by identity, whose ``id`` a later one may take."""

    def __init__(self, label: str) -> None:
        self.label = label


def _counting(value: str) -> tuple[Callable[[], str], list[str]]:
    made: list[str] = []

    def make() -> str:
        made.append(value)
        return value

    return make, made


def test_the_same_objects_and_key_hit_and_another_key_misses() -> None:
    cache: IdentityCache[str] = IdentityCache(4, "test")
    thing = _Thing("a")
    make, made = _counting("value")
    assert cache.get((thing,), "k", make) == "value"
    assert cache.get((thing,), "k", make) == "value"
    assert made == ["value"]
    assert cache.get((thing,), "other", make) == "value"
    assert cache.get((_Thing("b"),), "k", make) == "value"  # another object: made again
    assert made == ["value"] * 3
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.kept) == (1, 3, 3)


def _recycling(dead_id: int) -> _Thing:
    """A new object that took ``dead_id``, the id of an object just freed (CPython gives
    a freed block to the next object of its size)."""
    made = []
    for _ in range(100_000):
        made.append(_Thing("other"))
        if id(made[-1]) == dead_id:
            return made[-1]
    pytest.fail("no object took the freed one's id")


def test_a_recycled_id_of_another_object_is_a_miss() -> None:
    """Weakly held sources can die while their entry is kept: a new object that took the
    dead one's ``id`` gets its own value (fails if a hit compared ids only)."""
    cache: IdentityCache[str] = IdentityCache(4, "weak", weak=True)
    first = _Thing("first")
    cache.get((first,), "k", lambda: "first's")
    first_id = id(first)
    del first  # freed at once (no cycle): the next objects made may take its id
    other = _recycling(first_id)
    assert cache.get((other,), "k", lambda: "other's") == "other's"
    assert cache.get((other,), "k", lambda: "wrong") == "other's"
    assert len(cache) == 1  # the dead object's entry was replaced


def test_entries_hold_their_sources_unless_weak() -> None:
    """A strong entry keeps its sources alive, so their ids stay theirs while it is kept;
    a weak one does not keep them."""
    for weak in (False, True):
        cache: IdentityCache[str] = IdentityCache(4, "held", weak=weak)
        thing = _Thing("a")
        alive = weakref.ref(thing)
        cache.get((thing,), "k", lambda: "v")
        del thing
        gc.collect()
        assert (alive() is None) is weak
        cache.clear()
        gc.collect()
        assert alive() is None


def test_a_recycled_id_with_other_objects_is_a_miss_among_several_sources() -> None:
    """Several sources: the same ids as a kept entry's, one of them another object."""
    cache: IdentityCache[str] = IdentityCache(4, "pairs", weak=True)
    keep = _Thing("kept")
    gone = _Thing("gone")
    cache.get((keep, gone), None, lambda: "old")
    gone_id = id(gone)
    del gone
    other = _recycling(gone_id)
    assert cache.get((keep, other), None, lambda: "new") == "new"


def test_the_least_recently_used_goes_first() -> None:
    dropped: list[str] = []
    cache: IdentityCache[str] = IdentityCache(2, "lru", on_drop=dropped.append)
    a, b, c = _Thing("a"), _Thing("b"), _Thing("c")
    cache.get((a,), 0, lambda: "a")
    cache.get((b,), 0, lambda: "b")
    cache.get((a,), 0, lambda: "wrong")  # a is now the most recently used
    cache.get((c,), 0, lambda: "c")  # b goes
    assert dropped == ["b"]
    assert cache.get((a,), 0, lambda: "wrong") == "a"
    assert cache.get((c,), 0, lambda: "wrong") == "c"
    assert cache.get((b,), 0, lambda: "b again") == "b again"
    assert dropped == ["b", "a"]
    cache.clear()
    assert sorted(dropped[2:]) == ["b again", "c"]
    assert len(cache) == 0


def test_weighed_entries_are_bounded_by_their_total_weight() -> None:
    cache: IdentityCache[str] = IdentityCache(10, "chars", weigh=lambda key, text: len(text))
    cache.get((), "one", lambda: "x" * 6)
    cache.get((), "two", lambda: "y" * 4)
    assert cache.stats().weight == 10
    cache.get((), "three", lambda: "z")  # 11: the oldest goes
    assert (cache.stats().kept, cache.stats().weight) == (2, 5)
    assert cache.get((), "big", lambda: "w" * 11) == "w" * 11  # returned, not kept
    assert cache.get((), "big", lambda: "again") == "again"


def test_a_make_that_raises_leaves_nothing_behind() -> None:
    cache: IdentityCache[str] = IdentityCache(4, "failing")
    thing = _Thing("a")

    def fail() -> str:
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError, match="broken"):
        cache.get((thing,), "k", fail)
    assert len(cache) == 0
    assert cache.get((thing,), "k", lambda: "made") == "made"


def test_many_threads_share_one_cache() -> None:
    """A smoke test: eight threads asking for overlapping entries of a small cache get
    each object's own value, and the cache stays within its bound."""
    cache: IdentityCache[str] = IdentityCache(8, "threads")
    things = [_Thing(str(i)) for i in range(20)]
    wrong: list[str] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for n in range(2000):
            thing = things[(n * 7 + offset) % len(things)]
            value = cache.get((thing,), "label", lambda t=thing: t.label)  # type: ignore[misc]
            if value != thing.label:
                wrong.append(value)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))  # raises what a worker raised
    assert wrong == []
    assert len(cache) <= 8
    stats = cache.stats()
    assert stats.hits + stats.misses == 8 * 2000


def test_max_kept_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_kept"):
        IdentityCache(0, "empty")


def test_peek_finds_only_a_kept_value_of_the_same_objects_and_never_makes_one() -> None:
    cache: IdentityCache[str] = IdentityCache(4, "peek")
    source = [1]
    assert cache.peek((source,), "k") is None
    assert cache.get((source,), "k", lambda: "made") == "made"
    assert cache.peek((source,), "k") == "made"
    assert cache.peek(([1],), "k") is None  # equal, not the same object
    assert len(cache) == 1
