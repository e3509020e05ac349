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

from bench import browser, maps, server
from bench.timing import median_seconds, peak_mib, sizes
from deploy.serve import warm
from geo.change import clear_cache, compare, frame_dates
from geo.dataset import load_dataset
from layers import deck, exports
from layers.paper import slides
from layers.view import View
from tests.e2e.server import streamlit_server

BUDGETS = {
    "payload_gzip_kib": 250.0,
    "date_change_ms": 150.0,
    "compare_after_change_ms": 150.0,
    "map_after_load_s": 3.0,
    "warm_map_after_load_s": 1.5,
    "date_change_p95_ms": 200.0,
    "briefing_pdf_s": 1.0,
    "change_ms": 100.0,
    "deck_pptx_s": 5.0,
    "war_gif_s": 10.0,
}

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


def _row(label: str, *cells: object) -> str:
    return f"{label:<38}" + "".join(f"{c!s:>14}" for c in cells)


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


def export_figures(repeat: int) -> dict[str, float]:
    """Median seconds of the PNG, PDF and briefing PDF exports of the default view."""
    dataset = load_dataset()
    view = View()
    return {
        f"{fmt.replace('-', '_')}_s": median_seconds(
            lambda fmt=fmt: exports.export_bytes(dataset, view, fmt), repeat=repeat
        )
        for fmt in ("png", "pdf", "briefing-pdf")
    }


def change_figures(repeat: int) -> dict[str, float]:
    """Median ms of geo.change.compare for each pair of CHANGE_PAIRS, with the
    per-situation cache cleared before each run ("cold") and kept ("warm")."""
    dataset = load_dataset()

    def cold(a: dt.date, b: dt.date) -> None:
        clear_cache()
        compare(dataset, a, b)

    figures: dict[str, float] = {}
    for a, b in CHANGE_PAIRS:
        label = f"{a.isoformat()} -> {b.isoformat()}"
        figures[f"{label} cold"] = 1000 * median_seconds(lambda a=a, b=b: cold(a, b), repeat)
        figures[f"{label} warm"] = 1000 * median_seconds(
            lambda a=a, b=b: compare(dataset, a, b), repeat
        )
    return figures


def deck_figures(repeat: int) -> dict[str, float]:
    """Median seconds of the article's deck to PPTX (data and deck loaded beforehand)."""
    dataset = load_dataset()
    article = deck.load_deck(deck.ARTICLE_DECK, dataset)
    seconds = median_seconds(lambda: slides.deck_pptx(dataset, article), repeat=repeat)
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


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per median (default 7)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    figures: dict[str, object] = {}
    mapping = map_figures(args.repeat)
    figures["maps"] = mapping
    figures["app"] = server.app_reruns(args.repeat) | server.compare_reruns(args.repeat)
    figures["exports"] = export_figures(max(3, args.repeat // 2))
    figures["change"] = change_figures(args.repeat)
    figures["deck"] = deck_figures(3)
    figures["gif"] = gif_figures(max(3, args.repeat // 2))
    with tempfile.TemporaryDirectory() as folder, streamlit_server(Path(folder) / "log") as url:
        figures["browser"] = browser.first_map_times(url, repeat=max(3, args.repeat // 2))
        figures["date_change"] = browser.date_change_times(url, repeat=max(5, args.repeat))
    with tempfile.TemporaryDirectory() as folder, streamlit_server(Path(folder) / "log") as url:
        warm(url)  # as `make serve` does before serving
        figures["browser_warmed"] = browser.first_map_times(url, repeat=1)
    figures["process_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


def _p95_ms(summary: object) -> float | None:
    return summary["p95_s"] * 1000 if isinstance(summary, dict) else None


def report(figures: dict[str, object]) -> None:
    """Print the figures as tables, with the ratio to each peer and the budgets."""
    mapping: dict[str, dict[str, float]] = figures["maps"]  # type: ignore[assignment]
    ours = mapping["ours"]
    print("Default map (23 February 2021, default layers), median of runs")
    print(_row("", "ours", "leafmap", "explore", "leafmap/ours", "explore/ours"))
    for key, unit in (("payload_kib", "KiB"), ("payload_gzip_kib", "KiB"),
                      ("build_ms", "ms"), ("peak_mib", "MiB")):  # fmt: skip
        cells = [f"{mapping[n][key]:.1f}" for n in ("ours", "leafmap", "explore")]
        ratios = [f"{mapping[n][key] / ours[key]:.2f}x" for n in ("leafmap", "explore")]
        print(_row(f"{key} ({unit})", *cells, *ratios))
    app: dict[str, float] = figures["app"]  # type: ignore[assignment]
    print("\nApp (Streamlit AppTest, whole script)")
    print(_row("rerun (ms)", f"{app['rerun_s'] * 1000:.0f}"))
    print(_row("date change (ms)", f"{app['date_change_s'] * 1000:.0f}"))
    print(_row("map key kept on date change", str(app["key_kept"])))
    print(_row("comparison: after date change (ms)", f"{app['compare_after_change_s'] * 1000:.0f}"))
    print(_row("comparison map key kept", str(app["compare_key_kept"])))
    print("  peers rebuild the whole map on a date change: their figure is the build time")
    exports: dict[str, float] = figures["exports"]  # type: ignore[assignment]
    print("\nExports of the default view (s)")
    for key, value in exports.items():
        print(_row(key, f"{value:.3f}"))
    change: dict[str, float] = figures["change"]  # type: ignore[assignment]
    print("\nChange between two dates, geo.change.compare (ms; cold = situation cache empty)")
    for key, value in change.items():
        print(_row(key, f"{value:.1f}"))
    decks: dict[str, float] = figures["deck"]  # type: ignore[assignment]
    print(
        _row(
            f"article deck to PPTX ({decks['deck_slides']:.0f} slides)",
            f"{decks['deck_pptx_s']:.3f}",
        )
    )
    gif: dict[str, float] = figures["gif"]  # type: ignore[assignment]
    print(
        f"\n2020-war GIF ({WAR_SPAN[0]} -> {WAR_SPAN[1]}, {gif['frames']:.0f} frames): "
        f"{gif['war_gif_s']:.2f} s wall, {gif['war_gif_cpu_s']:.2f} s CPU (median)"
    )
    shown: dict[str, object] = figures["browser"]  # type: ignore[assignment]
    print("\nHeadless Chromium, fresh context per visit (s)")
    for key, value in shown.items():
        print(_row(key, f"{value:.2f}" if isinstance(value, float) else str(value)))
    warmed: dict[str, object] = figures["browser_warmed"]  # type: ignore[assignment]
    print("\nFirst visit to a server warmed at start (make serve), s")
    for key, value in warmed.items():
        print(_row(key, f"{value:.2f}" if isinstance(value, float) else str(value)))
    changes: dict[str, object] = figures["date_change"]  # type: ignore[assignment]
    print("\nDate change in Chromium, input to the date stamp shown / painted (ms)")
    print(_row("", "median", "p95", "n"))
    for key, value in changes.items():
        if isinstance(value, dict):
            print(_row(key, f"{value['median_s'] * 1000:.0f}", f"{value['p95_s'] * 1000:.0f}",
                       str(value["n"])))  # fmt: skip
        else:
            print(_row(key, str(value)))
    print(f"\nPeak RSS of this process: {figures['process_peak_rss_mib']:.0f} MiB")
    print("\nBudgets")
    measured = {
        "payload_gzip_kib": ours["payload_gzip_kib"],
        "date_change_ms": app["date_change_s"] * 1000,
        "compare_after_change_ms": app["compare_after_change_s"] * 1000,
        "map_after_load_s": shown.get("cold_map_after_load_s"),
        "warm_map_after_load_s": shown.get("map_after_load_s"),
        "date_change_p95_ms": _p95_ms(changes.get("all_painted")),
        "briefing_pdf_s": exports["briefing_pdf_s"],
        "change_ms": max(change.values()),
        "deck_pptx_s": decks["deck_pptx_s"],
        "war_gif_s": gif["war_gif_s"],
    }
    for key, budget in BUDGETS.items():
        value = measured[key]
        verdict = "n/a" if not isinstance(value, float) else ("met" if value < budget else "MISSED")
        shown_value = f"{value:.2f}" if isinstance(value, float) else "n/a"
        print(_row(key, shown_value, f"< {budget:g}", verdict))


if __name__ == "__main__":
    main()
