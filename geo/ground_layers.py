"""Pure geometry that turns GMT's dump of GSHHG 2.3.7 into the layers of ``data/ground.gpkg``.

Nothing here touches the disk or runs a program: the functions take the text that
``gmt coast -M`` writes and return GeoDataFrames (EPSG:4326). ``geo/build_ground.py`` runs
``gmt coast``, calls :func:`build_layers` and writes the result. See ``data/README.md``
("Ground").

GMT dumps the binned GSHHG data one 1x1 degree bin at a time: every river or shoreline is
cut where it crosses a bin edge, and each piece is a segment of its own, headed by a line
such as ``> River Bin # 17323, Level 3`` or ``> Shore Bin # 17684, Level 2``. For rivers
the *level* is the WDBII river class (:data:`RIVER_CLASSES`); for shorelines it is the
GSHHG level (1 land, 2 lake, 3 island in a lake, 4 pond in such an island). The pieces of
one feature meet exactly (same coordinates) at the bin edges, so they are joined again
with :func:`shapely.ops.linemerge`.

>>> segments = parse_segments("> River Bin # 1, Level 2\\n45 40\\n45.5 40.5\\n")
>>> segments[0].kind, segments[0].level, segments[0].coords
('River', 2, ((45.0, 40.0), (45.5, 40.5)))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LinearRing, LineString, MultiPolygon, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import linemerge, unary_union

from geo.errors import DataError
from geo.metric import geodesic_area_km2, line_parts, polygon_parts
from geo.settings import CRS

#: WDBII river classes as GMT names them (``gmt coast -I``); the ``class`` column holds the key.
RIVER_CLASSES: dict[int, str] = {
    0: "Double-lined river (river-lake)",
    1: "Permanent major river",
    2: "Additional major river",
    3: "Additional river",
    4: "Minor river",
    5: "Intermittent river, major",
    6: "Intermittent river, additional",
    7: "Intermittent river, minor",
    8: "Major canal",
    9: "Minor canal",
    10: "Irrigation canal",
}
#: GSHHG shoreline levels used: 2 = lake shore, 3 = shore of an island in a lake.
LAKE_LEVEL = 2
ISLAND_LEVEL = 3
#: Coordinate grid of the written file, in degrees (about 1 m; GSHHG full resolution is
#: nowhere near that accurate, so snapping loses nothing).
GRID_DEG = 1e-5

Coords = tuple[tuple[float, float], ...]
Box = tuple[float, float, float, float]

_HEADER = re.compile(
    r">\s*(?P<kind>River|Shore|Border) Bin # (?P<bin>\d+), Level (?P<level>\d+)\s*"
)


@dataclass(frozen=True)
class Segment:
    """One segment of ``gmt coast -M`` output: a piece of one feature inside one bin.

    ``kind`` is ``River``, ``Shore`` or ``Border``; ``level`` the WDBII river class or the
    GSHHG shoreline level; ``coords`` lon/lat pairs (EPSG:4326) in the order written.
    """

    kind: str
    bin: int
    level: int
    coords: Coords


def parse_segments(text: str, name: str = "gmt coast output") -> list[Segment]:
    """Parse GMT multi-segment text (``gmt coast -M``) into :class:`Segment` records.

    Lines starting with ``#`` and blank lines are skipped. Every problem (a header GMT does
    not write, a coordinate line that is not two numbers, coordinates before any header)
    is collected and raised once.

    Raises
    ------
    DataError
        Naming ``name``, the line number and the bad line.
    """
    segments: list[Segment] = []
    problems: list[str] = []
    header: re.Match[str] | None = None
    coords: list[tuple[float, float]] = []

    def close() -> None:
        if header is not None:
            level = int(header["level"])
            segments.append(Segment(header["kind"], int(header["bin"]), level, tuple(coords)))

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(">"):
            close()
            header, coords = _HEADER.fullmatch(stripped), []
            if header is None:
                problems.append(f"{name}, line {number}: unknown segment header {stripped!r}")
            continue
        point = _point(stripped)
        if point is None:
            problems.append(f"{name}, line {number}: expected 'lon lat', got {stripped!r}")
        elif header is None:
            problems.append(f"{name}, line {number}: coordinates before a segment header")
        else:
            coords.append(point)
    close()
    if problems:
        raise DataError(problems)
    return segments


def _point(line: str) -> tuple[float, float] | None:
    """The (lon, lat) of a data line, or None if it is not two finite numbers."""
    fields = line.split()
    if len(fields) != 2:
        return None
    try:
        lon, lat = float(fields[0]), float(fields[1])
    except ValueError:
        return None
    return (lon, lat) if np.isfinite([lon, lat]).all() else None


def merged_lines(segments: Iterable[Segment]) -> list[LineString]:
    """Join pieces that meet end to end (across bin edges) into the longest lines possible.

    Pieces with fewer than two distinct points (GMT writes such stubs at bin corners) are
    dropped. The result is in a stable order: by first coordinate.
    """
    pieces = [LineString(s.coords) for s in segments if len(set(s.coords)) > 1]
    if not pieces:
        return []
    return sorted(line_parts(linemerge(pieces)), key=lambda line: line.coords[0])


def river_lines(segments: Sequence[Segment], bbox: Box) -> gpd.GeoDataFrame:
    """The river segments as lines clipped to ``bbox``, one row per joined line.

    Parameters
    ----------
    segments : ``River`` segments (others are ignored), lon/lat.
    bbox : (min lon, min lat, max lon, max lat).

    Returns
    -------
    GeoDataFrame (EPSG:4326) with columns ``class`` (WDBII class, int), ``class_name``
    (:data:`RIVER_CLASSES`) and LineString ``geometry``, sorted by class then first point.
    Pieces of one class are joined; a line leaving and re-entering the box becomes
    several rows.
    """
    region = box(*bbox)
    classes: list[int] = []
    lines: list[LineString] = []
    rivers = [s for s in segments if s.kind == "River"]
    for level in sorted({s.level for s in rivers}):
        if level not in RIVER_CLASSES:
            raise DataError([f"river segment with unknown WDBII class {level}"])
        for line in merged_lines(s for s in rivers if s.level == level):
            for part in line_parts(_snapped(line.intersection(region))):
                if part.length > 0:
                    classes.append(level)
                    lines.append(part)
    return gpd.GeoDataFrame(
        {"class": classes, "class_name": [RIVER_CLASSES[c] for c in classes]},
        geometry=lines,
        crs=CRS,
    )


def closed_rings(segments: Iterable[Segment]) -> tuple[list[LinearRing], list[LineString]]:
    """Join shoreline pieces and split the result into closed rings and open chains.

    An open chain is a shoreline that leaves the area GMT was asked for (``-R``): the
    water body is larger than that area (here, the Caspian Sea).
    """
    rings: list[LinearRing] = []
    chains: list[LineString] = []
    for line in merged_lines(segments):
        if line.is_closed and len(line.coords) >= 4:
            rings.append(LinearRing(line.coords))
        else:
            chains.append(line)
    return rings, chains


def lake_polygons(segments: Sequence[Segment], bbox: Box) -> gpd.GeoDataFrame:
    """Lakes (GSHHG level 2, islands of level 3 cut out) that meet ``bbox``, clipped to it.

    Parameters
    ----------
    segments : ``Shore`` segments (others are ignored), lon/lat. They should come from an
        area larger than ``bbox`` so that lakes crossing its edge are whole: a shoreline
        that does not close (:func:`closed_rings`) is left out.
    bbox : (min lon, min lat, max lon, max lat).

    Returns
    -------
    GeoDataFrame (EPSG:4326) with column ``area_km2`` (geodesic area of the *whole* lake,
    islands excluded, before clipping to ``bbox``, rounded to 0.1 km2) and MultiPolygon
    ``geometry``, largest lake first.
    """
    shores = [s for s in segments if s.kind == "Shore"]
    lake_rings, _ = closed_rings(s for s in shores if s.level == LAKE_LEVEL)
    island_rings, _ = closed_rings(s for s in shores if s.level == ISLAND_LEVEL)
    islands = unary_union([Polygon(ring) for ring in island_rings])
    region = box(*bbox)
    rows: list[tuple[float, MultiPolygon]] = []
    for ring in lake_rings:
        lake = Polygon(ring)
        if not lake.intersects(region):
            continue
        water = lake.difference(islands) if lake.intersects(islands) else lake
        area = sum(geodesic_area_km2(orient(part)) for part in polygon_parts(water))
        clipped = _snapped(water.intersection(region))
        parts = polygon_parts(clipped)
        if parts:
            rows.append((round(area, 1), MultiPolygon(parts)))
    rows.sort(key=lambda row: (-row[0], row[1].bounds))
    return gpd.GeoDataFrame(
        {"area_km2": [area for area, _ in rows]},
        geometry=[geometry for _, geometry in rows],
        crs=CRS,
    )


def _snapped(geometry: shapely.Geometry) -> shapely.Geometry:
    """``geometry`` with coordinates on the :data:`GRID_DEG` grid (validity kept)."""
    return shapely.set_precision(geometry, GRID_DEG)


def build_layers(river_text: str, shore_text: str, bbox: Box) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of ``data/ground.gpkg`` from the two ``gmt coast -M`` dumps.

    ``river_text`` is the output of ``gmt coast -I... -M``, ``shore_text`` of
    ``gmt coast -W -A0/2/3 -M`` for an area containing ``bbox`` with a margin.
    Returns ``{"rivers": ..., "lakes": ...}`` (see :func:`river_lines`, :func:`lake_polygons`).
    """
    rivers = river_lines(parse_segments(river_text, "rivers (gmt coast -I)"), bbox)
    lakes = lake_polygons(parse_segments(shore_text, "lakes (gmt coast -W)"), bbox)
    return {"rivers": rivers, "lakes": lakes}
