"""Cold command-line exports: ``python -m layers.exports`` in fresh processes (issue 15).

Goal: a GeoJSON or GeoPackage export < 1 s cold. Each run is a new interpreter, so every
import is paid again; "empty cache" runs get a new, empty cache folder (the data files
are read and validated), "cached" runs reuse one that holds the validated dataset
(:mod:`geo.dataset_cache`). The operating system's file cache stays warm throughout.
Wall time is what a user waits; CPU time (user + system) is steadier on a shared
machine; peak MiB is the largest resident set of the process (``ru_maxrss``).

``python -m bench.cli [--repeat N]`` prints the table; :func:`cli_figures` returns it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import quantile

ROOT = Path(__file__).resolve().parents[1]

#: Day exported (the one the issue measured).
DAY = "2020-11-10"

#: (name, arguments after ``python -m layers.exports`` ({out} is the output folder),
#: whether the cache folder starts empty for each run).
CASES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("help", ("--help",), True),
    ("geojson_empty_cache", ("--date", DAY, "--out", "{out}/view.geojson"), True),
    ("geojson_cached", ("--date", DAY, "--out", "{out}/view.geojson"), False),
    ("gpkg_empty_cache", ("--date", DAY, "--out", "{out}/view.gpkg"), True),
    ("gpkg_cached", ("--date", DAY, "--out", "{out}/view.gpkg"), False),
)


#: ``python -m layers.exports`` run by a small wrapper that writes the process's peak
#: resident set (``VmHWM`` in kB, its own address space only) to ``$BENCH_HWM_FILE`` at
#: exit. ``ru_maxrss`` from ``wait4`` would not do: a child spawned from this (large)
#: process inherits the parent's high-water mark from before its ``exec``.
_WITH_HWM = """
import atexit, os, runpy, sys
def _hwm():
    with open("/proc/self/status", encoding="ascii") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_HWM_FILE"], "w", encoding="ascii") as out:
        out.write(kib)
atexit.register(_hwm)
sys.argv = ["layers.exports", *sys.argv[1:]]
runpy.run_module("layers.exports", run_name="__main__", alter_sys=True)
"""


def _run_once(args: list[str], cache_home: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident MiB of one run."""
    hwm_file = cache_home.parent / f"{cache_home.name}.hwm"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "BENCH_HWM_FILE": str(hwm_file)}
    command = [sys.executable, "-c", _WITH_HWM, *args]
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
    peak_kib = float(hwm_file.read_text(encoding="utf-8"))
    return wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024


def cli_figures(repeat: int = 5) -> dict[str, dict[str, float]]:
    """Median and p95 wall seconds, median CPU seconds and peak MiB of ``python -m
    layers.exports`` for ``--help``, GeoJSON and GeoPackage (empty and filled cache),
    each over ``repeat`` fresh processes, keyed by case name (see :data:`CASES`)."""
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        root = Path(folder)
        for name, template, empty in CASES:
            args = [a.format(out=root) for a in template]
            shared = root / f"cache-{name}"
            if not empty:
                _run_once(args, shared)  # fills the cache; not measured
            runs = [
                _run_once(args, root / f"cache-{name}-{n}" if empty else shared)
                for n in range(repeat)
            ]
            walls = [r[0] for r in runs]
            figures[name] = {
                "median_s": statistics.median(walls),
                "p95_s": quantile(walls, 95),
                "cpu_s": statistics.median(r[1] for r in runs),
                "peak_mib": max(r[2] for r in runs),
            }
    return figures


def main() -> None:
    """Print :func:`cli_figures` as a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (default 5)")
    figures = cli_figures(parser.parse_args().repeat)
    print(f"{'python -m layers.exports':<26}{'median s':>10}{'p95 s':>10}{'CPU s':>10}{'MiB':>8}")
    for name, row in figures.items():
        cells = (row["median_s"], row["p95_s"], row["cpu_s"])
        print(f"{name:<26}" + "".join(f"{c:>10.2f}" for c in cells) + f"{row['peak_mib']:>8.0f}")


if __name__ == "__main__":
    main()
