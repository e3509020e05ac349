"""Which dates an atlas shows (:class:`AtlasChoice`), apart from the drawing code.

Plain data and checks only (no matplotlib), so the command line and the UI can parse
and check an atlas choice without importing the paper renderer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from geo.errors import StateError

#: Which dates an atlas shows: the key dates (something changes on the map), every event
#: date, or one page every ``step_days`` days.
ATLAS_DATES = ("key", "events", "step")

#: Called after each atlas page is drawn with (pages done, pages in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True, kw_only=True)
class AtlasChoice:
    """The dates of an atlas: from ``first`` to ``last`` (inclusive; ``None``: the map's
    first date, and the view's day), which dates (:data:`ATLAS_DATES`), the step in days."""

    first: dt.date | None = None
    last: dt.date | None = None
    dates: str = "key"
    step_days: int = 30

    def __post_init__(self) -> None:
        if self.dates not in ATLAS_DATES:
            known = ", ".join(ATLAS_DATES)
            raise StateError(f"unknown atlas dates {self.dates!r} (choose {known})")
        if not 1 <= self.step_days <= 3660:
            raise StateError(f"atlas step of {self.step_days} days is outside 1 to 3660")
        if self.first and self.last and self.first > self.last:
            raise StateError(f"atlas range {self.first} to {self.last} is backwards")
