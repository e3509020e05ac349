"""The playback by day's controls (issue 25): the By day menu starts it with the plan
handed to the map's player, Pause asks the frame to stop, another date ends it."""

from __future__ import annotations

import json
import re
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.app.helpers import map_args, run_app
from ui import day_playback
from ui.dates import BY_DAY_KEY

PAYLOAD = re.compile(r'\.bmPlayback = ("(?:[^"\\]|\\.)*")')


def handed(at: AppTest) -> Any:
    """What the map's player was handed this run (None: no playback)."""
    (literal,) = PAYLOAD.findall(map_args(at)["feature_group"])
    text = json.loads(literal)
    return json.loads(text) if text else None


def test_play_by_day_hands_the_map_the_days_and_pause_asks_it_to_stop() -> None:
    at = run_app({"date": "2020-11-15"})
    assert handed(at) is None
    until = at.text_input(key=day_playback.UNTIL_KEY)
    assert until.value == "2020-12-23"  # the end of the day's period of key dates
    until.input("2020-11-30").run()
    at.segmented_control(key=day_playback.SPEED_KEY).set_value("20/s").run()
    at.button(key="by_day_play").click().run()
    assert not at.exception
    plan = handed(at)
    assert plan["speed"] == 20 and plan["route"] == "/briefing-groups"
    assert [d[0] for d in plan["days"]][:2] == ["2020-11-15", "2020-11-16"]
    assert plan["days"][-1][:2] == ["2020-11-30", "Situation on 30 November 2020"]
    assert len(plan["days"]) == 16 and len(plan["situations"]) > 1
    assert at.button(key="play").label == "Pause"
    assert "Playing by day to 30 November 2020" in [c.value for c in at.caption]
    at.run()  # another run while playing: the same plan, not a new one
    assert handed(at) == plan
    assert at.slider(key="day_slider").value.isoformat() == "2020-11-15"  # until it stops
    at.button(key="play").click().run()  # Pause: the frame is asked to stop and report
    assert handed(at) == {"id": plan["id"], "stop": True, "reapply": True}
    assert at.button(key="play").label == "Play"


def test_another_date_ends_a_playback_by_day_and_a_bad_end_is_refused() -> None:
    at = run_app({"date": "2020-11-15"})
    at.text_input(key=day_playback.UNTIL_KEY).input("2020-11-01").run()
    at.button(key="by_day_play").click().run()
    assert handed(at) is None and BY_DAY_KEY not in at.session_state
    assert any("end day after 2020-11-15" in t.value.replace("\\", "") for t in at.toast)
    at.text_input(key=day_playback.UNTIL_KEY).input("2020-12-01").run()
    at.button(key="by_day_play").click().run()
    assert handed(at) is not None
    at.text_input(key="day_input").input("2021-02-23").run()  # the user's day wins
    assert handed(at) is None and BY_DAY_KEY not in at.session_state
    assert at.button(key="play").label == "Play"
