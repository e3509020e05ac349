"""Which dates an atlas shows (:class:`AtlasChoice`, :func:`atlas_days`), apart from
the drawing code (:mod:`layers.paper.atlas`).

Plain data and checks only (no matplotlib), so the command line and the UI can parse
and check an atlas choice without importing the paper renderer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from geo.dataset import Dataset
from geo.errors import StateError
from geo.situation import key_dates

#: Which dates an atlas shows: the key dates (something changes on the map), every event
#: date, one page every ``step_days`` days, or the first day of every month or year (for
#: ranges of decades); each with the words a user picks it by.
ATLAS_DATE_LABELS: dict[str, str] = {
    "key": "Key dates (something changes)",
    "events": "Every event",
    "step": "Every N days",
    "month": "Every month (the 1st)",
    "year": "Every year (1 January)",
}
ATLAS_DATES: tuple[str, ...] = tuple(ATLAS_DATE_LABELS)

#: Most dates an atlas shows (its pages, before identical maps are merged): a server must
#: not draw a thousand pages on one click. Over decades, choose months or years.
MAX_ATLAS_DATES = 150

#: Called after each atlas page is drawn with (pages done, pages in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True, kw_only=True)
class AtlasChoice:
    """The dates of an atlas: from ``first`` to ``last`` (inclusive; ``None``: the first
    day of the data's span, and the view's day), which dates (:data:`ATLAS_DATES`), the
    step in days."""

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
    """The days of the atlas, sorted, within the data's span; the range's last day is
    always one of them.

    Without ``choice``: the key dates up to ``until`` and ``until`` itself.

    Raises
    ------
    StateError
        When the range and choice give more than :data:`MAX_ATLAS_DATES` days.
    """
    choice = choice or AtlasChoice()
    span = dataset.span
    first = span.clamp(choice.first or span.first)
    last = span.clamp(choice.last or until)
    if choice.dates == "key":
        days = set(key_dates(dataset))
    elif choice.dates == "events":
        days = {e.date for e in dataset.events}
    elif choice.dates == "step":
        count = (last - first).days // choice.step_days
        days = {first + dt.timedelta(days=choice.step_days * k) for k in range(count + 1)}
    else:
        days = {first, *_firsts(first, last, by_year=choice.dates == "year")}
    chosen = tuple(sorted({d for d in days if first <= d <= last} | {last}))
    if len(chosen) > MAX_ATLAS_DATES:
        raise StateError(
            f"the atlas from {first.isoformat()} to {last.isoformat()} would have "
            f"{len(chosen):,} pages, more than {MAX_ATLAS_DATES}: choose a shorter range or "
            "fewer dates (every month, every year)"
        )
    return chosen


def _firsts(first: dt.date, last: dt.date, *, by_year: bool) -> list[dt.date]:
    """The first day of every month (or year) after ``first`` up to ``last``.

    >>> _firsts(dt.date(2020, 11, 10), dt.date(2021, 2, 23), by_year=False)
    [datetime.date(2020, 12, 1), datetime.date(2021, 1, 1), datetime.date(2021, 2, 1)]
    """
    days: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        year, month = (year + 1, 1) if by_year or month == 12 else (year, month + 1)
        day = dt.date(year, month, 1)
        if day > last:
            return days
        days.append(day)
