"""Server-side timings: a whole app rerun and a date change, through Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

#: Dates the date-change benchmark cycles through (before, during and after the war).
DATES = (
    dt.date(2020, 9, 26),
    dt.date(2020, 11, 15),
    dt.date(2021, 2, 23),
    dt.date(1994, 5, 12),
    dt.date(2020, 11, 10),
)


def _component_key(at: AppTest) -> str:
    (component,) = at.get("component_instance")
    return str(json.loads(component.proto.json_args)["key"])


def app_reruns(repeat: int = 7) -> dict[str, object]:
    """Median server time of a plain rerun and of a date change, and whether the map's
    component key (its identity in the browser) survived every date change."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    key = _component_key(at)
    reruns, changes = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - start)
    kept = True
    for index in range(repeat):
        slider = at.slider(key="day_slider").set_value(DATES[index % len(DATES)])
        start = time.perf_counter()
        slider.run()
        changes.append(time.perf_counter() - start)
        kept = kept and _component_key(at) == key and not at.exception
    return {
        "rerun_s": statistics.median(reruns),
        "date_change_s": statistics.median(changes),
        "key_kept": kept,
    }
