"""The state of one map view (date, layers, naming, extent, basemap) and its URL form.

A :class:`View` is what the app shows, what a shared URL encodes and what an export
renders. Parsing a URL never raises: bad parameters fall back to defaults and are
reported as plain-text messages for the user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from geo import settings
from geo.dates import DaySpan, check_plausible
from geo.errors import DataError, StateError
from geo.naming import DEFAULT_CONVENTION, check_convention
from geo.situation import check_day_pair
from layers.briefing.annotations import Annotation, decode_query, encode_query
from layers.briefing.print_options import QUERY_KEYS as PRINT_KEYS
from layers.catalog import DEFAULT_VISIBLE, check_layer_ids

BASEMAPS: dict[str, str] = {
    "vector": "Offline vector basemap (no network needed)",
    "osm": "OpenStreetMap tiles (online)",
    # issue 21: the tiles named by BRIEFING_BASEMAP or --basemap-tiles (layers.user_basemap)
    "user": "Your basemap (tiles configured for this app)",
}
DEFAULT_BASEMAP = "vector"

Bounds = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (EPSG:4326)

#: Extent shown by default: Armenia, Nakhchivan, Karabakh and the Gyumri base.
DEFAULT_BOUNDS: Bounds = (43.2, 38.7, 47.9, 41.4)


@dataclass(frozen=True)
class View:
    """One map view. ``layers`` are catalogue ids in catalogue order; ``annotations``
    what the user drew on it (:mod:`layers.briefing.annotations`), drawn by every output.

    Its day is only checked to be a day any map can show
    (:func:`geo.dates.check_plausible`): whether the data covers it is asked where the
    view meets the data (:func:`geo.situation.state_at`, the app, the command line)."""

    day: dt.date = settings.ARTICLE_DATE
    layers: tuple[str, ...] = DEFAULT_VISIBLE
    convention: str = DEFAULT_CONVENTION
    bounds: Bounds = DEFAULT_BOUNDS
    basemap: str = DEFAULT_BASEMAP
    title: str = field(default="South Caucasus: Russian military presence")
    annotations: tuple[Annotation, ...] = ()

    def __post_init__(self) -> None:
        check_plausible(self.day)
        object.__setattr__(self, "layers", check_layer_ids(self.layers))  # catalogue order
        check_convention(self.convention)
        check_bounds(self.bounds)
        if self.basemap not in BASEMAPS:
            raise StateError(f"unknown basemap {self.basemap!r} (choose {', '.join(BASEMAPS)})")

    def to_query(self) -> dict[str, str]:
        """URL query parameters that reproduce this view (defaults omitted)."""
        query: dict[str, str] = {"date": self.day.isoformat()}
        if self.layers != DEFAULT_VISIBLE:
            query["layers"] = ",".join(self.layers) or "none"
        if self.convention != DEFAULT_CONVENTION:
            query["names"] = self.convention
        if self.bounds != DEFAULT_BOUNDS:
            query["view"] = ",".join(repr(float(v)) for v in self.bounds)  # exact round trip
        if self.basemap != DEFAULT_BASEMAP:
            query["basemap"] = self.basemap
        encoded = encode_query(self.annotations)
        if encoded:  # None: too many for the address (kept in the session, deck, file)
            query["ann"] = encoded
        return query


def check_bounds(bounds: Bounds) -> Bounds:
    """Validate an extent (min lon, min lat, max lon, max lat) in EPSG:4326.

    It must lie inside :data:`geo.settings.REGION_BBOX`, the extract the boundaries cover
    (outside it land would end in a straight line at the extract's edge).
    """
    min_x, min_y, max_x, max_y = bounds
    if not (-180 <= min_x < max_x <= 180 and -90 <= min_y < max_y <= 90):
        raise StateError(f"extent {bounds} is not min lon, min lat, max lon, max lat")
    west, south, east, north = settings.REGION_BBOX
    if not (west <= min_x and south <= min_y and max_x <= east and max_y <= north):
        raise StateError(
            f"extent {bounds} lies (partly) outside the region the map covers "
            f"({west:g} to {east:g} E, {south:g} to {north:g} N): choose an extent inside it"
        )
    return bounds


#: The URL parameters a view reads, in the order they are parsed.
QUERY_KEYS: tuple[str, ...] = ("date", "layers", "names", "view", "basemap", "ann")
#: Parameters of the page read elsewhere (the comparison's, ``ui/compare.py``).
OTHER_KEYS: tuple[str, ...] = ("mode", "before", "after", "swipe")
#: The parameter that stands for a whole query string Streamlit ignored (more than 1,000
#: parameters or 512 KiB): its value is ``parameters:characters`` (see ui/query_limit.py).
DROPPED_KEY = "_ignored_query"
#: Most unknown parameter names quoted in the one message about them.
UNKNOWN_QUOTED = 5
#: Longest piece of a URL parameter quoted back in a message.
QUOTE_CHARS = 60


def _quote(text: str) -> str:
    """``repr`` of ``text``, shortened to :data:`QUOTE_CHARS` characters."""
    return repr(text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…")


def view_from_query(
    params: Mapping[str, str | Sequence[str]], *, span: DaySpan | None = None
) -> tuple[View, list[str]]:
    """Parse URL parameters into a view; unusable ones are replaced by defaults.

    ``params`` maps each key to its value, or to every value of a key repeated in the
    URL (``st.query_params.get_all``). Returns the view and one plain-text message per
    parameter that was ignored: unknown keys, bad values, and all but the last value of
    a repeated key; a date outside ``span`` (the data's) is one of the bad values, and
    without a date the day is ``span``'s nearest to the article's date
    (:data:`geo.settings.ARTICLE_DATE`). The print parameters
    (:data:`layers.briefing.print_options.QUERY_KEYS`) are known keys, parsed by
    :func:`layers.briefing.print_options.print_options_from_query`.
    """
    messages = _dropped(params.get(DROPPED_KEY))
    messages += _unknown_keys(
        [k for k in params if k not in (*QUERY_KEYS, *PRINT_KEYS, *OTHER_KEYS, DROPPED_KEY)]
    )
    values: dict[str, object] = {}

    def attempt(key: str, parse: object) -> None:
        given = params.get(key)
        if given is None:
            return
        every = [given] if isinstance(given, str) else list(given)
        if not every:
            return
        raw = every[-1]
        if len(every) > 1:
            messages.append(
                f"URL parameter {key} is given {len(every)} times; used the last, {_quote(raw)}"
            )
        try:
            values.update(parse(raw))  # type: ignore[operator]
        except (StateError, DataError) as exc:
            reason = "; ".join(exc.problems[:3]) if isinstance(exc, DataError) else str(exc)
            if len(reason) > 4 * QUOTE_CHARS:
                reason = reason[: 4 * QUOTE_CHARS] + "…"
            messages.append(f"Ignored URL parameter {key}={_quote(raw)}: {reason}")

    if span is not None:
        values["day"] = span.clamp(settings.ARTICLE_DATE)
    attempt("date", lambda raw: {"day": parse_day(raw, span)})
    attempt("layers", lambda raw: {"layers": parse_layers(raw)})
    attempt("names", lambda raw: {"convention": check_convention(raw)})
    attempt("view", lambda raw: {"bounds": parse_bounds(raw)})
    attempt("basemap", lambda raw: {"basemap": _parse_basemap(raw)})
    attempt("ann", lambda raw: {"annotations": decode_query(raw)})
    return View(**values), messages  # type: ignore[arg-type]


def _dropped(given: str | Sequence[str] | None) -> list[str]:
    """The message for a query string ignored whole (:data:`DROPPED_KEY`), if any."""
    if given is None:
        return []
    raw = given if isinstance(given, str) else (list(given) or [""])[-1]
    parameters, _, characters = raw.partition(":")
    held = (
        f"{int(parameters):,} parameters, {int(characters):,} characters"
        if parameters.isdigit() and characters.isdigit()
        else "too many parameters"
    )
    return [
        f"Ignored the whole address: it held {held}, more than the app reads (1,000 "
        "parameters, 512 KiB); the view starts from the defaults"
    ]


def _unknown_keys(keys: list[str]) -> list[str]:
    """One message for the unknown parameters (none if there are none), quoting the
    first :data:`UNKNOWN_QUOTED`."""
    messages = []
    known = ", ".join(QUERY_KEYS)
    if len(keys) == 1:
        messages.append(f"Ignored unknown URL parameter {_quote(keys[0])} (known: {known})")
    elif keys:
        quoted = ", ".join(_quote(k) for k in keys[:UNKNOWN_QUOTED])
        more = f" and {len(keys) - UNKNOWN_QUOTED:,} more" if len(keys) > UNKNOWN_QUOTED else ""
        messages.append(
            f"Ignored {len(keys):,} unknown URL parameters: {quoted}{more} (known: {known})"
        )
    return messages


# Parsers of the text forms (URL parameters, command-line options). Each returns a valid
# value or raises StateError with a message for the user.


def parse_day(raw: str, span: DaySpan | None = None) -> dt.date:
    """``YYYY-MM-DD`` within ``span`` (the data's), or without it within the dates any
    map can show (:func:`geo.dates.check_plausible`).

    >>> parse_day("2020-11-10")
    datetime.date(2020, 11, 10)
    >>> parse_day("10/11/2020")
    Traceback (most recent call last):
    geo.errors.StateError: '10/11/2020' is not a date YYYY-MM-DD
    """
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise StateError(f"{raw!r} is not a date YYYY-MM-DD") from exc
    return check_plausible(day) if span is None else span.check(day)


def parse_day_pair(raw: str, span: DaySpan | None = None) -> tuple[dt.date, dt.date]:
    """``YYYY-MM-DD,YYYY-MM-DD``: two days within ``span`` (as :func:`parse_day`), the
    first not later."""
    parts = raw.split(",")
    if len(parts) != 2:
        raise StateError(f"{raw!r} is not two dates YYYY-MM-DD,YYYY-MM-DD")
    first, last = (parse_day(part.strip(), span) for part in parts)
    return check_day_pair(first, last, span)


def parse_layers(raw: str) -> tuple[str, ...]:
    """Comma-separated layer ids, or ``none`` (nothing at all is refused: say ``none``)."""
    if raw.strip() == "none":
        return ()
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        raise StateError(f"{raw!r} names no layer (give layer ids, or 'none' for none)")
    return check_layer_ids(ids)


def parse_bounds(raw: str) -> Bounds:
    """``min lon,min lat,max lon,max lat`` in degrees.

    >>> parse_bounds("43.2,38.7,47.9,41.4")
    (43.2, 38.7, 47.9, 41.4)
    """
    try:
        parts = [float(part) for part in raw.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4:
        raise StateError(f"{raw!r} is not four numbers: min lon, min lat, max lon, max lat")
    return check_bounds((parts[0], parts[1], parts[2], parts[3]))


def _parse_basemap(raw: str) -> str:
    if raw not in BASEMAPS:
        raise StateError(f"unknown basemap (choose {', '.join(BASEMAPS)})")
    return raw


__all__ = [
    "BASEMAPS",
    "DEFAULT_BASEMAP",
    "DEFAULT_BOUNDS",
    "Bounds",
    "View",
    "check_bounds",
    "parse_bounds",
    "parse_day",
    "parse_layers",
    "view_from_query",
]
