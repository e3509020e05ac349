"""``python -m bench.upload_attacks``: what reading a user's file costs (issue 19).

For each attack file of ``tests/upload_attacks.py`` and a few large good files, one
read through :func:`geo.user_layers.read_user_layer` as the app and the command line do:
wall-clock seconds, the worker's peak resident memory (``VmHWM``), the peak of the
server-side Python allocations (``tracemalloc``, a second read), the outcome. ``--load N``
runs N busy processes meanwhile (the 2-core CI machine is shared). Then the worker's start-up
cost, and what a *thread* with a time limit would have stopped: GEOS repairing a polygon
and SQLite running a recursive query keep a core busy after the caller gives up, which is
why the read runs in a process that is killed. Figures are medians where repeated;
nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point

from bench.timing import quantile
from geo.errors import DataError
from geo.upload.limits import Limits
from geo.upload.worker import Outcome
from geo.user_layers import read_user_layer
from tests.upload_attacks import ATTACKS, Listener


def good_files() -> dict[str, tuple[str, bytes]]:
    """Large good files just under the 10 MiB limit, and a polygon of 100,000 vertices."""
    points = [
        {
            "type": "Feature",
            "properties": {"name": f"event {i}", "date": "2020-10-09", "note": "x" * 60},
            "geometry": {"type": "Point", "coordinates": [45 + i % 100 / 100, 40 + i % 77 / 100]},
        }
        for i in range(45_000)
    ]
    ring = [
        [
            round(45 + 0.5 * math.cos(2 * math.pi * k / 99_999), 6),
            round(40 + 0.5 * math.sin(2 * math.pi * k / 99_999), 6),
        ]
        for k in range(99_999)
    ]
    ring.append(ring[0])
    polygon = {
        "type": "Feature",
        "properties": {"name": "area"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    csv = "name,lat,lon,date\n" + "".join(
        f"e{i},40.{i % 1000:03d},45.{i % 997:03d},2020-10-09\n" for i in range(250_000)
    )
    placemarks = "".join(
        f"<Placemark><name>e {i}</name><Point><coordinates>45.{i % 1000:03d},40.{i % 997:03d}"
        "</coordinates></Point></Placemark>"
        for i in range(80_000)
    )
    kml = f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{placemarks}</Document></kml>'
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as folder:
        path = Path(folder) / "points.gpkg"
        count = 85_000
        frame = gpd.GeoDataFrame(
            {"name": [f"e{i}" for i in range(count)], "date": ["2020-10-09"] * count},
            geometry=[Point(45 + i % 100 / 100, 40 + i % 97 / 100) for i in range(count)],
            crs=4326,
        )
        frame.to_file(path, engine="pyogrio")
        gpkg = path.read_bytes()
    return {
        "GeoJSON, 45,000 points": (
            "p.geojson",
            json.dumps({"type": "FeatureCollection", "features": points}).encode(),
        ),
        "GeoJSON, polygon of 100,000 vertices": ("a.geojson", json.dumps(polygon).encode()),
        "CSV, 250,000 rows": ("e.csv", csv.encode()),
        "KML, 80,000 placemarks": ("k.kml", kml.encode()),
        "GeoPackage, 85,000 points": ("p.gpkg", gpkg),
    }


def measure(data: bytes, name: str) -> tuple[float, Outcome | None, float, str]:
    """One read timed, then one with ``tracemalloc``: seconds, the worker's outcome, the
    peak of this process's Python allocations in MiB, and the outcome in a few words."""
    outcomes: list[Outcome] = []

    def read() -> str:
        try:
            layer = read_user_layer(data, name, report=outcomes.append)
        except DataError as exc:
            return "refused: " + exc.problems[-1][:90]
        return f"read: {len(layer.features):,} features, {len(layer.problems)} problems"

    started = time.perf_counter()
    result = read()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    read()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, outcomes[0] if outcomes else None, peak, result


def print_row(
    label: str, size: int, seconds: float, outcome: Outcome | None, peak: float, result: str
) -> None:
    worker = f"{outcome.peak_bytes / 2**20:>7.0f}" if outcome else "      -"
    print(f"{label:<38}{size / 2**20:>7.2f}{seconds:>8.2f}{worker}{peak:>8.1f}  {result}")


def thread_cpu(thread: threading.Thread) -> float:
    """CPU seconds a thread of this process has used (from /proc)."""
    fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_limit(label: str, work: Callable[[], object], wait: float = 4.0) -> None:
    """Start ``work`` in a thread, give up after ``wait`` s, and see what is left."""
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(wait)
    before = thread_cpu(thread) if thread.is_alive() else 0.0
    time.sleep(2)
    alive = thread.is_alive()
    used = (thread_cpu(thread) - before) / 2 if alive else 0.0
    state = f"still running, {used:.0%} of a core" if alive else "finished"
    print(f"  thread given up after {wait:g} s, {label}: {state} 2 s later")


def star(n: int, step: int) -> shapely.Polygon:
    ring = [
        (45 + (0.5 + 0.4 * ((i * 31) % 13) / 13) * math.cos(2 * math.pi * ((i * step) % n) / n),
         40 + (0.5 + 0.4 * ((i * 31) % 13) / 13) * math.sin(2 * math.pi * ((i * step) % n) / n))
        for i in range(n)
    ]  # fmt: skip
    return shapely.Polygon(ring)


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    """``processes`` busy loops (other work on the machine) while the block runs."""
    loops = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)
    ]
    try:
        time.sleep(5 if loops else 0)
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.upload_attacks")
    parser.add_argument("--load", type=int, default=0, help="busy processes to run meanwhile")
    with busy(parser.parse_args().load):
        figures()


def figures() -> None:
    limits = Limits()
    print(
        f"limits: {limits.max_bytes:,} bytes, {limits.features:,} features, {limits.rows:,} rows "
        f"read, {limits.file_vertices:,} vertices a file, {limits.feature_vertices:,} a feature, "
        f"repair up to {limits.repair_vertices:,}, {limits.seconds:g} s wall clock, "
        f"{limits.memory_bytes // 2**20} MiB address space; load average "
        + " ".join(f"{v:.1f}" for v in os.getloadavg())
    )
    print(f"{'file':<38}{'MiB':>7}{'s':>8}{'worker':>7}{'server':>8}  outcome")
    print(f"{'':<38}{'':>7}{'':>8}{'MiB':>7}{'MiB':>8}")
    with Listener() as listener:
        for attack in ATTACKS:
            data = attack.build(listener.url)
            print_row(attack.id, len(data), *measure(data, attack.filename))
        for label, (name, data) in good_files().items():
            print_row(label, len(data), *measure(data, name))
        print(f"requests that reached the loopback listener: {len(listener.hits)}")
    tiny = b"name,lat,lon\nA,40,45\n"
    starts = []
    for _ in range(7):
        seconds, outcome, _, _ = measure(tiny, "tiny.csv")
        starts.append(outcome.seconds if outcome else seconds)
    print(
        f"worker start-up and a one-row CSV: median {quantile(starts, 50):.2f} s, "
        f"max {max(starts):.2f} s"
    )
    print("what a thread-based limit stops (why the read runs in a process that is killed):")
    thread_limit(
        "shapely.make_valid of a 200-vertex crossing star",
        lambda: shapely.make_valid(star(199, 77)),
    )
    query = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"
    thread_limit(
        "SQLite on a recursive view", lambda: sqlite3.connect(":memory:").execute(query).fetchall()
    )


if __name__ == "__main__":
    main()
