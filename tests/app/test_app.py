"""The Streamlit app, driven headless with AppTest: widgets, URL state, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from geo.dataset import Dataset
from geo.errors import StateError
from geo.periods import key_days
from geo.situation import key_dates
from layers import exports
from layers.web.html import WORD_JOINER
from tests.app.helpers import APP, map_args, run_app
from tests.conftest import MakeDataDir
from ui import view_sync
from ui.map_clicks import RETURNED_OBJECTS

ARTICLE_DAY = dt.date(2021, 2, 23)
#: Keys of the widgets that hold the view.
WIDGET_PREFIXES = ("day_", "layer:", "convention", "basemap")





def test_default_run_shows_the_article_date_without_errors(dataset: Dataset) -> None:
    at = run_app()
    assert not at.exception
    assert not at.error and not at.warning
    assert at.slider(key="day_slider").value == ARTICLE_DAY
    assert at.text_input(key="day_input").value == ARTICLE_DAY.isoformat()
    args = map_args(at)
    # the view (bounds, zoom: few reruns, in the map's fragment) and the clicks, not moves
    # the view, clicks, the drawing, and where a playback by day stopped (ui.day_playback)
    assert args["returned_objects"] == [
        "bounds", "zoom", *RETURNED_OBJECTS, "all_drawings", "last_geocoder_result"
    ]
    assert "aghdam-district-azerbaijani" in args["feature_group"]
    assert "russian-102nd-base" in args["feature_group"]
    assert any(link.startswith("/app/static/leaflet/leaflet.js?v=") for link in args["js_links"])
    assert len(at.get("component_instance")) == 1
    assert at.query_params["date"] == "2021-02-23"


def test_changing_the_date_swaps_layers_but_keeps_the_map(dataset: Dataset) -> None:
    at = run_app()
    before = map_args(at)
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 26)).run()
    after = map_args(at)
    assert not at.exception
    assert after["key"] == before["key"]  # same component instance: no remount
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]
    assert "aghdam-district-armenian" in after["feature_group"]
    assert "aghdam-district-azerbaijani" not in after["feature_group"]
    assert at.text_input(key="day_input").value == "2020-09-26"
    assert at.query_params["date"] == "2020-09-26"


def test_date_input_moves_the_slider(dataset: Dataset) -> None:
    at = run_app()
    at.text_input(key="day_input").input("2000-01-01").run()  # Enter (or Tab) commits
    assert at.slider(key="day_slider").value == dt.date(2000, 1, 1)
    assert "peacekeeping-hq-stepanakert" not in map_args(at)["feature_group"]


def test_key_date_buttons_step_through_key_dates(dataset: Dataset) -> None:
    days = key_dates(dataset)
    at = run_app()
    at.button(key="prev").click().run()
    previous = max(d for d in days if d < ARTICLE_DAY)
    assert at.slider(key="day_slider").value == previous
    at.button(key="next").click().run()
    assert at.slider(key="day_slider").value == ARTICLE_DAY


def test_toggling_a_layer_removes_it_from_the_map(dataset: Dataset) -> None:
    at = run_app()
    key = map_args(at)["key"]
    at.checkbox(key="layer:control").uncheck().run()
    args = map_args(at)
    assert args["key"] == key
    assert "aghdam-district" not in args["feature_group"]
    assert "russian-102nd-base" in args["feature_group"]
    assert "control" not in at.query_params["layers"].split(",")


def test_url_sets_date_layers_and_names(dataset: Dataset) -> None:
    at = run_app({"date": "2020-09-26", "layers": "control,places", "names": "az"})
    assert not at.exception and not at.warning
    assert at.slider(key="day_slider").value == dt.date(2020, 9, 26)
    assert at.checkbox(key="layer:control").value
    assert not at.checkbox(key="layer:russian-bases").value
    args = map_args(at)
    assert "aghdam-district-armenian" in args["feature_group"]
    assert "russian-102nd-base" not in args["feature_group"]
    assert '"tooltip": "Xank\\u0259ndi"' in args["feature_group"]  # not "Stepanakert / ..."


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"date": "2030-01-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"layers": "control,unicorns"}, "unicorns"),
        ({"names": "klingon"}, "klingon"),
        ({"view": "1,2,3"}, "view"),
    ],
)
def test_bad_url_parameter_warns_and_falls_back(
    dataset: Dataset, query: dict[str, str], fragment: str
) -> None:
    at = run_app(query)
    assert not at.exception
    assert len(at.warning) == 1 and fragment in at.warning[0].value
    assert at.slider(key="day_slider").value == ARTICLE_DAY or "date" not in query


def test_broken_data_shows_every_problem_and_no_traceback(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_data_dir(
        sites_text="- id: Bad Id\n  kind: castle\n",
        events_text="[unclosed",
    )
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "problems in the data files" in at.error[0].value
    (listing,) = at.code
    message = listing.value
    assert len(message.splitlines()) >= 3
    assert "sites.yaml" in message and "'kind'" in message and "castle" in message
    assert "events.yaml" in message and "line" in message
    assert not at.get("component_instance")  # the app stopped before the map


def test_picking_an_event_sets_its_date_and_flies_there(dataset: Dataset) -> None:
    event = next(e for e in dataset.events if e.id == "monitoring-centre-opened")
    at = run_app()  # no front end: the cards' buttons (a browser's component clicks the
    # same callback: tests/e2e/test_timeline_cards.py)
    at.button(key=f"event:{event.id}").click().run()
    assert at.slider(key="day_slider").value == event.date
    args = map_args(at)
    lat, lon = args["center"]
    assert abs(lat - event.geometry.centroid.y) < 0.1 and abs(lon - event.geometry.centroid.x) < 0.1
    assert args["zoom"] >= 8


def test_distance_tool_measures_and_draws(dataset: Dataset) -> None:
    at = run_app()
    at.selectbox(key="from").set_value("site:russian-102nd-base")
    at.selectbox(key="to").set_value("place:yerevan").run()
    assert not at.exception
    km = float(at.metric[0].value.replace(",", "").removesuffix(" km"))
    assert 85 < km < 110  # Gyumri to Yerevan, about 95 km
    assert "km (geodesic)" in map_args(at)["feature_group"]


def test_basemap_switch_changes_the_map(dataset: Dataset) -> None:
    at = run_app()
    vector = map_args(at)
    at.radio(key="basemap").set_value("osm").run()
    osm = map_args(at)
    assert "tile.openstreetmap.org" in osm["script"]
    assert "tile.openstreetmap.org" not in vector["script"]
    assert at.query_params["basemap"] == "osm"


def test_one_download_button_per_format_and_nothing_built_before_a_click(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(str(args[2]))
        return b""

    monkeypatch.setattr(exports, "export_bytes", counting)
    at = run_app()
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    two_dates = exports.COMPARE_FORMATS + exports.SPAN_FORMATS  # the comparison mode's
    wanted = [
        spec.label
        for fmt, spec in exports.EXPORT_FORMATS.items()
        if fmt != "atlas-pdf" and fmt not in two_dates
    ]
    assert labels == wanted  # one click each: no "Prepare" step
    assert calls == []  # built only when clicked
    assert at.button(key="atlas:build")


def test_the_atlas_is_built_with_progress_and_kept_until_rebuilt(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int]] = []

    def fake(dataset: Dataset, view: object, fmt: str, options: Any) -> bytes:
        assert fmt == "atlas-pdf" and options.atlas.dates == "events"
        for done in (1, 2, 3):
            options.progress(done, 3)
            seen.append((done, 3))
        return b"%PDF-fake"

    monkeypatch.setattr(exports, "export_bytes", fake)
    at = run_app()
    at.radio(key="atlas:dates").set_value("events").run()
    at.button(key="atlas:build").click().run()
    assert not at.exception and seen == [(1, 3), (2, 3), (3, 3)]
    names = [b.proto.label for b in at.get("download_button")]
    assert "Download south-caucasus-2021-02-23-atlas.pdf" in names
    at.slider(key="day_slider").set_value(dt.date(2020, 11, 10)).run()  # another rerun
    assert "Download south-caucasus-2021-02-23-atlas.pdf" in [
        b.proto.label for b in at.get("download_button")
    ]


def test_play_steps_to_the_next_key_dates_and_stops(dataset: Dataset) -> None:
    days = key_days(dataset).days  # the key dates, then the latest day
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = days[-3].isoformat()
    at.session_state["play_delay"] = 0.0  # no real waiting between steps
    at.run()
    at.button(key="play").click().run(timeout=120)
    assert not at.exception
    assert at.slider(key="day_slider").value == days[-1] == dataset.span.last
    assert at.button(key="play")  # stopped after the last key date: Play is offered again


@pytest.mark.parametrize("query", ["Khankendi", "xankendi", "Stepanakert"])
def test_place_search_flies_to_any_name_form(dataset: Dataset, query: str) -> None:
    at = run_app()
    at.text_input(key="search").input(query).run()
    assert not at.exception
    stepanakert = dataset.places["stepanakert"]
    assert map_args(at)["center"] == [stepanakert.lat, stepanakert.lon]
    assert "Found Stepanakert" in " ".join(c.value for c in at.sidebar.caption)


def test_place_search_says_when_nothing_is_found(dataset: Dataset) -> None:
    at = run_app()
    at.text_input(key="search").input("Atlantis").run()
    assert not at.exception
    assert map_args(at)["center"] is None
    assert "No place called “Atlantis”" in " ".join(c.value for c in at.sidebar.caption)


def test_text_from_the_url_is_shown_as_typed_never_as_markdown(dataset: Dataset) -> None:
    at = run_app(
        {
            "date": "![x](https://example.invalid/t.png)",
            "names": ":red[boo]",
            "basemap": ":material/home:",
        }
    )
    assert not at.exception
    shown = " ".join(w.value for w in at.warning).replace(WORD_JOINER, "")
    assert "\\!\\[x\\]\\(https\\://example\\.invalid/t\\.png\\)" in shown
    assert "\\:red\\[boo\\]" in shown
    assert "![x](" not in shown and ":red[" not in shown
    # Streamlit rewrites ':material/' in the raw source before unescaping: it must not occur.
    assert not any(":material/" in w.value for w in at.warning)


def test_an_edited_data_file_is_picked_up_without_a_restart(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_data_dir()
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.error and at.get("component_instance")
    sites = folder / "sites.yaml"
    good = sites.read_text(encoding="utf-8")
    sites.write_text(good.replace("kind: base", "kind: castle"), encoding="utf-8")
    at.run()
    assert len(at.error) == 1
    assert "castle" in at.code[0].value
    sites.write_text(good.replace("Base <Alpha>", "Base Omega"), encoding="utf-8")
    at.run()
    assert not at.error
    assert "Base Omega" in map_args(at)["feature_group"]


def test_unknown_and_repeated_url_parameters_warn(dataset: Dataset) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = ["2020-11-10", "2001-01-01"]
    at.query_params["zoom"] = "12"
    at.run()
    assert not at.exception
    shown = [w.value for w in at.warning]
    assert len(shown) == 2
    assert any("zoom" in text and "unknown" in text for text in shown)
    assert any("given 2 times" in text for text in shown)
    assert at.slider(key="day_slider").value == dt.date(2001, 1, 1)


def test_the_view_survives_a_data_error_that_is_then_fixed(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_data_dir()
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"date": "2005-05-05", "names": "az", "layers": "control,places"})
    at.run()
    at.radio(key="basemap").set_value("osm").run()
    events = folder / "events.yaml"
    good = events.read_text(encoding="utf-8")
    events.write_text("[unclosed", encoding="utf-8")
    at.run()
    assert len(at.error) == 1 and not at.get("component_instance")
    # A live server drops the state of widgets a run did not draw (AppTest keeps it):
    # the browser test tests/e2e/test_data_error.py sees that for real.
    for key in [k for k in at.session_state if k.startswith(WIDGET_PREFIXES)]:
        del at.session_state[key]
    events.write_text(good, encoding="utf-8")
    at.run()
    assert not at.exception and not at.error
    assert at.slider(key="day_slider").value == dt.date(2005, 5, 5)
    assert at.text_input(key="day_input").value == "2005-05-05"
    assert at.selectbox(key="convention").value == "az"
    assert at.radio(key="basemap").value == "osm"
    assert at.checkbox(key="layer:control").value and at.checkbox(key="layer:places").value
    assert not at.checkbox(key="layer:russian-bases").value
    assert at.query_params["layers"] == "places,control"
    at.checkbox(key="layer:places").uncheck().run()  # the next click keeps the rest
    assert at.query_params["layers"] == "control"
    assert at.query_params["date"] == "2005-05-05" and at.query_params["names"] == "az"


@pytest.mark.parametrize(
    "error", [StateError("width 10 px is outside"), IndexError("string index out of range")]
)
def test_a_failed_export_is_one_line_and_the_map_and_timeline_stay(
    dataset: Dataset,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise error

    monkeypatch.setattr(exports, "export_bytes", broken)
    at = run_app()
    at.button(key="atlas:build").click().run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("export failed") and "\n" not in message
    assert str(error).split()[0] in message
    assert "atlas" not in " ".join(b.proto.label for b in at.get("download_button"))
    assert at.get("component_instance")  # the map
    assert at.button(key="event:monitoring-centre-opened")  # the timeline
    if isinstance(error, IndexError):  # the unexpected: the traceback is in the server log
        assert any(r.exc_info and r.exc_info[0] is IndexError for r in caplog.records)


def test_a_failed_download_is_one_line_on_the_next_run(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise IndexError("string index\nout of range")

    builders: dict[str, Callable[[], Any]] = {}
    register = MediaFileManager.add_deferred

    def recording(self: MediaFileManager, data: Callable[[], Any], *args: Any, **kw: Any) -> str:
        builders[str(kw.get("file_name"))] = data
        return register(self, data, *args, **kw)

    monkeypatch.setattr(exports, "export_bytes", broken)
    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    at = run_app()
    with pytest.raises(IndexError):  # no file: the browser says the download failed
        builders["south-caucasus-2021-02-23-map.png"]()
    assert any(r.exc_info and r.exc_info[0] is IndexError for r in caplog.records)
    at.run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("export failed") and "\n" not in message
    assert "IndexError" in message
    assert at.get("component_instance")  # the map
    at.run()
    assert not at.error  # said once


def test_a_url_changed_by_back_restores_its_state(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_app({"date": "2020-11-10", "banner": "SECRET", "paper": "A3"})
    assert at.text_input(key="print:banner").value == "SECRET"
    assert at.selectbox(key="print:paper").value == "A3"
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 27)).run()
    assert at.query_params["date"] == "2020-09-27"
    # Back: the browser reruns the page with the previous address, flagged as a
    # history step (AppTest cannot set Streamlit's flag: the test sets it)
    monkeypatch.setattr(view_sync, "history_step", lambda: True)
    at.query_params.clear()
    at.query_params.update({"date": "2020-11-10", "view": "45.0,39.0,47.0,40.5"})
    at.run()
    assert not at.exception and not at.warning
    assert at.slider(key="day_slider").value == dt.date(2020, 11, 10)
    assert at.text_input(key="print:banner").value == ""  # that address had no banner
    assert at.query_params["view"] == "45.0,39.0,47.0,40.5"
    assert map_args(at)["script"] and "45.0" in map_args(at)["script"]  # refitted there


def test_a_stale_url_without_a_history_step_keeps_the_view(dataset: Dataset) -> None:
    """A run asked for before the browser got the app's last URL (a click right after
    a pan) carries the older address: it is not a Back step, the view stays."""
    at = run_app({"date": "2020-11-10"})
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 27)).run()
    script = map_args(at)["script"]
    at.query_params.clear()
    at.query_params.update({"date": "2020-11-10", "view": "45.0,39.0,47.0,40.5"})
    at.run()
    assert not at.exception and not at.warning
    assert at.slider(key="day_slider").value == dt.date(2020, 9, 27)
    assert at.query_params["date"] == "2020-09-27"  # the app's own address again
    assert map_args(at)["script"] == script  # the map is not refitted (no remount)


def test_an_atlas_preset_sets_its_range(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranges: list[tuple[object, object]] = []

    def fake(dataset: Dataset, view: object, fmt: str, options: Any) -> bytes:
        ranges.append((options.atlas.first, options.atlas.last))
        return b"%PDF-fake"

    monkeypatch.setattr(exports, "export_bytes", fake)
    at = run_app()
    at.selectbox(key="atlas:preset").set_value(
        "The peacekeepers and the monitoring centre leave: 1 April vs 1 July 2024"
    ).run()
    assert not at.exception
    at.button(key="atlas:build").click().run()
    assert ranges == [(dt.date(2024, 4, 1), dt.date(2024, 7, 1))]
    at.selectbox(key="atlas:preset").set_value(None).run()  # back to the map's day
    at.button(key="atlas:build").click().run()
    assert ranges[-1] == (dataset.span.first, ARTICLE_DAY)
