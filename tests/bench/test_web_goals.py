"""bench.web_goals prints the first map's trace marks, the return visit among them."""

from __future__ import annotations

import pytest

from bench import web_goals


def test_the_first_maps_marks_and_the_return_visit_are_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trace = {"load event": {"median": 1000.0}, "map painted": {"median": 2400.0},
             "return visit: map painted": {"median": 1500.0}}  # fmt: skip
    web_goals.report({"first_map_trace": trace})
    out = capsys.readouterr().out
    assert "load event 1000, map painted 2400, return visit: map painted 1500" in out
    assert "first map painted, warm server (s)" in out and "2.40" in out
