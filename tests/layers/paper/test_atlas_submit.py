"""The atlas's calls to its worker are pickled when they are asked for, in the asking
thread (:func:`layers.paper.atlas.submit_now`): the executor's feeder thread would pickle
them later, while the asking thread changes caches inside them."""

from __future__ import annotations

import multiprocessing as mp
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from layers.paper.atlas import submit_now

#: Names of the threads an object of :class:`Recorded` was pickled in (this process).
pickled_in: list[str] = []


class Recorded:
    """A value that notes the thread pickling it and keeps a dict that may grow."""

    def __init__(self) -> None:
        self.cache: dict[int, int] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        pickled_in.append(threading.current_thread().name)
        return (_rebuilt, (dict(self.cache),))


def _rebuilt(cache: dict[int, int]) -> Recorded:
    value = Recorded()
    value.cache = cache
    return value


def _size(value: Recorded) -> int:
    return len(value.cache)


def test_a_call_is_pickled_in_the_asking_thread_as_it_was_when_asked() -> None:
    pickled_in.clear()
    value = Recorded()
    value.cache.update({1: 1, 2: 2})
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork")) as pool:
        future = submit_now(pool, _size, value)
        value.cache.update({n: n for n in range(3, 1000)})  # the asking thread goes on
        assert future.result(timeout=60) == 2
    asking = threading.current_thread().name
    assert pickled_in == [asking]
