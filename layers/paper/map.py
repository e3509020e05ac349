"""The paper map: a view drawn with matplotlib into a plain Axes (PNG, PDF, SVG pages).

Projection
----------
Maps are drawn in EPSG:4326 longitude/latitude with the axes aspect set to
``1 / cos(lat0)``, ``lat0`` being the centre latitude of the view: an equirectangular
projection that is true to scale along ``lat0``. Over the few degrees a briefing map spans
it matches the web map's Web Mercator to within about 1 %, so both look alike, nothing is
reprojected, and north is up everywhere (the north arrow is exact).

Content
-------
The map draws the same feature frames as the web map (:func:`layers.features.layer_features`)
with the same styles (:func:`layers.styles.style` turned into matplotlib keywords by
:func:`layers.styles.matplotlib_style`), over an offline vector basemap (sea colour plus the
Natural Earth land of :data:`geo.settings.LAND_LAYER`); no tiles, so no network is needed.
In the axes: labels as the catalogue says, a scale bar whose length is geodesic (WGS 84)
at ``lat0`` and a north arrow; :func:`draw_inset` draws the locator map into another.
The page around the map (title, legend panel, caveat, credits, saving) is
:mod:`layers.paper.page`; the pages themselves are :mod:`layers.paper.layouts`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.metric import geodesic_km, line_parts
from layers import catalog, styles
from layers.paper.page import ALERT_COLOUR, INK, MUTED
from layers.view import Bounds, View

#: Offline vector basemap colours (not a layer: always drawn under the layers).
SEA_COLOUR = "#dbe7f0"
LAND_COLOUR = "#f5f2eb"


@dataclass(frozen=True)
class MapContent:
    """What one map shows, prepared for drawing.

    ``extent`` (min lon, min lat, max lon, max lat, EPSG:4326) is the view's bounds grown
    to the shape of the map frame; ``frames`` are the layer frames of
    :func:`layers.features.layer_features` clipped to the extent and simplified.
    """

    view: View
    extent: Bounds
    lat0: float
    frames: Mapping[str, gpd.GeoDataFrame]
    land: tuple[BaseGeometry, ...]


# --- Preparation ---------------------------------------------------------------------


def fit_extent(bounds: Bounds, width_in: float, height_in: float) -> tuple[Bounds, float]:
    """Grow ``bounds`` (EPSG:4326) about its centre to fill a frame of the given size.

    Returns the new bounds and ``lat0``, the centre latitude whose ``1 / cos`` is the
    aspect of the map.
    """
    min_x, min_y, max_x, max_y = bounds
    lat0 = (min_y + max_y) / 2
    cx = (min_x + max_x) / 2
    shrink = math.cos(math.radians(lat0))
    width, height = (max_x - min_x) * shrink, max_y - min_y
    if width / height < width_in / height_in:
        width = height * width_in / height_in
    else:
        height = width * height_in / width_in
    half_x, half_y = width / shrink / 2, height / 2
    return (cx - half_x, lat0 - half_y, cx + half_x, lat0 + half_y), lat0


def prepare(
    dataset: Dataset,
    view: View,
    frames: Mapping[str, gpd.GeoDataFrame],
    frame_in: tuple[float, float],
) -> MapContent:
    """Clip and simplify ``frames`` for a map frame of ``frame_in`` inches (width, height).

    Geometries stay EPSG:4326; they are clipped to the fitted extent plus a margin and
    simplified to about a thousandth of its width (invisible at print resolution).
    """
    extent, lat0 = fit_extent(view.bounds, *frame_in)
    min_x, min_y, max_x, max_y = extent
    pad = 0.05 * (max_x - min_x)
    window = (min_x - pad, min_y - pad, max_x + pad, max_y + pad)
    tolerance = (max_x - min_x) / 1200
    clipped = {name: _clip_frame(frame, window, tolerance) for name, frame in frames.items()}
    countries = dataset.boundaries.get(settings.LAND_LAYER)
    land = () if countries is None else _clip_geometries(countries.geometry, window, tolerance)
    return MapContent(view, extent, lat0, clipped, tuple(g for g in land if not g.is_empty))


def _clip_geometries(
    geometries: Iterable[BaseGeometry], window: Bounds, tolerance: float
) -> list[BaseGeometry]:
    array = np.asarray(list(geometries), dtype=object)
    if array.size == 0:
        return []
    simple = shapely.simplify(array, tolerance, preserve_topology=True)
    return list(shapely.clip_by_rect(simple, *window))


def _clip_frame(frame: gpd.GeoDataFrame, window: Bounds, tolerance: float) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame
    result = frame.copy()
    result["geometry"] = _clip_geometries(frame.geometry, window, tolerance)
    kept: gpd.GeoDataFrame = result[~result.geometry.is_empty]
    return kept


# --- Layers --------------------------------------------------------------------------


def _zorder(look: styles.Style, geom_type: str) -> float:
    """Filled areas under outlines under lines under points."""
    if geom_type.endswith("Point"):
        return 4.0
    if geom_type.endswith("LineString"):
        return 3.0
    return 2.0 if look.fill is None or look.fill_opacity == 0 else 1.0


def draw_layers(ax: Axes, content: MapContent) -> None:
    """Draw the basemap and every visible feature with its palette style (EPSG:4326 axes)."""
    ax.set_facecolor(SEA_COLOUR)
    land = [_polygon_path(g) for g in content.land if isinstance(g, Polygon | MultiPolygon)]
    ax.add_collection(
        PatchCollection([PathPatch(p) for p in land], facecolor=LAND_COLOUR, edgecolor="none")
    )
    for order, frame in enumerate(content.frames.values()):
        for (key, status, geom_type), group in frame.groupby(
            ["style_key", "status", frame.geom_type], sort=True
        ):
            look = styles.style(str(key), str(status))
            zorder = _zorder(look, str(geom_type)) + order / 100
            _draw_geometries(ax, list(group.geometry), look, str(geom_type), zorder)


def _draw_geometries(
    ax: Axes, geometries: list[BaseGeometry], look: styles.Style, geom_type: str, zorder: float
) -> None:
    kwargs = styles.matplotlib_style(look, geom_type)
    if geom_type.endswith("Point"):
        coords = shapely.get_coordinates(np.asarray(geometries, dtype=object))
        ax.scatter(
            coords[:, 0],
            coords[:, 1],
            marker=kwargs["marker"],
            s=kwargs["markersize"],
            facecolor=kwargs["color"],
            edgecolor=kwargs["edgecolor"],
            linewidth=kwargs["linewidth"],
            alpha=kwargs["alpha"],
            zorder=zorder,
        )
    elif geom_type.endswith("LineString"):
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
        patches = [PathPatch(_polygon_path(g)) for g in geometries]
        ax.add_collection(PatchCollection(patches, zorder=zorder, **kwargs))


def _polygon_path(geometry: BaseGeometry) -> MplPath:
    """One compound matplotlib path (holes included) of a (Multi)Polygon."""
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    rings = [ring for p in polygons for ring in (p.exterior, *p.interiors)]
    paths = [MplPath(np.asarray(r.coords), closed=True) for r in rings if len(r.coords) >= 4]
    if not paths:
        return MplPath(np.zeros((1, 2)))
    return MplPath.make_compound_path(*paths)


# --- Labels --------------------------------------------------------------------------


def draw_labels(
    ax: Axes, content: MapContent, *, label_layers: Sequence[str] = catalog.LABEL_ORDER
) -> None:
    """Label points and areas in the view's naming convention, dropping labels that collide.

    Labels come from the ``label`` column, drawn as the layer's catalogue ``label`` says;
    layers are taken in ``label_layers`` order (default: label priority order,
    :data:`layers.catalog.LABEL_ORDER`). A point label tries four positions around its
    point; a label overlapping an earlier one (or leaving the frame) at every position is
    left out.
    """
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    canvas = figure.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    renderer = agg.get_renderer()  # type: ignore[no-untyped-call]
    frame_box = ax.get_window_extent(renderer)
    taken: list[Bbox] = []
    for candidates in _label_candidates(ax, content, label_layers):
        placed = False
        for text in candidates:
            extent = text.get_window_extent(renderer)
            fits = frame_box.contains(extent.x0, extent.y0) and frame_box.contains(
                extent.x1, extent.y1
            )
            if placed or not fits or any(extent.overlaps(other) for other in taken):
                text.remove()
            else:
                placed = True
                taken.append(extent.expanded(1.04, 1.1))


def _label_candidates(
    ax: Axes, content: MapContent, label_layers: Sequence[str]
) -> Iterator[list[Text]]:
    inner = box(*content.extent)
    for layer_id in label_layers:
        frame = content.frames.get(layer_id)
        label = catalog.layer(layer_id).label
        if frame is None or frame.empty or label is None:
            continue
        look = styles.LABEL_STYLES[label.look]
        for row in frame.itertuples(index=False):
            geometry = row.geometry.intersection(inner)
            if geometry.is_empty or not row.label:
                continue
            colour = styles.STYLES[str(row.style_key)].color
            yield _label(ax, look, str(row.label), colour, geometry)


_HALO = [withStroke(linewidth=2.2, foreground="white")]
#: Offsets (points) and alignments tried in turn for a point label.
_POINT_POSITIONS = (
    (5, 2, "left", "bottom"),
    (5, -2, "left", "top"),
    (-5, 2, "right", "bottom"),
    (-5, -2, "right", "top"),
)


def _label(
    ax: Axes, look: styles.LabelStyle, text: str, colour: str, geometry: BaseGeometry
) -> list[Text]:
    """The candidate positions of one haloed label (data text: never read as maths)."""
    if look.upper:
        text = text.upper()
    if look.wrap is not None:
        text = textwrap.fill(text, look.wrap)
    font: dict[str, Any] = {"fontsize": look.fontsize, "color": look.colour or colour}
    font |= {"fontweight": look.weight, "fontstyle": look.style}
    if look.placement == "centre":
        point = geometry.representative_point()
        return [
            ax.text(
                point.x, point.y, text, ha="center", va="center", zorder=5, path_effects=_HALO,
                parse_math=False, **font,
            )
        ]  # fmt: skip
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return [
        ax.annotate(
            text, (point.x, point.y), xytext=(dx, dy), textcoords="offset points",
            parse_math=False, ha=ha, va=va, zorder=6, path_effects=_HALO, **font,
        )
        for dx, dy, ha, va in _POINT_POSITIONS
    ]  # fmt: skip


# --- Map furniture -------------------------------------------------------------------


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most ``limit`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(limit))
    return max(step * power for step in (1, 2, 5) if step * power <= limit)


def scale_bar(extent: Bounds, lat0: float, share: float = 0.22) -> tuple[float, float]:
    """A round scale-bar length about ``share`` of the map width.

    The kilometres per degree of longitude are geodesic (geopy, WGS 84) at ``lat0`` and
    the centre longitude. Returns ``(km, degrees of longitude)``.
    """
    min_x, _, max_x, _ = extent
    lon0, step = (min_x + max_x) / 2, 0.1
    west, east = Point(lon0 - step / 2, lat0), Point(lon0 + step / 2, lat0)
    km_per_degree = geodesic_km(west, east) / step
    km = nice_length((max_x - min_x) * km_per_degree * share)
    return km, km / km_per_degree


def draw_scale_bar(ax: Axes, content: MapContent) -> None:
    """A two-part black and white scale bar in the lower-left corner of the map."""
    min_x, min_y, max_x, max_y = content.extent
    km, degrees = scale_bar(content.extent, content.lat0)
    x0, y0 = min_x + 0.03 * (max_x - min_x), min_y + 0.045 * (max_y - min_y)
    height = 0.012 * (max_y - min_y)
    ax.add_patch(
        Rectangle(
            (x0 - 0.012 * (max_x - min_x), y0 - 0.03 * (max_y - min_y)),
            degrees + 0.05 * (max_x - min_x),
            0.085 * (max_y - min_y),
            facecolor="white",
            edgecolor="#999999",
            linewidth=0.4,
            alpha=0.85,
            zorder=7,
        )
    )
    for index, colour in enumerate((INK, "white")):
        ax.add_patch(
            Rectangle(
                (x0 + index * degrees / 2, y0),
                degrees / 2,
                height,
                facecolor=colour,
                edgecolor=INK,
                linewidth=0.6,
                zorder=8,
            )
        )
    for x, text in ((x0, "0"), (x0 + degrees, f"{km:g} km")):
        ax.text(
            x, y0 + 2.2 * height, text, fontsize=6.5, ha="center", va="bottom", color=INK, zorder=8
        )


def draw_north_arrow(ax: Axes) -> None:
    """A north arrow in the upper-right corner (north is up on this projection)."""
    ax.annotate(
        "N",
        xy=(0.955, 0.955),
        xytext=(0.955, 0.865),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        color=INK,
        zorder=8,
        arrowprops={
            "arrowstyle": "-|>,head_width=0.35,head_length=0.8",
            "color": INK,
            "linewidth": 1.4,
            "shrinkA": 6,
            "shrinkB": 0,
        },
        bbox={
            "boxstyle": "circle,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
    )


def draw_inset(ax: Axes, dataset: Dataset, extent: Bounds) -> None:
    """Locator map of :data:`geo.settings.REGION_BBOX` with the map extent boxed."""
    min_x, min_y, max_x, max_y = settings.REGION_BBOX
    countries = dataset.boundaries.get(settings.LAND_LAYER)
    geometries = (
        []
        if countries is None
        else _clip_geometries(countries.geometry, settings.REGION_BBOX, 0.03)
    )
    ax.set_facecolor(SEA_COLOUR)
    patches = [PathPatch(_polygon_path(g)) for g in geometries if not g.is_empty]
    ax.add_collection(
        PatchCollection(patches, facecolor=LAND_COLOUR, edgecolor="#8a8a8a", linewidth=0.35)
    )
    x0, y0, x1, y1 = extent
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            facecolor="none",
            edgecolor=ALERT_COLOUR,
            linewidth=1.2,
            zorder=3,
        )
    )
    ax.set_xlim(min_x, max_x)
    ax.set_ylim(min_y, max_y)
    ax.set_aspect(1 / math.cos(math.radians((min_y + max_y) / 2)), adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#777777")


def _degree_label(value: float, axis: str) -> str:
    hemisphere = ("E" if value >= 0 else "W") if axis == "x" else ("N" if value >= 0 else "S")
    return f"{abs(value):g}°{hemisphere}"


def draw_map(
    ax: Axes,
    content: MapContent,
    *,
    labels: bool = True,
    label_layers: Sequence[str] = catalog.LABEL_ORDER,
) -> None:
    """Draw the layers, labels, scale bar and north arrow of ``content`` into ``ax``.

    ``ax`` is a plain axes in EPSG:4326 degrees; its limits become ``content.extent`` and
    its aspect ``1 / cos(lat0)``; its label becomes ``"map"`` (so callers can find it).
    """
    min_x, min_y, max_x, max_y = content.extent
    ax.set_label("map")
    ax.set_xlim(min_x, max_x)
    ax.set_ylim(min_y, max_y)
    ax.set_aspect(1 / math.cos(math.radians(content.lat0)), adjustable="box")
    draw_layers(ax, content)
    xticks = list(range(math.ceil(min_x), math.floor(max_x) + 1))
    yticks = list(range(math.ceil(min_y), math.floor(max_y) + 1))
    ax.set_xticks(xticks, [_degree_label(t, "x") for t in xticks])
    ax.set_yticks(yticks, [_degree_label(t, "y") for t in yticks])
    ax.tick_params(labelsize=6, length=2.5, colors=MUTED, pad=1.5)
    ax.grid(color="white", linewidth=0.4, alpha=0.7, zorder=0.5)
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#555555")
    draw_scale_bar(ax, content)
    draw_north_arrow(ax)
    if labels:
        draw_labels(ax, content, label_layers=label_layers)
