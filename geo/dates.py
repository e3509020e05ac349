"""Human labels for dates given with a precision (day, month, season, year)."""

from __future__ import annotations

import datetime as dt

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
