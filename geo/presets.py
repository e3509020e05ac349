"""Named pairs of days for the comparison mode, its animation (GIF, MP4) and the atlas.

A preset is a documented setting, not data: each names the events of ``events.yaml`` its
days frame (a test checks that they exist and fall inside the pair), and ``after=None``
stands for the last day of the data's span (today while a period is open). The UI offers
the presets whose days lie in the span of the data it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo import settings
from geo.dates import DaySpan


@dataclass(frozen=True)
class DatePreset:
    """Two days to compare (``before`` < ``after``; ``after=None``: the span's last day),
    the words offered for them, and the ids of the events between them."""

    label: str
    before: dt.date
    after: dt.date | None
    events: tuple[str, ...]

    def days(self, span: DaySpan) -> tuple[dt.date, dt.date] | None:
        """The pair within ``span``, or ``None`` when either day lies outside it.

        >>> span = DaySpan(dt.date(2020, 1, 1), dt.date(2024, 12, 31))
        >>> PRESETS[-1].days(span)
        (datetime.date(2021, 2, 23), datetime.date(2024, 12, 31))
        >>> DatePreset("x", dt.date(2019, 1, 1), None, ()).days(span) is None
        True
        """
        after = span.last if self.after is None else self.after
        if not (span.contains(self.before) and span.contains(after)) or after <= self.before:
            return None
        return self.before, after


#: The presets, in the story's order: the 2020 ceasefire and handovers, then the story
#: after the article (issue 23), ending with the article's day against today.
PRESETS: tuple[DatePreset, ...] = (
    DatePreset(
        "The ceasefire and the handovers: 9 November vs 1 December 2020",
        dt.date(2020, 11, 9),
        dt.date(2020, 12, 1),
        ("aghdam-handed-over-2020", "lachin-handed-over-2020"),
    ),
    DatePreset(
        "Lachin town, Sus and Zabukh to Azerbaijan: 25 vs 30 August 2022",
        dt.date(2022, 8, 25),
        dt.date(2022, 8, 30),
        ("lachin-sus-zabukh-to-azerbaijan-2022-08-26", "lachin-corridor-new-route-2022-08-30"),
    ),
    DatePreset(
        "The September 2023 offensive: 18 September vs 15 October 2023",
        dt.date(2023, 9, 18),
        dt.date(2023, 10, 15),
        ("az-offensive-2023-09-19", "ceasefire-2023-09-20", "aliyev-flag-khankendi-2023-10-15"),
    ),
    DatePreset(
        "The peacekeepers and the monitoring centre leave: 1 April vs 1 July 2024",
        dt.date(2024, 4, 1),
        dt.date(2024, 7, 1),
        ("monitoring-centre-closed-2024-04-26", "peacekeepers-withdrawal-complete-2024-06-12"),
    ),
    DatePreset(
        "The article's day vs today",
        settings.ARTICLE_DATE,
        None,
        ("ceasefire-2023-09-20", "peacekeepers-withdrawal-complete-2024-06-12"),
    ),
)


def presets_in(span: DaySpan) -> dict[str, tuple[dt.date, dt.date]]:
    """The presets whose days lie in ``span``, by label, with their days."""
    found = ((preset.label, preset.days(span)) for preset in PRESETS)
    return {label: days for label, days in found if days is not None}
