"""Every situation of the default view prepared in the background (issue 25,
layers.web.situations_ahead): the date preview's plan then covers every day of the span,
not only those a session showed, each group's script in the store the frame fetches from;
once per data version, layers and naming; bounded per dated layer, nearest the day first."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest

from geo.dataset import Dataset
from geo.periods import key_days
from geo.situation import state_at
from layers.briefing.view import View
from layers.web import date_preview, situations, situations_ahead
from layers.web.date_preview import plan_group, span_segments
from layers.web.group_store import STORE
from layers.web.situations import fixed_layers, prepared_layer, situation_layers

WAR = dt.date(2020, 9, 26)
AT = 40  # a position after the map's other groups


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    situations.clear()
    date_preview.clear()
    situations_ahead.forget()
    yield
    situations.clear()
    date_preview.clear()
    situations_ahead.forget()


def plan_of(body: str) -> dict[str, Any]:
    found = re.search(r"\.bmPreview = (\"(?:[^\"\\]|\\.)*\");", body)
    assert found is not None
    plan = json.loads(json.loads(found.group(1)))
    assert plan is not None
    return dict(plan)


def dated_of(dataset: Dataset, view: View) -> tuple[str, ...]:
    fixed = fixed_layers("v", dataset, view.convention)
    return tuple(i for i in view.layers if i not in fixed)


def test_the_plan_covers_every_day_once_prepared_ahead(dataset: Dataset) -> None:
    view = View(day=WAR)
    days = key_days(dataset)
    span_segments("v", dataset, dated_of(dataset, view))
    situation_layers("v", dataset, state_at(dataset, WAR), dated_of(dataset, view), view.convention)
    before = plan_of(plan_group("v", dataset, view, days, "key", AT).body)
    assert -1 in before["at"] and set(before["at"]) != {-1}  # the war's situation alone
    progress = situations_ahead.prepare_ahead(
        "v", dataset, view.layers, view.convention, WAR, delay=0, pause=0
    )
    assert progress is not None and progress.done.wait(120)
    after = plan_of(plan_group("v", dataset, view, days, "key", AT).body)
    assert -1 not in after["at"]  # every day of the span is previewable
    assert progress.situations == len(after["situations"]) > len(before["situations"])
    assert progress.groups == len(after["scripts"])
    for key in after["scripts"]:  # the frame can fetch each group's script
        assert STORE.script_of(key) is not None
    assert progress.characters == sum(len(STORE.script_of(k) or "") for k in after["scripts"])


def test_prepared_ahead_once_per_version_layers_and_naming(dataset: Dataset) -> None:
    view = View(day=WAR)
    first = situations_ahead.prepare_ahead(
        "v", dataset, view.layers, view.convention, WAR, delay=0, pause=0
    )
    again = situations_ahead.prepare_ahead(
        "v", dataset, view.layers, view.convention, dt.date(1994, 5, 12), delay=0, pause=0
    )
    assert first is not None and again is first
    assert first.done.wait(120)
    other = situations_ahead.prepare_ahead(
        "w", dataset, ("control",), view.convention, WAR, delay=0, pause=0
    )
    assert other is not None and other is not first
    assert other.done.wait(120)


def test_bounded_per_layer_nearest_the_day_first(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(situations_ahead, "PER_LAYER", 3)
    view = View(day=WAR)
    dated = dated_of(dataset, view)
    progress = situations_ahead.prepare_ahead(
        "v", dataset, view.layers, view.convention, WAR, delay=0, pause=0
    )
    assert progress is not None and progress.done.wait(120)
    found = span_segments("v", dataset, dated)
    assert found is not None
    prepared = [
        all(prepared_layer("v", i, lid, view.convention) for lid, i in identity)
        for identity in found.identities
    ]
    assert 1 <= progress.situations < len(set(found.identities))
    for layer_id in dated:  # no dated layer has more than PER_LAYER identities prepared
        pairs = zip(found.identities, prepared, strict=True)
        kept = {dict(identity)[layer_id] for identity, p in pairs if p}
        assert len(kept) <= 3
    war = max(i for i, start in enumerate(found.starts) if start <= WAR)
    assert prepared[war]  # the day's own situation first
    assert not prepared[0]  # the span's first days, decades away, not


def test_dear_situations_stop_the_preparation(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work too large to do beside the sessions (10,000 events) is left to their runs."""
    monkeypatch.setattr(situations_ahead, "DEAR_S", 0.0)
    view = View(day=WAR)
    progress = situations_ahead.prepare_ahead(
        "v", dataset, view.layers, view.convention, WAR, delay=0, pause=0
    )
    assert progress is not None and progress.done.wait(120)
    assert progress.situations == situations_ahead.DEAR_AFTER
    assert "cost" in progress.stopped


def test_the_preparation_waits_for_the_sessions_runs_to_be_quiet(dataset: Dataset) -> None:
    view = View(day=WAR)
    situations_ahead.note_run()
    progress = situations_ahead.prepare_ahead(
        "v", dataset, view.layers, view.convention, WAR, delay=0, pause=0, quiet=2.0
    )
    assert progress is not None
    time.sleep(0.3)
    assert progress.situations == 0  # a run 0.3 s ago: not yet
    assert progress.done.wait(120)
    assert progress.situations > 0 and progress.stopped == ""
