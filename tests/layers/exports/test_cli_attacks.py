"""Issue 19 through the command lines: every attack file as ``--extra`` of
``python -m layers.exports`` is refused in one line (exit 1) or read within bounds into
the export, with no request reaching a loopback listener; a deck nested 50,000 deep is
one line from ``python -m layers.deck_export``; an ``--out`` in a missing folder is a
usage error, and no folder is created."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from layers import deck_export
from layers.exports import __main__ as cli
from tests.conftest import MakeDataDir
from tests.upload_attacks import (
    ATTACKS,
    Attack,
    Listener,
    deck_nested,
    running_children,
    vrt_reading_a_local_file,
    within,
)

ROOT = Path(__file__).resolve().parents[3]
#: Attack files that are read (the one benign point of the file), the rest are refused.
READ = ("gpkg-3-million-row-view", "gpkg-attributes-table")


def run(main: object, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run a command line's ``main`` in-process; its exit status and stderr."""
    try:
        status = within(90, lambda: main(args))  # type: ignore[operator]
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, capsys.readouterr().err


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with Listener() as server:
        yield server


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.id)
def test_an_attack_file_as_extra_is_refused_or_read_within_bounds(
    attack: Attack,
    listener: Listener,
    make_data_dir: MakeDataDir,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    extra = tmp_path / attack.filename
    extra.write_bytes(attack.build(listener.url))
    out = tmp_path / "view.geojson"
    children = running_children()
    args = ["--data-dir", str(make_data_dir()), "--layers", "none", "--out", str(out)]
    status, stderr = run(cli.main, [*args, "--extra", str(extra)], capsys)
    assert "Traceback" not in stderr and "passwd" not in stderr
    if attack.id in READ:
        assert status == 0, stderr
        features = json.loads(out.read_text(encoding="utf-8"))["features"]
        assert [f["properties"]["label"] for f in features] == ["Yerevan"]
        assert all(line.startswith("note: ") for line in stderr.splitlines())
    else:
        assert status == 1 and not out.exists()
        (line,) = stderr.splitlines()
        assert line.startswith(f"export failed: cannot use --extra: {attack.filename}: ")
    assert listener.hits == []
    assert running_children() == children


def test_the_command_line_process_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    extra = tmp_path / "x.geojson"
    extra.write_bytes(vrt_reading_a_local_file())
    command = [sys.executable, "-m", "layers.exports", "--out", str(tmp_path / "v.geojson")]
    done = subprocess.run(
        [*command, "--extra", str(extra)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr == (
        "export failed: cannot use --extra: x.geojson: cannot be read: the file is an OGR VRT "
        "file, which is not accepted (only GeoJSON, KML, GeoPackage and CSV are read)\n"
    )


def test_a_deck_nested_50000_deep_is_one_line(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "deep.yaml"
    deck.write_bytes(deck_nested())
    args = ["--data-dir", str(make_data_dir()), "--deck", str(deck)]
    status, stderr = run(deck_export.main, [*args, "--out", str(tmp_path / "d.pptx")], capsys)
    assert status == 1
    assert stderr == (
        "deck export failed: 1 problem(s): deep.yaml at line 2: not valid YAML (nested deeper "
        "than 32 levels of lists and mappings)\n"
    )


def test_the_deck_command_line_process_has_no_traceback(tmp_path: Path) -> None:
    deck = tmp_path / "deep.yaml"
    deck.write_bytes(deck_nested())
    command = [sys.executable, "-m", "layers.deck_export", "--deck", str(deck)]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "d.pptx")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert "nested deeper than 32 levels" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["exports", "deck_export"])
def test_an_out_in_a_missing_folder_is_refused_and_no_folder_is_made(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nonexistent" / "dir" / ("x.geojson" if command == "exports" else "x.pptx")
    main = cli.main if command == "exports" else deck_export.main
    args = ["--deck", "data/decks/article.yaml"] if command == "deck_export" else []
    status, stderr = run(main, [*args, "--out", str(out)], capsys)
    assert status == 2
    assert f"the folder {str(out.parent)!r} does not exist" in stderr
    assert not (tmp_path / "nonexistent").exists()
