"""The comparison mode's state in a shared address (issue 24): the mode, the two dates and
where the swipe bar stands; the extent is the view's own ``view=``.

``?mode=compare&before=2020-11-09&after=2020-12-01&swipe=0.35`` opens the comparison of
those two dates with the bar at 35 % of the map's width. Parsing never raises: a bad
value falls back to the default and is reported as a plain-text message, like the view's
parameters (:func:`layers.briefing.view.view_from_query`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geo.errors import StateError
from geo.situation import check_day_pair
from layers.briefing.view import parse_day

#: The URL parameters of the comparison.
QUERY_KEYS = ("mode", "before", "after", "swipe")
COMPARE_MODE = "compare"
#: The first dates compared: the day before the ceasefire statement and the day Lachin
#: district was handed over.
DEFAULT_BEFORE, DEFAULT_AFTER = dt.date(2020, 11, 9), dt.date(2020, 12, 1)
#: Where the swipe bar stands at first (share of the map's width from its left edge).
DEFAULT_SWIPE = 0.5


@dataclass(frozen=True)
class CompareView:
    """Two days (``before`` not later than ``after``) and the swipe bar's place (0 to 1)."""

    before: dt.date = DEFAULT_BEFORE
    after: dt.date = DEFAULT_AFTER
    swipe: float = DEFAULT_SWIPE

    def __post_init__(self) -> None:
        check_day_pair(self.before, self.after)
        if not (math.isfinite(self.swipe) and 0.0 <= self.swipe <= 1.0):
            raise StateError(f"swipe {self.swipe!r} is not between 0 and 1")
        object.__setattr__(self, "swipe", round(float(self.swipe), 3))

    def to_query(self) -> dict[str, str]:
        """The URL parameters of this comparison (the swipe omitted at its default)."""
        query = {
            "mode": COMPARE_MODE,
            "before": self.before.isoformat(),
            "after": self.after.isoformat(),
        }
        if self.swipe != DEFAULT_SWIPE:
            query["swipe"] = f"{self.swipe:g}"
        return query


def compare_from_query(
    params: Mapping[str, str | Sequence[str]],
) -> tuple[CompareView | None, list[str]]:
    """The comparison an address asks for (``None`` without ``mode=compare``) and a
    message for each value that could not be used.

    >>> compare, messages = compare_from_query({"mode": "compare", "before": "2020-10-01"})
    >>> compare.before, compare.after, compare.swipe, messages
    (datetime.date(2020, 10, 1), datetime.date(2020, 12, 1), 0.5, [])
    >>> compare_from_query({"mode": "map"})[0] is None
    True
    """
    def last(key: str) -> str | None:
        given = params.get(key)
        if given is None:
            return None
        every = [given] if isinstance(given, str) else list(given)
        return every[-1] if every else None

    messages: list[str] = []
    mode = last("mode")
    if mode is None or mode == "map":
        return None, messages
    if mode != COMPARE_MODE:
        return None, [f"Ignored URL parameter mode={mode[:40]!r}: choose map or compare"]
    before, after, swipe = DEFAULT_BEFORE, DEFAULT_AFTER, DEFAULT_SWIPE
    for key in ("before", "after"):
        raw = last(key)
        if raw is None:
            continue
        try:
            day = parse_day(raw)
        except StateError as exc:
            messages.append(f"Ignored URL parameter {key}={raw[:40]!r}: {exc}")
            continue
        before, after = (day, after) if key == "before" else (before, day)
    raw = last("swipe")
    if raw is not None:
        try:
            swipe = CompareView(swipe=float(raw)).swipe
        except (ValueError, StateError):
            messages.append(f"Ignored URL parameter swipe={raw[:40]!r}: not a number 0 to 1")
    try:
        return CompareView(before, after, swipe), messages
    except StateError as exc:
        messages.append(f"Ignored the compared dates: {exc}")
        return CompareView(swipe=swipe), messages
