"""The export command line: files written, bad input rejected with a clear message."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from layers.catalog import LAYER_IDS
from layers.exports import __main__ as cli
from tests.cli_runner import run_cli as run
from tests.conftest import MakeDataDir

ROOT = Path(__file__).resolve().parents[3]


def test_writes_a_pdf(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "brief.pdf"
    out.parent.mkdir()  # a missing folder is refused (test_a_missing_folder_is_refused)
    args = [
        "--data-dir",
        str(make_data_dir()),
        "--date",
        "2020-11-10",
        "--layers",
        "control,russian-bases",
        "--names",
        "dual",
        "--format",
        "pdf",
        "--out",
        str(out),
        "--bounds",
        "44.8,39.8,47.2,41.2",
    ]
    status, stdout, _ = run(args, capsys)
    assert status == 0
    assert "wrote" in stdout
    text = PdfReader(out).pages[0].extract_text()
    assert "10 November 2020" in text and "Held by Armenian forces" in text


def test_format_follows_the_extension(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data.geojson"
    status, _, _ = run(
        ["--data-dir", str(make_data_dir()), "--layers", "places", "--out", str(out)], capsys
    )
    assert status == 0
    assert {f["properties"]["layer"] for f in json.loads(out.read_text())["features"]} == {"places"}
    png = tmp_path / "map.png"
    status, _, _ = run(
        ["--data-dir", str(make_data_dir()), "--width-px", "600", "--out", str(png)], capsys
    )
    assert status == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2020-13-45"], "'2020-13-45' is not a date YYYY-MM-DD"),
        (["--date", "1980-01-01"], "outside the map's span"),
        (["--layers", "control,nope"], "unknown layers ['nope']"),
        (["--bounds", "1,2,3"], "is not four numbers"),
        (["--names", "klingon"], "invalid choice: 'klingon'"),
        (["--format", "tiff"], "invalid choice: 'tiff'"),
        (["--width-px", "10"], "width 10 px is outside"),
    ],
)
def test_bad_input_is_rejected_clearly(
    args: list[str],
    message: str,
    tmp_path: Path,
    make_data_dir: MakeDataDir,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "x.pdf"
    status, _, stderr = run(["--data-dir", str(make_data_dir()), *args, "--out", str(out)], capsys)
    assert status == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_unknown_extension_needs_a_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, stderr = run(["--out", str(tmp_path / "map.txt")], capsys)
    assert status == 2
    assert "give --format" in stderr


def test_broken_data_exits_1_with_the_problems(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_data_dir(sites_text="- id: Bad Id\n")
    status, _, stderr = run(["--data-dir", str(folder), "--out", str(tmp_path / "m.png")], capsys)
    assert status == 1
    assert stderr.startswith("export failed:") and "sites.yaml" in stderr


def test_module_entry_point_exit_status(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "layers.exports",
            "--date",
            "yesterday",
            "--out",
            str(tmp_path / "m.png"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "argument --date: 'yesterday' is not a date YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_never_writes_into_the_data_folder(
    make_data_dir: MakeDataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_data_dir()
    events = folder / "events.yaml"
    before = events.read_bytes()
    for out, fmt in [(events, "geojson"), (folder / "map.geojson", "geojson")]:
        status, _, stderr = run(
            ["--data-dir", str(folder), "--format", fmt, "--out", str(out)], capsys
        )
        assert status == 2
        assert "inside the data folder" in stderr and len(stderr.splitlines()) == 1
    assert events.read_bytes() == before
    assert not (folder / "map.geojson").exists()
    committed = ROOT / "data" / "events.json"
    status, _, stderr = run(["--data-dir", str(folder), "--out", str(committed)], capsys)
    assert status == 2 and "inside the data folder" in stderr
    assert not committed.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "png", "--out", "map.pdf"], "--format png writes .png files"),
        (["--format", "briefing-pdf", "--out", "map.png"], "writes .pdf files"),
        (["--layers", "", "--out", "map.png"], "names no layer"),
        (["--bounds", "0,0,1,1", "--out", "map.png"], "outside the region"),
    ],
)
def test_contradictory_or_empty_arguments_are_refused_in_one_line(
    args: list[str],
    message: str,
    tmp_path: Path,
    make_data_dir: MakeDataDir,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [str(tmp_path / a) if a.startswith("map.") else a for a in args]
    status, _, stderr = run(["--data-dir", str(make_data_dir()), *args], capsys)
    assert status == 2
    assert message in stderr and len(stderr.splitlines()) == 1
    assert not list(tmp_path.glob("map.*"))


def test_help_lists_the_layer_ids(capsys: pytest.CaptureFixture[str]) -> None:
    status, stdout, _ = run(["--help"], capsys)
    assert status == 0
    assert all(layer_id in " ".join(stdout.split()) for layer_id in LAYER_IDS)


def _permission_denied(path: Path, data: bytes) -> Path:
    raise PermissionError(13, "Permission denied", str(path))


def _disk_full(path: Path, data: bytes) -> Path:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("target", ["folder", "/dev/full", "denied", "full disk"])
def test_every_write_failure_is_one_line_and_exit_1(
    target: str,
    tmp_path: Path,
    make_data_dir: MakeDataDir,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = {"folder": tmp_path, "/dev/full": Path("/dev/full")}.get(target, tmp_path / "m.geojson")
    if target == "denied":
        monkeypatch.setattr(cli.io, "write_bytes", _permission_denied)
    if target == "full disk":
        monkeypatch.setattr(cli.io, "write_bytes", _disk_full)
    args = ["--data-dir", str(make_data_dir()), "--format", "geojson", "--out", str(out)]
    status, stdout, stderr = run(args, capsys)
    assert status == 1 and not stdout
    assert stderr.startswith("export failed: ") and len(stderr.splitlines()) == 1
    assert "Traceback" not in stderr
    assert Path("/dev/full").is_char_device()


def test_a_failed_export_keeps_the_previous_file(
    tmp_path: Path,
    make_data_dir: MakeDataDir,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "m.geojson"
    out.write_text("previous good export", encoding="utf-8")
    real = cli.io._write_all

    def fail_midway(path: Path, data: bytes) -> None:
        real(path, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.io, "_write_all", fail_midway)
    status, _, stderr = run(["--data-dir", str(make_data_dir()), "--out", str(out)], capsys)
    assert status == 1 and "No space left on device" in stderr
    assert out.read_text(encoding="utf-8") == "previous good export"
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == ["m.geojson"]


def test_extra_files_are_exported_with_the_view(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        'name,lat,lon,date\n"=HYPERLINK(""http://x"",""y"")",40.1,44.9,2020-10\n'
        "Later,40.2,45.0,2021-01-05\n",
        encoding="utf-8",
    )
    areas = tmp_path / "areas.geojson"
    ring = [[45, 40], [46, 41], [46, 40], [45, 41], [45, 40]]  # self-intersecting
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Zone"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    args = ["--data-dir", str(make_data_dir()), "--date", "2020-11-10", "--layers", "none"]
    status, _, stderr = run(
        [*args, "--out", str(out), "--extra", str(events), "--extra", str(areas)], capsys
    )
    assert status == 0, stderr
    assert stderr.splitlines() == [
        "note: events.csv: row 1, date: month only; shown from 1 October 2020",
        "note: areas.geojson: row 1, geometry: invalid (Self-intersection[45.5 40.5]); repaired",
    ]
    marking, table = out.read_text(encoding="utf-8-sig").split("\n", 1)  # BOM, then the mark
    assert marking.startswith("# No classification marking given")
    rows = list(csv.DictReader(io.StringIO(table)))
    # the month-dated event and the zone; the event of 2021 is not yet on the map
    assert [(r["label"], r["start"], r["date_precision"]) for r in rows] == [
        ('\'=HYPERLINK("http://x","y")', "2020-10-01", "month"),  # inert in a spreadsheet
        ("Zone", "", ""),
    ]
    assert rows[1]["wkt"].startswith("MULTIPOLYGON")


def test_an_unusable_extra_file_fails_the_export(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("place\nA\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["--data-dir", str(make_data_dir()), "--out", str(out), "--extra", str(bad)]
    status, _, stderr = run([*args, "--extra", str(tmp_path / "missing.kml")], capsys)
    assert status == 1
    assert stderr.startswith("export failed: cannot use --extra: bad.csv: needs a latitude")
    assert "missing.kml: cannot be read (No such file or directory)" in stderr
    assert not out.exists()
