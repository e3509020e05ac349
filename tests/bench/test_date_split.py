"""bench.date_split: a date change's marks are taken from the messages after the input."""

from __future__ import annotations

from bench.date_split import _marks


def test_each_mark_is_the_first_of_its_kind_after_the_input_in_ms() -> None:
    top = {
        "i": 1000.0,  # the Enter
        "r": [900.0, 1012.0, 1200.0, 1210.0, 1300.0],  # received (epoch ms)
        "s": [950.0, 1003.0],  # sent
        "d": [[990.0, 3], [1050.0, 40], [1400.0, 2]],  # the page's DOM commits (ms, records)
        "l": [[980.0, 100.0], [1100.0, 60.0], [1250.0, 70.0]],  # long tasks
    }
    received = ["delta", "new_session", "map_delta", "delta", "script_finished"]
    sent = ["rerun_script", "rerun_script"]
    inner = {"r": [800.0, 1230.0], "s": {"shown": 1280.0, "painted": 1330.0}}
    marks = _marks(top, inner, received, sent)
    assert marks["sent"] == 3.0
    assert marks["first"] == 12.0
    assert marks["map_delta"] == 200.0
    assert marks["finished"] == 300.0
    assert (marks["dom_first"], marks["dom_last"]) == (50.0, 400.0)
    assert marks["render"] == 230.0 and marks["renders"] == 1
    assert (marks["shown"], marks["painted"]) == (280.0, 330.0)
    assert marks["long tasks (duration)"] == 130.0  # those that began after the input
    assert marks["deltas received"] == 2  # the map's and one other, after the input
    assert marks["runs"] == 1
