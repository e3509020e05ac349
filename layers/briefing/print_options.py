"""Print options of paper exports (title, subtitle, banner, producer, "as of" date, paper,
orientation, resolution, greyscale) and their URL form.

One :class:`PrintOptions` travels from the URL (or the command line, which uses the same
parsers) to the paper layouts. Parsing a URL never raises: bad parameters fall back to
defaults and are reported as plain-text messages, as for :mod:`layers.briefing.view`.

Text fields are user text: the paper layouts draw them as plain text (never maths), the
web layers escape them (:func:`layers.web.html.escape_text`).

Banner colours (:func:`banner_colours`) follow the marking the banner text *starts* with
(case-insensitive, an optional ``NATO`` before it): UNCLASSIFIED green; OFFICIAL,
OFFICIAL-SENSITIVE, RESTRICTED and CUI purple; CONFIDENTIAL blue; SECRET red; TOP
SECRET orange; any other text grey. The colours are those of the US banner-marking
guide (green ``#007A33``, purple ``#502B85``, blue ``#0033A0``, red ``#C8102E``, orange
``#FF8C00``); the app does not check that a marking is right for the content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from geo.dates import format_date
from geo.errors import StateError
from geo.text import clean_text

#: Paper sizes in inches, landscape (width, height); portrait swaps them.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A4": (11.69, 8.27),
    "A3": (16.54, 11.69),
    "Letter": (11.0, 8.5),
    "Tabloid": (17.0, 11.0),
}
ORIENTATIONS = ("landscape", "portrait")
DEFAULT_DPI = 150.0
MIN_DPI, MAX_DPI = 30.0, 600.0
#: Longest title, subtitle, banner or producer line accepted (characters).
MAX_TEXT = 160

#: (marking pattern at the start of the banner, background, text colour), first match wins.
BANNER_MARKINGS: tuple[tuple[str, str, str], ...] = (
    ("TOP SECRET", "#FF8C00", "#000000"),
    ("SECRET", "#C8102E", "#FFFFFF"),
    ("CONFIDENTIAL", "#0033A0", "#FFFFFF"),
    ("UNCLASSIFIED", "#007A33", "#FFFFFF"),
    ("OFFICIAL", "#502B85", "#FFFFFF"),
    ("RESTRICTED", "#502B85", "#FFFFFF"),
    ("CUI", "#502B85", "#FFFFFF"),
)
#: Colours of a banner whose text starts with no known marking.
UNKNOWN_BANNER = ("#6B6B6B", "#FFFFFF")


def banner_colours(text: str) -> tuple[str, str]:
    """Background and text colour of a banner, from the marking it starts with.

    >>> banner_colours("SECRET//REL TO NATO")
    ('#C8102E', '#FFFFFF')
    >>> banner_colours("top secret"), banner_colours("Unclassified")[0]
    (('#FF8C00', '#000000'), '#007A33')
    >>> banner_colours("For the morning brief")
    ('#6B6B6B', '#FFFFFF')
    """
    upper = " ".join(text.upper().split()).removeprefix("NATO ")
    for marking, background, ink in BANNER_MARKINGS:
        if re.match(rf"{marking}(?![A-Z])", upper):
            return background, ink
    return UNKNOWN_BANNER


@dataclass(frozen=True, kw_only=True)
class PrintOptions:
    """How a paper export is dressed. Empty text fields mean "none" (``title``: the
    default title; ``subtitle``: the date and naming line)."""

    title: str = ""
    subtitle: str = ""
    banner: str = ""
    producer: str = ""
    as_of: dt.date | None = None
    paper: str = "A4"
    orientation: str = "landscape"
    dpi: float = DEFAULT_DPI
    greyscale: bool = False

    def __post_init__(self) -> None:
        for name in ("title", "subtitle", "banner", "producer"):
            object.__setattr__(self, name, parse_text(getattr(self, name)))
        parse_paper(self.paper)
        if self.orientation not in ORIENTATIONS:
            raise StateError(f"unknown orientation {self.orientation!r} (landscape or portrait)")
        check_dpi(self.dpi)

    @property
    def size(self) -> tuple[float, float]:
        """Width and height of the page in inches."""
        width, height = PAPER_SIZES[self.paper]
        return (height, width) if self.orientation == "portrait" else (width, height)

    def to_query(self) -> dict[str, str]:
        """URL query parameters of the options (defaults omitted)."""
        query: dict[str, str] = {}
        for name, key in _TEXT_KEYS.items():
            if value := getattr(self, name):
                query[key] = value
        if self.as_of is not None:
            query["asof"] = self.as_of.isoformat()
        if self.paper != "A4":
            query["paper"] = self.paper
        if self.orientation != "landscape":
            query["orient"] = self.orientation
        if self.dpi != DEFAULT_DPI:
            query["dpi"] = f"{self.dpi:g}"
        if self.greyscale:
            query["grey"] = "1"
        return query


def imprint_line(sheet: PrintOptions) -> str:
    """``Produced by X · Information as of 23 February 2021`` (the parts given), or ''.

    >>> imprint_line(PrintOptions(producer="Cell", as_of=dt.date(2021, 2, 23)))
    'Produced by Cell  ·  Information as of 23 February 2021'
    """
    parts = []
    if sheet.producer:
        parts.append(f"Produced by {sheet.producer}")
    if sheet.as_of is not None:
        parts.append(f"Information as of {format_date(sheet.as_of)}")
    return "  ·  ".join(parts)


def marking_line(sheet: PrintOptions, day: dt.date, title: str = "") -> str:
    """One line that carries the marking into a data export (CSV, KML, GeoJSON, the
    GeoPackage): the banner (or "No classification marking given"), the title, the
    situation date, then the producer and "as of" date where given.

    >>> marking_line(PrintOptions(banner="UNCLASSIFIED"), dt.date(2020, 11, 10))
    'UNCLASSIFIED  ·  Situation on 10 November 2020'
    """
    parts = [sheet.banner or "No classification marking given"]
    if title:
        parts.append(title)
    parts.append(f"Situation on {format_date(day)}")
    if imprint := imprint_line(sheet):
        parts.append(imprint)
    return "  ·  ".join(parts)


_TEXT_KEYS = {"title": "title", "subtitle": "subtitle", "banner": "banner", "producer": "producer"}
#: The URL parameters the print options read.
QUERY_KEYS: tuple[str, ...] = (*_TEXT_KEYS.values(), "asof", "paper", "orient", "dpi", "grey")


# Parsers of the text forms (URL parameters and command-line options alike).


def parse_text(raw: str) -> str:
    """One line of user text: whitespace collapsed, no control characters, invisible
    format characters removed (:func:`geo.text.clean_text`, as for data text), at most
    :data:`MAX_TEXT` characters."""
    text = " ".join(raw.split())
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise StateError("text holds control characters")
    text = clean_text(text)
    if len(text) > MAX_TEXT:
        raise StateError(f"text is {len(text)} characters long (at most {MAX_TEXT})")
    return text


def parse_paper(raw: str) -> str:
    """A paper name of :data:`PAPER_SIZES` (case-insensitive)."""
    for name in PAPER_SIZES:
        if raw.strip().lower() == name.lower():
            return name
    raise StateError(f"unknown paper {raw!r} (choose {', '.join(PAPER_SIZES)})")


def parse_orientation(raw: str) -> str:
    """``landscape`` or ``portrait``."""
    value = raw.strip().lower()
    if value not in ORIENTATIONS:
        raise StateError(f"unknown orientation {raw!r} (landscape or portrait)")
    return value


def check_dpi(dpi: float) -> float:
    """A resolution between :data:`MIN_DPI` and :data:`MAX_DPI` dots per inch."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise StateError(f"resolution {dpi:g} dpi is outside {MIN_DPI:g} to {MAX_DPI:g}")
    return dpi


def parse_dpi(raw: str) -> float:
    """A resolution in dots per inch (see :func:`check_dpi`)."""
    try:
        dpi = float(raw)
    except ValueError as exc:
        raise StateError(f"{raw!r} is not a number of dots per inch") from exc
    if dpi != dpi:  # NaN
        raise StateError(f"{raw!r} is not a number of dots per inch")
    return check_dpi(dpi)


#: Range of "as of" dates accepted (also the limits of the app's date field).
AS_OF_RANGE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def parse_as_of(raw: str) -> dt.date:
    """``YYYY-MM-DD`` within :data:`AS_OF_RANGE` (the day the information was current)."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise StateError(f"{raw!r} is not a date YYYY-MM-DD") from exc
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        first, last = (d.year for d in AS_OF_RANGE)
        raise StateError(f"{day.isoformat()} is outside {first} to {last}")
    return day


def parse_flag(raw: str) -> bool:
    """``1``/``true``/``yes`` or ``0``/``false``/``no``."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise StateError(f"{raw!r} is not 1 or 0")


_PARSERS = {
    "title": ("title", parse_text),
    "subtitle": ("subtitle", parse_text),
    "banner": ("banner", parse_text),
    "producer": ("producer", parse_text),
    "asof": ("as_of", parse_as_of),
    "paper": ("paper", parse_paper),
    "orient": ("orientation", parse_orientation),
    "dpi": ("dpi", parse_dpi),
    "grey": ("greyscale", parse_flag),
}


def print_options_from_query(
    params: Mapping[str, str | Sequence[str]],
) -> tuple[PrintOptions, list[str]]:
    """Parse the print parameters of a URL (other keys are ignored silently: the view
    parser reports unknown ones). Returns the options and one message per ignored value."""
    values: dict[str, object] = {}
    messages: list[str] = []
    for key, (name, parse) in _PARSERS.items():
        given = params.get(key)
        if given is None:
            continue
        every = [given] if isinstance(given, str) else list(given)
        if not every:
            continue
        raw = every[-1]
        try:
            values[name] = parse(raw)
        except StateError as exc:
            shown = raw if len(raw) <= 60 else raw[:59] + "…"
            messages.append(f"Ignored URL parameter {key}={shown!r}: {exc}")
    return PrintOptions(**values), messages  # type: ignore[arg-type]


#: Field names of :class:`PrintOptions`, for callers building one from widgets.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PrintOptions))

__all__ = [
    "BANNER_MARKINGS",
    "FIELDS",
    "ORIENTATIONS",
    "PAPER_SIZES",
    "QUERY_KEYS",
    "PrintOptions",
    "banner_colours",
    "imprint_line",
    "marking_line",
    "parse_as_of",
    "parse_dpi",
    "parse_orientation",
    "parse_paper",
    "parse_text",
    "print_options_from_query",
]
