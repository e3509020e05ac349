"""Build ``data/boundaries.gpkg`` from Natural Earth 1:10m v4.1.0 (QGIS ``world_map.gpkg``).

Usage::

    python -m geo.build_boundaries [--source PATH] [--out data/boundaries.gpkg]

The source defaults to ``$NE_WORLD_MAP_GPKG`` or, if unset,
``/usr/share/qgis/resources/data/world_map.gpkg`` (Debian package ``qgis-common``).
This is the project's one build script: it reads and writes with geopandas/pyogrio
directly; all geometry is done by the pure functions of :mod:`geo.boundary_layers`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd

from geo import boundary_layers, io
from geo.settings import BOUNDARIES_FILE, DATA_DIR, REGION_BBOX

#: Where Debian's ``qgis-common`` installs the Natural Earth GeoPackage.
DEFAULT_SOURCE = Path("/usr/share/qgis/resources/data/world_map.gpkg")
#: Environment variable that overrides :data:`DEFAULT_SOURCE`.
SOURCE_ENV = "NE_WORLD_MAP_GPKG"
#: Natural Earth layers read from the source.
SOURCE_LAYERS: tuple[str, ...] = ("countries", "states_provinces", "disputed_borders")

HOW_TO_GET_SOURCE = """\
Natural Earth source not found: {path}

Get it from Debian/Ubuntu's qgis-common package (no root needed):
    mkdir -p /tmp/qgis && cd /tmp/qgis
    apt-get download qgis-common
    dpkg -x qgis-common_*.deb /tmp/qgis
then run:
    python -m geo.build_boundaries \\
        --source /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg
(or set {env} to that path)."""


def default_source() -> Path:
    """Return ``$NE_WORLD_MAP_GPKG`` if set, else :data:`DEFAULT_SOURCE`."""
    return Path(os.environ.get(SOURCE_ENV) or DEFAULT_SOURCE)


def derive_from(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """Read the source GeoPackage at ``path`` and derive every output layer."""
    source = io.read_layers(path, SOURCE_LAYERS, REGION_BBOX)
    return boundary_layers.build_layers(
        source["countries"], source["states_provinces"], source["disputed_borders"], REGION_BBOX
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the build; return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m geo.build_boundaries", description=__doc__)
    parser.add_argument("--source", type=Path, default=default_source(), help="world_map.gpkg")
    parser.add_argument("--out", type=Path, default=DATA_DIR / BOUNDARIES_FILE)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        sys.stderr.write(HOW_TO_GET_SOURCE.format(path=args.source, env=SOURCE_ENV) + "\n")
        return 2
    layers = derive_from(args.source)
    io.write_geopackage(args.out, layers)
    summary = ", ".join(f"{name} ({len(frame)})" for name, frame in layers.items())
    sys.stdout.write(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {summary}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
