"""The days of a playback by day and their situation keys (issue 25): day precision
against the data's own dates, and the plan the map's frame is sent."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from geo.dataset import Dataset
from geo.situation import state_at
from layers.briefing.view import View
from layers.catalog import LAYERS
from layers.web import day_plan as plans
from layers.web.day_plan import day_keys, day_plan
from layers.web.situations import fixed_layers, situation_identity, situation_layers

START, END = dt.date(2020, 11, 1), dt.date(2020, 12, 10)
DATED = tuple(spec.id for spec in LAYERS if spec.dated)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_every_day_has_a_key_and_days_of_equal_situations_share_it(dataset: Dataset) -> None:
    keys = day_keys(dataset, START, END, DATED)
    assert [k.day for k in keys] == _days(START, END)
    identities = [
        situation_identity(state_at(dataset, day), DATED, dataset=dataset)
        for day in _days(START, END)
    ]
    pairs = list(zip(keys, identities, strict=True))
    for (a, ia), (b, ib) in itertools.pairwise(pairs):
        assert (a.key == b.key) == (ia == ib), (a.day, b.day)
    assert len({k.key for k in keys}) == len(set(identities)) > 3


def test_the_key_changes_on_the_day_control_changes_hands(dataset: Dataset) -> None:
    starts = {c.span.start for c in dataset.control if c.span.start and START < c.span.start <= END}
    ends = {c.span.end for c in dataset.control if c.span.end and START < c.span.end <= END}
    assert dt.date(2020, 11, 20) in starts  # Aghdam handed over (control.yaml)
    keys = {k.day: k.key for k in day_keys(dataset, START, END, ("control",))}
    changed = {day for day in keys if day > START and keys[day] != keys[day - dt.timedelta(days=1)]}
    assert starts | ends <= changed  # on the very day, never a day late or early
    assert changed <= set(plans.change_days(dataset, ("control",)))  # only where data changes
    aghdam, one = dt.date(2020, 11, 20), dt.timedelta(days=1)
    assert keys[aghdam - one] != keys[aghdam] == keys[aghdam + one]


def test_the_plan_names_each_days_situation_and_its_registered_groups(dataset: Dataset) -> None:
    registered: dict[str, str] = {}

    def register(script: str) -> str:
        key = f"k{len(registered)}"
        registered.setdefault(script, key)
        return registered[script]

    view = View(day=START)
    plan = day_plan("v", dataset, view, END, register=register)
    assert [day for day, _, _ in plan.days] == [d.isoformat() for d in _days(START, END)]
    assert plan.days[19][1] == "Situation on 20 November 2020"
    dated = tuple(i for i in view.layers if i not in fixed_layers("v", dataset, view.convention))
    by_day = {k.day.isoformat(): k.key for k in day_keys(dataset, START, END, dated)}
    for (day, _, s), (other, _, t) in itertools.pairwise(plan.days):
        assert (s == t) == (by_day[day] == by_day[other])
    # a situation's groups are those a date change sends (their own scripts, registered)
    day = dt.date(2020, 11, 20)
    _, scripts = situation_layers("v", dataset, state_at(dataset, day), dated, view.convention)
    groups = dict(plan.situations[plan.days[19][2]][0])
    assert {s.index: registered[s.body] for s in scripts.values()} == groups
    assert len(plan.legends) < len(plan.situations)  # one legend for many situations
    payload = plan.payload("p", 20, route="/briefing-groups", ahead=40)
    assert not set("<>{}$`") & set(payload)  # a JavaScript string literal, data escaped
    data = json.loads(json.loads(payload))  # the literal is JSON too
    assert data["id"] == "p" and data["speed"] == 20 and len(data["days"]) == len(plan.days)


def test_a_plan_is_cut_before_too_many_situations(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plans, "MAX_SITUATIONS", 3)
    plan = day_plan("v", dataset, View(day=START), END, register=lambda s: str(hash(s)))
    assert plan.cut and len(plan.situations) == 3
    assert plan.end == dt.date.fromisoformat(plan.days[-1][0]) < END
    after = state_at(dataset, plan.end + dt.timedelta(days=1))
    assert plan.end < END and after.day == plan.end + dt.timedelta(days=1)


def test_hostile_text_in_the_plan_stays_text(hostile_dataset: Dataset) -> None:
    """Event titles (the cards) and legends reach the frame escaped, inside a JavaScript
    string literal of JSON: no tag, template or brace survives as such."""
    plan = day_plan("h", hostile_dataset, View(day=START), END, register=lambda s: "k")
    payload = plan.payload("p", 10, route="/briefing-groups", ahead=8)
    assert not set("<>{}$`") & set(payload)
    data = json.loads(json.loads(payload))
    cards = " ".join(s["now"] for s in data["situations"])
    assert "alert(1)" in cards  # the hostile titles are there, as text
    assert "<img" not in cards and "<script" not in cards and "{{7*7}}" not in cards
    assert "&lt;img src=x onerror=alert(1)&gt;" in cards
