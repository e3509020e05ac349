"""Which dates an atlas shows (:class:`AtlasChoice`, :func:`atlas_days`), apart from
the drawing code (:mod:`layers.paper.atlas`).

Plain data and checks only (no matplotlib), so the command line and the UI can parse
and check an atlas choice without importing the paper renderer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from geo import settings
from geo.dataset import Dataset
from geo.errors import StateError
from geo.situation import key_dates

#: Which dates an atlas shows: the key dates (something changes on the map), every event
#: date, or one page every ``step_days`` days; each with the words a user picks it by.
ATLAS_DATE_LABELS: dict[str, str] = {
    "key": "Key dates (something changes)",
    "events": "Every event",
    "step": "Every N days",
}
ATLAS_DATES: tuple[str, ...] = tuple(ATLAS_DATE_LABELS)

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


def atlas_days(
    dataset: Dataset, until: dt.date, choice: AtlasChoice | None = None
) -> tuple[dt.date, ...]:
    """The days of the atlas, sorted; the range's last day is always one of them.

    Without ``choice``: the key dates up to ``until`` and ``until`` itself.
    """
    choice = choice or AtlasChoice()
    first = max(choice.first or settings.FIRST_DATE, settings.FIRST_DATE)
    last = min(choice.last or until, settings.LAST_DATE)
    if choice.dates == "key":
        days = set(key_dates(dataset))
    elif choice.dates == "events":
        days = {e.date for e in dataset.events}
    else:
        count = (last - first).days // choice.step_days
        days = {first + dt.timedelta(days=choice.step_days * k) for k in range(count + 1)}
    return tuple(sorted({d for d in days if first <= d <= last} | {last}))
