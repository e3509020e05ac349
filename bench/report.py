"""Print the figures of ``python -m bench`` as tables, beside the peers and the budgets.

Every section is optional (``python -m bench --skip ...``): a section that was not
measured is not printed and its budgets read ``n/a``. Nothing here passes or fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: Budgets of issues 5, 12, 13 and 15: figure name -> upper bound (unit in the name).
BUDGETS = {
    "payload_gzip_kib": 250.0,
    "date_change_ms": 150.0,
    "compare_after_change_ms": 150.0,
    "map_after_load_s": 3.0,
    "warm_map_after_load_s": 1.5,
    "date_change_p95_ms": 200.0,
    "briefing_pdf_s": 1.0,
    "atlas_s": 5.0,
    "change_ms": 100.0,
    "deck_pptx_s": 5.0,
    "war_gif_s": 10.0,
    "cli_geojson_cold_s": 1.0,
    "cli_gpkg_cold_s": 1.0,
    "load_25_median_s": 0.5,
    "load_25_p95_s": 1.0,
    "growth_10k_date_change_ms": 500.0,
}

#: The largest synthetic data set of :mod:`bench.growth`.
LARGEST = "10000/2000"

PEERS = ("leafmap", "explore")


def _row(label: str, *cells: object) -> str:
    return f"{label:<40}" + "".join(f"{c!s:>14}" for c in cells)


def _fmt(value: object, form: str = "{:.2f}") -> str:
    return form.format(value) if isinstance(value, int | float) else str(value)


def figure_at(figures: Mapping[str, Any], *path: str) -> Any:
    """``figures[path[0]][path[1]]...`` or None where a step is missing."""
    value: Any = figures
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _maps(mapping: Mapping[str, Any]) -> None:
    ours = mapping["ours"]
    print("Default map (23 February 2021, default layers), median of runs")
    print(_row("", "ours", *PEERS, *(f"{p}/ours" for p in PEERS)))
    for key, unit in (("payload_kib", "KiB"), ("payload_gzip_kib", "KiB"),
                      ("build_ms", "ms"), ("peak_mib", "MiB")):  # fmt: skip
        cells = [f"{mapping[n][key]:.1f}" for n in ("ours", *PEERS)]
        ratios = [f"{mapping[n][key] / ours[key]:.2f}x" for n in PEERS]
        print(_row(f"{key} ({unit})", *cells, *ratios))


def _app(app: Mapping[str, Any]) -> None:
    print("\nApp (Streamlit AppTest, whole script)")
    print(_row("rerun (ms)", f"{app['rerun_s'] * 1000:.0f}"))
    print(_row("date change (ms)", f"{app['date_change_s'] * 1000:.0f}"))
    print(_row("map key kept on date change", str(app["key_kept"])))
    print(_row("comparison: after date change (ms)", f"{app['compare_after_change_s'] * 1000:.0f}"))
    print(_row("comparison map key kept", str(app["compare_key_kept"])))
    print("  peers rebuild the whole map on a date change (see the browser table)")


def _paper(paper: Mapping[str, Any]) -> None:
    print(f"\nPaper exports of the default view (s; atlas: {paper['atlas_pages']:.0f} pages)")
    print(_row("", "wall median", "wall max", "CPU median"))
    for name in ("atlas", "map_pdf", "briefing_pdf", "map_png"):
        keys = ("wall_s", "wall_max_s", "cpu_s")
        print(_row(name, *(f"{paper[f'{name}_{k}']:.2f}" for k in keys)))


def _change(change: Mapping[str, float]) -> None:
    print("\nChange between two dates, geo.change.compare (ms; cold = situation cache empty)")
    for key, value in change.items():
        if key.endswith((" cold", " warm")):
            print(_row(key, f"{value:.1f}"))


def _deck(decks: Mapping[str, float]) -> None:
    print(_row(f"\narticle deck to PPTX ({decks['deck_slides']:.0f} slides, s)",
               f"{decks['deck_pptx_s']:.3f}"))  # fmt: skip


def _gif(gif: Mapping[str, float]) -> None:
    print(
        f"\n2020-war GIF ({gif['frames']:.0f} frames): "
        f"{gif['war_gif_s']:.2f} s wall, {gif['war_gif_cpu_s']:.2f} s CPU (median)"
    )


def _browser(figures: Mapping[str, Any]) -> None:
    shown = figures["browser"]
    peers = figures.get("peers") or {}
    print("\nHeadless Chromium, fresh context per visit (s): first map")
    print(_row("", "ours", *PEERS))
    lines = (
        ("page load (navigation -> load event)", "load_s", "load_s"),
        ("map drawn after the load event", "map_after_load_s", "map_after_load_s"),
        ("  p95", "map_after_load_p95_s", "map_after_load_p95_s"),
        ("first visit after a start: load", "cold_load_s", None),
        ("first visit after a start: map", "cold_map_after_load_s", None),
    )
    for label, ours_key, peer_key in lines:
        cells = [_fmt(shown.get(ours_key, "-"))]
        cells += [_fmt(figure_at(peers, p, peer_key) or "-") if peer_key else "-" for p in PEERS]
        print(_row(label, *cells))
    warmed = figures.get("browser_warmed") or {}
    print(_row("first visit to a warmed server: map", _fmt(warmed.get("cold_map_after_load_s"))))
    changes = figures.get("date_change") or {}
    print("\nDate change in Chromium (ms): ours = input to the date stamp shown / painted;")
    print("peers = build the other date's map in Python, then load and draw its page")
    print(_row("", "median", "p95", "n"))
    for key, value in changes.items():
        if isinstance(value, Mapping):
            print(_row(f"ours: {key}", f"{value['median_s'] * 1000:.0f}",
                       f"{value['p95_s'] * 1000:.0f}", str(value["n"])))  # fmt: skip
        else:
            print(_row(f"ours: {key}", str(value)))
    for peer in PEERS:
        row = peers.get(peer) or {}
        if "skipped" in row:
            print(_row(f"{peer}: skipped", row["skipped"]))
            continue
        for part in ("date_change_build_s", "date_change_browser_s", "date_change_s"):
            if part in row:
                p95 = row.get(part.replace("_s", "_p95_s", 1))
                label = f"{peer}: {part.removeprefix('date_change_').removesuffix('_s') or 'total'}"
                print(_row(label.replace(": s", ": total"), f"{row[part] * 1000:.0f}",
                           _fmt(p95 * 1000 if p95 is not None else "-", "{:.0f}")))  # fmt: skip
    for peer in PEERS:
        row = peers.get(peer) or {}
        if "cdn_files" in row:
            print(f"  {peer}: {row['cdn_files']} CDN files from npm copies, {row['cdn_empty']} "
                  f"served empty (not on npm), missing {row['cdn_missing']}, "
                  f"aborted {row['aborted']}")  # fmt: skip


def _cli(cli: Mapping[str, Mapping[str, float]]) -> None:
    print("\nCommand line, python -m layers.exports in fresh processes (s)")
    print(_row("", "median", "p95", "CPU", "peak MiB"))
    for name, row in cli.items():
        print(_row(name, *(f"{row[k]:.2f}" for k in ("median_s", "p95_s", "cpu_s")),
                   f"{row['peak_mib']:.0f}"))  # fmt: skip


def _load(load: Mapping[str, Mapping[str, Any]]) -> None:
    from bench import load as load_bench

    runs = {k: v for k, v in load.items() if "skipped" not in v}
    print("\nLoad: 25 websocket sessions, each changing the date every 1-2 s")
    if runs:
        load_bench.report(runs)  # type: ignore[arg-type]
    for name, row in load.items():
        if "skipped" in row:
            print(f"  {name}: skipped, {row['skipped']}")


def _growth(growth: Mapping[str, Mapping[str, float]]) -> None:
    from bench import growth as growth_bench

    print("\nGrowth: committed data, then synthetic events/control areas")
    growth_bench.report(growth)  # type: ignore[arg-type]


SECTIONS: tuple[tuple[str, Callable[[Any], None]], ...] = (
    ("maps", _maps),
    ("app", _app),
    ("paper", _paper),
    ("change", _change),
    ("deck", _deck),
    ("gif", _gif),
    ("cli", _cli),
    ("load", _load),
    ("growth", _growth),
)


def measured(figures: Mapping[str, Any]) -> dict[str, float | None]:
    """Each budget's figure, None where its section was not measured."""
    runs = [row for row in (figures.get("load") or {}).values() if "change_p95_s" in row]
    load_best = min(runs, key=lambda row: row["change_p95_s"]) if runs else None
    change = figures.get("change")
    return {
        "payload_gzip_kib": figure_at(figures, "maps", "ours", "payload_gzip_kib"),
        "date_change_ms": _scaled(figure_at(figures, "app", "date_change_s"), 1000),
        "compare_after_change_ms": _scaled(
            figure_at(figures, "app", "compare_after_change_s"), 1000
        ),
        "map_after_load_s": figure_at(figures, "browser", "cold_map_after_load_s"),
        "warm_map_after_load_s": figure_at(figures, "browser", "map_after_load_s"),
        "date_change_p95_ms": _scaled(
            figure_at(figures, "date_change", "all_painted", "p95_s"), 1000
        ),
        "briefing_pdf_s": figure_at(figures, "paper", "briefing_pdf_wall_s"),
        "atlas_s": figure_at(figures, "paper", "atlas_wall_s"),
        "change_ms": max(
            (v for k, v in change.items() if k.endswith((" cold", " warm"))), default=None
        )
        if change
        else None,
        "deck_pptx_s": figure_at(figures, "deck", "deck_pptx_s"),
        "war_gif_s": figure_at(figures, "gif", "war_gif_s"),
        "cli_geojson_cold_s": figure_at(figures, "cli", "geojson_cached", "median_s"),
        "cli_gpkg_cold_s": figure_at(figures, "cli", "gpkg_cached", "median_s"),
        "load_25_median_s": load_best["change_median_s"] if load_best else None,
        "load_25_p95_s": load_best["change_p95_s"] if load_best else None,
        "growth_10k_date_change_ms": figure_at(figures, "growth", LARGEST, "app_date_change_ms"),
    }


#: Pages of the atlas the goal of issue 25 was set for (5 s for 34 pages, cover included).
ATLAS_GOAL_PAGES = 34


def goal_rows(figures: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The paper and comparison figures beside their goals (issue 25: the atlas at most
    5 s for 34 pages; the other paper exports keep the budgets of issues 5 and 15; the
    comparison those of issues 5 and 12): ``(figure, value, goal, verdict, load)`` rows,
    the verdict ``ok``, ``over`` or ``-`` (no goal), the load the 1-minute load average
    before and after the section ran. Only sections that were measured have rows."""
    rows: list[tuple[str, str, str, str, str]] = []
    paper, change, app = figures.get("paper"), figures.get("change"), figures.get("app")

    def add(name: str, value: float, goal: float | None, unit: str, load: str) -> None:
        verdict = "-" if goal is None else ("ok" if value <= goal else "over")
        shown = f"<= {goal:.3g} {unit}" if goal is not None else "no goal"
        rows.append((name, f"{value:.3g} {unit}" if value < 1000 else f"{value:.0f} {unit}",
                     shown, verdict, load))  # fmt: skip

    if paper:
        load = _load_text(paper)
        pages = paper["atlas_pages"]
        add(f"atlas, {pages:.0f} pages, wall", paper["atlas_wall_s"],
            BUDGETS["atlas_s"] * pages / ATLAS_GOAL_PAGES, "s", load)  # fmt: skip
        add("atlas, wall per page", paper["atlas_wall_s"] / pages,
            BUDGETS["atlas_s"] / ATLAS_GOAL_PAGES, "s", load)  # fmt: skip
        add(f"atlas, {pages:.0f} pages, CPU", paper["atlas_cpu_s"], None, "s", load)
        for name, label in (("briefing_pdf", "briefing PDF"), ("map_pdf", "map PDF"),
                            ("map_png", "map PNG")):  # fmt: skip
            goal = BUDGETS["briefing_pdf_s"] if name == "briefing_pdf" else None
            add(f"{label}, wall", paper[f"{name}_wall_s"], goal, "s", load)
            add(f"{label}, CPU", paper[f"{name}_cpu_s"], None, "s", load)
    if app and "compare_after_change_s" in app:
        add("comparison, after-date change (AppTest)", app["compare_after_change_s"] * 1000,
            BUDGETS["compare_after_change_ms"], "ms", _load_text(app))  # fmt: skip
        if "compare_after_change_cpu_s" in app:
            add("comparison, after-date change, CPU", app["compare_after_change_cpu_s"] * 1000,
                None, "ms", _load_text(app))  # fmt: skip
    if change:
        timed = {k: v for k, v in change.items() if k.endswith((" cold", " warm"))}
        if timed:
            worst = max(timed, key=lambda k: timed[k])
            add(f"change of two dates, worst ({worst})", timed[worst], BUDGETS["change_ms"],
                "ms", _load_text(change))  # fmt: skip
    return rows


def _load_text(section: Mapping[str, Any]) -> str:
    """``before->after`` 1-minute load averages of a section, or ``?``."""
    before, after = section.get("load_before"), section.get("load_after")
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return "?"
    return f"{before:.1f}->{after:.1f}"


def _goals(figures: Mapping[str, Any]) -> None:
    rows = goal_rows(figures)
    if not rows:
        return
    print("\nPaper and comparison figures beside their goals (issue 25; load = 1-minute")
    print("load average of the 2-core machine before -> after the section)")
    print(f"{'figure':<48}{'value':>12}{'goal':>14}{'':>6}{'load':>12}")
    for name, value, goal, verdict, load in rows:
        print(f"{name:<48}{value:>12}{goal:>14}{verdict:>6}{load:>12}")


def _scaled(value: Any, factor: float) -> float | None:
    return float(value) * factor if isinstance(value, int | float) else None


def report(figures: Mapping[str, Any]) -> None:
    """Print every measured section, then each budget with its figure and verdict."""
    for name, printer in SECTIONS:
        if name in figures:
            printer(figures[name])
        if name == "gif" and "browser" in figures:
            _browser(figures)
    # issue 25, the web side: each web figure beside its goal (bench/web_goals.py)
    from bench import web_goals

    web_goals.report(figures)
    _goals(figures)
    if "process_peak_rss_mib" in figures:
        print(f"\nPeak RSS of this process: {figures['process_peak_rss_mib']:.0f} MiB")
    print("\nBudgets (CLI: a fresh process with the validated-data cache filled;")
    print("load: the better of one server and two replicas)")
    values = measured(figures)
    for key, budget in BUDGETS.items():
        value = values[key]
        if value is None:
            print(_row(key, "n/a", f"< {budget:g}", "not measured"))
            continue
        print(_row(key, f"{value:.2f}", f"< {budget:g}", "met" if value < budget else "MISSED"))
