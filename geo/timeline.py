"""The situation on a given day: who held what, which sites existed, what had happened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd

from geo import settings
from geo._errors import StateError
from geo.dataset import Dataset
from geo.frames import control_frame, event_frame, site_frame


@dataclass(frozen=True)
class Situation:
    """The layers as they stood on ``day`` (all EPSG:4326).

    ``control`` and ``sites`` have the columns of :func:`geo.frames.control_frame` and
    :func:`geo.frames.site_frame`; ``events`` those of :func:`geo.frames.event_frame`
    for the events that had begun by ``day``.
    """

    day: dt.date
    control: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    events: gpd.GeoDataFrame


def check_day(day: dt.date) -> dt.date:
    """Return ``day`` if the map covers it, else raise :class:`StateError`."""
    if not settings.FIRST_DATE <= day <= settings.LAST_DATE:
        raise StateError(
            f"date {day.isoformat()} is outside the map's span "
            f"{settings.FIRST_DATE.isoformat()} to {settings.LAST_DATE.isoformat()}"
        )
    return day


def state_at(dataset: Dataset, day: dt.date) -> Situation:
    """The situation on ``day``: control periods and sites in force, events begun."""
    check_day(day)
    return Situation(
        day=day,
        control=control_frame(c for c in dataset.control if c.span.contains(day)),
        sites=site_frame(s for s in dataset.sites if s.span.contains(day)),
        events=event_frame(e for e in dataset.events if e.date <= day),
    )


def key_dates(dataset: Dataset) -> tuple[dt.date, ...]:
    """Sorted days on which something changes on the map, within the map's span."""
    days: set[dt.date] = {e.date for e in dataset.events}
    spans = [c.span for c in dataset.control] + [s.span for s in dataset.sites]
    for span in spans:
        days.update(d for d in (span.start, span.end) if d is not None)
    return tuple(sorted(d for d in days if settings.FIRST_DATE <= d <= settings.LAST_DATE))
