"""The paper and comparison figures printed beside their goals (issue 25): the verdicts
follow the numbers given (no timing is measured here)."""

from __future__ import annotations

from bench.report import ATLAS_GOAL_PAGES, goal_rows, measured, report

PAPER = {
    "atlas_pages": 68.0,
    "atlas_wall_s": 9.0,
    "atlas_cpu_s": 15.0,
    "briefing_pdf_wall_s": 1.2,
    "briefing_pdf_cpu_s": 1.1,
    "map_pdf_wall_s": 0.8,
    "map_pdf_cpu_s": 0.7,
    "map_png_wall_s": 0.6,
    "map_png_cpu_s": 0.5,
    **{f"{name}_wall_max_s": 2.0 for name in ("atlas", "briefing_pdf", "map_pdf", "map_png")},
    "load_before": 3.25,
    "load_after": 4.0,
}


def test_atlas_goal_scales_with_its_pages_and_briefing_keeps_its_budget() -> None:
    rows = {row[0]: row for row in goal_rows({"paper": PAPER})}
    atlas = rows["atlas, 68 pages, wall"]
    assert atlas[2] == f"<= {5.0 * 68 / ATLAS_GOAL_PAGES:.3g} s"  # 10 s for twice the pages
    assert atlas[3] == "ok"
    assert atlas[4] == "3.2->4.0"
    assert rows["atlas, wall per page"][3] == "ok"
    assert rows["briefing PDF, wall"][3] == "over"
    assert rows["map PDF, wall"][2:4] == ("no goal", "-")
    assert rows["atlas, 68 pages, CPU"][3] == "-"


def test_comparison_rows_and_load_keys_left_out_of_the_change_budget() -> None:
    change = {"a -> b cold": 120.0, "a -> b warm": 30.0, "load_before": 900.0, "load_after": 1.0}
    app = {"compare_after_change_s": 0.1, "compare_after_change_cpu_s": 0.09}
    rows = {row[0]: row for row in goal_rows({"change": change, "app": app})}
    assert rows["change of two dates, worst (a -> b cold)"][3] == "over"
    assert rows["comparison, after-date change (AppTest)"][3:] == ("ok", "?")
    assert measured({"change": change})["change_ms"] == 120.0


def test_nothing_measured_prints_no_goal_table(capsys) -> None:  # type: ignore[no-untyped-def]
    report({})
    assert "beside their goals" not in capsys.readouterr().out
    report({"paper": PAPER})
    out = capsys.readouterr().out
    assert "atlas, 68 pages, wall" in out and "over" in out
