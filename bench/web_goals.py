"""The web map's figures of issue 25 beside their goals and the peers' figures of the same
run: "figure  ours  leafmap  explore  goal  ok/over" (printed by :mod:`bench.report`).

The first map is timed from navigation to the live (interactive) map painted
(:mod:`bench.first_map`, a fresh browser context per visit; the peers'
``navigation_to_map_s``); the static first map shown in front of it while Streamlit boots
(:mod:`layers.web.first_map`, a preview that cannot be used yet) has a row of its own,
never counted as the map. The first visit after ``make serve``'s warm-up is
:func:`bench.browser.first_map_times` on a warmed server (its load plus the live map).
The trace's main marks follow, with a return visit (the
browser's cache filled). Nothing here passes or fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.report import figure_at  # report imports this module inside report()

#: Goals of issue 25 (unit in the label).
GOALS = {
    "live map painted, warm server (s)": 1.0,
    "static first map (preview) painted, warm (s)": 1.0,
    "live map, first visit after warm-up (s)": 2.0,
    "date change painted, p95 (ms)": 150.0,
    "playback by day (map updates/s, at least)": 10.0,
}


def _num(value: Any, scale: float = 1.0) -> float | None:
    return float(value) * scale if isinstance(value, int | float) else None


def rows(figures: Mapping[str, Any]) -> list[tuple[str, float | None, float | None, float | None]]:
    """(label, ours, leafmap, explore) for each goal; None where not measured."""
    peers = figures.get("peers") or {}
    warmed = figures.get("browser_warmed") or {}
    cold = None
    if "cold_load_s" in warmed and "cold_map_after_load_s" in warmed:
        cold = warmed["cold_load_s"] + warmed["cold_map_after_load_s"]
    trace = "first_map_trace"
    painted = _num(figure_at(figures, trace, "live map painted", "median"), 1 / 1000)
    preview = _num(figure_at(figures, trace, "static first map painted", "median"), 1 / 1000)
    return [
        ("live map painted, warm server (s)", painted,
         _num(figure_at(peers, "leafmap", "navigation_to_map_s")),
         _num(figure_at(peers, "explore", "navigation_to_map_s"))),
        ("static first map (preview) painted, warm (s)", preview, None, None),
        ("live map, first visit after warm-up (s)", cold, None, None),
        ("date change painted, p95 (ms)",
         _num(figure_at(figures, "date_change", "all_painted", "p95_s"), 1000),
         _num(figure_at(peers, "leafmap", "date_change_p95_s"), 1000),
         _num(figure_at(peers, "explore", "date_change_p95_s"), 1000)),
        ("playback by day (map updates/s, at least)",
         _num(figure_at(figures, "day_playback", "paints_per_s")), None, None),
    ]  # fmt: skip


def report(figures: Mapping[str, Any]) -> None:
    """Print each web goal with our figure, the peers' and the verdict, then what a date
    change sends (:mod:`bench.date_payload`) and the load average of the run."""
    cell = "{:>10}"
    print("\nWeb map, issue 25 goals (same run, same Chromium)")
    print(f"{'figure':<44}" + "".join(cell.format(h) for h in
                                      ("ours", "leafmap", "explore", "goal", "")))  # fmt: skip
    for label, ours, leafmap, explore in rows(figures):
        goal = GOALS[label]
        at_least = "at least" in label
        verdict = "not measured"
        if ours is not None:
            verdict = "ok" if (ours >= goal if at_least else ours <= goal) else "over"
        values = [f"{v:.2f}" if v is not None else "-" for v in (ours, leafmap, explore)]
        goal_text = f"{'>=' if at_least else '<='} {goal:g}"
        print(f"{label:<44}" + "".join(cell.format(v) for v in (*values, goal_text)), verdict)
    trace = figures.get("first_map_trace")
    if isinstance(trace, Mapping):
        marks = ("load event", "static first map painted", "map delta", "component page start",
                 "leaflet.js end", "live map painted", "static first map removed",
                 "return visit: live map painted")  # fmt: skip
        found = [(mark, figure_at(trace, mark, "median")) for mark in marks]
        shown = [f"{mark} {value:.0f}" for mark, value in found if isinstance(value, int | float)]
        print("first map, median ms after navigation (bench.first_map): " + ", ".join(shown))
    payload = figures.get("date_payload")
    if isinstance(payload, Mapping):
        print("date change sent (KiB): " + ", ".join(
            f"{key.removesuffix('_kib')} {value:.0f}" for key, value in payload.items()
            if key.endswith("_kib")))  # fmt: skip
        if "groups_as_stubs" in payload:
            print(f"kept groups sent as stubs / in full: {payload['groups_as_stubs']:.0f} / "
                  f"{payload['groups_in_full']:.0f}")
    played = figures.get("day_playback")
    if isinstance(played, Mapping) and "paints_per_s" in played:
        print(f"playback by day: {played['days']} days at {played['speed_days_per_s']:g}/s in "
              f"{played['seconds']:.2f} s: stamps painted {played['paints_per_s']:.1f}/s, "
              f"days shown {played['ticks_per_s']:.1f}/s, {played['swaps']} group swaps, "
              f"{played['waits']} ticks waiting for a group, {played['fetched']} groups "
              "fetched")  # fmt: skip
    if "load_average" in figures:
        print("load average at the end of the browser section:", *figures["load_average"])
