"""Interaction in the app (issue 11): typed date, Play/Pause, search, distance, basemap."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from geo.dataset import Dataset
from geo.periods import key_days
from geo.situation import key_dates
from tests.app.helpers import APP, map_args, run_app
from ui import dates

ARTICLE_DAY = dt.date(2021, 2, 23)





def play_buttons(at: AppTest) -> list[str]:
    """Labels of the buttons that start, pause or stop a stepping playback (not the
    "By day" menu's start of a playback by day)."""
    words = ("Play", "Pause", "Stop")
    return [
        b.label for b in at.button if any(w in b.label for w in words) and b.key != "by_day_play"
    ]


def test_a_typed_date_is_applied_and_a_bad_one_is_refused(dataset: Dataset) -> None:
    at = run_app()
    field = at.text_input(key="day_input")
    field.input("2020-11-10").run()  # what Enter or Tab sends
    assert at.slider(key="day_slider").value == dt.date(2020, 11, 10)
    assert at.query_params["date"] == "2020-11-10"
    at.text_input(key="day_input").input("10/11/2020").run()
    assert not at.exception
    assert at.slider(key="day_slider").value == dt.date(2020, 11, 10)  # unchanged
    assert at.text_input(key="day_input").value == "2020-11-10"  # the field shows it again
    (toast,) = at.toast
    assert "10/11/2020" in toast.value.replace("\\", "")


def test_one_play_pause_button_and_no_real_waiting(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(dates, "time", SimpleNamespace(sleep=slept.append))  # no real waiting
    days = key_days(dataset).days
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = days[-4].isoformat()
    at.session_state[dates.DELAY_KEY] = 0.8
    at.run()
    assert play_buttons(at) == ["Play"]
    at.segmented_control(key="play_speed").set_value("2/s")
    at.button(key="play").click().run()
    assert not at.exception
    assert at.slider(key="day_slider").value == days[-1]  # stepped to the end, then stopped
    assert play_buttons(at) == ["Play"]  # never Play and Stop at once
    assert slept and all(s == pytest.approx(0.4) for s in slept)  # 0.8 s at 2 steps a second


def test_pause_stops_a_playback(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[float] = []

    def pause_after_two_steps(seconds: float) -> None:
        steps.append(seconds)
        if len(steps) == 2:  # Pause pressed during the second wait (its callback runs)
            dates.toggle_play()

    monkeypatch.setattr(dates, "time", SimpleNamespace(sleep=pause_after_two_steps))
    days = key_dates(dataset)
    at = run_app({"date": days[0].isoformat()})
    at.button(key="play").click().run()
    assert not at.exception
    assert len(steps) == 2
    assert at.slider(key="day_slider").value == days[1]  # one step, then paused
    assert not at.session_state["playing"]
    at.run()  # the run the click on Pause starts
    assert play_buttons(at) == ["Play"]
    assert at.slider(key="day_slider").value == days[1]


def test_playing_highlights_the_current_event(dataset: Dataset) -> None:
    days = key_dates(dataset)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = days[-2].isoformat()
    at.session_state[dates.DELAY_KEY] = 0.0
    at.run()
    at.button(key="play").click().run()
    selected = at.session_state["selected_event"]
    event = next(e for e in dataset.events if e.id == selected)
    assert event.date <= days[-1]
    later = [e for e in dataset.events if event.date < e.date <= days[-1]]
    assert not later  # the latest event reached
    cards = [m.value for m in at.markdown if "bm-event-selected" in m.value]
    assert len(cards) == 1 and f"data-event-id='{selected}'" in cards[0]


@pytest.mark.parametrize(
    ("query", "place"), [("Stepanakrt", "stepanakert"), ("Ханкенди", "stepanakert"),
                         ("Şuşa", "shusha")]
)  # fmt: skip
def test_search_tolerates_typos_and_scripts_and_pins_the_result(
    dataset: Dataset, query: str, place: str
) -> None:
    at = run_app()
    at.text_input(key="search").input(query).run()
    assert not at.exception
    found = dataset.places[place]
    args = map_args(at)
    assert args["center"] == [found.lat, found.lon]
    assert "bm-pin" in args["feature_group"]
    assert f"Found {found.names.en}" in " ".join(c.value for c in at.sidebar.caption)


def test_search_finds_a_region_and_offers_alternatives(dataset: Dataset) -> None:
    at = run_app()
    at.text_input(key="search").input("Nakhchivan").run()
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Did you mean" in captions
    at.button(key="did-you-mean:0").click().run()
    assert not at.exception
    assert "Found Nakhchivan" in " ".join(c.value for c in at.sidebar.caption)
    lat, lon = map_args(at)["center"]
    assert 38.8 < lat < 39.8 and 44.7 < lon < 46.2  # the exclave's representative point
    assert map_args(at)["zoom"] < 10  # framed as a region, not a point


def test_the_distance_is_written_on_the_line(dataset: Dataset) -> None:
    at = run_app()
    at.selectbox(key="from").set_value("site:russian-102nd-base")
    at.selectbox(key="to").set_value("place:yerevan").run()
    km = at.metric[0].value.removesuffix(" km")
    group = map_args(at)["feature_group"]
    assert f"{km} km (geodesic)" in group
    assert '"permanent": true' in group and "bm-measure-label" in group
    at.button(key="measure_clear").click().run()
    assert "bm-measure-label" not in map_args(at)["feature_group"]


def test_the_online_basemap_has_a_failure_notice_and_a_way_back(dataset: Dataset) -> None:
    at = run_app({"basemap": "osm"})
    assert "tileerror" in map_args(at)["script"]
    at.button(key="basemap_offline").click().run()
    assert at.radio(key="basemap").value == "vector"
    assert "basemap" not in at.query_params
    assert not [b for b in at.button if b.key == "basemap_offline"]
