"""The layers of a paper map drawn into an Axes (EPSG:4326): the land, then every
feature with its palette style (:mod:`layers.styles`), areas under lines under points,
each in the catalogue's draw order; a point symbol that would be mostly hidden by one
drawn above it gives way (:func:`give_way`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.metric import line_parts
from layers import catalog, styles
from layers.paper.basemap_tiles import draw_basemap_tiles
from layers.paper.map_content import LAND_COLOUR, SEA_COLOUR, MapContent


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
    symbols: list[Symbol] = []
    for layer_id, frame in content.frames.items():
        draw_order = orders[layer_id]
        for (key, status, geom_type), group in frame.groupby(
            ["style_key", "status", frame.geom_type], sort=True
        ):
            look = styles.style(str(key), str(status))
            zorder = _zorder(look, str(geom_type), draw_order)
            if str(geom_type).endswith("Point"):
                above = [g for g in points if g[0] > draw_order]
                placed = give_way(ax, list(group.geometry), half_pt(look), above)
                symbols += placed
                _draw_points(ax, placed, look, zorder)
            else:
                _draw_geometries(ax, list(group.geometry), look, str(geom_type), zorder)
    return symbols


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


def _point_groups(
    content: MapContent, orders: Mapping[str, float]
) -> list[tuple[float, float, np.ndarray]]:
    """``(draw_order, half size in points, coordinates)`` of every point style drawn."""
    groups: list[tuple[float, float, np.ndarray]] = []
    for layer_id, frame in content.frames.items():
        points = frame[frame.geom_type.isin(("Point", "MultiPoint"))]
        for key, group in points.groupby("style_key", sort=True):
            coords = shapely.get_coordinates(np.asarray(list(group.geometry), dtype=object))
            half = half_pt(styles.STYLES[str(key)])
            groups.append((orders[layer_id], half, coords))
    return groups


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
    symbols: list[Symbol] = []
    for x, y in coords:
        here = to_display.transform((x, y))
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
        tx, ty = to_data.transform(target)
        symbols.append(Symbol(float(tx), float(ty), half_pt, (float(x), float(y))))
    return symbols


def _draw_points(ax: Axes, symbols: list[Symbol], look: styles.Style, zorder: float) -> None:
    kwargs = styles.matplotlib_style(look, "Point")
    moved = [s for s in symbols if (s.x, s.y) != s.home]
    if moved:
        ticks = [np.array([s.home, (s.x, s.y)]) for s in moved]
        ax.add_collection(
            LineCollection(ticks, colors=look.color, linewidths=0.6, zorder=zorder - 0.0005)
        )
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
    )


def _draw_geometries(
    ax: Axes, geometries: list[BaseGeometry], look: styles.Style, geom_type: str, zorder: float
) -> None:
    kwargs = styles.matplotlib_style(look, geom_type)
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


def polygon_path(geometry: BaseGeometry) -> MplPath:
    """One compound matplotlib path (holes included) of a (Multi)Polygon."""
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
    paths = [MplPath(np.asarray(r.coords), closed=True) for r in rings if len(r.coords) >= 4]
    if not paths:
        return MplPath(np.zeros((1, 2)))
    return MplPath.make_compound_path(*paths)


