"""Validation of ``figures.yaml`` records into :class:`geo.model.PublishedFigure` (fields in
data/SCHEMA.md, "figures.yaml"). Problems are collected by
:class:`geo._validate.RecordChecker`; nothing is raised here.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo import settings
from geo._validate import RECORD_DAYS, RecordChecker
from geo.model import PublishedFigure, Span

#: Units of a published figure (see :class:`geo.model.PublishedFigure`).
UNITS = ("km2", "percent-of-oblast", "percent-of-day", "percent-of-oblast-gained")
#: What a figure measures: every area of the side, or its part inside the former oblast.
SCOPES = ("whole", "oblast")
_FIELDS: tuple[str, ...] = ("id", "what", "holder", "scope", "unit", "value", "from", "until")
_FIELDS += ("of_day", "quote", "status", "sources", "note")


def published_figure(check: RecordChecker, sources: Iterable[str] | None) -> PublishedFigure:
    """The figure of one raw record (a usable fallback after a problem)."""
    check.unknown_fields(_FIELDS)
    unit = check.choice("unit", UNITS)
    high = 1e6 if unit == "km2" else 100.0
    start = check.date("from", within=RECORD_DAYS)
    end = check.date("until", required=False, within=RECORD_DAYS)
    if start is not None and end is not None and end <= start:
        check.problem("until", f"must be after from {start} (got {end})")
    of_day = check.date("of_day", required=unit.endswith(("-day", "-gained")), within=RECORD_DAYS)
    return PublishedFigure(
        id=check.slug(),
        what=check.text("what") or "",
        holder=check.choice("holder", settings.HOLDERS),
        scope=check.choice("scope", SCOPES),
        unit=unit,
        value=check.number("value", 0.0, high),
        span=Span(start, end),
        provenance=check.provenance(sources),
        of_day=of_day,
        quote=check.text("quote", required=False),
    )
