"""Human labels for dates given with a precision (day, month, season, year), and the
span of days a map covers (:class:`DaySpan`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo import settings
from geo.errors import StateError

_SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
_SEASONS |= {6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


def format_date(day: dt.date, precision: str = "day") -> str:
    """Format ``day`` no finer than ``precision``.

    Examples
    --------
    >>> format_date(dt.date(2020, 11, 9))
    '9 November 2020'
    >>> format_date(dt.date(2020, 10, 1), "season")
    'autumn 2020'
    """
    if precision == "year":
        return f"{day.year}"
    if precision == "season":
        return f"{_SEASONS[day.month]} {day.year}"
    if precision == "month":
        return f"{day:%B} {day.year}"
    return f"{day.day} {day:%B} {day.year}"


def format_span(
    start: dt.date | None,
    end: dt.date | None,
    start_precision: str = "day",
    end_precision: str = "day",
) -> str:
    """Format a period; an open end reads 'since ...', an open start 'until ...'."""
    if start is None and end is None:
        return "dates unknown"
    if end is None:
        assert start is not None
        return f"since {format_date(start, start_precision)}"
    if start is None:
        return f"until {format_date(end, end_precision)}"
    return f"{format_date(start, start_precision)} – {format_date(end, end_precision)}"


@dataclass(frozen=True)
class DaySpan:
    """The days a map covers, ``first`` to ``last`` inclusive (``first <= last``).

    A dataset's span comes from its records (:attr:`geo.dataset.Dataset.span`); every day
    the app, the command line or an export is asked for is checked against it
    (:meth:`check`), and defaults are kept inside it (:meth:`clamp`).

    >>> span = DaySpan(dt.date(1992, 1, 1), dt.date(2019, 6, 30))
    >>> span.contains(dt.date(2019, 6, 30)), span.clamp(dt.date(2021, 2, 23))
    (True, datetime.date(2019, 6, 30))
    >>> span.check(dt.date(2029, 6, 1))
    Traceback (most recent call last):
    geo.errors.StateError: date 2029-06-01 is outside the map's span 1992-01-01 to 2019-06-30
    """

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"span {self.first} to {self.last} is backwards")

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` lies in the span."""
        return self.first <= day <= self.last

    def check(self, day: dt.date, *, what: str = "the map's span") -> dt.date:
        """``day`` if it lies in the span, else :class:`geo.errors.StateError` naming the
        span as ``what``."""
        if not self.contains(day):
            raise StateError(f"date {day.isoformat()} is outside {what} {self.describe()}")
        return day

    def clamp(self, day: dt.date) -> dt.date:
        """The day of the span nearest to ``day``."""
        return min(max(day, self.first), self.last)

    def describe(self) -> str:
        """``1992-01-01 to 2026-12-07``."""
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def years(self) -> str:
        """``1992–2026`` (one year alone when the span lies within it)."""
        if self.first.year == self.last.year:
            return str(self.first.year)
        return f"{self.first.year}–{self.last.year}"


#: The days any map may be asked for: the records' sanity bounds
#: (:data:`geo.settings.EARLIEST_RECORD_DATE`, :data:`geo.settings.LATEST_RECORD_DATE`).
#: A view or a deck is checked against them alone; the data's own span
#: (:attr:`geo.dataset.Dataset.span`) is checked where the view meets the data.
PLAUSIBLE_DAYS = DaySpan(settings.EARLIEST_RECORD_DATE, settings.LATEST_RECORD_DATE)


def check_plausible(day: dt.date) -> dt.date:
    """``day`` if it lies within :data:`PLAUSIBLE_DAYS`, else :class:`StateError`.

    >>> check_plausible(dt.date(1850, 1, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.StateError: date 1850-01-01 is outside the dates a map can show 1900-01-01 to ...
    """
    return PLAUSIBLE_DAYS.check(day, what="the dates a map can show")
