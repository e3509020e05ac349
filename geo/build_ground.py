"""Build ``data/ground.gpkg`` (rivers and lakes) from GSHHG 2.3.7 through GMT's ``gmt coast``.

Usage::

    python -m geo.build_ground [--gmt PATH] [--out data/ground.gpkg]

Needs Debian's ``gmt`` and ``gmt-gshhg-full`` (``apt-get install gmt gmt-gshhg-full``).
This runs ``gmt coast`` twice for the region :data:`geo.settings.REGION_BBOX` at full
resolution (``-Df``), once for the rivers (:data:`RIVER_OPTION`) and once for the lake
shores (:data:`LAKE_OPTIONS`, on the region widened by :data:`LAKE_MARGIN_DEG` so lakes
crossing its edge come whole), hands the text to :func:`geo.ground_layers.build_layers`
and writes the result with :func:`geo.io.write_geopackage`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

from geo import ground_layers, io
from geo.settings import DATA_DIR, GROUND_FILE, REGION_BBOX

#: Environment variable naming the ``gmt`` program (else ``gmt`` on the PATH).
GMT_ENV = "GMT_PROGRAM"
#: WDBII river classes extracted: ``a`` = all rivers and canals, classes 0-10 (the region
#: has classes 1, 2, 3, 4 and 6 at full resolution; see ``data/README.md``).
RIVER_OPTION = "-Ia"
#: Shorelines of GSHHG levels 2 (lakes, and river-lakes if any) and 3 (islands in lakes),
#: any size (``-A0``).
LAKE_OPTIONS: tuple[str, ...] = ("-W", "-A0/2/3")
#: Degrees added on every side of the region when extracting lakes.
LAKE_MARGIN_DEG = 1.0
#: Seconds allowed for one ``gmt coast`` run (each takes about a second).
GMT_TIMEOUT_S = 120

HOW_TO_GET_GMT = """\
GMT not found ({program}). Install Debian's GMT and the full-resolution GSHHG data:
    apt-get install gmt gmt-gshhg-full
(or set {env} to the gmt program)."""


def gmt_program() -> str | None:
    """The ``gmt`` program to run: ``$GMT_PROGRAM`` if set, else ``gmt`` on the PATH."""
    return shutil.which(os.environ.get(GMT_ENV) or "gmt")


def region_option(bbox: tuple[float, float, float, float], margin: float = 0.0) -> str:
    """GMT's ``-R<west>/<east>/<south>/<north>`` for a (min lon, min lat, max lon, max lat) box.

    >>> region_option((39.0, 37.5, 51.0, 43.5), margin=1.0)
    '-R38/52/36.5/44.5'
    """
    west, south, east, north = bbox
    values = (west - margin, east + margin, south - margin, north + margin)
    return "-R" + "/".join(f"{value:g}" for value in values)


def run_coast(program: str, options: Sequence[str]) -> tuple[str, str]:
    """Run ``gmt coast -Df -M -Vl <options>`` and return its (stdout, stderr) text.

    GMT runs in a temporary folder: it leaves a ``gmt.history`` file in its working folder
    whatever ``GMT_HISTORY`` says. Raises :class:`subprocess.CalledProcessError` if GMT
    fails (its message is in stderr).
    """
    command = [program, "coast", "-Df", "-M", "-Vl", *options]
    with tempfile.TemporaryDirectory(prefix="gmt-") as folder:
        done = subprocess.run(  # noqa: S603 - a fixed command line, no shell, no user text
            command, capture_output=True, text=True, check=True, timeout=GMT_TIMEOUT_S, cwd=folder
        )
    return done.stdout, done.stderr


def versions(program: str, log: str) -> str:
    """'GMT <version>, GSHHG <version>' from ``gmt --version`` and the ``-Vl`` log of a
    shoreline run (GMT names the GSHHG version only when it reads shorelines)."""
    gmt = subprocess.run(  # noqa: S603 - a fixed command line, no shell
        [program, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    found = re.search(r"GSHHG version (\S+)", log)
    return f"GMT {gmt}, GSHHG {found[1] if found else 'unknown'}"


def derive(program: str) -> tuple[dict[str, gpd.GeoDataFrame], str]:
    """Run GMT and derive every output layer; also return the GMT and GSHHG versions."""
    river_text, _ = run_coast(program, [region_option(REGION_BBOX), RIVER_OPTION])
    shore_text, log = run_coast(
        program, [region_option(REGION_BBOX, LAKE_MARGIN_DEG), *LAKE_OPTIONS]
    )
    layers = ground_layers.build_layers(river_text, shore_text, REGION_BBOX)
    return layers, versions(program, log)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the build; return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m geo.build_ground", description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA_DIR / GROUND_FILE)
    args = parser.parse_args(argv)
    program = gmt_program()
    if program is None:
        name = os.environ.get(GMT_ENV) or "gmt"
        sys.stderr.write(HOW_TO_GET_GMT.format(program=name, env=GMT_ENV) + "\n")
        return 2
    layers, used = derive(program)
    io.write_geopackage(args.out, layers)
    summary = ", ".join(f"{name} ({len(frame)})" for name, frame in layers.items())
    size = args.out.stat().st_size
    sys.stdout.write(f"{used}: wrote {args.out} ({size:,} bytes): {summary}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
