"""The situation on a given day: who held what, which sites existed, what had happened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import geopandas as gpd
import shapely

from geo import settings
from geo.dataset import Dataset
from geo.errors import StateError
from geo.frames import control_frame, event_frame, site_frame
from geo.model import ControlPeriod


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
    in_force = [c for c in dataset.control if c.span.contains(day)]
    return Situation(
        day=day,
        control=control_frame(_specific_over_general(in_force)),
        sites=site_frame(s for s in dataset.sites if s.span.contains(day)),
        events=event_frame(e for e in dataset.events if e.date <= day),
    )


def _specific_over_general(periods: list[ControlPeriod]) -> list[ControlPeriod]:
    """Where areas in force overlap, the smaller (more specific) one wins.

    E.g. on 2021-02-23 the Shusha area (Azerbaijani since 8 November 2020) is cut out of
    the larger Armenian-held Nagorno-Karabakh area. Ordered largest first.
    """
    ordered = sorted(periods, key=lambda p: p.geometry.area, reverse=True)
    resolved: list[ControlPeriod] = []
    for index, period in enumerate(ordered):
        smaller = [
            p.geometry for p in ordered[index + 1 :] if p.geometry.intersects(period.geometry)
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
