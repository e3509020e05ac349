"""The situation on a given day: the control periods, sites and events in force.

"In force on a day" is defined once, by :func:`in_force`; the map, the timeline panel and
the briefing all ask it. Days are checked against the dataset's span
(:attr:`geo.dataset.Dataset.span`; a pair of days: :func:`check_day_pair`), and the days
on which the map changes are listed here (:func:`key_dates`, :func:`frame_dates`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

import shapely

from geo.dataset import Dataset
from geo.dates import DaySpan, check_plausible
from geo.errors import StateError
from geo.identity_cache import IdentityCache
from geo.metric import polygonal
from geo.model import ApproximateLine, ControlPeriod, Event, Route, Site


@dataclass(frozen=True)
class Situation:
    """The records in force on ``day`` (geometries EPSG:4326).

    ``control``: the control periods in force, where two overlap the smaller one cut out of
    the larger (largest first); ``sites``: the sites in force, in data order; ``events``:
    the events begun by ``day``, in date order (:func:`in_date_order`); ``lines``: the
    approximate-line bands in force (:mod:`geo.communities`); ``routes``: the roads and
    railways in force, in data order.
    """

    day: dt.date
    control: tuple[ControlPeriod, ...]
    sites: tuple[Site, ...]
    events: tuple[Event, ...]
    lines: tuple[ApproximateLine, ...] = ()
    routes: tuple[Route, ...] = ()


def check_day_pair(
    first: dt.date,
    last: dt.date,
    span: DaySpan | None = None,
    *,
    words: tuple[str, str] = ("before", "after"),
) -> tuple[dt.date, dt.date]:
    """Return ``(first, last)`` if both days lie in ``span`` (a dataset's
    :attr:`~geo.dataset.Dataset.span`; without it, within the dates any map can show) and
    ``first`` is not later than ``last``, else raise :class:`StateError` naming them by
    ``words``: the one check of every pair of days (a comparison, an animation's range).

    >>> check_day_pair(dt.date(2020, 12, 1), dt.date(2020, 11, 9))
    Traceback (most recent call last):
    geo.errors.StateError: the before date 2020-12-01 is later than the after date 2020-11-09
    """
    for day in (first, last):
        if span is None:
            check_plausible(day)
        else:
            span.check(day)
    if first > last:
        raise StateError(
            f"the {words[0]} date {first.isoformat()} is later than the "
            f"{words[1]} date {last.isoformat()}"
        )
    return first, last


def in_force(record: ControlPeriod | Site | Event | ApproximateLine | Route, day: dt.date) -> bool:
    """Whether ``record`` is in force on ``day``.

    A control period, a site or a route is in force within its span (start inclusive, end
    exclusive); an event once it has begun (it stays on the map and in the timeline).

    >>> from shapely.geometry import Point
    >>> from geo.model import Provenance
    >>> sure = Provenance("confirmed", ())
    >>> event = Event("e", "E", dt.date(2020, 11, 10), "day", Point(0, 0), sure)
    >>> in_force(event, dt.date(2020, 11, 9)), in_force(event, dt.date(2020, 11, 10))
    (False, True)
    """
    if isinstance(record, Event):
        return record.date <= day
    return record.span.contains(day)


def in_date_order(events: Iterable[Event]) -> tuple[Event, ...]:
    """Events sorted by date, then id (the order of the timeline)."""
    return tuple(sorted(events, key=lambda e: (e.date, e.id)))


def state_at(dataset: Dataset, day: dt.date) -> Situation:
    """The situation on ``day`` (within ``dataset.span``, else :class:`StateError`):
    control periods and sites in force, events begun."""
    dataset.span.check(day)
    control = [c for c in dataset.control if in_force(c, day)]
    return Situation(
        day=day,
        control=resolved_control(tuple(control)),
        sites=tuple(s for s in dataset.sites if in_force(s, day)),
        events=dataset.events_in_date_order[: bisect.bisect_right(dataset.event_dates, day)],
        lines=tuple(line for line in dataset.lines if in_force(line, day)),
        routes=tuple(r for r in dataset.routes if in_force(r, day)),
    )


#: How many sets of control periods in force keep their resolved shapes
#: (:func:`resolved_control`); the committed data has about a hundred key dates. Shared
#: by all sessions: derived from data only.
RESOLVED_SITUATIONS = 256

_RESOLVED: IdentityCache[tuple[ControlPeriod, ...]]
_RESOLVED = IdentityCache(RESOLVED_SITUATIONS, "resolved control")


def resolved_control(periods: tuple[ControlPeriod, ...]) -> tuple[ControlPeriod, ...]:
    """:func:`_specific_over_general` of ``periods`` (the control periods in force on a
    day, in data order), kept for the :data:`RESOLVED_SITUATIONS` sets last asked: every
    day with the same records in force has the same map, and cutting the smaller areas
    out of the larger ones is most of a situation's cost. Keyed by the records'
    identities (each entry holds its records), so an edited record is a new entry:
    hashing the records' values hashed every geometry, 9 ms for 2,000 areas on every
    date change (issue 25)."""
    return _RESOLVED.get(periods, None, lambda: tuple(_specific_over_general(list(periods))))


def _specific_over_general(periods: list[ControlPeriod]) -> list[ControlPeriod]:
    """Where areas in force overlap, the smaller (more specific) one wins.

    E.g. on 2021-02-23 the Shusha area (Azerbaijani since 8 November 2020) is cut out of
    the larger Armenian-held Nagorno-Karabakh area. Ordered largest first.
    """
    ordered = sorted(periods, key=lambda p: p.geometry.area, reverse=True)
    tree = shapely.STRtree([p.geometry for p in ordered])  # candidates by bounding box
    resolved: list[ControlPeriod] = []
    for index, period in enumerate(ordered):
        candidates = sorted(i for i in tree.query(period.geometry) if i > index)
        smaller = [
            ordered[i].geometry
            for i in candidates
            if ordered[i].geometry.intersects(period.geometry)
        ]
        geometry = (
            polygonal(period.geometry.difference(shapely.union_all(smaller))) if smaller else None
        )
        if geometry is None:
            resolved.append(period)
        elif not geometry.is_empty:
            resolved.append(replace(period, geometry=geometry))
    return resolved


def key_dates(dataset: Dataset) -> tuple[dt.date, ...]:
    """Sorted days on which something changes on the map: every start, exclusive end and
    event date, a community changing hands among them (the villages layer changes); all
    within ``dataset.span``, which they define."""
    days: set[dt.date] = {e.date for e in dataset.events}
    spans = [c.span for c in dataset.control] + [s.span for s in dataset.sites]
    spans += [p.span for c in dataset.communities for p in c.held]
    spans += [r.span for r in dataset.routes]
    for period in spans:
        days.update(d for d in (period.start, period.end) if d is not None)
    covered = dataset.span
    return tuple(sorted(d for d in days if covered.contains(d)))


@dataclass(frozen=True)
class FrameDate:
    """A day on which the map changes, for one animation frame.

    ``in_article`` is True when an event of the article (``in_article: true`` in
    events.yaml) is dated that day: a key date, to be held longer. ``events`` lists the
    ids of all events dated that day.
    """

    day: dt.date
    in_article: bool
    events: tuple[str, ...]


def frame_dates(dataset: Dataset, start: dt.date, end: dt.date) -> tuple[FrameDate, ...]:
    """One entry per day in ``[start, end]`` on which the map changes, in order.

    ``start`` itself always comes first (the map as it stood then); after it, every day of
    :func:`geo.situation.key_dates` up to and including ``end``.

    Raises
    ------
    StateError
        If a day is outside the map's span or ``start`` is later than ``end``.
    """
    check_day_pair(start, end, dataset.span, words=("start", "end"))
    days = [start, *(d for d in key_dates(dataset) if start < d <= end)]
    result = []
    for day in days:
        events = [e for e in dataset.events if e.date == day]
        result.append(
            FrameDate(
                day=day,
                in_article=any(e.in_article for e in events),
                events=tuple(sorted(e.id for e in events)),
            )
        )
    return tuple(result)


__all__ = [
    "FrameDate",
    "Situation",
    "check_day_pair",
    "frame_dates",
    "in_date_order",
    "in_force",
    "key_dates",
    "state_at",
]
