"""The plan of dates handed to the map's frame for its date preview (issue 25): only
situations prepared already, their groups by the keys the server sends, one kept group
(a stub while nothing changes), nothing of another data version."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from geo.dataset import Dataset
from geo.periods import key_days
from geo.situation import state_at
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.web import date_preview, situations
from layers.web.date_preview import empty_group, plan_group, span_segments, stamp_parts
from layers.web.frame_groups import FrameGroups
from layers.web.groups import date_stamp
from layers.web.legend import drawn_legend_html
from layers.web.map import base_map
from layers.web.situations import fixed_layers, situation_layers

WAR, AFTER = dt.date(2020, 9, 26), dt.date(2020, 12, 2)
AT = 40  # a position after the map's other groups


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    situations.clear()
    date_preview.clear()
    yield
    situations.clear()
    date_preview.clear()


def plan_of(body: str) -> dict[str, Any] | None:
    """The plan a group's script hands the frame (None: no plan)."""
    found = re.search(r"\.bmPreview = (\"(?:[^\"\\]|\\.)*\");", body)
    assert found is not None
    text = json.loads(found.group(1))
    return json.loads(text) if text else None


def prepare(dataset: Dataset, version: str, view: View, day: dt.date) -> dict[str, str]:
    """Prepare ``day``'s situation of ``view``'s dated layers as the app does (and the
    plan's segments); the keys of its groups by position."""
    fixed = fixed_layers(version, dataset, view.convention)
    dated = tuple(i for i in view.layers if i not in fixed)
    span_segments(version, dataset, dated)
    _, scripts = situation_layers(version, dataset, state_at(dataset, day), dated, view.convention)
    return {str(s.index): s.key for s in scripts.values()}


def situation_on(plan: dict[str, Any], day: dt.date) -> int:
    starts = [dt.date.fromisoformat(d) for d in plan["starts"]]
    segment = max(i for i, start in enumerate(starts) if start <= day)
    return int(plan["at"][segment])


def groups_of(plan: dict[str, Any], s: int) -> dict[str, str]:
    row = plan["situations"][s]
    return {str(row[i]): plan["scripts"][row[i + 1]] for i in range(1, len(row), 2)}


def test_the_stamp_is_written_as_the_frame_writes_it() -> None:
    parts = stamp_parts()
    assert parts is not None
    prefix, months = parts
    for day in (dt.date(1991, 1, 1), WAR, AFTER, dt.date(2026, 12, 7)):
        assert f"{prefix}{day.day} {months[day.month - 1]} {day.year}" == date_stamp(day)


def test_only_prepared_situations_are_in_the_plan_with_the_keys_the_server_sends(
    dataset: Dataset,
) -> None:
    view = View(day=WAR)
    days = key_days(dataset)
    fixed = fixed_layers("v", dataset, view.convention)
    dated = tuple(i for i in view.layers if i not in fixed)
    assert span_segments("v", dataset, dated, wait=False) is None  # made in a thread
    span_segments("v", dataset, dated)
    nothing = plan_of(plan_group("v", dataset, view, days, "key", AT).body)
    assert nothing is not None and set(nothing["at"]) == {-1}  # never prepares one itself
    war = prepare(dataset, "v", view, WAR)
    plan = plan_of(plan_group("v", dataset, view, days, "key", AT).body)
    assert plan is not None
    s = situation_on(plan, WAR)
    assert s >= 0 and groups_of(plan, s) == war
    assert situation_on(plan, AFTER) == -1  # not prepared: left to the server
    assert plan["first"] == dataset.span.first.isoformat()
    assert plan["keys"] == sorted(plan["keys"]) and "2020-11-10" in plan["keys"]
    legend = "".join(plan["pieces"][i] for i in plan["legends"][plan["situations"][s][0]])
    collections = situations.map_layers("v", dataset, view).collections
    assert legend == drawn_legend_html(collections)  # the legend the server's run writes


def test_the_plan_is_one_kept_group_sent_once_then_as_a_stub(dataset: Dataset) -> None:
    view = View(day=WAR)
    days = key_days(dataset)
    prepare(dataset, "v", view, WAR)
    first = plan_group("v", dataset, view, days, "key", AT)
    assert plan_group("v", dataset, view, days, "key", AT) is first  # nothing changed
    record = FrameGroups()
    record.send([first.group()])
    record.confirmed = True
    again = record.send([plan_group("v", dataset, view, days, "key", AT).group()])
    assert record.stubs == 1 and "bmPreview" not in getattr(again[0], "prepared_script", "x")
    prepare(dataset, "v", view, AFTER)  # a situation prepared since: a new plan, sent in full
    changed = plan_group("v", dataset, view, days, "key", AT)
    assert changed.key != first.key
    record.send([changed.group()])
    assert record.full == 1


def test_another_data_version_has_only_its_own_prepared_situations_named_by_content(
    dataset: Dataset,
) -> None:
    view = View(day=WAR)
    days = key_days(dataset)
    old = set(prepare(dataset, "v1", view, WAR).values())
    fixed = fixed_layers("v2", dataset, view.convention)
    span_segments("v2", dataset, tuple(i for i in view.layers if i not in fixed))
    fresh = plan_of(plan_group("v2", dataset, view, days, "key", AT).body)
    assert fresh is not None and set(fresh["at"]) == {-1} and fresh["scripts"] == []
    prepare(dataset, "v2", view, WAR)
    later = plan_of(plan_group("v2", dataset, view, days, "key", AT).body)
    assert later is not None
    # the same features under another version are the same scripts, named by content:
    # a key names a script's text, never a version's slot
    assert set(later["scripts"]) == old


def test_no_plan_hands_the_frame_an_empty_one_at_the_same_position() -> None:
    group = empty_group(AT)
    assert group.index == AT and plan_of(group.body) is None
    assert empty_group(AT) is group


def test_the_app_map_carries_the_preview_and_the_overlay_keeps_the_day(dataset: Dataset) -> None:
    html = base_map(dataset, DEFAULT_BOUNDS, "vector").get_root().render()
    assert "window.bmPreview" in html and "st-key-day_input" in html
    shown = base_map(dataset, DEFAULT_BOUNDS, "vector", annotation_tool="show")
    assert "window.bmPreview" not in shown.get_root().render()  # exports: no preview


def test_hostile_data_puts_no_code_into_the_plan(hostile_dataset: Dataset) -> None:
    """The plan holds dates, keys (hex digests), positions and the legends' HTML (made
    from the catalogue and the escaped legend path); with the hostile copy of the data
    the script's literal holds no character a parser could take as markup or template,
    and no data text reaches the plan (data text reaches the frame in the kept groups,
    fetched by key: their escaping is tested with the groups)."""
    view = View(day=AFTER)
    days = key_days(hostile_dataset)
    prepare(hostile_dataset, "h", view, AFTER)
    body = plan_group("h", hostile_dataset, view, days, "key", AT).body
    found = re.search(r"\.bmPreview = (\"(?:[^\"\\]|\\.)*\");", body)
    assert found is not None
    assert not set("<>`$") & set(found.group(1))
    plan = plan_of(body)
    assert plan is not None and situation_on(plan, AFTER) >= 0
    text = json.dumps(plan)
    assert "alert" not in text and "{{" not in text and "<img" not in text
    assert all(re.fullmatch(r"[0-9a-f]+", key) for key in plan["scripts"])
