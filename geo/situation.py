"""The situation on a given day: the control periods, sites and events in force.

"In force on a day" is defined once, by :func:`in_force`; the map, the timeline panel and
the briefing all ask it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

import shapely

from geo import settings
from geo.dataset import Dataset
from geo.errors import StateError
from geo.model import ControlPeriod, Event, Site


@dataclass(frozen=True)
class Situation:
    """The records in force on ``day`` (geometries EPSG:4326).

    ``control``: the control periods in force, where two overlap the smaller one cut out of
    the larger (largest first); ``sites``: the sites in force, in data order; ``events``:
    the events begun by ``day``, in date order (:func:`in_date_order`).
    """

    day: dt.date
    control: tuple[ControlPeriod, ...]
    sites: tuple[Site, ...]
    events: tuple[Event, ...]


def check_day(day: dt.date) -> dt.date:
    """Return ``day`` if the map covers it, else raise :class:`StateError`."""
    if not settings.FIRST_DATE <= day <= settings.LAST_DATE:
        raise StateError(
            f"date {day.isoformat()} is outside the map's span "
            f"{settings.FIRST_DATE.isoformat()} to {settings.LAST_DATE.isoformat()}"
        )
    return day


def in_force(record: ControlPeriod | Site | Event, day: dt.date) -> bool:
    """Whether ``record`` is in force on ``day``.

    A control period or a site is in force within its span (start inclusive, end
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
    """The situation on ``day``: control periods and sites in force, events begun."""
    check_day(day)
    control = [c for c in dataset.control if in_force(c, day)]
    return Situation(
        day=day,
        control=tuple(_specific_over_general(control)),
        sites=tuple(s for s in dataset.sites if in_force(s, day)),
        events=in_date_order(e for e in dataset.events if in_force(e, day)),
    )


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
        geometry = period.geometry.difference(shapely.union_all(smaller)) if smaller else None
        if geometry is None:
            resolved.append(period)
        elif not geometry.is_empty:
            resolved.append(replace(period, geometry=geometry))
    return resolved


def key_dates(dataset: Dataset) -> tuple[dt.date, ...]:
    """Sorted days on which something changes on the map, within the map's span."""
    days: set[dt.date] = {e.date for e in dataset.events}
    spans = [c.span for c in dataset.control] + [s.span for s in dataset.sites]
    for span in spans:
        days.update(d for d in (span.start, span.end) if d is not None)
    return tuple(sorted(d for d in days if settings.FIRST_DATE <= d <= settings.LAST_DATE))


__all__ = ["Situation", "check_day", "in_date_order", "in_force", "key_dates", "state_at"]
