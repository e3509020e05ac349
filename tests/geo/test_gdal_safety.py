"""GDAL as configured by geo.gdal_safety (applied when geo.io is imported): the attack
files opened by GDAL itself, with autodetection, read nothing and request nothing.

User files never reach GDAL (geo.upload); this proves the second line of defence. Each
run is a new Python process, since GDAL reads GDAL_SKIP once, when it registers its
drivers. A control run without the options shows the same files do get through, so the
test can fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import gdal_safety
from tests.upload_attacks import (
    Listener,
    gml_fetching_its_schema,
    vrt_fetching_a_url,
    vrt_reading_a_local_file,
)

ROOT = Path(__file__).resolve().parents[2]

#: Opens every file and path it is given with pyogrio (GDAL's autodetection) and prints
#: what came back: "refused", or the first rows read.
OPENER = """
import json, sys, warnings
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "safe":
    import geo.io  # sets the options before pyogrio is imported
from io import BytesIO
import pyogrio
warnings.simplefilter("ignore")
opened = {}
for name, target in json.loads(sys.stdin.read()).items():
    source = BytesIO(bytes.fromhex(target)) if name.startswith("file:") else target
    try:
        frame = pyogrio.read_dataframe(source)
        opened[name] = "read " + frame.drop(columns="geometry").to_json()[:300]
    except Exception as exc:
        opened[name] = "refused"
print(json.dumps(opened))
"""


def open_with_gdal(targets: dict[str, str], mode: str) -> dict[str, str]:
    """Open ``targets`` in a new process whose environment holds none of the options
    (this process has them: geo.io set them), importing geo.io first if ``mode`` is
    "safe"."""
    env = {k: v for k, v in os.environ.items() if k not in gdal_safety.OPTIONS}
    done = subprocess.run(
        [sys.executable, "-c", OPENER, str(ROOT), mode],
        input=json.dumps(targets),
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    opened: dict[str, str] = json.loads(done.stdout.splitlines()[-1])
    return opened


@pytest.fixture
def listener() -> Iterator[Listener]:
    with Listener() as server:
        yield server


def targets(listener: Listener) -> dict[str, str]:
    url = listener.url("data.geojson")
    return {
        "file:vrt-local": vrt_reading_a_local_file().hex(),
        "file:vrt-url": vrt_fetching_a_url(listener.url("vrt")).hex(),
        "file:gml-schema": gml_fetching_its_schema(listener.url("wfs")).hex(),
        "vsicurl": f"/vsicurl/{url}",
        "http": url,
        "vsicurl_streaming": f"/vsicurl_streaming/{url}",
        "vsiwebhdfs": f"/vsiwebhdfs/{url}",
        "vsistdin": "/vsistdin/",
    }


def test_with_the_options_gdal_reads_no_other_file_and_requests_nothing(
    listener: Listener,
) -> None:
    opened = open_with_gdal(targets(listener), "safe")
    assert opened == dict.fromkeys(opened, "refused")
    assert listener.hits == []


def test_without_them_the_same_files_get_through(listener: Listener) -> None:
    opened = open_with_gdal(targets(listener), "default")
    assert opened["file:vrt-local"].startswith("read") and "root" in opened["file:vrt-local"]
    assert listener.hits  # /vsicurl/, the VRT's source and the GML's schema were fetched


def test_every_option_is_one_gdal_knows() -> None:
    """Each name is in the GDAL library pyogrio bundles (a misspelt option is silently
    ignored by GDAL)."""
    libraries = list((ROOT / ".venv").glob("lib/python3*/site-packages/pyogrio.libs/libgdal*"))
    if not libraries:
        pytest.skip("pyogrio's bundled GDAL library not found")
    binary = libraries[0].read_bytes()
    for name in gdal_safety.OPTIONS:
        if name != "PROJ_NETWORK":  # PROJ's own variable
            assert name.encode() + b"\x00" in binary, name
