"""Small timing helpers: medians of repeated runs, the one percentile used in every
figure, and peak Python memory."""

from __future__ import annotations

import gzip
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def quantile(values: list[float], percent: int) -> float:
    """The ``percent``-th percentile of ``values`` (``statistics.quantiles``, inclusive
    method: interpolated between the observations, never beyond the largest); the value
    itself for one value, NaN for none. Every median/p95 the benchmark prints uses it."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def median_seconds(run: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``run`` over ``repeat`` runs after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(run: Callable[[], T]) -> tuple[T, float]:
    """Result of ``run`` and the peak of Python allocations while it ran, in MiB."""
    tracemalloc.start()
    try:
        result = run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


def sizes(text: str) -> tuple[int, int]:
    """Bytes of ``text`` as UTF-8, raw and gzip-compressed (level 6, as servers use)."""
    raw = text.encode("utf-8")
    return len(raw), len(gzip.compress(raw, compresslevel=6, mtime=0))


def load_average() -> float:
    """The 1-minute load average of this machine (``/proc/loadavg``; 0.0 where there is
    none), printed beside the figures of a shared machine."""
    try:
        return float(Path("/proc/loadavg").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
