"""Paper export figures: the atlas of key dates (issue 15: 32 pages < 5 s) and the single
map, briefing and PNG exports of the default view, wall and CPU seconds.

CPU seconds count this process and its finished children (the atlas's worker process),
so they show the work done whatever the machine's load; wall seconds show the wait.
PDF text laid out once is kept between exports of a process
(:mod:`layers.paper.text_cache`); ``atlas_cold_text`` empties that cache before each
run, as for the first atlas of a fresh process.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable

from bench.timing import load_average
from geo.dataset import load_dataset
from layers import exports
from layers.briefing.atlas import atlas_days
from layers.briefing.view import View
from layers.paper import atlas as paper_atlas
from layers.paper import text_cache


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def wall_and_cpu(run: Callable[[], object], repeat: int) -> dict[str, float]:
    """Median and worst wall seconds, and median CPU seconds, of ``repeat`` runs after
    one unmeasured run; ``kib``: the size of what the unmeasured run made, if bytes."""
    made = run()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    sizes = {"kib": len(made) / 1024} if isinstance(made, bytes) else {}
    return {
        "wall_s": statistics.median(walls),
        "wall_max_s": max(walls),
        "cpu_s": statistics.median(cpus),
    } | sizes


def atlas_figures(repeat: int) -> dict[str, float]:
    """The atlas of the default view (its key dates up to 23 February 2021, identical maps
    merged: 32 map pages and the cover) as PDF, and the default view's map PDF, briefing
    PDF and map PNG: ``<name>_wall_s`` (median), ``<name>_wall_max_s``, ``<name>_cpu_s``
    (median), ``<name>_kib`` (the file's size), and ``atlas_pages``;
    ``atlas_cold_text_*``: the atlas with the PDF text cache emptied first;
    ``load_before`` / ``load_after``: the 1-minute load average."""
    dataset = load_dataset()
    view = View()
    runs = paper_atlas.atlas_runs(dataset, view, atlas_days(dataset, view.day))
    figures: dict[str, float] = {"atlas_pages": float(len(runs) + 1), "load_before": load_average()}
    for name, fmt in (
        ("atlas", "atlas-pdf"),
        ("map_pdf", "pdf"),
        ("briefing_pdf", "briefing-pdf"),
        ("map_png", "png"),
    ):
        times = wall_and_cpu(lambda fmt=fmt: exports.export_bytes(dataset, view, fmt), repeat)
        figures |= {f"{name}_{key}": value for key, value in times.items()}

    def cold_atlas() -> bytes:
        text_cache.clear()
        return exports.export_bytes(dataset, view, "atlas-pdf")

    times = wall_and_cpu(cold_atlas, repeat)
    figures |= {f"atlas_cold_text_{key}": value for key, value in times.items()}
    return figures | {"load_after": load_average()}


if __name__ == "__main__":
    for key, value in atlas_figures(3).items():
        print(f"{key:<28}{value:>10.2f}")
