"""``python -m bench.load`` (``make load``): many sessions changing the date at once.

For each configuration (by default one replica served directly, then two behind HAProxy,
see deploy/serve.py) this starts the servers on loopback ports, warms them with one page
load, then opens ``--sessions`` websocket sessions (deploy/warmup.py speaks the browser's
protocol). Each loads the page, then, until ``--seconds`` have passed, waits 1 to 2 s
(uniformly at random) and moves the date slider to another date, waiting for the run to
finish before its next pause (a closed loop: a slow server gets fewer changes).

Figures: time per date change (sending the widget change to ``script_finished``; median,
p95, max), page loads (first run of each session), changes per second, errors (an
exception on the page, a run that did not finish, a lost socket, a timeout), and the
servers' memory (RSS of the Streamlit processes from /proc: after warming, peak, end).
Loopback only; bounded in sessions and time. The client shares the machine's cores with
the servers. Nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import quantile
from deploy.serve import cluster, haproxy_path
from deploy.warmup import Session

#: Dates the sessions move between: before, during and after the 2020 war, and the 1990s.
DATES = (
    dt.date(1992, 5, 8),
    dt.date(1994, 5, 12),
    dt.date(2008, 6, 1),
    dt.date(2020, 9, 26),
    dt.date(2020, 10, 20),
    dt.date(2020, 11, 10),
    dt.date(2020, 11, 15),
    dt.date(2020, 12, 1),
    dt.date(2021, 2, 23),
)
#: Seconds one run may take before it counts as an error.
RUN_TIMEOUT = 60.0


@dataclass
class Tally:
    """What every session saw, pooled."""

    changes: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the processes ``pids`` (from /proc/<pid>/status), in MiB."""
    total_kib = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


async def one_session(url: str, until: float, seed: int, tally: Tally) -> None:
    """Load the page, then change the date every 1-2 s until ``until`` (monotonic)."""
    chooser = random.Random(seed)  # not for security: spreads the sessions' dates
    try:
        async with Session(url, timeout=RUN_TIMEOUT) as session:
            loaded = await session.load()
            tally.loads.append(loaded.seconds)
            if not loaded.succeeded:
                tally.errors.append(f"page load: {loaded.status} {loaded.exceptions}")
                return
            while time.monotonic() + 2 < until:
                await asyncio.sleep(chooser.uniform(1.0, 2.0))
                run = await session.set_date(chooser.choice(DATES))
                if not run.succeeded:
                    tally.errors.append(f"date change: {run.status} {run.exceptions}")
                else:
                    tally.changes.append(run.seconds)
    except (OSError, TimeoutError, RuntimeError) as exc:  # lost socket, timeout, protocol
        tally.errors.append(f"{type(exc).__name__}: {exc}")


async def sample_memory(pids: list[int], samples: list[float], stop: asyncio.Event) -> None:
    """Append the servers' RSS every half second until ``stop`` is set."""
    while not stop.is_set():
        samples.append(rss_mib(pids))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def drive(
    url: str, sessions: int, seconds: float, pids: list[int], warm_urls: list[str]
) -> dict[str, object]:
    """Warm every replica (one page load each, directly), run the sessions against
    ``url`` and return the pooled figures."""
    for replica_url in warm_urls:
        async with Session(replica_url, timeout=RUN_TIMEOUT) as warm:
            await warm.load()
    rss_warm = rss_mib(pids)
    load_before = os.getloadavg()[0]
    tally, samples, stop = Tally(), [], asyncio.Event()
    sampler = asyncio.create_task(sample_memory(pids, samples, stop))
    start = time.monotonic()
    until = start + seconds
    await asyncio.gather(*(one_session(url, until, seed, tally) for seed in range(sessions)))
    elapsed = time.monotonic() - start
    stop.set()
    await sampler
    return {
        "sessions": sessions,
        "seconds": elapsed,
        "changes": len(tally.changes),
        "changes_per_s": len(tally.changes) / elapsed,
        "change_median_s": quantile(tally.changes, 50),
        "change_p95_s": quantile(tally.changes, 95),
        "change_max_s": max(tally.changes, default=float("nan")),
        "load_median_s": quantile(tally.loads, 50),
        "load_p95_s": quantile(tally.loads, 95),
        "errors": len(tally.errors),
        "first_errors": tally.errors[:3],
        "rss_warm_mib": rss_warm,
        "rss_peak_mib": max(samples, default=rss_warm),
        "rss_end_mib": rss_mib(pids),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg()[0],
    }


def measure(replicas: int, sessions: int, seconds: float) -> dict[str, object]:
    """Start ``replicas`` servers (behind HAProxy when more than one) and drive them."""
    with cluster(replicas, proxy=replicas > 1) as running:
        pids = running.server_pids()
        warm_urls = [replica.url for replica in running.replicas]
        return asyncio.run(drive(running.url, sessions, seconds, pids, warm_urls))


def report(rows: dict[str, dict[str, object]]) -> None:
    """Print one column per configuration."""
    names = list(rows)
    print(f"{'':<28}" + "".join(f"{n:>24}" for n in names))
    lines = (
        ("sessions", "sessions", "{:d}"),
        ("duration (s)", "seconds", "{:.0f}"),
        ("date changes", "changes", "{:d}"),
        ("date changes per second", "changes_per_s", "{:.1f}"),
        ("date change median (s)", "change_median_s", "{:.2f}"),
        ("date change p95 (s)", "change_p95_s", "{:.2f}"),
        ("date change max (s)", "change_max_s", "{:.2f}"),
        ("page load median (s)", "load_median_s", "{:.2f}"),
        ("page load p95 (s)", "load_p95_s", "{:.2f}"),
        ("errors", "errors", "{:d}"),
        ("server RSS warm (MiB)", "rss_warm_mib", "{:.0f}"),
        ("server RSS peak (MiB)", "rss_peak_mib", "{:.0f}"),
        ("server RSS end (MiB)", "rss_end_mib", "{:.0f}"),
        ("machine load avg before", "loadavg_before", "{:.1f}"),
        ("machine load avg after", "loadavg_after", "{:.1f}"),
    )
    for label, key, form in lines:
        print(f"{label:<28}" + "".join(f"{form.format(rows[n][key]):>24}" for n in names))
    for name in names:
        for error in rows[name]["first_errors"]:  # type: ignore[attr-defined]
            print(f"  {name}: {error}")


def main() -> None:
    """Measure each configuration in turn and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=25, help="concurrent sessions (25)")
    parser.add_argument("--seconds", type=float, default=30, help="duration of the load (30)")
    parser.add_argument(
        "--replicas", type=int, nargs="+", default=[1, 2],
        help="configurations: 1 = one server directly, N > 1 = N behind HAProxy (1 2)",
    )  # fmt: skip
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.seconds <= 600:
        parser.error("bounded: 1-200 sessions, 1-600 seconds")
    rows: dict[str, dict[str, object]] = {}
    for replicas in args.replicas:
        if replicas > 1 and haproxy_path() is None:
            print(f"{replicas} replicas skipped: haproxy not found (apt-get install haproxy)")
            continue
        name = "1 server" if replicas == 1 else f"{replicas} behind HAProxy"
        rows[name] = measure(replicas, args.sessions, args.seconds)
    print(f"\nLoad: {args.sessions} sessions, each changing the date every 1-2 s")
    report(rows)


if __name__ == "__main__":
    main()
