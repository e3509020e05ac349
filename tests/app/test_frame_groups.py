"""A date change sends a kept group the map's frame has as a stub, not its script again
(issue 25, "send only what changed"; :mod:`layers.web.frame_groups`)."""

from __future__ import annotations

import datetime as dt
import re

from layers.web.frame_groups import STUB
from layers.web.group_store import script_of
from tests.app.helpers import map_args, run_app, sent_map_args
from ui import view_sync

_FULL = re.compile(
    r'var feature_group_feature_group_(\d+) = \(function \(kept\)[^"]*"([0-9a-f]{24})"'
)


def _full(text: str) -> dict[int, str]:
    """Kept groups sent in full: index to key."""
    return {int(index): key for index, key in _FULL.findall(text)}


def _stubs(text: str) -> dict[int, str]:
    return {int(match.group(1)): match.group(2) for match in STUB.finditer(text)}


def test_a_date_change_sends_stubs_for_the_groups_the_frame_has() -> None:
    at = run_app()
    first = sent_map_args(at)["feature_group"]
    assert not _stubs(first)  # the frame has not reported yet: everything in full
    sent = _full(first)
    assert len(sent) > 20
    at.session_state[view_sync.FRAME_KEY][1].confirmed = True  # as the frame's first report
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 26)).run()
    assert not at.exception
    second = sent_map_args(at)["feature_group"]
    stubs, full = _stubs(second), _full(second)
    assert stubs and full  # the fixed layers as stubs, the dated layers that changed in full
    assert all(sent[index] == key for index, key in stubs.items())  # only what it was sent
    assert all(sent.get(index) != key for index, key in full.items())  # only what changed
    assert set(stubs) | set(full) == set(sent)  # every kept group, one way or the other
    assert all(script_of(key) for key in stubs.values())  # each stub's script is fetchable
    assert len(second) < len(first) // 2
    assert "Situation on 26 September 2020" in second  # the date stamp, built per run
    # what the frame draws: the same as a fresh session's map of that day
    fresh = run_app({"date": "2020-09-26"})
    assert map_args(at)["feature_group"] == map_args(fresh)["feature_group"]
    assert map_args(at)["key"] == map_args(fresh)["key"] == sent_map_args(at)["key"]  # no remount


def test_a_new_frame_gets_every_group_in_full_again() -> None:
    at = run_app()
    at.session_state[view_sync.FRAME_KEY][1].confirmed = True
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 26)).run()
    assert _stubs(sent_map_args(at)["feature_group"])
    at.radio(key="mode").set_value("compare").run()  # the main map's frame goes
    at.radio(key="mode").set_value("map").run()
    assert not at.exception
    text = sent_map_args(at)["feature_group"]
    assert not _stubs(text) and len(_full(text)) > 20
