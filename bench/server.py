"""Server-side timings through Streamlit's AppTest: a whole app rerun, a date change, and
a change of the "after" date in comparison mode."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.apptest_cache import share_script_cache
from bench.dates import DATE_CYCLE
from bench.timing import load_average

APP = str(Path(__file__).resolve().parents[1] / "app.py")

#: Dates the date-change benchmark cycles through (before, during and after the war).
DATES = DATE_CYCLE


#: "After" dates the comparison benchmark cycles through (before date: 9 November 2020),
#: each used once so no per-day cache of the app answers for it.
AFTER_DATES = (
    dt.date(2020, 12, 1),
    dt.date(2020, 11, 25),
    dt.date(2021, 2, 23),
    dt.date(2020, 11, 15),
    dt.date(2020, 11, 20),
    dt.date(2020, 12, 20),
    dt.date(2020, 11, 10),
    dt.date(2021, 1, 15),
    dt.date(2020, 11, 30),
)


def _component_key(at: AppTest) -> str:
    (component,) = at.get("component_instance")
    return str(json.loads(component.proto.json_args)["key"])


def app_reruns(repeat: int = 7) -> dict[str, object]:
    """Median server time of a plain rerun and of a date change, and whether the map's
    component key (its identity in the browser) survived every date change."""
    share_script_cache()  # the script compiled once, as the server does
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


def compare_reruns(repeat: int = 7) -> dict[str, object]:
    """Median server time (wall and CPU) of a change of the "after" date in comparison
    mode (a date not shown before, so the app's per-day caches miss), whether the
    comparison map's component key survived every change, and the 1-minute load average
    before and after."""
    share_script_cache()  # the script compiled once, as the server does
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.radio(key="mode").set_value("compare").run()
    key = _component_key(at)
    changes, cpus = [], []
    kept = True
    load_before = load_average()
    for index in range(1, min(repeat, len(AFTER_DATES) - 1) + 1):
        field = at.date_input(key="compare_after").set_value(AFTER_DATES[index])
        start, cpu = time.perf_counter(), time.process_time()
        field.run()
        changes.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)  # the script thread's too (one process)
        kept = kept and _component_key(at) == key and not at.exception
    return {
        "compare_after_change_s": statistics.median(changes),
        "compare_after_change_cpu_s": statistics.median(cpus),
        "compare_key_kept": kept,
        "load_before": load_before,
        "load_after": load_average(),
    }
