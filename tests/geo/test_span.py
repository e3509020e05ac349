"""The span comes from the data (issue 23): first and last dated records, open periods to
today, the article's date as the default day; key dates with "Latest", their periods, and
steps of a key date, a month or a year."""

from __future__ import annotations

import datetime as dt

import pytest

from geo import consistency, settings
from geo.dataset import load_dataset
from geo.dates import DaySpan
from geo.errors import StateError
from geo.periods import key_days, periods, step
from geo.situation import frame_dates, key_dates, state_at
from tests.conftest import TEST_TODAY, MakeDataDir
from tests.span_data import LAST_2019, LAST_2030, records_to_2019, records_to_2030

D = dt.date
TODAY = D.fromisoformat(TEST_TODAY)


def test_data_ending_in_2019_spans_its_records_and_defaults_to_its_last_day(
    make_data_dir: MakeDataDir,
) -> None:
    data = load_dataset(make_data_dir(**records_to_2019()))
    assert data.span == DaySpan(D(1993, 7, 23), LAST_2019)
    assert data.default_day == LAST_2019  # the article's date is after the data
    assert state_at(data, D(2019, 12, 30)).control[0].holder == "azerbaijani"
    with pytest.raises(StateError, match="2029-06-01 is outside the map's span 1993-07-23 to"):
        state_at(data, D(2029, 6, 1))
    with pytest.raises(StateError, match="outside the map's span"):
        frame_dates(data, D(2019, 1, 1), D(2020, 1, 1))


def test_data_running_to_2030_spans_to_its_last_record(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(**records_to_2030()))
    assert data.span == DaySpan(D(1992, 1, 1), LAST_2030)  # later than today
    assert data.default_day == settings.ARTICLE_DATE
    shown = {s.id for s in state_at(data, D(2029, 6, 1)).sites}
    assert shown == {"base-alpha", "eu-base", "eu-area", "checkpoint", "route"}  # post ended
    assert {s.id for s in state_at(data, D(2024, 7, 31)).sites} >= {"post", "eu-base"}
    assert [e.id for e in state_at(data, LAST_2030).events][-1] == "ev-2030"
    findings = [f for f in consistency.check(data) if f.kind != "country"]  # none recorded
    assert findings == []  # the checker covers the new kinds and dates


def test_open_periods_run_to_today_which_the_environment_can_fix(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_dataset(make_data_dir())  # east-b and base-alpha have no end
    assert data.span.last == TODAY
    monkeypatch.setenv("BRIEFING_TODAY", "2031-03-01")
    assert data.span.last == D(2031, 3, 1)  # the same loaded data, another day
    monkeypatch.setenv("BRIEFING_TODAY", "not a date")
    assert data.span.last == dt.date.today()
    monkeypatch.delenv("BRIEFING_TODAY")
    assert settings.today() == dt.date.today()


def test_the_real_data_begins_with_its_first_record_and_runs_to_today(dataset: object) -> None:
    from geo.dataset import Dataset

    assert isinstance(dataset, Dataset)
    first = min(
        [c.span.start for c in dataset.control if c.span.start]
        + [s.span.start for s in dataset.sites if s.span.start]
        + [e.date for e in dataset.events]
        + [p.span.start for c in dataset.communities for p in c.held if p.span.start]
    )
    assert dataset.span == DaySpan(first, TODAY)
    assert dataset.default_day == settings.ARTICLE_DATE


def test_key_days_end_with_latest(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(**records_to_2030()))
    days = key_days(data)
    assert days.latest == LAST_2030 == days.days[-1]
    assert set(days.days) == {*key_dates(data), LAST_2030}
    labels = [p.label for p in days.periods]  # split at gaps of a year or more
    assert labels == ["1992", "1993", "1995", "2020", "2023", "2024–2025", "2030"]
    old = load_dataset(make_data_dir(**records_to_2019()))
    assert key_days(old).latest == LAST_2019


def test_periods_split_at_long_gaps_and_cut_crowded_runs_into_years() -> None:
    spaced = [D(1992, 2, 26), D(1994, 5, 12), D(2020, 9, 27), D(2020, 11, 10), D(2023, 9, 19)]
    assert [p.label for p in periods(spaced)] == ["1992", "1994", "2020", "2023"]
    crowded = [D(2020, 9, 27) + dt.timedelta(days=10 * k) for k in range(60)]
    labels = [(p.label, len(p.days)) for p in periods(crowded)]
    assert labels == [("2020", 10), ("2021", 37), ("2022", 13)]
    assert periods([]) == ()


def test_steps_by_key_date_month_and_year_stay_in_the_span() -> None:
    span = DaySpan(D(1992, 1, 1), D(2026, 12, 1))
    keys = (D(2020, 11, 10), D(2021, 2, 23), D(2026, 12, 1))
    assert step(D(2021, 2, 23), "key", forward=True, span=span, key_days=keys) == D(2026, 12, 1)
    assert step(D(2020, 11, 10), "key", forward=False, span=span, key_days=keys) is None
    assert step(D(2016, 2, 29), "year", forward=True, span=span) == D(2017, 2, 28)
    assert step(D(1992, 3, 31), "month", forward=False, span=span) == D(1992, 2, 29)
    assert step(D(1992, 1, 15), "month", forward=False, span=span) == D(1992, 1, 1)
    assert step(D(1992, 1, 1), "year", forward=False, span=span) is None
    # Ten steps of a year cover a decade.
    day = D(1994, 5, 12)
    for _ in range(10):
        day = step(day, "year", forward=True, span=span) or day
    assert day == D(2004, 5, 12)
    with pytest.raises(ValueError, match="unknown step"):
        step(D(2000, 1, 1), "week", forward=True, span=span)


def test_a_span_is_at_least_two_days(make_data_dir: MakeDataDir) -> None:
    only = {"id": "ev-only", "title": "Only", "date": "2000-01-01", "precision": "day",
            "geometry": {"place": "beta"}, "status": "confirmed", "sources": ["src-a"]}  # fmt: skip
    data = load_dataset(make_data_dir(sites=[], control=[], events=[only]))
    assert data.span == DaySpan(D(2000, 1, 1), D(2000, 1, 2))


def test_key_days_are_made_once_per_dataset_and_span(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every run asks for the key days (issue 25): the same dataset on the same day gets
    the same object; another day (an open period runs to it) or another dataset with the
    same records gets its own."""
    data = load_dataset(make_data_dir())
    first = key_days(data)
    assert key_days(data) is first and first.latest == TODAY
    monkeypatch.setenv("BRIEFING_TODAY", "2031-03-01")
    assert key_days(data).latest == D(2031, 3, 1)
    monkeypatch.setenv("BRIEFING_TODAY", TODAY.isoformat())
    assert key_days(data) is first
    again = key_days(load_dataset(make_data_dir()))
    assert again is not first and again == first
