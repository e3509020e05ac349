"""Deterministic element ids for exported HTML, so identical exports are identical bytes.

branca names every map element with 16 random bytes (``Element._generate_id``) and
folium's ``deep_copy`` with a random UUID. Inside :func:`stable_ids` both draw from a
counter instead. The counter lives in a context variable, so the live app (other threads
and sessions, outside the block) keeps random ids and never shares the counter.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import folium.utilities
from branca.element import Element

_COUNTER: ContextVar[Iterator[int] | None] = ContextVar("stable_ids_counter", default=None)
_RANDOM_ID: Callable[[], str] = Element._generate_id
_RANDOM_UUID: Callable[[], uuid.UUID] = uuid.uuid4


def _next_id() -> str:
    counter = _COUNTER.get()
    if counter is None:
        return _RANDOM_ID()
    return f"{next(counter):032x}"


class _Uuid:
    """Stand-in for the ``uuid`` module inside folium.utilities: ``uuid4().hex``."""

    def uuid4(self) -> Any:
        counter = _COUNTER.get()
        if counter is None:
            return _RANDOM_UUID()
        return uuid.UUID(int=next(counter))


_STABLE_ID: classmethod[Element, [], str] = classmethod(lambda cls: _next_id())


def _install() -> None:
    """Route both id sources through the context variable (once per process)."""
    if Element.__dict__["_generate_id"] is not _STABLE_ID:
        Element._generate_id = _STABLE_ID  # type: ignore[method-assign,assignment]
        folium.utilities.uuid = _Uuid()  # type: ignore[attr-defined,assignment]


@contextmanager
def stable_ids() -> Iterator[None]:
    """Within the block, new branca/folium elements are numbered 1, 2, 3, ... ."""
    _install()
    token = _COUNTER.set(itertools.count(1))
    try:
        yield
    finally:
        _COUNTER.reset(token)
