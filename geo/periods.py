"""Moving through a span of decades: key dates grouped into periods, and steps of a key
date, a month or a year.

The date control lists the key dates (:func:`geo.situation.key_dates`) by period and
steps (buttons, playback) by the unit the user picks. Periods come from the data, by one
documented rule (:func:`periods`): key dates separated by :data:`PERIOD_GAP_DAYS` or more
start a new period (the 1991-94 war and the 2020 war are decades apart), and a period
holding more than :data:`PERIOD_MAX_DATES` key dates is cut into calendar years.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from geo.dataset import Dataset
from geo.dates import DaySpan
from geo.identity_cache import IdentityCache
from geo.situation import key_dates

#: A gap of this many days or more between two key dates starts a new period.
PERIOD_GAP_DAYS = 365
#: A period of more key dates than this is cut into calendar years.
PERIOD_MAX_DATES = 24

#: The units a step (a button, a playback tick) moves by, with the words shown.
STEP_UNITS: dict[str, str] = {"key": "Key date", "month": "Month", "year": "Year"}


@dataclass(frozen=True)
class Period:
    """Key dates that belong together; ``label`` is their years, ``1992–1995`` or ``2020``."""

    label: str
    days: tuple[dt.date, ...]

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` lies between the period's first and last key dates."""
        return self.days[0] <= day <= self.days[-1]


def periods(days: Sequence[dt.date]) -> tuple[Period, ...]:
    """The sorted key dates ``days`` grouped into periods (see the module docstring).

    >>> d = dt.date
    >>> [p.label for p in periods([d(1992, 5, 8), d(1993, 4, 2), d(1994, 3, 1), d(2020, 9, 27)])]
    ['1992–1994', '2020']
    >>> many = [d(2020, 1, 1) + dt.timedelta(days=20 * k) for k in range(40)]
    >>> [(p.label, len(p.days)) for p in periods(many)]
    [('2020', 19), ('2021', 18), ('2022', 3)]
    """
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and (day - runs[-1][-1]).days < PERIOD_GAP_DAYS:
            runs[-1].append(day)
        else:
            runs.append([day])
    result: list[Period] = []
    for run in runs:
        if len(run) <= PERIOD_MAX_DATES:
            result.append(_period(run))
        else:
            result += [_period(list(g)) for _, g in itertools.groupby(run, key=lambda d: d.year)]
    return tuple(result)


def _period(days: list[dt.date]) -> Period:
    first, last = days[0].year, days[-1].year
    return Period(label=str(first) if first == last else f"{first}–{last}", days=tuple(days))


def period_of(groups: Sequence[Period], day: dt.date) -> int:
    """The index of the period ``day`` falls in, or of the last one begun by then (the
    first when none has)."""
    begun = [i for i, p in enumerate(groups) if p.days[0] <= day]
    return begun[-1] if begun else 0


@dataclass(frozen=True)
class KeyDays:
    """What the date control needs of the data: its ``span``, the ``days`` a key-date step
    stops at (the key dates and the span's last day, "Latest") and the ``periods`` of
    the key dates."""

    span: DaySpan
    days: tuple[dt.date, ...]
    periods: tuple[Period, ...]

    @property
    def latest(self) -> dt.date:
        """The span's last day: today while a period is open."""
        return self.span.last


#: The :class:`KeyDays` last made, by the dataset's identity and span (each entry holds
#: its dataset, so an identity is never taken for another dataset's).
#: How many are kept (a few datasets, each with the span of one or two days).
KEPT_KEY_DAYS = 8
_KEY_DAYS: IdentityCache[KeyDays] = IdentityCache(KEPT_KEY_DAYS, "key days")


def key_days(dataset: Dataset) -> KeyDays:
    """The :class:`KeyDays` of ``dataset`` (on :func:`geo.settings.today`), made once per
    dataset and span: every run of the app asks for them (at 10,000 events, sorting and
    grouping their key dates took 15 ms a run, issue 25)."""
    span = dataset.span

    def make() -> KeyDays:
        keys = key_dates(dataset)
        return KeyDays(span=span, days=tuple(sorted({*keys, span.last})), periods=periods(keys))

    return _KEY_DAYS.get((dataset,), span, make)


def step(
    day: dt.date,
    unit: str,
    *,
    forward: bool,
    span: DaySpan,
    key_days: Sequence[dt.date] = (),
) -> dt.date | None:
    """The day one step from ``day``: the next or previous of ``key_days`` (with
    ``unit="key"``), or the same day a month or a year on (the last day of a shorter
    month), kept within ``span``; ``None`` when there is no step left that way.

    >>> span = DaySpan(dt.date(1992, 1, 1), dt.date(2026, 12, 7))
    >>> step(dt.date(2020, 1, 31), "month", forward=True, span=span)
    datetime.date(2020, 2, 29)
    >>> step(dt.date(2026, 6, 1), "year", forward=True, span=span)
    datetime.date(2026, 12, 7)
    >>> step(dt.date(2026, 12, 7), "year", forward=True, span=span) is None
    True
    """
    if unit not in STEP_UNITS:
        raise ValueError(f"unknown step {unit!r} (choose {', '.join(STEP_UNITS)})")
    if unit == "key":
        later = [d for d in key_days if span.contains(d) and (d > day if forward else d < day)]
        if not later:
            return None
        return later[0] if forward else later[-1]
    months = (1 if unit == "month" else 12) * (1 if forward else -1)
    target = span.clamp(_add_months(day, months))
    return None if target == day else target


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: back), on the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, dt.MINYEAR), dt.MAXYEAR)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


__all__ = [
    "PERIOD_GAP_DAYS",
    "PERIOD_MAX_DATES",
    "STEP_UNITS",
    "KeyDays",
    "Period",
    "key_days",
    "period_of",
    "periods",
    "step",
]
