"""Comparison mode (ui/compare.py) driven headless with AppTest: the two dates, the change
tables, the map kept across date changes, hostile data shown as text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.change import compare
from geo.dataset import Dataset
from geo.figures import held_km2
from geo.user_layers import read_user_layer
from layers import exports
from tests.app.helpers import APP, map_args
from tests.geo.test_user_layers import feature_collection as user_collection
from tests.geo.test_user_layers import point

BEFORE, AFTER = dt.date(2020, 11, 9), dt.date(2020, 12, 1)
HOSTILE_PLACE = "{{7*7}} <img src=x onerror=alert(1)>"
HOSTILE_AREA = "Kalbajar {{7*7}} <img src=x onerror=alert(1)> district"



def compare_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.radio(key="mode").set_value("compare").run()
    assert not at.exception
    return at



def table(at: AppTest, column: str) -> Any:
    """The DataFrame shown by the one st.dataframe with a column called ``column``."""
    (frame,) = [f.value for f in at.dataframe if column in f.value.columns]
    return frame


def test_compare_mode_shows_both_dates_the_change_and_its_km2(dataset: Dataset) -> None:
    at = compare_app()
    assert at.date_input(key="compare_before").value == BEFORE
    assert at.date_input(key="compare_after").value == AFTER
    assert not at.error
    assert any(
        "What changed between 9 November 2020 and 1 December 2020" in h.value for h in at.subheader
    )
    change = compare(dataset, BEFORE, AFTER)
    areas = table(at, "Area")
    assert list(areas["km²"]) == [round(a.km2) for a in change.areas]
    assert list(areas["Area"]) == [a.area_name for a in change.areas]
    assert "Kalbajar district (part held by Armenian forces 1993-2020)" in set(areas["Area"])
    holders = table(at, "Held by").set_index("Held by")
    armenian = change.km2_by_holder["armenian"]
    assert holders.loc["Armenian forces", "Change (km²)"] == round(
        armenian.after_km2 - armenian.before_km2
    )
    places = table(at, "Place that changed hands")
    assert "Kalbajar / Karvachar" in set(places["Place that changed hands"])
    sites = table(at, "Site that appeared or ended")
    assert "Lachin corridor (under Russian peacekeepers)" in set(
        sites["Site that appeared or ended"]
    )
    # The published figures of the after day, beside the map's value computed the same way.
    published = table(at, "Published").set_index("Figure")
    kept = "Territory the Republic of Artsakh kept after the 10 November 2020 statement"
    assert published.loc[kept, "Published"] == "2,900 km²"
    mapped = held_km2(dataset, "armenian", AFTER, "whole")
    assert published.loc[kept, "This map"] == f"{mapped:,.0f} km²"
    assert "realkarabakh.com" in published.loc[kept, "Source"]
    # The area left with no control record is named by the corridor over it, from the data.
    corridor = "Armenian forces → Lachin corridor (under Russian peacekeepers), no control record"
    assert corridor in set(areas["Change"])
    # Both days and the change layer are on the one map.
    groups = map_args(at)["feature_group"]
    assert '"pane": "bm-before"' in groups and '"pane": "bm-after"' in groups
    assert "change-armenian-azerbaijani" in groups
    assert "bm-swipe" in map_args(at)["script"]


def test_a_new_after_date_updates_the_table_and_keeps_the_map(dataset: Dataset) -> None:
    at = compare_app()
    before = map_args(at)
    at.date_input(key="compare_after").set_value(dt.date(2020, 11, 25)).run()
    assert not at.exception
    after = map_args(at)
    assert after["key"] == before["key"]  # same component: no remount
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]
    areas = table(at, "Area")
    change = compare(dataset, BEFORE, dt.date(2020, 11, 25))
    assert list(areas["km²"]) == [round(a.km2) for a in change.areas]
    assert "Lachin district (part held by Armenian forces 1992-2020)" not in set(areas["Area"])


def test_before_after_the_after_date_is_one_error_and_no_traceback() -> None:
    at = compare_app()
    at.date_input(key="compare_before").set_value(dt.date(2021, 1, 1)).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "later than" in at.error[0].value
    assert not at.get("component_instance")


def test_the_main_map_comes_back_with_its_date() -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 26)).run()
    at.sidebar.radio(key="mode").set_value("compare").run()
    at.sidebar.radio(key="mode").set_value("map").run()
    assert not at.exception
    assert at.slider(key="day_slider").value == dt.date(2020, 9, 26)


def test_hostile_names_are_inert_in_the_tables_and_on_the_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, folder)
    places = folder / "places.yaml"
    text = places.read_text(encoding="utf-8")
    assert "    en: Kalbajar\n" in text
    places.write_text(
        text.replace("    en: Kalbajar\n", f"    en: '{HOSTILE_PLACE}'\n"), encoding="utf-8"
    )
    control = folder / "control.yaml"
    text = control.read_text(encoding="utf-8")
    old_area = "Kalbajar district (part held by Armenian forces 1993-2020)"
    control.write_text(text.replace(old_area, f"'{HOSTILE_AREA}'"), encoding="utf-8")
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.radio(key="mode").set_value("compare").run()
    at.sidebar.selectbox(key="convention").set_value("en").run()
    assert not at.exception and not at.error
    # Shown exactly as typed, never evaluated (no "49") nor turned into markup.
    assert HOSTILE_AREA in set(table(at, "Area")["Area"])
    assert HOSTILE_PLACE in set(table(at, "Place that changed hands")["Place that changed hands"])
    # The feature groups' script, with its JavaScript \uXXXX escapes read back.
    script = map_args(at)["feature_group"]
    groups = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), script)
    assert "<img src=x" not in groups and "{{7*7}}" not in groups
    assert (
        "&lt;img src=x onerror=alert(1)&gt;" in groups and "&#123;&#123;7*7&#125;&#125;" in groups
    )
    shown = " ".join(
        str(e.value) for e in [*at.markdown, *at.caption, *at.subheader, *at.error, *at.warning]
    )
    assert "49" not in shown and "<img" not in shown


def test_the_comparison_exports_take_the_two_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, Any]] = []

    def fake_export(dataset: Dataset, view: Any, fmt: str, options: Any = None) -> bytes:
        asked.append((fmt, options))
        return b"bytes"

    at = compare_app()
    at.date_input(key="compare_after").set_value(dt.date(2020, 11, 25)).run()
    monkeypatch.setattr(exports, "export_bytes", fake_export)
    assert not at.get("download_button")  # built only on click
    at.button(key="prepare-compare:compare-pdf").click().run()
    at.button(key="prepare-compare:gif").click().run()
    assert not at.exception and not at.error
    pair = (BEFORE, dt.date(2020, 11, 25))
    assert [(fmt, o.compare, o.span) for fmt, o in asked] == [
        ("compare-pdf", pair, None),
        ("gif", None, pair),
    ]
    (download,) = at.get("download_button")
    assert "Animation of a date range (GIF)" in str(download.proto)


def test_the_users_layer_is_on_the_comparison_map_and_in_its_exports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[Any] = []

    def fake_export(dataset: Dataset, view: Any, fmt: str, options: Any = None) -> bytes:
        asked.append(options)
        return b"bytes"

    data = user_collection(
        point(46.75, 39.75, name="Early convoy", date="2020-10-01"),
        point(46.5, 39.5, name="Late convoy", date="2020-11-20"),
    )
    layer_id = read_user_layer(data, "convoys.geojson").id
    at = compare_app()
    uploader = at.sidebar.get("file_uploader")[0]
    at = uploader.set_value(("convoys.geojson", data, "application/geo+json")).run()
    assert not at.exception and not at.error
    groups = map_args(at)["feature_group"]
    # each side as on its date: the late convoy (20 November) right of the bar only
    assert groups.count("Late convoy") > 0
    assert groups.count("Early convoy") == 2 * groups.count("Late convoy")
    assert "Your layers" in groups  # in the legend
    monkeypatch.setattr(exports, "export_bytes", fake_export)
    at.button(key="prepare-compare:compare-pdf").click().run()
    assert not at.exception and not at.error
    (options,) = asked
    assert options.compare == (BEFORE, AFTER) and [u.id for u in options.user_layers] == [layer_id]


def test_a_preset_fills_both_dates_for_the_comparison_and_its_animation(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = compare_app()
    label = "The September 2023 offensive: 18 September vs 15 October 2023"
    at.selectbox(key="compare_preset").set_value(label).run()
    assert not at.exception and not at.error
    assert at.date_input(key="compare_before").value == dt.date(2023, 9, 18)
    assert at.date_input(key="compare_after").value == dt.date(2023, 10, 15)
    assert any("18 September 2023 and 15 October 2023" in h.value for h in at.subheader)
    seen: list[Any] = []

    def fake(dataset: Dataset, view: object, fmt: str, options: Any) -> bytes:
        seen.append((fmt, options.span))
        return b"GIF89a"

    monkeypatch.setattr(exports, "export_bytes", fake)
    at.button(key="prepare-compare:gif").click().run()
    assert seen and seen[-1] == ("gif", (dt.date(2023, 9, 18), dt.date(2023, 10, 15)))
    at.selectbox(key="compare_preset").set_value("The article's day vs today").run()
    assert at.date_input(key="compare_before").value == settings.ARTICLE_DATE
    assert at.date_input(key="compare_after").value == dataset.span.last
