"""``python -m bench``: print this project's figures beside the usual ways, in one run.

Budgets (issue 5): date change < 150 ms server time with no iframe remount; whole-map
payload < 250 KiB gzip; first map visible < 3 s after the page loads in headless
Chromium on the first visit after a start, < 1.5 s warm, and a date change visible in
the browser (input to the date stamp painted) p95 < 200 ms (issue 15); briefing PDF
< 1 s; change between two dates < 100 ms for any pair, the
2020-war GIF (27 September to 1 December 2020) < 10 s (issue 12); the article's deck to
PPTX < 5 s (issue 13). Figures are medians of several runs; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import tempfile
import time
from pathlib import Path

from bench import browser, cli, growth, load, maps, paper, peers_browser, server
from bench.report import report
from bench.timing import load_average, median_seconds, peak_mib, sizes
from deploy.serve import haproxy_path
from deploy.warmup import warm
from geo.change import clear_cache, compare
from geo.dataset import load_dataset
from geo.situation import frame_dates
from layers import exports
from layers.briefing import deck_file
from layers.briefing.view import View
from layers.paper import deck_files
from tests.e2e.server import streamlit_server

#: Concurrent sessions of the load figures (issue 15).
LOAD_SESSIONS = 25

#: The animation timed by :func:`gif_figures`: the 2020 war and the handovers.
WAR_SPAN = (dt.date(2020, 9, 27), dt.date(2020, 12, 1))

#: Date pairs timed by :func:`change_figures`: the article's handovers, one day, no change,
#: the whole war, the whole span.
CHANGE_PAIRS = (
    (dt.date(2020, 11, 9), dt.date(2020, 12, 1)),
    (dt.date(2020, 11, 24), dt.date(2020, 11, 25)),
    (dt.date(2020, 11, 26), dt.date(2020, 11, 30)),
    (dt.date(2020, 9, 26), dt.date(2021, 2, 23)),
    (dt.date(1991, 1, 1), dt.date(2021, 2, 23)),
)


def map_figures(repeat: int) -> dict[str, dict[str, float]]:
    """Payload, build time and peak memory of the default map, ours and the peers'."""
    dataset = load_dataset()
    view = View()
    figures: dict[str, dict[str, float]] = {}
    for name, build in maps.BUILDERS.items():
        payload, peak = peak_mib(lambda build=build: build(dataset, view))  # type: ignore[misc]
        raw, gz = sizes(payload)
        seconds = median_seconds(lambda build=build: build(dataset, view), repeat=repeat)
        figures[name] = {
            "payload_kib": raw / 1024,
            "payload_gzip_kib": gz / 1024,
            "build_ms": seconds * 1000,
            "peak_mib": peak,
        }
    return figures


def change_figures(repeat: int) -> dict[str, float]:
    """Median ms of geo.change.compare for each pair of CHANGE_PAIRS, with the
    per-situation cache cleared before each run ("cold") and kept ("warm"), and the
    1-minute load average before and after (``load_before``, ``load_after``)."""
    dataset = load_dataset()

    def cold(a: dt.date, b: dt.date) -> None:
        clear_cache()
        compare(dataset, a, b)

    figures: dict[str, float] = {"load_before": load_average()}
    for a, b in CHANGE_PAIRS:
        label = f"{a.isoformat()} -> {b.isoformat()}"
        figures[f"{label} cold"] = 1000 * median_seconds(lambda a=a, b=b: cold(a, b), repeat)
        figures[f"{label} warm"] = 1000 * median_seconds(
            lambda a=a, b=b: compare(dataset, a, b), repeat
        )
    return figures | {"load_after": load_average()}


def deck_figures(repeat: int) -> dict[str, float]:
    """Median seconds of the article's deck to PPTX (data and deck loaded beforehand)."""
    dataset = load_dataset()
    article = deck_file.load_deck(deck_file.ARTICLE_DECK, dataset)
    seconds = median_seconds(lambda: deck_files.deck_pptx(dataset, article), repeat=repeat)
    return {"deck_pptx_s": seconds, "deck_slides": float(len(article.slides))}


def gif_figures(repeat: int) -> dict[str, float]:
    """Median wall and CPU seconds of the GIF of :data:`WAR_SPAN` (default view), and its
    frame count."""
    dataset = load_dataset()
    view = View()

    def run() -> bytes:
        return exports.export_bytes(dataset, view, "gif", exports.ExportOptions(span=WAR_SPAN))

    cpu = time.process_time()
    wall = median_seconds(run, repeat=repeat)
    cpu = (time.process_time() - cpu) / (repeat + 1)
    return {"war_gif_s": wall, "war_gif_cpu_s": cpu, "frames": len(frame_dates(dataset, *WAR_SPAN))}


SECTIONS = ("maps", "app", "paper", "change", "deck", "gif", "browser", "peers", "cli",
            "load", "growth")  # fmt: skip


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per median (default 7)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--skip", default="", help=f"comma-separated sections to leave out: {', '.join(SECTIONS)}"
    )
    parser.add_argument(
        "--load-seconds", type=float, default=30, help="duration of each load run (default 30)"
    )
    args = parser.parse_args()
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    if unknown := skip - set(SECTIONS):
        known = ", ".join(SECTIONS)
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; known: {known}")
    repeat, fewer = args.repeat, max(3, args.repeat // 2)

    figures: dict[str, object] = {}
    if "maps" not in skip:
        figures["maps"] = map_figures(repeat)
    if "app" not in skip:
        figures["app"] = server.app_reruns(repeat) | server.compare_reruns(repeat)
    if "paper" not in skip:
        figures["paper"] = paper.atlas_figures(fewer)
    if "change" not in skip:
        figures["change"] = change_figures(repeat)
    if "deck" not in skip:
        figures["deck"] = deck_figures(3)
    if "gif" not in skip:
        figures["gif"] = gif_figures(fewer)
    if "browser" not in skip:
        from bench import date_payload, first_map  # issue 25: the first map's trace, bytes

        with tempfile.TemporaryDirectory() as folder, streamlit_server(Path(folder) / "log") as url:
            figures["browser"] = browser.first_map_times(url, repeat=max(5, repeat))
            figures["date_change"] = browser.date_change_times(url, repeat=max(5, repeat))
            figures["first_map_trace"] = first_map.trace(url, repeat=max(5, repeat))
            figures["date_payload"] = date_payload.date_payload(url)
            figures["day_playback"] = browser.day_playback_rate(url)
        with tempfile.TemporaryDirectory() as folder, streamlit_server(Path(folder) / "log") as url:
            warm(url)  # as `make serve` does before serving
            figures["browser_warmed"] = browser.first_map_times(url, repeat=1)
    figures["load_average"] = Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3]
    if "peers" not in skip:
        figures["peers"] = peers_browser.peer_browser_figures(max(5, repeat))
    if "cli" not in skip:
        figures["cli"] = cli.cli_figures(max(5, repeat))
    if "load" not in skip:
        figures["load"] = load_figures(args.load_seconds)
    if "growth" not in skip:
        figures["growth"] = growth.growth_figures()
    figures["process_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


def load_figures(seconds: float, sessions: int = LOAD_SESSIONS) -> dict[str, dict[str, object]]:
    """``sessions`` websocket sessions changing the date every 1 to 2 s for ``seconds``
    against one server, then two replicas behind HAProxy (:mod:`bench.load`)."""
    rows: dict[str, dict[str, object]] = {}
    for replicas in (1, 2):
        if replicas > 1 and haproxy_path() is None:
            rows["2 behind HAProxy"] = {"skipped": "haproxy not found (apt-get install haproxy)"}
            continue
        name = "1 server" if replicas == 1 else f"{replicas} behind HAProxy"
        rows[name] = load.measure(replicas, sessions, seconds)
    return rows


if __name__ == "__main__":
    main()
