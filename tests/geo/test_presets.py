"""Named date pairs for comparison, animation and atlas (geo/presets.py)."""

from __future__ import annotations

import datetime as dt

from geo import settings
from geo.dataset import Dataset
from geo.dates import DaySpan
from geo.presets import PRESETS, presets_in


def test_every_preset_frames_the_events_it_names(dataset: Dataset) -> None:
    events = {e.id: e for e in dataset.events}
    for preset in PRESETS:
        days = preset.days(dataset.span)
        assert days is not None, preset.label
        before, after = days
        assert preset.events, preset.label
        for event_id in preset.events:
            assert before < events[event_id].date <= after, (preset.label, event_id)


def test_the_story_after_the_article_has_its_presets(dataset: Dataset) -> None:
    offered = presets_in(dataset.span)
    assert offered["The September 2023 offensive: 18 September vs 15 October 2023"] == (
        dt.date(2023, 9, 18),
        dt.date(2023, 10, 15),
    )
    assert offered["The article's day vs today"] == (settings.ARTICLE_DATE, dataset.span.last)
    assert dataset.span.last == settings.today()  # open periods run to today


def test_presets_outside_the_span_are_not_offered() -> None:
    short = DaySpan(dt.date(1992, 1, 1), dt.date(2019, 12, 31))
    assert presets_in(short) == {}
    to_2022 = DaySpan(dt.date(1992, 1, 1), dt.date(2022, 12, 31))
    assert list(presets_in(to_2022)) == [p.label for p in PRESETS[:2]] + [PRESETS[-1].label]
