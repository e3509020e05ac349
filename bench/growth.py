"""``python -m bench.growth`` (``make growth``): date-change cost against the data's size.

For the committed data and for synthetic folders (bench/synthetic.py; 100 events and 20
control areas, 1,000 and 200, 10,000 and 2,000; written to a temporary folder, deleted
after) this measures, each in a fresh process so memory figures are its own:

- loading and validating the data (s);
- the features of a date change: ``layers.features.layer_features`` of the default
  view's dated layers for the date's situation (events thinned as the app's map does,
  ``event_limit``), then ``layers.web.geojson.feature_collections`` (median and p95 over
  :data:`DATES`, ms) -- the map's work per date change;
- the whole script's date change through Streamlit's AppTest (median and p95 over
  :data:`DATES`, ms; ``--no-app`` skips it), and the timeline it then shows (cards, and
  the KiB of their HTML);
- payload: the default view's feature groups as streamlit-folium sends them
  (``feature_group_to_add``), KiB raw and gzip, on 23 February 2021 and on 12 May 1994;
- memory: the process's RSS after loading, and its peak (MiB).

Wall times come with the process's CPU time (the machine is shared: CPU time is steadier
under other load). It prints a table; nothing passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.dates import DATE_CYCLE
from bench.timing import quantile

SIZES = ((100, 20), (1_000, 200), (10_000, 2_000))
#: Dates of the date-change timing (bench/server.py's, then others across the span).
DATES = (
    *DATE_CYCLE,
    dt.date(1992, 6, 1),
    dt.date(2001, 3, 15),
    dt.date(2008, 8, 8),
    dt.date(2016, 4, 2),
    dt.date(2019, 1, 1),
)
PAYLOAD_DATES = (dt.date(2021, 2, 23), dt.date(1994, 5, 12))


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _median_p95(seconds: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (:func:`bench.timing.quantile`) in ms."""
    return statistics.median(seconds) * 1000, quantile(seconds, 95) * 1000


def app_date_changes(folder: Path) -> dict[str, float]:
    """The whole script's date change through AppTest on ``folder``'s data, and the
    timeline shown after it."""
    from streamlit.testing.v1 import AppTest

    from bench.apptest_cache import share_script_cache
    from bench.server import APP

    share_script_cache()  # the script compiled once, as the server does
    os.environ["BRIEFING_DATA_DIR"] = str(folder)
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.run()  # warm
    changes, cpu = [], []
    for day in DATES:
        slider = at.slider(key="day_slider").set_value(day)
        start, start_cpu = time.perf_counter(), time.process_time()
        slider.run()
        changes.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert not at.exception, at.exception
    cards = [m.value for m in at.markdown if "data-event-id" in m.value]
    median, p95 = _median_p95(changes)
    return {
        "app_date_change_ms": median,
        "app_date_change_p95_ms": p95,
        "app_date_change_cpu_ms": statistics.median(cpu) * 1000,
        "timeline_cards": len(cards),
        "timeline_kib": sum(len(c.encode("utf-8")) for c in cards) / 1024,
    }


def measure_folder(folder: Path, *, app: bool) -> dict[str, float]:
    """The figures of one data folder (run in a fresh process: see :func:`main`)."""
    import streamlit_folium as sf

    from bench.timing import sizes
    from geo.dataset import load_dataset
    from geo.situation import state_at
    from layers.briefing.view import View
    from layers.catalog import LAYERS
    from layers.features import layer_features
    from layers.web.geojson import EVENT_MARKER_LIMIT as LIMIT
    from layers.web.geojson import feature_collections
    from layers.web.groups import feature_groups
    from layers.web.map import base_map

    start, start_cpu = time.perf_counter(), time.process_time()
    dataset = load_dataset(folder)
    figures = {"load_s": time.perf_counter() - start, "rss_loaded_mib": _rss_mib()}
    figures["load_cpu_s"] = time.process_time() - start_cpu
    figures["events"] = len(dataset.events)
    figures["control_periods"] = len(dataset.control)
    view = View()
    dated = [s.id for s in LAYERS if s.dated and s.id in view.layers]
    cpu = []

    def change(day: dt.date) -> float:
        start, start_cpu = time.perf_counter(), time.process_time()
        frames = layer_features(
            dataset, state_at(dataset, day), dated, view.convention, event_limit=LIMIT
        )
        feature_collections(frames)
        cpu.append(time.process_time() - start_cpu)
        return time.perf_counter() - start

    change(DATES[-1])  # warm: the per-event features are made once per dataset
    median, p95 = _median_p95([change(day) for day in DATES])
    figures["features_ms"], figures["features_p95_ms"] = median, p95
    figures["features_cpu_ms"] = statistics.median(cpu[1:]) * 1000
    fmap = base_map(dataset, view.bounds, view.basemap)
    fmap.get_root().render()
    for day in PAYLOAD_DATES:
        frames = layer_features(
            dataset, state_at(dataset, day), view.layers, view.convention, event_limit=LIMIT
        )
        groups = feature_groups(feature_collections(frames))
        text = "".join(
            sf._get_feature_group_string(group, map=fmap, idx=index)
            for index, group in enumerate(groups)
        )
        raw, packed = sizes(text)
        figures[f"payload_kib_{day.year}"] = raw / 1024
        figures[f"payload_gzip_kib_{day.year}"] = packed / 1024
    if app:
        figures |= app_date_changes(folder)
    figures["rss_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _child(folder: Path, app: bool) -> dict[str, float]:
    print(f"measuring {folder} ...", file=sys.stderr, flush=True)
    command = [sys.executable, "-m", "bench.growth", "--one", str(folder)]
    command += [] if app else ["--no-app"]
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(command, cwd=root, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def report(rows: dict[str, dict[str, float]]) -> None:
    """One column per data set."""
    names = list(rows)
    print(f"{'':<34}" + "".join(f"{n:>16}" for n in names))
    lines = (
        ("events", "events", "{:.0f}"),
        ("control periods", "control_periods", "{:.0f}"),
        ("load and validate (s)", "load_s", "{:.1f}"),
        ("  CPU (s)", "load_cpu_s", "{:.1f}"),
        ("date change: map features (ms)", "features_ms", "{:.0f}"),
        ("  p95 (ms)", "features_p95_ms", "{:.0f}"),
        ("  CPU, median (ms)", "features_cpu_ms", "{:.0f}"),
        ("date change: AppTest script (ms)", "app_date_change_ms", "{:.0f}"),
        ("  p95 (ms)", "app_date_change_p95_ms", "{:.0f}"),
        ("  CPU, median (ms)", "app_date_change_cpu_ms", "{:.0f}"),
        ("timeline cards shown", "timeline_cards", "{:.0f}"),
        ("timeline cards HTML (KiB)", "timeline_kib", "{:.0f}"),
        ("groups payload 2021-02-23 (KiB)", "payload_kib_2021", "{:.0f}"),
        ("  gzip (KiB)", "payload_gzip_kib_2021", "{:.1f}"),
        ("groups payload 1994-05-12 (KiB)", "payload_kib_1994", "{:.0f}"),
        ("  gzip (KiB)", "payload_gzip_kib_1994", "{:.1f}"),
        ("RSS after load (MiB)", "rss_loaded_mib", "{:.0f}"),
        ("RSS peak (MiB)", "rss_peak_mib", "{:.0f}"),
    )
    for label, key, form in lines:
        cells = [form.format(rows[n][key]) if key in rows[n] else "-" for n in names]
        print(f"{label:<34}" + "".join(f"{c:>16}" for c in cells))


def main() -> None:
    """Measure every size in a fresh process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-app", action="store_true", help="skip the AppTest timing")
    parser.add_argument("--largest", type=int, default=len(SIZES), help="sizes to run (3)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_folder(args.one, app=not args.no_app)))
        return
    rows = growth_figures(args.largest, app=not args.no_app)
    print("\nGrowth: committed data, then synthetic events/control areas")
    report(rows)


def growth_figures(largest: int = len(SIZES), *, app: bool = True) -> dict[str, dict[str, float]]:
    """The figures of :func:`measure_folder` for the committed data and the first
    ``largest`` synthetic sizes, each measured in a fresh process, keyed
    ``"committed"`` and ``"<events>/<areas>"``."""
    from bench.synthetic import write_synthetic
    from geo import settings

    rows = {"committed": _child(settings.DATA_DIR, app)}
    with tempfile.TemporaryDirectory(prefix="briefing-growth-") as folder:
        for events, areas in SIZES[:largest]:
            target = write_synthetic(Path(folder) / f"{events}", events=events, areas=areas)
            rows[f"{events}/{areas}"] = _child(target, app)
    return rows


if __name__ == "__main__":
    main()
