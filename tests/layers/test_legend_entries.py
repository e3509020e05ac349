"""Legend entries list what a map draws: on its day, in its extent."""

from __future__ import annotations

import datetime as dt

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.features import view_features
from layers.legend_entries import drawn_legend_entries

KARABAKH = (46.0, 39.3, 47.6, 40.4)


def labels(
    dataset: Dataset, day: dt.date, extent: tuple[float, float, float, float] | None
) -> list[str]:
    frames = view_features(dataset, View(day=day))
    return [drawn.entry.label for drawn in drawn_legend_entries(frames, extent)]


def test_entries_follow_the_day(dataset: Dataset) -> None:
    early = labels(dataset, dt.date(1993, 9, 1), None)
    late = labels(dataset, dt.date(2021, 2, 23), None)
    assert "Ceasefire line, 1994" not in early and "Ceasefire line, 1994" not in late
    assert "Ceasefire line, 1994" in labels(dataset, dt.date(1995, 1, 1), None)
    assert "Proposed deployment area" not in early and "Proposed deployment area" in late
    # No control is drawn before 1992 (the map's start for the former oblast).
    before_1992 = labels(dataset, dt.date(1991, 6, 1), None)
    assert "Held by Azerbaijan" not in before_1992 and "Held by Azerbaijan" in late


def test_entries_follow_the_extent_and_the_status(dataset: Dataset) -> None:
    day = dt.date(2021, 2, 23)
    everywhere = labels(dataset, day, None)
    zoomed = labels(dataset, day, KARABAKH)
    assert "Russian military base" in everywhere and "Russian military base" not in zoomed
    assert "Monitoring centre" in zoomed
    assert set(zoomed) < set(everywhere)
    frames = view_features(dataset, View(day=day))
    proposed = next(
        d for d in drawn_legend_entries(frames) if d.entry.style_key == "proposed-deployment"
    )
    assert proposed.uncertain and proposed.style().hatch == "x"
    base = next(d for d in drawn_legend_entries(frames) if d.entry.style_key == "base")
    assert not base.uncertain and base.style().hatch is None
