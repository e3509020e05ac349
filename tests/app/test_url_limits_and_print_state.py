"""Issue 19, item 9 in the app: the print options survive a data error that is then
fixed (the resolution used to fall back to 30 dpi and be written into the URL), and
unknown URL parameters are reported in one warning however many there are, including a
query string Streamlit ignores whole (more than 1,000 parameters)."""

from __future__ import annotations

import pytest
from streamlit.runtime.state import query_params
from streamlit.testing.v1 import AppTest

from geo.dataset import Dataset
from tests.app.helpers import APP
from tests.conftest import MakeDataDir
from ui import query_limit


def test_the_print_options_survive_a_data_error_that_is_then_fixed(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_data_dir()
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(folder))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"date": "2005-05-05", "title": "Morning brief", "dpi": "200"})
    at.run()
    assert at.number_input(key="print:dpi").value == 200
    events = folder / "events.yaml"
    good = events.read_text(encoding="utf-8")
    events.write_text("[unclosed", encoding="utf-8")
    at.run()
    assert len(at.error) == 1
    # A live server drops the state of every widget the stopped runs did not draw.
    for key in [k for k in at.session_state if k.startswith(("day_", "layer:", "print:"))]:
        del at.session_state[key]
    events.write_text(good, encoding="utf-8")
    at.run()
    assert not at.exception and not at.error
    assert at.number_input(key="print:dpi").value == 200
    assert at.text_input(key="print:title").value == "Morning brief"
    at.checkbox(key="layer:places").check().run()  # the next click writes the URL
    assert at.query_params["dpi"] == "200" and at.query_params["title"] == "Morning brief"


def test_many_unknown_parameters_are_one_warning(dataset: Dataset) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    for index in range(600):
        at.query_params[f"junk{index}"] = "1"
    at.query_params["date"] = "2020-11-10"
    at.run()
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("Ignored 600 unknown URL parameters")
    assert "and 595 more" in warning
    assert at.slider(key="day_slider").value.isoformat() == "2020-11-10"


def test_a_query_string_streamlit_ignores_whole_is_reported(dataset: Dataset) -> None:
    query_limit.install()  # the app installs it on its first run; a session before that
    at = AppTest.from_file(APP, default_timeout=60)
    for index in range(2000):
        at.query_params[f"junk{index}"] = "1"
    at.run()
    (warning,) = [w.value for w in at.warning]
    assert "Ignored the whole address" in warning and "2,000 parameters" in warning
    assert getattr(query_params.sanitize_query_string, "_marks_dropped", False)
