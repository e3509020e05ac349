"""Field-level validation of raw records; problems are collected, never raised one by one."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import reprlib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from geo import settings
from geo.io import LINE_KEY
from geo.model import Names, Provenance, Span

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

#: Days a record shown on the map may carry (dates of events, starts and ends of
#: periods): loose sanity bounds; the map's span comes from the records themselves.
RECORD_DAYS = (settings.EARLIEST_RECORD_DATE, settings.LATEST_RECORD_DATE)

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 120
_SHORT.maxlist = _SHORT.maxdict = _SHORT.maxtuple = _SHORT.maxset = 6
_SHORT.maxlevel = 3


def mirror_host(url: str | None) -> str | None:
    """The entry of :data:`geo.settings.MIRROR_HOSTS` that ``url`` is on, if any.

    >>> mirror_host("http://piglix.com/piglix/Goris")
    'piglix.com'
    >>> mirror_host("https://wikipedia.anarim.az?q=M%C9%99rzili")
    'anarim.az'
    >>> mirror_host("https://en.wikipedia.org/wiki/Goris") is None
    True
    """
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:  # e.g. an unbalanced '[' in the netloc
        return None
    return next((h for h in settings.MIRROR_HOSTS if host == h or host.endswith(f".{h}")), None)


def shown(value: Any) -> str:
    """``repr(value)`` shortened, to quote a bad value in a message however big it is."""
    return _SHORT.repr(value)


class RecordChecker:
    """Reads fields of one raw record, appending a precise message for each bad one.

    Messages read ``file: line L, record 'id', field 'f': what is wrong (got value)``.
    Accessors return a usable fallback after a problem so checking can continue.
    """

    def __init__(self, file: str, record: Mapping[str, Any], problems: list[str]) -> None:
        self.file = file
        self.record = record
        self.problems = problems
        self.line = record.get(LINE_KEY)
        raw_id = record.get("id")
        self.id = raw_id if isinstance(raw_id, str) else None

    def where(self, field: str | None = None) -> str:
        """Location prefix for a message about ``field`` of this record."""
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.id is not None:
            parts.append(f"record {shown(self.id)}")
        if field is not None:
            parts.append(f"field {field!r}")
        return ", ".join(parts[:1]) + (": " + ", ".join(parts[1:]) if parts[1:] else "")

    def problem(self, field: str | None, message: str) -> None:
        """Record one problem about ``field``."""
        self.problems.append(f"{self.where(field)}: {message}")

    def has(self, field: str) -> bool:
        """True when the field is present and not null."""
        return self.record.get(field) is not None

    def text(self, field: str, *, required: bool = True) -> str | None:
        """A non-empty string field."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(field, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(field, f"must be non-empty text (got {shown(value)})")
            return None
        return value.strip()

    def slug(self, field: str = "id") -> str:
        """A required lowercase slug such as ``stepanakert`` or ``base-102``."""
        value = self.text(field)
        if value is not None and not _SLUG.match(value):
            example = "'lachin-corridor'"
            self.problem(field, f"must be a lowercase slug like {example} (got {shown(value)})")
        return value or f"<line {self.line}>"

    def choice(self, field: str, options: Iterable[str], default: str | None = None) -> str:
        """A field that must be one of ``options``."""
        allowed = tuple(options)
        value = self.record.get(field, default)
        if value not in allowed:
            got = "is required" if value is None else f"got {shown(value)}"
            self.problem(field, f"must be one of {', '.join(allowed)} ({got})")
            return default or allowed[0]
        return str(value)

    def date(
        self,
        field: str,
        *,
        required: bool = True,
        within: tuple[dt.date, dt.date] | None = None,
    ) -> dt.date | None:
        """An ISO date ``YYYY-MM-DD``, between the two days of ``within`` (inclusive) if
        given (:data:`RECORD_DAYS` for what the map shows).

        The loader keeps dates as text, so an impossible day such as 2021-02-30 is a
        problem on this field rather than an error inside the YAML parser.
        """
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(field, "is required (an ISO date YYYY-MM-DD)")
            return None
        day = None
        if isinstance(value, dt.datetime):  # only other loaders (decks) give date objects
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, str) and _ISO_DATE.match(value):
            with contextlib.suppress(ValueError):  # 2021-02-30
                day = dt.date.fromisoformat(value)
        if day is None:
            self.problem(field, f"must be an ISO date YYYY-MM-DD (got {shown(value)})")
            return None
        if within is None:
            return day
        first, last = within
        if not first <= day <= last:
            self.problem(field, f"must be between {first} and {last} (got {day})")
            return None
        return day

    def number(self, field: str, low: float, high: float) -> float:
        """A required finite number within ``[low, high]``."""
        value = self.record.get(field)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and low <= value <= high
        ):
            return float(value)
        self.problem(field, f"must be a number between {low} and {high} (got {shown(value)})")
        return float("nan")

    def flag(self, field: str, default: bool = False) -> bool:
        """An optional true/false field."""
        value = self.record.get(field, default)
        if not isinstance(value, bool):
            self.problem(field, f"must be true or false (got {shown(value)})")
            return default
        return value

    def text_list(self, field: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of non-empty strings."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(field, "is required (a list)")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(field, f"must be a list of text items (got {shown(value)})")
            return ()
        if required and not value:
            self.problem(field, "must not be empty")
        return tuple(value)

    def mapping(self, field: str) -> Mapping[str, Any] | None:
        """A required mapping field."""
        value = self.record.get(field)
        if not isinstance(value, Mapping):
            self.problem(field, f"must be a mapping (got {shown(value)})")
            return None
        return value

    def names(self, field: str = "names", *, required: bool = True) -> Names | None:
        """Alternative names: a mapping with ``en`` and optional other forms."""
        value = self.record.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, Mapping) or not isinstance(value.get("en"), str):
            self.problem(field, f"must be a mapping with at least 'en' (got {shown(value)})")
            return None
        unknown = sorted(set(value) - {*settings.NAME_KEYS, "alt", LINE_KEY})
        if unknown:
            self.problem(field, f"unknown name keys {unknown} (allowed: {settings.NAME_KEYS})")
        forms = {key: value.get(key) for key in settings.NAME_KEYS}
        bad = [key for key, form in forms.items() if form is not None and not isinstance(form, str)]
        if bad:
            self.problem(field, f"names {bad} must be text")
            return None
        alt = value.get("alt") or []
        if not isinstance(alt, list) or not all(isinstance(a, str) for a in alt):
            self.problem(field, f"'alt' must be a list of text (got {shown(alt)})")
            alt = []
        return Names(**{k: v for k, v in forms.items() if v is not None}, alt=tuple(alt))

    def provenance(self, known_sources: Iterable[str] | None) -> Provenance:
        """The common fields ``status``, ``sources`` and ``note``.

        ``known_sources`` is None when sources.yaml could not be parsed: the ids are then
        not checked, so that one root cause is not reported again for every record.
        """
        status = self.choice("status", settings.STATUSES)
        sources = self.text_list("sources", required=True)
        known = None if known_sources is None else set(known_sources)
        for source in sources:
            if known is not None and source not in known:
                self.problem("sources", f"unknown source id {shown(source)} (not in sources.yaml)")
        return Provenance(status=status, sources=sources, note=self.text("note", required=False))

    def span(self, *, start_required: bool) -> Span:
        """``start``/``end`` (end exclusive) with their precisions."""
        start = self.date("start", required=start_required, within=RECORD_DAYS)
        end = self.date("end", required=False, within=RECORD_DAYS)  # exclusive
        if start is not None and end is not None and end <= start:
            self.problem("end", f"must be after start {start} (got {end})")
        return Span(
            start=start,
            end=end,
            start_precision=self.choice("start_precision", settings.PRECISIONS, "day"),
            end_precision=self.choice("end_precision", settings.PRECISIONS, "day"),
        )

    def unknown_fields(self, allowed: Iterable[str]) -> None:
        """Flag fields the schema does not know (usually typos such as 'soures')."""
        extra = sorted(set(self.record) - {*allowed, LINE_KEY})
        for name in extra:
            self.problem(name, "is not a known field (see data/SCHEMA.md)")


def check_unique_ids(file: str, ids: Iterable[tuple[int | None, str]], problems: list[str]) -> None:
    """Flag ids used more than once in one file."""
    first_line: dict[str, int | None] = {}
    for line, record_id in ids:
        if record_id in first_line:
            problems.append(
                f"{file}: line {line}, record {shown(record_id)}, field 'id': duplicate "
                f"(first used at line {first_line[record_id]})"
            )
        else:
            first_line[record_id] = line
