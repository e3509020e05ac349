"""The export command line: files written, bad input rejected with a clear message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from layers.exports import __main__ as cli
from tests.conftest import MakeDataDir

ROOT = Path(__file__).resolve().parents[3]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    try:
        status = cli.main(args)
    except SystemExit as exc:
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_writes_a_pdf(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "brief.pdf"
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
        (["--width-px", "10", "--format", "png"], "width 10 px is outside"),
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
