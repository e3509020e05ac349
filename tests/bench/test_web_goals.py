"""bench.web_goals prints the first map's trace marks, the return visit among them, and
the static first map apart from the live map."""

from __future__ import annotations

import pytest

from bench import web_goals


def test_the_first_maps_marks_and_the_return_visit_are_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trace = {"load event": {"median": 1000.0}, "live map painted": {"median": 2400.0},
             "return visit: live map painted": {"median": 1500.0}}  # fmt: skip
    web_goals.report({"first_map_trace": trace})
    out = capsys.readouterr().out
    assert "load event 1000, live map painted 2400, return visit: live map painted 1500" in out
    assert "live map painted, warm server (s)" in out and "2.40" in out
    assert "static first map (preview) painted, warm (s)" in out  # not measured here


def test_the_static_first_map_is_never_reported_as_the_map(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trace = {"static first map painted": {"median": 450.0},
             "live map painted": {"median": 1800.0}}  # fmt: skip
    web_goals.report({"first_map_trace": trace})
    lines = capsys.readouterr().out.splitlines()
    live = next(line for line in lines if line.startswith("live map painted, warm"))
    static = next(line for line in lines if line.startswith("static first map (preview)"))
    assert "1.80" in live and "over" in live
    assert "0.45" in static and "ok" in static
