"""The date control follows the data's span (issue 23), driven by AppTest: the slider's
ends, the default day, URL dates, steps by key date, month or year, the key dates by
period with "Latest", and a day kept when the span moves (midnight, an edited file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, map_args
from tests.conftest import TEST_TODAY, MakeDataDir
from tests.span_data import LAST_2019, LAST_2030, records_to_2019, records_to_2030

D = dt.date


def app_on(folder: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]) -> AppTest:
    """A first run of the app on the data folder ``folder`` with URL ``query``."""
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def slider_range(at: AppTest) -> tuple[dt.date, dt.date]:
    slider = at.slider(key="day_slider")
    ends = (dt.datetime.fromtimestamp(v / 1e6, dt.UTC).date() for v in (slider.min, slider.max))
    first, last = ends
    return first, last


def test_data_ending_in_2019_bounds_the_slider_and_refuses_2029(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(make_data_dir(**records_to_2019()), monkeypatch, {"date": "2029-06-01"})
    assert not at.exception and not at.error
    assert slider_range(at) == (D(1993, 7, 23), LAST_2019)
    assert at.slider(key="day_slider").value == LAST_2019  # the article's date, kept in the span
    (warning,) = [w.value for w in at.warning]
    assert "2029-06-01 is outside the map" in warning.replace("\\", "").replace("\u2060", "")
    assert "1993–2019" in at.subheader[0].value
    at.text_input(key="day_input").set_value("2020-01-01").run()
    assert at.slider(key="day_slider").value == LAST_2019  # refused: stays
    assert at.query_params["date"] == LAST_2019.isoformat()


def test_data_running_to_2030_shows_2029_with_the_new_layers(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(make_data_dir(**records_to_2030()), monkeypatch, {"date": "2029-06-01"})
    assert not at.exception and not at.error and not at.warning
    assert slider_range(at) == (D(1992, 1, 1), LAST_2030)
    assert at.slider(key="day_slider").value == D(2029, 6, 1)
    drawn = map_args(at)["feature_group"]
    for site_id in ("eu-base", "eu-area", "checkpoint", "route"):
        assert site_id in drawn
    assert "Synthetic border post" not in drawn  # ended in 2024
    assert "Transit route" in drawn and "EU mission base" in drawn  # the legend of the day


def test_open_data_runs_to_today_and_latest_is_one_click_away(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(make_data_dir(), monkeypatch, {})
    assert slider_range(at)[1] == D.fromisoformat(TEST_TODAY)
    assert at.slider(key="day_slider").value == D(2021, 2, 23)  # the article's date
    at.button(key="key:latest").click().run()
    assert at.slider(key="day_slider").value == D.fromisoformat(TEST_TODAY)
    at.button(key="key:article").click().run()
    assert at.slider(key="day_slider").value == D(2021, 2, 23)


def test_steps_by_month_and_year_and_key_dates_by_period(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(make_data_dir(**records_to_2030()), monkeypatch, {"date": "2021-02-23"})
    at.segmented_control(key="play_step").set_value("year").run()
    at.button(key="next").click().run()
    assert at.slider(key="day_slider").value == D(2022, 2, 23)
    at.segmented_control(key="play_step").set_value("month").run()
    at.button(key="prev").click().run()
    assert at.slider(key="day_slider").value == D(2022, 1, 23)
    at.segmented_control(key="play_step").set_value("key").run()
    at.button(key="next").click().run()
    assert at.slider(key="day_slider").value == D(2023, 2, 20)  # the next key date
    periods = at.selectbox(key="key_period")
    assert periods.value == 4  # the period of the date shown: 2023
    periods.set_value(6).run()  # 2030
    at.selectbox(key="key_pick").set_value(D(2030, 3, 1)).run()
    assert at.slider(key="day_slider").value == D(2030, 3, 1)
    assert at.selectbox(key="key_pick").value is None  # cleared for the next pick


def test_playing_by_year_covers_a_decade_in_ten_steps(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from ui import dates

    slept: list[float] = []

    def stop_after_ten(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 10:
            dates.toggle_play()

    monkeypatch.setattr(dates, "time", SimpleNamespace(sleep=stop_after_ten))
    at = app_on(make_data_dir(**records_to_2030()), monkeypatch, {"date": "2010-05-01"})
    at.segmented_control(key="play_step").set_value("year").run()
    at.button(key="play").click().run(timeout=120)
    assert not at.exception
    assert at.slider(key="day_slider").value == D(2019, 5, 1)  # nine steps, paused in the tenth
    assert slept and all(s == pytest.approx(1.0) for s in slept)  # one step a second


def test_the_date_survives_a_change_of_span(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = app_on(make_data_dir(), monkeypatch, {"date": "2020-11-10"})
    monkeypatch.setenv("BRIEFING_TODAY", "2026-12-02")  # midnight: the slider's end moves
    at.run()
    assert slider_range(at)[1] == D(2026, 12, 2)
    assert at.slider(key="day_slider").value == D(2020, 11, 10)  # not reset to the first day
