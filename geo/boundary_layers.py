"""Pure geometry that turns Natural Earth layers into the layers of ``data/boundaries.gpkg``.

Nothing here touches the disk: every function takes and returns GeoDataFrames or shapely
geometries. ``geo/build_boundaries.py`` reads the Natural Earth GeoPackage, calls
:func:`build_layers` and writes the result. See ``data/README.md`` ("Boundaries").

Input layers are Natural Earth 1:10m v4.1.0 as shipped in QGIS's ``world_map.gpkg``
(``countries``, ``states_provinces``, ``disputed_borders``), all EPSG:4326.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, split, unary_union

from geo.errors import DataError
from geo.metric import from_metric, geodesic_area_km2, line_parts, polygon_parts, to_metric
from geo.settings import CRS

#: Countries kept in the ``countries`` layer: Natural Earth ``NAME`` values.
COUNTRIES: tuple[str, ...] = ("Armenia", "Azerbaijan", "Georgia", "Turkey", "Iran", "Russia")

#: ``gn_name`` of the rayons of the Nakhchivan Autonomous Republic in ``states_provinces``.
NAKHCHIVAN_RAYONS: tuple[str, ...] = (
    "Babek Rayon",
    "Julfa Rayon",
    "Kangarli Rayon",
    "Nakhchivan City",
    "Ordubad Rayon",
    "Sadarak Rayon",
    "Shahbuz Rayon",
    "Sharur Rayon",
)

#: The seven districts around the former NKAO: Natural Earth ``gn_name`` -> English name.
#: Matched on ``gn_name`` because NE 4.1.0 labels Lachin's ``name`` as 'Lankaran'.
DISTRICTS: dict[str, str] = {
    "Aghdam Rayon": "Aghdam",
    "Fizuli Rayon": "Fuzuli",
    "Cabrayil Rayonu": "Jabrayil",
    "Zangilan Rayon": "Zangilan",
    "Qubadli Rayon": "Qubadli",
    "Lacin Rayonu": "Lachin",
    "Kalbacar Rayonu": "Kalbajar",
}

#: ``gn_name`` of the NE rayons Azerbaijan carved out of the NKAO after 1991. Where they spill
#: over the 1991 NKAO outline, the spill-over is given to the district it borders most.
CARVED_RAYONS: tuple[str, ...] = (
    "Susa Rayonu",
    "Susa Sahari",
    "Xankandi Sahari",
    "Xocali Rayonu",
    "Xocavand Rayonu",
)

#: Districts the 1994 ceasefire line cut in two; the others were wholly held by Armenian forces.
SPLIT_DISTRICTS: tuple[str, ...] = ("Aghdam", "Fuzuli")

#: Armenian provinces kept in the ``provinces`` layer (``states_provinces`` ``name``).
PROVINCES: tuple[str, ...] = ("Shirak", "Syunik")

#: ``disputed_borders`` names of the 1991 NKAO outline and of the 1994 ceasefire line.
OBLAST_LINE = "Former USSR oblast in 1991"
CEASEFIRE_LINE = "Ceasefire Line 1994"

NAKHCHIVAN_NAME = "Nakhchivan"
NKAO_NAME = "Nagorno-Karabakh Autonomous Oblast"

#: Largest gap (metres) closed between the loose ends of the NKAO outline (NE leaves <= 250 m).
MAX_GAP_M = 400.0
#: Distance (metres) the ceasefire line is extended at both ends so it cuts polygons through.
LINE_EXTENSION_M = 5_000.0
#: Parts of a district smaller than this (km2) after subtracting the NKAO are slivers, dropped.
SLIVER_KM2 = 1.0
#: Holes smaller than this (km2) in a union of provinces are gaps between them, filled.
HOLE_KM2 = 1.0
#: Coordinate grid of the written file, in degrees (about 1 m).
GRID_DEG = 1e-5


def clip_to_region(
    frame: gpd.GeoDataFrame, bbox: tuple[float, float, float, float]
) -> gpd.GeoDataFrame:
    """Intersect every geometry with a lon/lat box and drop rows left empty.

    Parameters
    ----------
    frame : GeoDataFrame in EPSG:4326.
    bbox : (min lon, min lat, max lon, max lat).

    Returns
    -------
    GeoDataFrame with the same columns, EPSG:4326, polygons only.
    """
    clipped = frame.copy()
    clipped["geometry"] = [_polygonal(g.intersection(box(*bbox))) for g in frame.geometry]
    return clipped[~clipped.geometry.is_empty].reset_index(drop=True)


def select_rows(
    frame: gpd.GeoDataFrame, column: str, values: Iterable[str], layer: str
) -> gpd.GeoDataFrame:
    """Return the rows whose ``column`` is one of ``values``, in the order of ``values``.

    Raises
    ------
    DataError
        Naming the layer, column and every value with no row, or with more than one row.
    """
    wanted = list(values)
    counts = frame[column].value_counts()
    problems = [
        f"{layer}: no feature with {column} = {value!r}"
        if counts.get(value, 0) == 0
        else f"{layer}: {counts[value]} features with {column} = {value!r}, expected 1"
        for value in wanted
        if counts.get(value, 0) != 1
    ]
    if problems:
        raise DataError(problems)
    return frame.set_index(column, drop=False).loc[wanted].reset_index(drop=True)


def pick_countries(
    countries: gpd.GeoDataFrame, names: Sequence[str] = COUNTRIES
) -> gpd.GeoDataFrame:
    """Select countries by Natural Earth ``NAME``.

    Parameters
    ----------
    countries : NE ``countries`` layer (columns ``NAME``, ``ISO_A3``), EPSG:4326.
    names : English names to keep.

    Returns
    -------
    GeoDataFrame with columns ``name``, ``iso_a3``, ``geometry`` (EPSG:4326).
    """
    rows = select_rows(countries, "NAME", names, "countries")
    return gpd.GeoDataFrame(
        {"name": rows["NAME"].astype(str), "iso_a3": rows["ISO_A3"].astype(str)},
        geometry=list(rows.geometry),
        crs=countries.crs,
    )


def union_nakhchivan(states: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Union the rayons of the Nakhchivan Autonomous Republic.

    Parameters
    ----------
    states : NE ``states_provinces`` layer (columns ``admin``, ``gn_name``), EPSG:4326.

    Returns
    -------
    One-row GeoDataFrame, columns ``name`` ('Nakhchivan'), ``geometry`` (EPSG:4326).
    Holes smaller than :data:`HOLE_KM2` (gaps between rayons) are filled.
    """
    azerbaijan = states[states["admin"] == "Azerbaijan"]
    rayons = select_rows(azerbaijan, "gn_name", NAKHCHIVAN_RAYONS, "states_provinces")
    merged = fill_small_holes(_polygonal(unary_union(list(rayons.geometry))), HOLE_KM2)
    return gpd.GeoDataFrame({"name": [NAKHCHIVAN_NAME]}, geometry=[merged], crs=states.crs)


def fill_small_holes(geometry: Polygon | MultiPolygon, max_km2: float) -> Polygon | MultiPolygon:
    """Drop interior rings enclosing less than ``max_km2`` of a lon/lat (EPSG:4326) polygon."""
    kept = [
        Polygon(
            part.exterior,
            [ring for ring in part.interiors if geodesic_area_km2(Polygon(ring)) >= max_km2],
        )
        for part in polygon_parts(geometry)
    ]
    return _polygonal(unary_union(kept))


def named_lines(disputed: gpd.GeoDataFrame, name: str) -> list[LineString]:
    """Return the single-part lines of ``disputed_borders`` features called ``name``.

    Parameters
    ----------
    disputed : NE ``disputed_borders`` layer (column ``name``), any CRS.

    Raises
    ------
    DataError
        If no feature has that name.
    """
    rows = disputed[disputed["name"] == name]
    if rows.empty:
        raise DataError([f"disputed_borders: no feature with name = {name!r}"])
    return [line for geometry in rows.geometry for line in line_parts(geometry)]


def close_gaps(
    lines: Sequence[LineString], max_gap: float, tolerance: float = 0.5
) -> list[LineString]:
    """Join loose line ends to the nearest other loose end, closest pairs first.

    Coordinates must be metric (e.g. EPSG:32638); distances are in the same units.
    An end is loose when no other end lies within ``tolerance``. Ends farther apart
    than ``max_gap`` stay loose.

    Returns
    -------
    The input lines plus one straight connecting segment per pair joined.
    """
    ends = [Point(line.coords[index]) for line in lines for index in (0, -1)]
    loose = [
        i
        for i, end in enumerate(ends)
        if not any(j != i and end.distance(other) <= tolerance for j, other in enumerate(ends))
    ]
    pairs = sorted(
        (ends[i].distance(ends[j]), i, j)
        for i, j in itertools.combinations(loose, 2)
        if ends[i].distance(ends[j]) <= max_gap and i // 2 != j // 2
    )
    used: set[int] = set()
    joins: list[LineString] = []
    for _, i, j in pairs:
        if i not in used and j not in used:
            used.update((i, j))
            joins.append(LineString([ends[i], ends[j]]))
    return [*lines, *joins]


def polygonize_outline(lines: Sequence[LineString], max_gap: float) -> Polygon:
    """Close the gaps of an outline drawn in pieces and return the largest face it encloses.

    Parameters
    ----------
    lines : pieces of one closed outline, metric CRS (e.g. EPSG:32638).
    max_gap : largest gap between piece ends to close, in CRS units.

    Raises
    ------
    DataError
        If the pieces enclose no area even after the gaps are closed.
    """
    noded = unary_union(close_gaps(lines, max_gap))
    faces = list(shapely.polygonize([noded]).geoms)
    if not faces:
        raise DataError([f"outline of {len(lines)} lines encloses no area (gaps > {max_gap} m?)"])
    largest: Polygon = max(faces, key=lambda face: face.area)
    return Polygon(largest.exterior)


def nkao(disputed: gpd.GeoDataFrame, max_gap_m: float = MAX_GAP_M) -> gpd.GeoDataFrame:
    """Polygonize the 1991 NKAO outline from ``disputed_borders``.

    Parameters
    ----------
    disputed : NE ``disputed_borders`` layer, EPSG:4326.
    max_gap_m : largest gap between outline pieces to close, in metres.

    Returns
    -------
    One-row GeoDataFrame, columns ``name``, ``area_km2`` (geodesic), ``geometry`` (EPSG:4326).
    """
    lines = to_metric(named_lines(disputed, OBLAST_LINE), disputed.crs)
    (geometry,) = from_metric([polygonize_outline(lines, max_gap_m)], disputed.crs)
    return gpd.GeoDataFrame(
        {"name": [NKAO_NAME], "area_km2": [geodesic_area_km2(geometry)]},
        geometry=[geometry],
        crs=disputed.crs,
    )


def select_districts(states: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Select the seven rayons around the former NKAO by ``gn_name``.

    Parameters
    ----------
    states : NE ``states_provinces`` layer (columns ``admin``, ``gn_name``), EPSG:4326.

    Returns
    -------
    Seven rows in :data:`DISTRICTS` order, columns ``name`` (English), ``ne_gn_name``,
    ``geometry`` (EPSG:4326): the rayons as NE draws them, post-1991 extents.
    """
    azerbaijan = states[states["admin"] == "Azerbaijan"]
    rows = select_rows(azerbaijan, "gn_name", DISTRICTS, "states_provinces")
    return gpd.GeoDataFrame(
        {"name": [DISTRICTS[g] for g in rows["gn_name"]], "ne_gn_name": list(rows["gn_name"])},
        geometry=list(rows.geometry),
        crs=states.crs,
    )


def absorb_spillover(
    districts: gpd.GeoDataFrame,
    states: gpd.GeoDataFrame,
    outline: BaseGeometry,
    min_part_km2: float = SLIVER_KM2,
) -> gpd.GeoDataFrame:
    """Give the parts of :data:`CARVED_RAYONS` outside the NKAO to the district they border most.

    NE's post-1991 rayons carved from the NKAO reach past the 1991 outline in places
    (up to ~150 km2, e.g. Khojavend along Fuzuli); before 1991 that land belonged to the
    surrounding districts. Each spill-over part of at least ``min_part_km2`` is unioned
    into the district sharing the longest border with it; parts touching none are left out.

    Parameters
    ----------
    districts : output of :func:`select_districts` (column ``name``), EPSG:4326.
    states : NE ``states_provinces`` layer (columns ``admin``, ``gn_name``), EPSG:4326.
    outline : the NKAO polygon, EPSG:4326.

    Returns
    -------
    ``districts`` with enlarged geometries, same columns and CRS.
    """
    azerbaijan = states[states["admin"] == "Azerbaijan"]
    carved = select_rows(azerbaijan, "gn_name", CARVED_RAYONS, "states_provinces")
    spill = _polygonal(unary_union(list(carved.geometry)).difference(outline))
    pieces = polygon_parts(drop_slivers(spill, min_part_km2))
    borders = [d.boundary for d in to_metric(districts.geometry, districts.crs)]
    gained: dict[int, list[BaseGeometry]] = {i: [] for i in range(len(districts))}
    for piece, metric in zip(pieces, to_metric(pieces, districts.crs), strict=True):
        shared = [metric.buffer(50.0).intersection(border).length for border in borders]
        if max(shared, default=0.0) > 0.0:
            gained[int(np.argmax(shared))].append(piece)
    result = districts.copy()
    result["geometry"] = [
        _polygonal(unary_union([geometry, *gained[i]]))
        for i, geometry in enumerate(districts.geometry)
    ]
    return result


def subtract_area(
    frame: gpd.GeoDataFrame, other: BaseGeometry, min_part_km2: float = SLIVER_KM2
) -> gpd.GeoDataFrame:
    """Remove ``other`` from every geometry and drop leftover parts under ``min_part_km2``.

    Both in EPSG:4326. Returns the same columns; geometries are (Multi)Polygons.
    """
    result = frame.copy()
    result["geometry"] = [
        drop_slivers(_polygonal(geometry.difference(other)), min_part_km2)
        for geometry in frame.geometry
    ]
    return result


def drop_slivers(geometry: Polygon | MultiPolygon, min_km2: float) -> Polygon | MultiPolygon:
    """Keep only the parts of a lon/lat (EPSG:4326) polygon of at least ``min_km2``."""
    return _polygonal(
        unary_union(
            [part for part in polygon_parts(geometry) if geodesic_area_km2(part) >= min_km2]
        )
    )


def ceasefire_line(disputed: gpd.GeoDataFrame) -> LineString:
    """Merge the ``Ceasefire Line 1994`` pieces of ``disputed_borders`` into one line.

    Pieces are drawn twice where the line follows the NKAO outline; duplicates merge away.
    Returns a LineString in the CRS of ``disputed`` (EPSG:4326).

    Raises
    ------
    DataError
        If the feature is missing or its pieces do not join into one line.
    """
    merged = linemerge(unary_union(named_lines(disputed, CEASEFIRE_LINE)))
    if not isinstance(merged, LineString):
        count = len(getattr(merged, "geoms", []))
        raise DataError([f"disputed_borders: {CEASEFIRE_LINE!r} is {count} disjoint pieces"])
    return merged


def extend_line(line: LineString, distance: float) -> LineString:
    """Prolong both ends of a line straight on by ``distance`` (metric CRS units)."""
    coords = np.asarray(line.coords)

    def _beyond(end: np.ndarray, previous: np.ndarray) -> tuple[float, float]:
        step = end - previous
        x, y = end + step / float(np.hypot(*step)) * distance
        return float(x), float(y)

    return LineString([_beyond(coords[0], coords[1]), *coords, _beyond(coords[-1], coords[-2])])


def side_of_line(point: Point, line: LineString) -> int:
    """Return +1 if ``point`` is left of ``line`` (seen along its direction), -1 if right."""
    along = line.project(point)
    ahead = line.interpolate(min(along + 1e-6 * line.length, line.length))
    behind = line.interpolate(max(along - 1e-6 * line.length, 0.0))
    dx, dy = ahead.x - behind.x, ahead.y - behind.y
    cross = dx * (point.y - behind.y) - dy * (point.x - behind.x)
    return 1 if cross > 0 else -1


def split_sides(
    polygon: Polygon | MultiPolygon, line: LineString, reference: Point
) -> tuple[Polygon | MultiPolygon, Polygon | MultiPolygon]:
    """Cut a polygon with a line; return (parts on ``reference``'s side, parts on the other).

    All in one metric CRS (e.g. EPSG:32638). The line must cross the polygon from edge
    to edge (extend it with :func:`extend_line`); either side may come back empty.
    """
    pieces = [piece for part in polygon_parts(polygon) for piece in split(part, line).geoms]
    wanted = side_of_line(reference, line)
    near = [p for p in pieces if side_of_line(p.representative_point(), line) == wanted]
    far = [p for p in pieces if side_of_line(p.representative_point(), line) != wanted]
    return _polygonal(unary_union(near)), _polygonal(unary_union(far))


def district_parts(districts: gpd.GeoDataFrame, line: LineString, held: Point) -> gpd.GeoDataFrame:
    """Split :data:`SPLIT_DISTRICTS` by the ceasefire line; the others are wholly 'armenian'.

    Parameters
    ----------
    districts : output of :func:`select_districts` (column ``name``), EPSG:4326.
    line : the 1994 ceasefire line, EPSG:4326.
    held : a point on the Armenian-held side of the line (e.g. inside the NKAO), EPSG:4326.

    Returns
    -------
    GeoDataFrame with columns ``district``, ``side`` ('armenian' or 'azerbaijani'),
    ``area_km2`` (geodesic), ``geometry`` (EPSG:4326).

    Raises
    ------
    DataError
        If a district to split does not come out in two non-empty sides.
    """
    metric_line, metric_held = to_metric([line, held], districts.crs)
    cut = extend_line(metric_line, LINE_EXTENSION_M)
    rows: list[tuple[str, str, BaseGeometry]] = []
    for name, geometry in zip(districts["name"], districts.geometry, strict=True):
        if name not in SPLIT_DISTRICTS:
            rows.append((name, "armenian", geometry))
            continue
        (metric,) = to_metric([geometry], districts.crs)
        sides = split_sides(metric, cut, metric_held)
        if any(side.is_empty for side in sides):
            raise DataError([f"districts: {CEASEFIRE_LINE!r} does not cut {name} in two"])
        near, far = from_metric(sides, districts.crs)
        rows += [(name, "armenian", near), (name, "azerbaijani", far)]
    return gpd.GeoDataFrame(
        {
            "district": [r[0] for r in rows],
            "side": [r[1] for r in rows],
            "area_km2": [geodesic_area_km2(r[2]) for r in rows],
        },
        geometry=[r[2] for r in rows],
        crs=districts.crs,
    )


def select_provinces(states: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Select the Armenian provinces in :data:`PROVINCES` by ``name``.

    Parameters
    ----------
    states : NE ``states_provinces`` layer (columns ``admin``, ``name``), EPSG:4326.

    Returns
    -------
    GeoDataFrame with columns ``name``, ``country`` ('Armenia'), ``geometry`` (EPSG:4326).
    """
    rows = select_rows(states[states["admin"] == "Armenia"], "name", PROVINCES, "states_provinces")
    return gpd.GeoDataFrame(
        {"name": list(rows["name"]), "country": ["Armenia"] * len(rows)},
        geometry=list(rows.geometry),
        crs=states.crs,
    )


def round_coordinates(frame: gpd.GeoDataFrame, grid: float = GRID_DEG) -> gpd.GeoDataFrame:
    """Snap coordinates to a ``grid`` (degrees for EPSG:4326), keeping geometries valid.

    Polygonal geometries come back as MultiPolygons, so a layer has one geometry type
    (as it has once written to a GeoPackage); lines stay as they are.
    """
    snapped = shapely.set_precision(np.asarray(frame.geometry), grid)
    result = frame.copy()
    result["geometry"] = [
        MultiPolygon(polygon_parts(g)) if isinstance(g, Polygon | MultiPolygon) else g
        for g in snapped
    ]
    return result


def with_area(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set column ``area_km2`` to the geodesic area of each EPSG:4326 geometry, 0.1 km2 steps."""
    result = frame.copy()
    result["area_km2"] = [round(geodesic_area_km2(g), 1) for g in frame.geometry]
    return result


def build_layers(
    countries: gpd.GeoDataFrame,
    states: gpd.GeoDataFrame,
    disputed: gpd.GeoDataFrame,
    bbox: tuple[float, float, float, float],
) -> dict[str, gpd.GeoDataFrame]:
    """Derive every layer of ``data/boundaries.gpkg`` from the three NE layers.

    Parameters
    ----------
    countries, states, disputed : NE ``countries``, ``states_provinces``,
        ``disputed_borders`` layers, EPSG:4326.
    bbox : region (min lon, min lat, max lon, max lat) the countries are clipped to.

    Returns
    -------
    Layers keyed ``countries`` (name, iso_a3), ``nakhchivan`` (name), ``nkao`` (name,
    area_km2), ``districts`` (name, ne_gn_name, area_km2), ``district_parts`` (district,
    side, area_km2), ``ceasefire_line`` (name), ``provinces`` (name, country); all
    EPSG:4326, coordinates on a 1e-5 degree grid, areas computed after rounding.
    """
    for frame in (countries, states, disputed):
        if frame.crs is None or frame.crs.to_string() != CRS:
            raise DataError([f"Natural Earth layer in {frame.crs}, expected {CRS}"])
    oblast = nkao(disputed)
    outline = oblast.geometry.iloc[0]
    rayons = absorb_spillover(select_districts(states), states, outline)
    districts = subtract_area(rayons, outline)
    line = ceasefire_line(disputed)
    parts = district_parts(districts, line, outline.representative_point())
    layers = {
        "countries": clip_to_region(pick_countries(countries), bbox),
        "nakhchivan": union_nakhchivan(states),
        "nkao": oblast,
        "districts": districts,
        "district_parts": parts,
        "ceasefire_line": gpd.GeoDataFrame(
            {"name": [CEASEFIRE_LINE]}, geometry=[line], crs=disputed.crs
        ),
        "provinces": select_provinces(states),
    }
    rounded = {name: round_coordinates(frame) for name, frame in layers.items()}
    return {
        name: with_area(frame) if "area_km2" in frame.columns or name == "districts" else frame
        for name, frame in rounded.items()
    }


def _polygonal(geometry: BaseGeometry) -> Polygon | MultiPolygon:
    """Return the polygonal content of a geometry as a Polygon or MultiPolygon."""
    parts = polygon_parts(geometry)
    if len(parts) == 1:
        return parts[0]
    return MultiPolygon(parts)


__all__ = [
    "absorb_spillover",
    "build_layers",
    "ceasefire_line",
    "clip_to_region",
    "close_gaps",
    "district_parts",
    "drop_slivers",
    "extend_line",
    "fill_small_holes",
    "named_lines",
    "nkao",
    "pick_countries",
    "polygonize_outline",
    "round_coordinates",
    "select_districts",
    "select_provinces",
    "select_rows",
    "side_of_line",
    "split_sides",
    "subtract_area",
    "union_nakhchivan",
    "with_area",
]
