"""The data's span drives the command line and the exports (issue 23): a day of 2029 is
exported from data running to 2030 and refused, in one line, for data ending in 2019;
the new layers (EU mission, border guards, checkpoints, transit routes) are drawn and
listed in the legend; atlas and animation stay bounded over decades."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from geo.dataset import load_dataset
from geo.errors import StateError
from layers import exports
from layers.briefing.atlas import MAX_ATLAS_DATES, AtlasChoice, atlas_days
from layers.briefing.view import View
from layers.paper import animation
from tests.cli_runner import run_cli as run
from tests.conftest import MakeDataDir
from tests.span_data import LAST_2019, NEW_KINDS, records_to_2019, records_to_2030

D = dt.date
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
#: The view of the synthetic geography (tests/conftest.py), every layer shown.
BOUNDS = "44.8,39.8,47.2,41.2"


def test_cli_exports_2029_from_data_running_to_2030(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_data_dir(**records_to_2030())
    out = tmp_path / "later.geojson"
    args = ["--data-dir", str(folder), "--date", "2029-06-01", "--out", str(out)]
    status, _, stderr = run(args, capsys)
    assert status == 0, stderr
    document = json.loads(out.read_text())
    assert document["view"]["date"] == "2029-06-01"
    ids = {f["properties"]["id"] for f in document["features"]}
    assert {"eu-base", "eu-area", "checkpoint", "route"} <= ids
    assert "post" not in ids  # ended on 1 August 2024


@pytest.mark.parametrize(
    "option",
    [["--date", "2029-06-01"], ["--atlas-to", "2029-06-01"],
     ["--compare", "2019-01-01,2029-06-01"], ["--from", "2019-01-01", "--to", "2029-06-01"]],
)  # fmt: skip
def test_cli_refuses_2029_in_one_line_for_data_ending_in_2019(
    make_data_dir: MakeDataDir,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: list[str],
) -> None:
    folder = make_data_dir(**records_to_2019())
    out = tmp_path / ("x.gif" if "--from" in option else "x.pdf")
    status, _, stderr = run(["--data-dir", str(folder), *option, "--out", str(out)], capsys)
    assert status == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "2029-06-01 is outside the map's span 1993-07-23 to 2019-12-31" in stderr
    assert not out.exists()


def test_cli_default_day_is_the_nearest_to_the_article(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_data_dir(**records_to_2019())
    out = tmp_path / "default.geojson"
    status, _, stderr = run(["--data-dir", str(folder), "--out", str(out)], capsys)
    assert status == 0, stderr
    assert json.loads(out.read_text())["view"]["date"] == LAST_2019.isoformat()


def test_exports_refuse_a_day_outside_the_data(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(**records_to_2019()))
    for fmt in ("geojson", "png"):
        with pytest.raises(StateError, match="outside the map's span"):
            exports.export_bytes(data, View(day=D(2021, 2, 23)), fmt)
    later = exports.ExportOptions(span=(D(2019, 1, 1), D(2020, 1, 1)))
    with pytest.raises(StateError, match="2020-01-01 is outside the map's span"):
        exports.export_bytes(data, View(day=D(2019, 1, 1)), "gif", later)


def test_a_2029_map_draws_the_new_layers_and_their_legend(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(**records_to_2030()))
    bounds = tuple(float(v) for v in BOUNDS.split(","))
    view = View(day=D(2029, 6, 1), bounds=bounds)  # type: ignore[arg-type]
    png = exports.export_bytes(data, view, "png", exports.ExportOptions(width_px=1400))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "span-2029-map.png").write_bytes(png)  # looked at: see the report
    assert Image.open(io.BytesIO(png)).size[0] == 1400
    pdf = exports.export_bytes(data, view, "pdf")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "1 June 2029" in text
    for label in ("EU mission base", "EU mission area", "Checkpoint", "Transit route"):
        assert label in text
    assert "Border-guard post" not in text  # not drawn that day: not in the legend
    earlier = exports.export_bytes(data, View(day=D(2024, 7, 31), bounds=view.bounds), "pdf")
    assert "Border-guard post" in PdfReader(io.BytesIO(earlier)).pages[0].extract_text()
    assert set(NEW_KINDS.values()) <= set(view.layers)  # shown by default


def test_atlas_dates_step_by_month_or_year_and_are_bounded(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(**records_to_2030()))
    years = atlas_days(data, D(2029, 6, 1), AtlasChoice(first=D(2020, 11, 9), dates="year"))
    assert years == (D(2020, 11, 9), *(D(y, 1, 1) for y in range(2021, 2030)), D(2029, 6, 1))
    months = atlas_days(data, D(2021, 2, 23), AtlasChoice(first=D(2020, 11, 9), dates="month"))
    assert months[1:4] == (D(2020, 12, 1), D(2021, 1, 1), D(2021, 2, 1))
    with pytest.raises(StateError, match=f"pages, more than {MAX_ATLAS_DATES}: choose"):
        atlas_days(data, D(2029, 6, 1), AtlasChoice(dates="month"))  # 1992 to 2029
    whole = atlas_days(data, D(2030, 6, 1), AtlasChoice(dates="year"))
    assert whole[0] == data.span.first and whole[-1] == D(2030, 6, 1)


def test_an_animation_of_too_many_changes_is_refused_with_a_clear_message(
    make_data_dir: MakeDataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_dataset(make_data_dir(**records_to_2030()))
    monkeypatch.setattr(animation, "MAX_FRAMES", 3)
    with pytest.raises(StateError, match="an animation shows at most 3 frames"):
        animation.gif_bytes(data, View(day=D(2024, 1, 1)), D(1992, 1, 1), D(2030, 6, 1))
