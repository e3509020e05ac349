"""A data export from the command line imports only what its format needs (issue 15).

Each check runs the command's entry point in a fresh interpreter and lists the heavy
packages left in ``sys.modules``: import costs, not timings (those are in ``bench/``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

#: Renderers no data export needs.
RENDERERS = ("matplotlib", "folium", "branca", "streamlit", "PIL", "pptx", "pypdf", "fastkml")
#: What reading the data files needs, and a dataset read back from the cache does not.
DATA_STACK = ("pandas", "geopandas", "pyogrio", "pyproj", "pyarrow", "geopy")

_PROGRAM = """
import sys
from layers.exports.__main__ import main
try:
    status = main(sys.argv[2:])
except SystemExit as exc:
    status = exc.code
loaded = [m for m in sys.argv[1].split(",") if m in sys.modules]
print("LOADED:" + ",".join(loaded))
sys.exit(status)
"""


def loaded_by(*args: str) -> list[str]:
    """The packages of :data:`RENDERERS` and :data:`DATA_STACK` that ``python -m
    layers.exports ARGS`` has imported when it ends (it must succeed)."""
    watched = ",".join((*RENDERERS, *DATA_STACK))
    result = subprocess.run(
        [sys.executable, "-c", _PROGRAM, watched, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("LOADED:")
    return [m for m in line.removeprefix("LOADED:").split(",") if m]


def test_help_imports_no_renderer_and_no_data_stack() -> None:
    assert loaded_by("--help") == []


def test_geojson_imports_no_renderer_and_from_the_cache_no_data_stack(tmp_path: Path) -> None:
    out = ["--date", "2020-11-10", "--out", str(tmp_path / "view.geojson")]
    first = loaded_by(*out)  # empty cache: the data files are read (GDAL, geopandas)
    assert [m for m in first if m in RENDERERS] == []
    assert loaded_by(*out) == []  # the validated dataset comes from the cache


@pytest.mark.parametrize("extension", ["gpkg", "csv"])
def test_other_data_exports_import_no_renderer(tmp_path: Path, extension: str) -> None:
    loaded = loaded_by("--date", "2020-11-10", "--out", str(tmp_path / f"view.{extension}"))
    assert [m for m in loaded if m in RENDERERS] == []
