"""The layers of a paper map drawn into an Axes (EPSG:4326): the land, then every
feature with its palette style (:mod:`layers.styles`), areas under lines under points,
each in the catalogue's draw order; a point symbol that would be mostly hidden by one
drawn above it gives way (:func:`give_way`). Hollow symbols and white casings keep the
ground under a site readable and an overlay visible over either holder (issue 22); the
points of an event layer (:attr:`layers.catalog.LayerSpec.event_markers`) are not drawn
here but as numbered markers (:mod:`layers.paper.markers`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.metric import line_parts
from layers import catalog, styles
from layers.community_features import LINE_STYLE
from layers.features import frame_rows
from layers.paper.basemap_tiles import draw_basemap_tiles
from layers.paper.map_content import LAND_COLOUR, SEA_COLOUR, MapContent, _once


@dataclass(frozen=True)
class Symbol:
    """A point symbol as drawn: at ``x, y`` (EPSG:4326) with a half-size of ``half_pt``
    points, moved aside from its feature's point ``home`` when it would cover a symbol of
    a layer drawn above it (:func:`give_way`)."""

    x: float
    y: float
    half_pt: float
    home: tuple[float, float]


def _zorder(look: styles.Style, geom_type: str, draw_order: float) -> float:
    """Filled areas under outlines under lines under points; within each, the catalogue's
    ``draw_order`` (so sites are drawn above events)."""
    if geom_type.endswith("Point"):
        base = 4.0
    elif geom_type.endswith("LineString"):
        base = 3.0
    else:
        base = 2.0 if look.fill is None or look.fill_opacity == 0 else 1.0
    return base + draw_order / 1000


def half_pt(look: styles.Style) -> float:
    """Half the width in points of a point symbol (matplotlib markers of
    :func:`layers.styles.matplotlib_style`: ``radius * 1.5`` points across)."""
    return look.radius * 0.75


def draw_layers(ax: Axes, content: MapContent) -> list[Symbol]:
    """Draw the basemap and every visible feature with its palette style (EPSG:4326 axes).

    Layers stack as :func:`_zorder` says; a point symbol that would cover most of a symbol
    of a layer drawn above it is moved beside it (:func:`give_way`) with a short tick to
    its true place. Returns the point symbols as drawn (obstacles for labels).
    """
    ax.set_facecolor(SEA_COLOUR)
    if content.tiles is not None:  # the user's basemap instead of the vector land
        ax.apply_aspect()
        draw_basemap_tiles(ax, content.tiles, content.extent)
    else:
        land = [polygon_path(g) for g in content.land if isinstance(g, Polygon | MultiPolygon)]
        ax.add_collection(
            PatchCollection([PathPatch(p) for p in land], facecolor=LAND_COLOUR, edgecolor="none")
        )
    ax.apply_aspect()
    orders = draw_orders(content.frames)
    points = _point_groups(content, orders)
    facts = fact_points(content)
    symbols: list[Symbol] = []
    for layer_id, frame in content.frames.items():
        draw_order = orders[layer_id]
        for (key, status, geom_type), group in _drawn_groups(frame, marked(layer_id)):
            look = styles.style(str(key), str(status))
            zorder = _zorder(look, str(geom_type), draw_order)
            if str(geom_type).endswith("Point"):
                above = [g for g in points if g[0] > draw_order]
                placed = give_way(ax, group, half_pt(look), above)
                placed = clear_of(ax, placed, facts, look)
                symbols += placed
                _draw_points(ax, placed, look, zorder)
            else:
                _draw_geometries(ax, group, look, str(geom_type), zorder)
    draw_facts(ax, content)
    return symbols


#: Ground whose holder changed and whose part on the page is smaller than this (points
#: across) is drawn again above every line and outline (facts above decoration).
FACT_MAX_PT = 30.0
#: Stacking rank of that ground: above lines (3.x), below point symbols (4.x).
FACT_ZORDER = 3.95


def small_changes(ax: Axes, content: MapContent) -> list[BaseGeometry]:
    """The parts of the ground whose holder changed (``content.story.changed``) inside
    the extent that are smaller than :data:`FACT_MAX_PT` across on the page (EPSG:4326)."""
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    per_pt = figure.dpi / 72
    inner = box(*content.extent)
    small = []
    for area in content.story.changed:
        clipped = area.intersection(inner)
        for part in getattr(clipped, "geoms", [clipped]):
            if part.is_empty or part.area == 0:
                continue
            (x0, y0), (x1, y1) = ax.transData.transform(np.reshape(part.bounds, (2, 2)))
            if max(abs(x1 - x0), abs(y1 - y0)) < FACT_MAX_PT * per_pt:
                small.append(part)
    return small


#: Radius in points of the ground kept clear around a place whose holder changed: its
#: holder is drawn again there above every line (its town ring shows it inside).
FACT_DISC_PT = 5.0


def fact_discs(ax: Axes, content: MapContent) -> list[BaseGeometry]:
    """Discs on the page (ellipses in EPSG:4326 degrees) of :data:`FACT_DISC_PT` points
    around the places whose holder changed (:func:`fact_points`)."""
    points = fact_points(content)
    if not points:
        return []
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    radius_px = FACT_DISC_PT * figure.dpi / 72
    to_display, to_data = ax.transData, ax.transData.inverted()
    discs = []
    for point in points:
        x, y = to_display.transform(point)
        (x1, _), (_, y1) = to_data.transform([(x + radius_px, y), (x, y + radius_px)])
        rx, ry = abs(x1 - point[0]), abs(y1 - point[1])
        disc = shapely.Point(0, 0).buffer(1.0, quad_segs=8)
        discs.append(shapely.affinity.translate(shapely.affinity.scale(disc, rx, ry,
                                                origin=(0, 0)), *point))  # fmt: skip
    return discs


def draw_facts(ax: Axes, content: MapContent) -> None:
    """Draw again, opaque and above every line and outline, the holder of the ground whose
    holder changed where it is small on the page, and around each place whose holder
    changed (a town taken, such as Shusha on 10 November 2020, :func:`fact_discs`): no
    outline, casing or hatching of another layer hides it."""
    _redraw_holders(ax, content, small_changes(ax, content), edges=True)
    # around a place taken: its holder only (the approximate-line band yields to the fact)
    _redraw_holders(ax, content, fact_discs(ax, content), edges=False)


def _redraw_holders(
    ax: Axes, content: MapContent, shapes: list[BaseGeometry], *, edges: bool
) -> None:
    """The holders' areas inside ``shapes`` drawn again at :data:`FACT_ZORDER` (with their
    outline where ``edges``; else without, and without the approximate-line band)."""
    if not shapes:
        return
    ground = shapely.union_all(shapes)
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        if spec is None or not spec.carries_holder or frame.empty:
            continue
        for row in frame_rows(frame):
            if not edges and str(row.style_key) == LINE_STYLE:
                continue
            part = row.geometry.intersection(ground)
            if part.is_empty or not isinstance(part, Polygon | MultiPolygon):
                continue
            look = styles.style(str(row.style_key), str(row.status))
            patch = PathPatch(
                polygon_path(part), facecolor=styles.composite(look, LAND_COLOUR),
                edgecolor=look.color if edges else "none", linewidth=0.5 if edges else 0.0,
                hatch=look.hatch if edges else None, zorder=FACT_ZORDER,
            )  # fmt: skip
            ax.add_patch(patch)


def style_groups(
    frame: gpd.GeoDataFrame, columns: Sequence[Iterable[Any]]
) -> list[tuple[tuple[Any, ...], list[BaseGeometry]]]:
    """The geometries of ``frame`` grouped by the values of ``columns`` (one value a row
    each), as ``frame.groupby(columns, sort=True)`` groups them: keys in sorted order,
    rows with a missing key left out, rows in frame order within a group; without the
    cost of building a frame per group (most of a page's drawing time in pandas).

    >>> points = [shapely.Point(x, x) for x in range(4)]
    >>> frame = gpd.GeoDataFrame({"k": ["b", "a", "b", None]}, geometry=points)
    >>> [(key, [g.x for g in group]) for key, group in style_groups(frame, [frame["k"]])]
    [(('a',), [1.0]), (('b',), [0.0, 2.0])]
    """
    groups: dict[tuple[Any, ...], list[BaseGeometry]] = {}
    values = [list(column) for column in columns]
    for key, geometry in zip(zip(*values, strict=True), frame.geometry, strict=True):
        if any(_missing(value) for value in key):
            continue
        groups.setdefault(key, []).append(geometry)
    return sorted(groups.items(), key=lambda item: item[0])


def _missing(value: Any) -> bool:
    """Whether a key value is missing (``None``, NaN, ``pd.NA``), as pandas drops it."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def marked(layer_id: str) -> bool:
    """Whether the layer's points are drawn as numbered event markers."""
    spec = catalog.find(layer_id)
    return spec is not None and spec.event_markers


def draw_orders(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, float]:
    """The draw order of each frame's layer: its catalogue entry's, or for a layer the
    catalogue does not hold (the change layer of a comparison) just above the frame
    before it, so it stacks where it was put."""
    orders: dict[str, float] = {}
    last = 0.0
    for layer_id in frames:
        spec = catalog.find(layer_id)
        last = float(spec.draw_order) if spec is not None else last + 0.5
        orders[layer_id] = last
    return orders


def _drawn_groups(
    frame: gpd.GeoDataFrame, markers: bool
) -> list[tuple[tuple[Any, ...], list[BaseGeometry]]]:
    """:func:`style_groups` of ``frame`` by style, status and geometry type, its points
    left out where they are drawn as event ``markers``; made once per frame object
    (:func:`layers.paper.map_content._once`: the layers that do not change with the day
    are the same clipped frames on every atlas page of an extent). Shared: never changed."""

    def make() -> list[tuple[tuple[Any, ...], list[BaseGeometry]]]:
        drawn = frame[~frame.geom_type.isin(("Point", "MultiPoint"))] if markers else frame
        return style_groups(drawn, (drawn["style_key"], drawn["status"], drawn.geom_type))

    return _once(frame, ("drawn groups", markers), make)


def _point_groups(
    content: MapContent, orders: Mapping[str, float]
) -> list[tuple[float, float, np.ndarray]]:
    """``(draw_order, half size in points, coordinates)`` of every point style drawn."""
    groups: list[tuple[float, float, np.ndarray]] = []
    for layer_id, frame in content.frames.items():
        if marked(layer_id):
            continue
        groups += [(orders[layer_id], half, coords) for half, coords in _frame_points(frame)]
    return groups


def _frame_points(frame: gpd.GeoDataFrame) -> list[tuple[float, np.ndarray]]:
    """``(half size in points, coordinates)`` of each point style of ``frame``, in style
    order; made once per frame object (as :func:`_drawn_groups`). Shared: never changed."""

    def make() -> list[tuple[float, np.ndarray]]:
        points = frame[frame.geom_type.isin(("Point", "MultiPoint"))]
        return [
            (
                half_pt(styles.STYLES[str(key)]),
                shapely.get_coordinates(np.asarray(group, dtype=object)),
            )
            for (key,), group in style_groups(points, (points["style_key"],))
        ]

    return _once(frame, ("point groups",), make)


def give_way(
    ax: Axes,
    geometries: list[BaseGeometry],
    half_pt: float,
    above: list[tuple[float, float, np.ndarray]],
) -> list[Symbol]:
    """Where each point symbol of half-size ``half_pt`` goes, given the symbols ``above``
    it (``(draw_order, half size, coordinates)``).

    A symbol whose centre is within ``other + half_pt / 2`` points of a symbol above it,
    and that symbol not much smaller (at least 0.6 times), would be mostly hidden: it is
    moved away from it until the two just touch (straight down-left when they coincide;
    several at one place fan out). Town dots are far smaller than event circles, so an
    event at a town stays on its dot.
    """
    ax.apply_aspect()
    to_display, to_data = ax.transData, ax.transData.inverted()
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    per_pt = figure.dpi / 72
    coords = shapely.get_coordinates(np.asarray(geometries, dtype=object))
    blockers = [
        (half, to_display.transform(xy))
        for _, half, xy in above
        if half >= 0.6 * half_pt and len(xy)
    ]
    moved_at: dict[tuple[float, float], int] = {}
    targets: list[np.ndarray] = []
    for here in to_display.transform(coords) if len(coords) else coords:  # all at once
        target = here
        for half, centres in blockers:
            gaps = np.hypot(*(centres - here).T) / per_pt
            index = int(np.argmin(gaps))
            if gaps[index] >= half + half_pt / 2:
                continue
            centre = centres[index]
            away = here - centre
            turn = moved_at.get((float(centre[0]), float(centre[1])), 0)
            moved_at[(float(centre[0]), float(centre[1]))] = turn + 1
            if np.hypot(*away) < 0.5 * per_pt or turn:
                angle = math.radians(225 + 50 * turn)
                away = np.array([math.cos(angle), math.sin(angle)])
            unit = away / np.hypot(*away)
            target = centre + unit * (half + half_pt + 0.8) * per_pt
            break
        targets.append(target)
    placed = to_data.transform(np.reshape(targets, (-1, 2))) if targets else np.empty((0, 2))
    return [
        Symbol(float(tx), float(ty), half_pt, (float(x), float(y)))
        for (tx, ty), (x, y) in zip(placed, coords, strict=True)
    ]


#: Points a symbol keeps between its edge and a place whose holder changed.
FACT_CLEARANCE_PT = 3.0


def fact_points(content: MapContent) -> list[tuple[float, float]]:
    """The points (EPSG:4326) no symbol may cover: the places on the map whose holder
    changed in the story's window (``content.story``)."""
    return list(content.changed_points)


def clear_of(
    ax: Axes, symbols: list[Symbol], facts: list[tuple[float, float]], look: styles.Style
) -> list[Symbol]:
    """``symbols`` moved off the places whose holder changed (``facts``): a symbol (with
    its casing) covering such a place, other than the place's own ring, is moved straight
    away from it until it keeps :data:`FACT_CLEARANCE_PT` points clear; a tick then joins
    it to its true place (facts above decoration, issue 22)."""
    if not facts:
        return symbols
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    per_pt = figure.dpi / 72
    to_display, to_data = ax.transData, ax.transData.inverted()
    reach = symbols[0].half_pt * 1.42 + (1.0 if look.casing else 0.0) if symbols else 0.0
    moved = []
    for symbol in symbols:
        here = to_display.transform((symbol.x, symbol.y))
        for fact in facts:
            if _same(symbol.home, fact):
                continue
            centre = to_display.transform(fact)
            away = here - centre
            gap = float(np.hypot(*away)) / per_pt
            need = reach + FACT_CLEARANCE_PT
            if gap >= need:
                continue
            unit = away / np.hypot(*away) if gap > 0.01 else np.array([0.0, 1.0])
            here = centre + unit * need * per_pt
        x, y = to_data.transform(here)
        moved.append(Symbol(float(x), float(y), symbol.half_pt, symbol.home))
    return moved


def _same(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 1e-7 and abs(a[1] - b[1]) < 1e-7


def _draw_points(ax: Axes, symbols: list[Symbol], look: styles.Style, zorder: float) -> None:
    kwargs = styles.matplotlib_style(look, "Point")
    moved = [s for s in symbols if (s.x, s.y) != s.home]
    if moved:
        ticks = [np.array([s.home, (s.x, s.y)]) for s in moved]
        ax.add_collection(
            LineCollection(ticks, colors=look.color, linewidths=0.6, zorder=zorder - 0.0005)
        )
    casing = [withStroke(linewidth=kwargs["linewidth"] + 1.4, foreground=look.casing)]
    ax.scatter(
        [s.x for s in symbols],
        [s.y for s in symbols],
        marker=kwargs["marker"],
        s=kwargs["markersize"],
        facecolor=kwargs["color"],
        edgecolor=kwargs["edgecolor"],
        linewidth=kwargs["linewidth"],
        alpha=kwargs["alpha"],
        zorder=zorder,
        path_effects=casing if look.casing else [],
    )


def _draw_geometries(
    ax: Axes, geometries: list[BaseGeometry], look: styles.Style, geom_type: str, zorder: float
) -> None:
    kwargs = styles.matplotlib_style(look, geom_type)
    if look.casing:
        _draw_casing(ax, geometries, look, geom_type, zorder)
    if geom_type.endswith("LineString"):
        segments = [np.asarray(line.coords) for g in geometries for line in line_parts(g)]
        collection = LineCollection(
            segments,
            colors=kwargs["color"],
            linewidths=kwargs["linewidth"],
            linestyles=kwargs["linestyle"],
            alpha=kwargs["alpha"],
            zorder=zorder,
        )
        collection.set_capstyle("round")
        ax.add_collection(collection)
    else:
        patches = [PathPatch(polygon_path(g)) for g in geometries]
        ax.add_collection(PatchCollection(patches, zorder=zorder, **kwargs))


#: Points a casing is wider than the line or outline it lies under.
CASING_EXTRA_PT = 2.2


def _draw_casing(
    ax: Axes, geometries: list[BaseGeometry], look: styles.Style, geom_type: str, zorder: float
) -> None:
    """The white casing under an overlay's line or outline (solid, a little wider)."""
    width = look.weight * 0.75 + CASING_EXTRA_PT
    if geom_type.endswith("LineString"):
        segments = [np.asarray(line.coords) for g in geometries for line in line_parts(g)]
    else:
        segments = [
            np.asarray(ring.coords)
            for g in geometries
            for polygon in (g.geoms if isinstance(g, MultiPolygon) else [g])
            if isinstance(polygon, Polygon)
            for ring in (polygon.exterior, *polygon.interiors)
        ]
    casing = LineCollection(
        segments, colors=look.casing, linewidths=width, zorder=zorder - 0.0004, alpha=0.9
    )
    casing.set_capstyle("round")
    casing.set_joinstyle("round")
    ax.add_collection(casing)


def polygon_path(geometry: BaseGeometry) -> MplPath:
    """One compound matplotlib path (holes included) of a (Multi)Polygon."""
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
    paths = [MplPath(np.asarray(r.coords), closed=True) for r in rings if len(r.coords) >= 4]
    if not paths:
        return MplPath(np.zeros((1, 2)))
    return MplPath.make_compound_path(*paths)


