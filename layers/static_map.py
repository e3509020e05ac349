"""Static map of a :class:`~layers.view.View`, drawn with matplotlib (PNG, PDF, SVG).

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
Natural Earth land of ``countries``); no tiles, so no network is needed. Around it: title,
subtitle with the date, legend of the visible layers, a scale bar whose length is geodesic
(geopy, WGS 84) at ``lat0``, a north arrow, an inset locator map, a caveat line when
approximate or proposed features are shown, and the credits.

Every figure is a fresh :class:`matplotlib.figure.Figure` (never pyplot state), so
rendering is safe in a threaded server; :func:`figure_bytes` saves deterministically.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from geopy.distance import geodesic
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.model import Source
from geo.naming import CONVENTIONS
from layers import catalog, styles
from layers.features import view_features
from layers.view import Bounds, View

#: Landscape paper sizes in inches (width, height).
PAPERS: dict[str, tuple[float, float]] = {"A4": (11.69, 8.27), "Letter": (11.0, 8.5)}
DEFAULT_PAPER = "A4"
#: Resolution of PNG exports when no pixel width is asked for.
DEFAULT_DPI = 150.0

#: Offline vector basemap colours (not a layer: always drawn under the layers).
SEA_COLOUR = "#dbe7f0"
LAND_COLOUR = "#f5f2eb"
#: Colour of the caveat line and of the extent box of the inset.
ALERT_COLOUR = "#9b1c1c"
INK = "#222222"
MUTED = "#666666"

#: Short credit of the boundaries (record ``settings.NATURAL_EARTH_SOURCE_ID``).
NATURAL_EARTH_CREDIT = "Boundaries: Natural Earth 1:10m v4.1.0 (public domain)"
CAVEAT = (
    "Caution: hatched or dashed shapes are approximate or proposed - schematic areas, "
    "not surveyed positions or confirmed deployments."
)

#: Character width as a share of the font size (DejaVu Sans, mixed text), for wrapping.
CHAR_WIDTH = 0.52
#: Credits are capped so that no citation, however long, squeezes the map: each footer
#: paragraph has at most MAX_CREDIT_LINES lines (cut with an ellipsis), the article is
#: cited in at most ARTICLE_CREDIT_CHARS characters, each other publisher in at most
#: PUBLISHER_CHARS, and the publishers together in about OTHER_CREDITS_CHARS (the rest
#: are counted: "... 5 more sources, see the GeoJSON or HTML export").
MAX_CREDIT_LINES = 6
ARTICLE_CREDIT_CHARS = 300
PUBLISHER_CHARS = 80
OTHER_CREDITS_CHARS = 600
#: Height in inches the map keeps on a page whatever the credits (guaranteed by the caps).
MIN_MAP_HEIGHT = 4.0
#: Layers whose features get a text label, in priority order (earlier wins overlaps).
LABEL_LAYERS = (
    "places",
    "russian-bases",
    "peacekeeping",
    "monitoring",
    "exercise",
    "countries",
    "nkao",
    "districts",
)

_SAVE_LOCK = threading.Lock()
#: Salt of SVG element ids, fixed so the same map gives the same SVG.
SVG_HASH_SALT = "caucasus-briefing-map"
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


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
    countries = dataset.boundaries.get("countries")
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
        segments = [np.asarray(line.coords) for g in geometries for line in _lines(g)]
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


def _lines(geometry: BaseGeometry) -> list[LineString]:
    if isinstance(geometry, LineString):
        return [geometry]
    if isinstance(geometry, MultiLineString):
        return list(geometry.geoms)
    return []


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
    ax: Axes, content: MapContent, *, label_layers: Sequence[str] = LABEL_LAYERS
) -> None:
    """Label points and areas in the view's naming convention, dropping labels that collide.

    Labels come from the ``label`` column; layers are taken in ``label_layers`` order
    (default :data:`LABEL_LAYERS`). A point label tries four positions around its point;
    a label overlapping an earlier one (or leaving the frame) at every position is left out.
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
        if frame is None or frame.empty:
            continue
        for row in frame.itertuples(index=False):
            geometry = row.geometry.intersection(inner)
            if geometry.is_empty or not row.label:
                continue
            yield _label(ax, layer_id, str(row.label), str(row.style_key), geometry)


_HALO = [withStroke(linewidth=2.2, foreground="white")]
#: Offsets (points) and alignments tried in turn for a point label.
_POINT_POSITIONS = (
    (5, 2, "left", "bottom"),
    (5, -2, "left", "top"),
    (-5, 2, "right", "bottom"),
    (-5, -2, "right", "top"),
)


def _area_label(ax: Axes, point: BaseGeometry, text: str, **look: Any) -> Text:
    """A haloed label centred on ``point`` (data text: never read as maths)."""
    return ax.text(
        point.x, point.y, text, ha="center", va="center", zorder=5, path_effects=_HALO,
        parse_math=False, **look,
    )  # fmt: skip


def _label(
    ax: Axes, layer_id: str, text: str, style_key: str, geometry: BaseGeometry
) -> list[Text]:
    if layer_id == "countries":
        point = geometry.representative_point()
        look = {"fontsize": 8.5, "color": "#9a9a9a", "fontweight": "bold"}
        return [_area_label(ax, point, text.upper(), **look)]
    if layer_id in ("nkao", "districts"):
        point = geometry.representative_point()
        wrapped = textwrap.fill(text, 18)
        return [_area_label(ax, point, wrapped, fontsize=5.8, color="#4a4a4a", fontstyle="italic")]
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    site = layer_id != "places"
    return [
        ax.annotate(
            textwrap.fill(text, 30),
            (point.x, point.y),
            xytext=(dx, dy),
            textcoords="offset points",
            parse_math=False,
            ha=ha,
            va=va,
            fontsize=6.0 if site else 6.5,
            color=styles.STYLES[style_key].color if site else INK,
            zorder=6,
            fontweight="bold" if site else "normal",
            path_effects=_HALO,
        )
        for dx, dy, ha, va in _POINT_POSITIONS
    ]


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
    km_per_degree = float(geodesic((lat0, lon0 - step / 2), (lat0, lon0 + step / 2)).km) / step
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
    countries = dataset.boundaries.get("countries")
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
    label_layers: Sequence[str] = LABEL_LAYERS,
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


# --- Legend, caveat and credits ------------------------------------------------------


def legend_items(frames: Mapping[str, gpd.GeoDataFrame]) -> list[tuple[Artist, str]]:
    """Legend handles and labels for the visible layers, from the catalogue.

    Only entries whose style is drawn on the map appear. An entry is drawn uncertain
    (dashed, hatched) when every feature it stands for is approximate or proposed.
    """
    items: list[tuple[Artist, str]] = []
    for layer_id, frame in frames.items():
        for entry in catalog.layer(layer_id).legend:
            statuses = set(frame.loc[frame["style_key"] == entry.style_key, "status"])
            if not statuses:
                continue
            uncertain = statuses <= set(styles.UNCERTAIN_STATUSES)
            status = sorted(statuses)[0] if uncertain else "confirmed"
            handle = legend_handle(styles.style(entry.style_key, status), entry.shape)
            items.append((handle, entry.label))
    return items


def legend_handle(look: styles.Style, shape: str) -> Artist:
    """A legend swatch drawn with the matplotlib form of ``look``."""
    if shape == "point":
        kwargs = styles.matplotlib_style(look, "Point")
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=kwargs["marker"],
            markersize=math.sqrt(kwargs["markersize"]) * 0.85,
            markerfacecolor=kwargs["color"],
            markeredgecolor=kwargs["edgecolor"],
            markeredgewidth=kwargs["linewidth"],
        )
    if shape == "line":
        kwargs = styles.matplotlib_style(look, "LineString")
        return Line2D(
            [],
            [],
            color=kwargs["color"],
            linewidth=kwargs["linewidth"],
            linestyle=kwargs["linestyle"],
        )
    kwargs = styles.matplotlib_style(look, "Polygon")
    return Patch(**kwargs)


def draw_legend(
    ax: Axes, frames: Mapping[str, gpd.GeoDataFrame], *, ncols: int = 1, fontsize: float = 7.0
) -> None:
    """Draw the legend of the visible layers into ``ax`` (an empty axes, axis hidden)."""
    ax.set_axis_off()
    items = legend_items(frames)
    if not items:
        return
    legend = ax.legend(
        [h for h, _ in items],
        [label for _, label in items],
        loc="upper left",
        bbox_to_anchor=(0, 1),
        ncols=ncols,
        fontsize=fontsize,
        frameon=False,
        title="Legend",
        title_fontsize=fontsize + 1,
        alignment="left",
        handlelength=2.4,
        handleheight=1.1,
        borderaxespad=0,
        borderpad=0,
        columnspacing=1.2,
    )
    legend.get_title().set_fontweight("bold")


def uncertain_shown(frames: Mapping[str, gpd.GeoDataFrame]) -> bool:
    """True when any visible feature is approximate or proposed."""
    return any(frame["status"].isin(styles.UNCERTAIN_STATUSES).any() for frame in frames.values())


def short_citation(source: Source) -> str:
    """``Publisher, date`` of a source (the date only when known)."""
    return f"{source.publisher}, {format_date(source.date)}" if source.date else source.publisher


def cited_sources(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> list[Source]:
    """Sources of the visible features, once each, in the order the layers cite them.

    The Natural Earth basemap (not a ``sources.yaml`` record) is left out.
    """
    by_citation = {s.citation(): s for s in dataset.sources.values()}
    seen: dict[str, None] = {}
    for frame in frames.values():
        for cited in frame["sources"]:
            seen.update(dict.fromkeys(str(c) for c in cited))
    return [by_citation[c] for c in seen if c in by_citation]


def credit_lines(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> list[str]:
    """The credits: basemap, the subject article, then the other sources of visible features.

    Returns plain-text paragraphs, capped in length (see :data:`OTHER_CREDITS_CHARS`).
    Other sources are named by publisher, once each (full citations are in the feature
    details of the app and of the GeoJSON and HTML exports).
    """
    article = dataset.source(settings.ARTICLE_SOURCE_ID).citation()
    article_text = shorten(article, ARTICLE_CREDIT_CHARS)
    publishers = dict.fromkeys(
        shorten(s.publisher, PUBLISHER_CHARS)
        for s in cited_sources(dataset, frames)
        if s.id not in settings.REQUIRED_SOURCE_IDS
    )
    lines = [
        NATURAL_EARTH_CREDIT,
        f"Subject article: {article_text} (credited as its licence asks).",
    ]
    if publishers:
        lines.append(
            "Other sources of the features shown (full citations in the app and the GeoJSON "
            "and HTML exports): " + _publisher_list(list(publishers))
        )
    return lines


def _publisher_list(publishers: list[str]) -> str:
    """``A; B; C.``, or ``A; B … 7 more sources, see ...`` past OTHER_CREDITS_CHARS."""
    shown: list[str] = []
    for publisher in publishers:
        if shown and sum(len(p) + 2 for p in shown) + len(publisher) > OTHER_CREDITS_CHARS:
            break
        shown.append(publisher)
    rest = len(publishers) - len(shown)
    if not rest:
        return "; ".join(shown) + "."
    more = f"{rest} more source{'s' if rest != 1 else ''}"
    return "; ".join(shown) + f" … {more}, see the GeoJSON or HTML export."


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis if cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width_in: float, fontsize: float, max_lines: int | None = None) -> list[str]:
    """Wrap ``text`` to lines fitting ``width_in`` inches at ``fontsize`` points; with
    ``max_lines``, the last line kept ends with an ellipsis when text was left out."""
    chars = max(10, int(width_in * 72 / (fontsize * CHAR_WIDTH)))
    return textwrap.wrap(text, chars, max_lines=max_lines, placeholder=" …") or [""]


def subtitle(view: View) -> str:
    """``Situation on 9 November 2020 · place names: Both forms (neutral)``."""
    return f"Situation on {format_date(view.day)}  ·  place names: {CONVENTIONS[view.convention]}"


# --- Page layout ---------------------------------------------------------------------


class Page:
    """A figure of a given paper size addressed in inches from its lower-left corner."""

    def __init__(self, paper: str) -> None:
        self.width, self.height = PAPERS[paper]
        self.figure = Figure(figsize=(self.width, self.height))
        FigureCanvasAgg(self.figure)

    def axes(self, left: float, bottom: float, width: float, height: float) -> Axes:
        """A new axes at the given position and size, in inches."""
        return self.figure.add_axes(
            (left / self.width, bottom / self.height, width / self.width, height / self.height)
        )

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Text:
        """Figure text at (x, y) inches; ``$`` in it is plain text, never maths."""
        kwargs.setdefault("parse_math", False)
        return self.figure.text(x / self.width, y / self.height, text, **kwargs)

    def paragraphs(
        self,
        x: float,
        top: float,
        width: float,
        items: list[tuple[str, dict[str, Any]]],
        fontsize: float,
    ) -> float:
        """Write wrapped paragraphs (footers: each at most :data:`MAX_CREDIT_LINES` lines)
        down from ``top``; return the y (inches) below them."""
        y = top
        for text, kwargs in items:
            lines = wrap(text, width, fontsize, MAX_CREDIT_LINES)
            self.text(
                x, y, "\n".join(lines), fontsize=fontsize, va="top", linespacing=1.25, **kwargs
            )
            y -= paragraph_height(len(lines), fontsize) + 0.03
        return y


def paragraph_height(lines: int, fontsize: float) -> float:
    """Height in inches of ``lines`` lines of text at ``fontsize`` (line spacing 1.25)."""
    return lines * fontsize * 1.25 / 72


def footer_items(
    dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]
) -> list[tuple[str, dict[str, Any]]]:
    """The caveat (if needed) and credit paragraphs with their text styles."""
    items: list[tuple[str, dict[str, Any]]] = []
    if uncertain_shown(frames):
        items.append((CAVEAT, {"color": ALERT_COLOUR, "fontweight": "bold"}))
    items += [(line, {"color": "#444444"}) for line in credit_lines(dataset, frames)]
    return items


def footer_height(items: list[tuple[str, dict[str, Any]]], width: float, fontsize: float) -> float:
    """Height in inches the footer paragraphs take at ``width`` inches (each at most
    :data:`MAX_CREDIT_LINES` lines)."""
    return sum(
        paragraph_height(len(wrap(t, width, fontsize, MAX_CREDIT_LINES)), fontsize) + 0.03
        for t, _ in items
    )


def header(page: Page, view: View, margin: float) -> float:
    """Title and subtitle at the top; return the y (inches) below them."""
    top = page.height - margin
    page.text(margin, top, view.title, fontsize=15, fontweight="bold", va="top", color=INK)
    page.text(margin, top - 0.34, subtitle(view), fontsize=9.5, va="top", color="#333333")
    return top - 0.62


def map_figure(
    dataset: Dataset, view: View, *, paper: str = DEFAULT_PAPER, labels: bool = True
) -> Figure:
    """The stand-alone map page: header, map, side panel (legend, inset), caveat, credits.

    Returns a fresh landscape :class:`~matplotlib.figure.Figure` of ``paper`` size.
    """
    page, margin, panel = Page(paper), 0.35, 2.55
    frames = view_features(dataset, view)
    map_width = page.width - 2 * margin - panel - 0.3
    items = footer_items(dataset, frames)
    footer = footer_height(items, map_width, 6.3)
    map_top = header(page, view, margin)
    map_bottom = margin + footer + 0.12
    content = prepare(dataset, view, frames, (map_width, map_top - map_bottom))
    draw_map(page.axes(margin, map_bottom, map_width, map_top - map_bottom), content, labels=labels)
    page.paragraphs(margin, margin + footer, map_width, items, 6.3)
    panel_x = page.width - margin - panel
    inset_h = panel * 0.62
    draw_inset(page.axes(panel_x, map_bottom, panel, inset_h), dataset, content.extent)
    page.text(panel_x, map_bottom + inset_h + 0.06, "Location of the map", fontsize=7, color=MUTED)
    legend_bottom = map_bottom + inset_h + 0.35
    draw_legend(page.axes(panel_x, legend_bottom, panel, map_top - legend_bottom), frames)
    return page.figure


# --- Saving --------------------------------------------------------------------------


@contextmanager
def svg_salt() -> Iterator[None]:
    """Hash SVG ids with :data:`SVG_HASH_SALT` while saving.

    ``svg.hashsalt`` is a process-wide rcParam, so SVG saves are serialised by a lock.
    PNG and PDF saves need no rcParam (PDF fonts are matplotlib's default Type 3 subsets,
    about twice as fast to write as TrueType and still text-extractable) and run in
    parallel.
    """
    with _SAVE_LOCK, mpl.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
        yield


def figure_bytes(
    figure: Figure, fmt: str, *, dpi: float = DEFAULT_DPI, title: str | None = None
) -> bytes:
    """Save ``figure`` as ``fmt`` ('png', 'pdf' or 'svg') and return the bytes.

    The output is deterministic: no creation dates or software versions in the metadata,
    and SVG ids are hashed with a fixed salt.
    """
    metadata = dict(_METADATA[fmt])
    if title and fmt in ("pdf", "svg"):
        metadata["Title"] = title
    buffer = io.BytesIO()
    with svg_salt() if fmt == "svg" else nullcontext():
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def figures_pdf(figures: Iterable[Figure], *, title: str | None = None) -> bytes:
    """A multi-page PDF of ``figures`` (one page each), deterministic like :func:`figure_bytes`."""
    metadata = dict(_METADATA["pdf"])
    if title:
        metadata["Title"] = title
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata=metadata) as pdf:
        for figure in figures:
            pdf.savefig(figure)
    return buffer.getvalue()
