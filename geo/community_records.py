"""Validation of ``communities.yaml`` records into :class:`geo.model.Community` (the file's
fields are in data/SCHEMA.md, "communities.yaml"). Problems are collected by
:class:`geo._validate.RecordChecker`, each naming file, line, record and field (a field of a
held period as ``held[2].from``); nothing is raised here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from geo import settings
from geo._validate import RECORD_DAYS, RecordChecker, shown
from geo.model import Community, HeldPeriod, Names, Place, Span

_FIELDS = ("id", "place", "names", "lon", "lat", "soviet_region", "held", "status", "sources")
_HELD_FIELDS: tuple[str, ...] = ("holder", "from", "precision", "latest_by", "status", "claim")
_HELD_FIELDS += ("sources", "quote", "note")
_REGIONS = (*settings.NKAO_REGIONS, *settings.DISTRICT_REGIONS)


class _EntryChecker(RecordChecker):
    """A :class:`RecordChecker` for one held period: messages name the record's line and id
    and the field as ``held[i].field``."""

    def __init__(self, parent: RecordChecker, prefix: str, entry: Mapping[str, Any]) -> None:
        super().__init__(parent.file, entry, parent.problems)
        self.line, self.id, self.prefix = parent.line, parent.id, prefix

    def where(self, field: str | None = None) -> str:
        return super().where(f"{self.prefix}.{field}" if field else self.prefix)


def community(
    check: RecordChecker,
    places: Mapping[str, Place] | None,
    sources: Iterable[str] | None,
) -> Community:
    """The community of one raw record (a usable fallback after a problem).

    ``places`` and ``sources`` are ``None`` when their file did not parse (the references
    are then not checked, so that one root cause is not repeated).
    """
    check.unknown_fields((*_FIELDS, "note"))
    place_id = check.text("place", required=False)
    place = _place(check, place_id, places)
    if place_id is None:
        names = check.names() or Names(en=check.id or "?")
        lon, lat = check.number("lon", -180.0, 180.0), check.number("lat", -90.0, 90.0)
    else:
        for field in ("names", "lon", "lat"):
            if check.has(field):
                where = f"the gazetteer place {shown(place_id)}"
                check.problem(field, f"comes from {where}: leave it out")
        names = place.names if place else Names(en=check.id or "?")
        lon, lat = (place.lon, place.lat) if place else (float("nan"), float("nan"))
    known = None if sources is None else set(sources)
    return Community(
        id=check.slug(),
        names=names,
        lon=lon,
        lat=lat,
        soviet_region=check.choice("soviet_region", _REGIONS),
        held=_held(check, known),
        provenance=check.provenance(known),
        place=place_id,
    )


def _place(
    check: RecordChecker, place_id: str | None, places: Mapping[str, Place] | None
) -> Place | None:
    if place_id is None or places is None:
        return None
    place = places.get(place_id)
    if place is None:
        check.problem("place", f"unknown place id {shown(place_id)} (not in places.yaml)")
    return place


def _held(check: RecordChecker, sources: set[str] | None) -> tuple[HeldPeriod, ...]:
    """The held periods in date order, each ending where the next starts."""
    raw = check.record.get("held")
    if not isinstance(raw, list) or not raw or not all(isinstance(e, Mapping) for e in raw):
        check.problem("held", f"must be a non-empty list of periods (got {shown(raw)})")
        return ()
    starts: list[tuple[dt.date, str, _EntryChecker, dict[str, Any]]] = []
    for index, entry in enumerate(raw):
        entry_check = _EntryChecker(check, f"held[{index}]", entry)
        entry_check.unknown_fields(_HELD_FIELDS)
        day = entry_check.date("from", within=RECORD_DAYS)
        holder = entry_check.choice("holder", settings.COMMUNITY_SIDES)
        if day is not None:
            starts.append((day, holder, entry_check, entry))
    periods: list[HeldPeriod] = []
    for index, (day, holder, entry_check, _entry) in enumerate(starts):
        if index and day <= starts[index - 1][0]:
            before = starts[index - 1][0]
            entry_check.problem("from", f"must be after the period before ({before})")
        if index and holder == starts[index - 1][1]:
            entry_check.problem(
                "holder",
                f"repeats the side of the period before ({holder}): a period starts a change "
                "of hands",
            )
        after = starts[index + 1] if index + 1 < len(starts) else None
        periods.append(_period(entry_check, day, holder, after, sources))
    return tuple(periods)


def _period(
    check: _EntryChecker,
    day: dt.date,
    holder: str,
    after: tuple[dt.date, str, _EntryChecker, dict[str, Any]] | None,
    sources: set[str] | None,
) -> HeldPeriod:
    precision = check.choice("precision", settings.PRECISIONS, "day")
    end_precision = after[3].get("precision", "day") if after else "day"
    provenance = check.provenance(sources)
    claim = check.text("claim", required=False)
    if claim is not None and provenance.status != "approximate":
        check.problem(
            "status",
            f"must be 'approximate' for a period dated by a claim (got {shown(provenance.status)};"
            " data/SCHEMA.md 'Claims and facts')",
        )
    return HeldPeriod(
        holder=holder,
        span=Span(
            start=day,
            end=after[0] if after else None,
            start_precision=precision,
            end_precision=end_precision if end_precision in settings.PRECISIONS else "day",
        ),
        provenance=provenance,
        latest_by=check.flag("latest_by"),
        claim=claim,
        quote=check.text("quote", required=False),
    )
