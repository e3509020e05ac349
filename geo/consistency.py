"""Does the story agree with itself? Cross-record checks of a loaded :class:`Dataset`.

Load-time validation (``geo/_validate.py``) checks each record on its own; this module
checks records against each other on every day the map changes:

``holder``
    For every gazetteer place and every key date, each control period naming the place
    (``place:``) and each event drawn at it agree with the holder the map shows there.
``held-before-start``
    A control period starts a change of hands: the day before it starts, the map must not
    already show its place held by the same side (e.g. Shusha drawn as Armenian-held
    before its capture on 8 May 1992 by an enclosing area dated only by year).
``area-on-other-ground``
    A site with ``not_held_by`` (schematic zones and corridors) covers no ground the
    control data gives to those holders on any key date the site exists.
``country``
    Every place records its ``country``; a point inside another country's polygon needs a
    ``boundary_note`` (the labelling rule of :mod:`geo.locate`), and a note on a point
    that lies in its own country is stale.
``community``
    On every key date, each community's side (communities.yaml) is the holder the map
    shows at its point, or no holder for the side ``unknown`` (inside the oblast from
    1992, the first year its areas are drawn); where no area covers a point, a site in
    force that the other side may not hold (the Lachin corridor) agrees with it. An
    oblast community whose point lies outside the oblast outline is checked at the
    nearest point inside it, and is a finding beyond :data:`MAX_OUTSIDE_OBLAST_KM`. An
    event naming a community (``related``) falls on a day the community has a side, and
    the map shows that side there.

A site with ``not_held_by`` may overlap the other side's ground within the day's
approximate-line band (:mod:`geo.communities`): the line is not known more closely there.

All geometries are EPSG:4326; areas are geodesic (km2). The module is pure: it takes a
dataset (and optionally the line of each record) and returns findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import Point

from geo import io, settings
from geo.communities import AREAS_FROM
from geo.dataset import Dataset
from geo.locate import Whereabouts, locate, polygon_country
from geo.metric import geodesic_area_km2, geodesic_km, nearest_points
from geo.model import Community, ControlPeriod, Place
from geo.situation import Situation, key_dates, state_at

#: Overlaps smaller than this (km2) are rounding at shared edges, not claims.
MIN_OVERLAP_KM2 = 0.05

#: An oblast community whose point lies farther than this (km) outside the oblast outline
#: is a finding (its ``soviet_region`` or point is wrong); nearer, it is checked at the
#: nearest point inside (Natural Earth's 1:10m outline is off by up to about a kilometre).
MAX_OUTSIDE_OBLAST_KM = 2.0

#: A record as (file, id); with ``lines`` it is shown as ``file:line 'id'``.
RecordRef = tuple[str, str]


@dataclass(frozen=True)
class Finding:
    """One inconsistency: its kind, the day it shows (None if timeless), the records
    involved and a sentence saying what disagrees."""

    kind: str
    day: dt.date | None
    records: tuple[RecordRef, ...]
    message: str

    def describe(self, lines: Mapping[RecordRef, int] | None = None) -> str:
        """One line: ``kind, day: message [file:line 'id', ...]``."""
        where = ", ".join(_ref(ref, lines) for ref in self.records)
        day = f" {self.day.isoformat()}" if self.day else ""
        return f"{self.kind}{day}: {self.message} [{where}]"


def _ref(ref: RecordRef, lines: Mapping[RecordRef, int] | None) -> str:
    line = (lines or {}).get(ref)
    return f"{ref[0]}{f':{line}' if line else ''} {ref[1]!r}"


def check(dataset: Dataset) -> list[Finding]:
    """Every inconsistency between records of ``dataset``, in a stable order."""
    situations = _Situations(dataset)
    findings = [
        *_holder_findings(dataset, situations),
        *_held_before_start(dataset, situations),
        *_area_findings(dataset, situations),
        *_country_findings(dataset),
        *_community_findings(dataset, situations),
        *_related_community_findings(dataset, situations),
    ]
    return sorted(findings, key=lambda f: (f.kind, f.day or dt.date.min, f.records, f.message))


def record_lines(data_dir: Path = settings.DATA_DIR) -> dict[RecordRef, int]:
    """The line each record starts on, for :meth:`Finding.describe` (read via geo.io)."""
    lines: dict[RecordRef, int] = {}
    files = (settings.PLACES_FILE, settings.SITES_FILE, settings.CONTROL_FILE)
    for file in (*files, settings.EVENTS_FILE, settings.COMMUNITIES_FILE):
        for record in io.read_records(data_dir / file):
            record_id, line = record.get("id"), record.get(io.LINE_KEY)
            if isinstance(record_id, str) and isinstance(line, int):
                lines[(file, record_id)] = line
    return lines


class _Situations:
    """The map's state per day and the whereabouts of each place, computed once each."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.days = key_dates(dataset)
        self._at = cache(self._situation)
        self._where = cache(self._whereabouts)

    def _situation(self, day: dt.date) -> Situation:
        return state_at(self.dataset, day)

    def _whereabouts(self, place_id: str, day: dt.date) -> Whereabouts:
        control = self._at(day).control
        return locate(self.dataset.places[place_id], self.dataset.boundaries, control)

    def at(self, day: dt.date) -> Situation:
        return self._at(day)

    def where(self, place_id: str, day: dt.date) -> Whereabouts:
        return self._where(place_id, day)


def _point(place: Place) -> Point:
    return Point(place.lon, place.lat)


def _covers(period: ControlPeriod, place: Place) -> bool:
    return period.geometry is not None and period.geometry.covers(_point(place))


def _control_ref(period: ControlPeriod) -> RecordRef:
    return (period.derived_from or settings.CONTROL_FILE, period.id)


def _holder_findings(dataset: Dataset, situations: _Situations) -> Iterable[Finding]:
    for place in dataset.places.values():
        naming = [c for c in dataset.control if c.place == place.id and _covers(c, place)]
        for day in situations.days:
            shown = situations.where(place.id, day)
            for period in (c for c in naming if c.span.contains(day)):
                if shown.holder != period.holder:
                    yield _holder_disagrees(place, period, shown, day)
    for event in dataset.events:
        at = [p for p in dataset.places.values() if event.geometry.equals(_point(p))]
        related = [c for c in dataset.control if c.id in event.related]
        for place in at:
            for period in (c for c in related if _covers(c, place)):
                if not dataset.span.contains(event.date):
                    continue
                shown = situations.where(place.id, event.date)
                if not period.span.contains(event.date) or shown.holder != period.holder:
                    yield Finding(
                        kind="holder",
                        day=event.date,
                        records=((settings.EVENTS_FILE, event.id), _control_ref(period)),
                        message=(
                            f"event {event.id!r} at {place.names.en} cites {period.id!r} "
                            f"({period.holder}), but the map shows "
                            f"{_holder_text(shown)} there that day"
                        ),
                    )


def _holder_disagrees(
    place: Place, period: ControlPeriod, shown: Whereabouts, day: dt.date
) -> Finding:
    records = [(settings.PLACES_FILE, place.id), _control_ref(period)]
    if shown.area and shown.area != period.id:
        records.append((settings.CONTROL_FILE, shown.area))
    return Finding(
        kind="holder",
        day=day,
        records=tuple(records),
        message=(
            f"{place.names.en}: {period.id!r} says {period.holder}, "
            f"the map shows {_holder_text(shown)}"
        ),
    )


def _holder_text(shown: Whereabouts) -> str:
    if shown.holder is None:
        return "no holder"
    return f"{shown.holder} (from {shown.area!r})"


def _held_before_start(dataset: Dataset, situations: _Situations) -> Iterable[Finding]:
    for period in dataset.control:
        place = dataset.places.get(period.place or "")
        start = period.span.start
        if place is None or start is None or not _covers(period, place):
            continue
        day_before = start - dt.timedelta(days=1)
        if day_before < dataset.span.first:
            continue
        shown = situations.where(place.id, day_before)
        if shown.holder == period.holder and shown.area != period.id:
            earlier = next(c for c in dataset.control if c.id == shown.area)
            when = _start_text(earlier)
            yield Finding(
                kind="held-before-start",
                day=day_before,
                records=(_control_ref(period), _control_ref(earlier)),
                message=(
                    f"{place.names.en} changes hands to {period.holder} on "
                    f"{start.isoformat()} ({period.id!r}), but {earlier.id!r} "
                    f"({when}) already shows it {period.holder} the day before"
                ),
            )


def _start_text(period: ControlPeriod) -> str:
    start = period.span.start
    if start is None:
        return "no start"
    if period.span.start_precision == "year":
        return f"from {start.year}, year precision"
    return f"from {start.isoformat()}"


def _area_findings(dataset: Dataset, situations: _Situations) -> Iterable[Finding]:
    """One finding per (site, control period) pair, dated by the first day it shows."""
    for site in dataset.sites:
        if not site.not_held_by or site.geometry is None:
            continue
        seen: dict[str, tuple[dt.date, dt.date, float, str, str]] = {}
        for day in (d for d in situations.days if site.span.contains(d)):
            for period in situations.at(day).control:
                if period.holder not in site.not_held_by:
                    continue
                overlap = site.geometry.intersection(period.geometry)
                bands = [line.geometry for line in situations.at(day).lines]
                if bands and not overlap.is_empty:
                    overlap = overlap.difference(shapely.union_all(bands))
                km2 = 0.0 if overlap.is_empty else geodesic_area_km2(overlap)
                if km2 >= MIN_OVERLAP_KM2:
                    first = seen[period.id][0] if period.id in seen else day
                    seen[period.id] = (first, day, km2, period.area_name, period.holder)
        for area_id, (first, last, km2, area_name, holder) in seen.items():
            derived = next(c.derived_from for c in dataset.control if c.id == area_id)
            yield Finding(
                kind="area-on-other-ground",
                day=first,
                records=(
                    (settings.SITES_FILE, site.id),
                    (derived or settings.CONTROL_FILE, area_id),
                ),
                message=(
                    f"{site.name} covers {km2:.1f} km2 of {area_name}, held by {holder} "
                    f"({area_id!r}), on key dates {first.isoformat()} to {last.isoformat()}"
                ),
            )


def _country_findings(dataset: Dataset) -> Iterable[Finding]:
    countries = dataset.boundaries["countries"]
    names = {str(n) for n in countries["name"]}
    for place in dataset.places.values():
        ref = ((settings.PLACES_FILE, place.id),)
        inside = polygon_country(place, countries)
        if place.country is None:
            yield Finding("country", None, ref, f"{place.names.en} records no country")
        elif place.country not in names:
            message = f"{place.names.en}: country {place.country!r} has no polygon"
            yield Finding("country", None, ref, message)
        elif place.country != inside and place.boundary_note is None:
            yield Finding(
                kind="country",
                day=None,
                records=ref,
                message=(
                    f"{place.names.en} ({place.country}) has its point in "
                    f"{inside or 'no country'}'s polygon and no boundary_note"
                ),
            )
        elif place.country == inside and place.boundary_note is not None:
            message = f"{place.names.en}: boundary_note, yet the point is inside {inside}"
            yield Finding("country", None, ref, message)


def _community_ref(community: Community) -> RecordRef:
    return (settings.COMMUNITIES_FILE, community.id)


def _check_point(dataset: Dataset, community: Community) -> tuple[Point, float]:
    """Where the community is checked, and how far (km) its point lies outside the oblast
    (0 inside it, or for a community of a district)."""
    point = Point(community.lon, community.lat)
    if not community.in_oblast:
        return point, 0.0
    oblast = shapely.union_all(dataset.boundaries["nkao"].geometry.to_numpy())
    if oblast.covers(point):
        return point, 0.0
    _near_point, on_outline = nearest_points(point, oblast)
    inside = oblast.intersection(on_outline.buffer(0.003)).representative_point()
    return inside, geodesic_km(point, on_outline)


def _shown(situation: Situation, where: Point) -> tuple[str | None, ControlPeriod | None]:
    """The holder the map shows at ``where`` and the area saying so."""
    for period in situation.control:
        if period.geometry is not None and period.geometry.covers(where):
            return period.holder, period
    return None, None


def _excluded(situation: Situation, where: Point, side: str) -> bool:
    """Whether a site in force covering ``where`` may not be held by the other side."""
    others = set(settings.HOLDERS) - {side}
    return any(
        site.geometry is not None
        and others <= set(site.not_held_by)
        and site.geometry.covers(where)
        for site in situation.sites
    )


def _community_findings(dataset: Dataset, situations: _Situations) -> Iterable[Finding]:
    """One finding per community and disagreeing area, dated by the first day it shows."""
    for community in dataset.communities:
        where, outside_km = _check_point(dataset, community)
        if outside_km > MAX_OUTSIDE_OBLAST_KM:
            yield Finding(
                kind="community",
                day=None,
                records=(_community_ref(community),),
                message=(
                    f"{community.names.en} ({community.soviet_region} raion) lies "
                    f"{outside_km:.1f} km outside the oblast outline"
                ),
            )
            continue
        seen: dict[tuple[str | None, str], list[dt.date]] = {}
        for day in situations.days:
            period = community.held_on(day)
            if period is None or (community.in_oblast and day < AREAS_FROM):
                continue
            situation = situations.at(day)
            holder, area = _shown(situation, where)
            expected = None if period.holder == "unknown" else period.holder
            if holder == expected:
                continue
            if holder is None and expected is not None and _excluded(situation, where, expected):
                continue
            key = (area.id if area else None, period.holder)
            seen.setdefault(key, []).append(day)
        for (area_id, side), days in seen.items():
            yield _community_disagrees(dataset, community, side, area_id, days)


def _community_disagrees(
    dataset: Dataset, community: Community, side: str, area_id: str | None, days: list[dt.date]
) -> Finding:
    area = next((c for c in dataset.control if c.id == area_id), None)
    records = [_community_ref(community)]
    if area is not None:
        records.append(_control_ref(area))
    shown = f"{area.holder} (from {area.id!r})" if area else "no holder"
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]} to {days[-1]}"
    return Finding(
        kind="community",
        day=days[0],
        records=tuple(records),
        message=(
            f"{community.names.en}: communities.yaml says {side}, the map shows {shown} "
            f"on key dates {span}"
        ),
    )


def _related_community_findings(dataset: Dataset, situations: _Situations) -> Iterable[Finding]:
    communities = {c.id: c for c in dataset.communities}
    for event in dataset.events:
        if not dataset.span.contains(event.date):
            continue
        for community in (communities[i] for i in event.related if i in communities):
            period = community.held_on(event.date)
            where, _km = _check_point(dataset, community)
            holder, _area = _shown(situations.at(event.date), where)
            side = None if period is None or period.holder == "unknown" else period.holder
            if period is not None and holder == side:
                continue
            said = "no side" if period is None else period.holder
            yield Finding(
                kind="community",
                day=event.date,
                records=((settings.EVENTS_FILE, event.id), _community_ref(community)),
                message=(
                    f"event {event.id!r} names {community.names.en}, which communities.yaml "
                    f"gives {said} that day, but the map shows {holder or 'no holder'} there"
                ),
            )
