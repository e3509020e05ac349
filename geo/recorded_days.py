"""The days the records name (:class:`RecordedDays`), from which the map's span follows
(:attr:`geo.dataset.Dataset.span`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo import settings
from geo.dates import DaySpan
from geo.model import Community, ControlPeriod, Event, Site


@dataclass(frozen=True)
class RecordedDays:
    """The first and last days named by the records (``None`` when none is dated), and
    whether any control period or site is open (has no ``end``).

    >>> RecordedDays(dt.date(1992, 1, 1), dt.date(2019, 6, 30), False).span(dt.date(2026, 1, 1))
    DaySpan(first=datetime.date(1992, 1, 1), last=datetime.date(2019, 6, 30))
    >>> RecordedDays(dt.date(1992, 1, 1), dt.date(2019, 6, 30), True).span(dt.date(2026, 1, 1))
    DaySpan(first=datetime.date(1992, 1, 1), last=datetime.date(2026, 1, 1))
    """

    first: dt.date | None
    last: dt.date | None
    open: bool

    def span(self, today: dt.date) -> DaySpan:
        """The span these days make on ``today``; at least two days long (a single dated
        day runs to the next), :data:`geo.settings.ARTICLE_DATE` standing in for none."""
        first = self.first or settings.ARTICLE_DATE
        last = max(self.last or first, today) if self.open else self.last or first
        return DaySpan(first, max(last, first + dt.timedelta(days=1)))


def recorded_days(
    sites: Iterable[Site],
    control: Iterable[ControlPeriod],
    events: Iterable[Event],
    communities: Iterable[Community] = (),
) -> RecordedDays:
    """The :class:`RecordedDays` of these records: starts, exclusive ends (the day the map
    changes), event dates and inclusive event ends, and the days communities change hands
    (a community's last period is open: it holds on to the last day)."""
    spans = [*(s.span for s in sites), *(c.span for c in control)]
    spans += [p.span for c in communities for p in c.held]
    days = [d for span in spans for d in (span.start, span.end) if d is not None]
    for event in events:
        days += [event.date] if event.end is None else [event.date, event.end]
    is_open = any(span.end is None for span in spans)
    return RecordedDays(min(days, default=None), max(days, default=None), is_open)
