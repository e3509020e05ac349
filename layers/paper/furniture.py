"""The furniture of a paper map: a geodesic scale bar, a north arrow (north is up on
this projection), and the locator inset of the region with the map's extent boxed.
"""

from __future__ import annotations

import math

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.patches import PathPatch, Rectangle
from shapely.geometry import Point

from geo import settings
from geo.dataset import Dataset
from geo.metric import geodesic_km
from layers import catalog
from layers.briefing.view import Bounds
from layers.paper.map_content import LAND_COLOUR, SEA_COLOUR, MapContent, land_in
from layers.paper.page import ALERT_COLOUR, INK
from layers.paper.symbols import polygon_path


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


def draw_scale_bar(ax: Axes, content: MapContent, *, right: bool = False) -> list[Artist]:
    """A two-part black and white scale bar in the lower-left (``right``: lower-right)
    corner of the map; returns its artists (obstacles for labels)."""
    min_x, min_y, max_x, max_y = content.extent
    km, degrees = scale_bar(content.extent, content.lat0)
    x0, y0 = min_x + 0.03 * (max_x - min_x), min_y + 0.045 * (max_y - min_y)
    if right:
        x0 = max_x - 0.03 * (max_x - min_x) - degrees - 0.026 * (max_x - min_x)
    height = 0.012 * (max_y - min_y)
    panel = ax.add_patch(
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
    artists: list[Artist] = [panel]
    for x, text in ((x0, "0"), (x0 + degrees, f"{km:g} km")):
        artists.append(
            ax.text(
                x, y0 + 2.2 * height, text, fontsize=6.5, ha="center", va="bottom", color=INK,
                zorder=8,
            )
        )  # fmt: skip
    return artists


def draw_north_arrow(ax: Axes, at: tuple[float, float] = (0.955, 0.955)) -> list[Artist]:
    """A north arrow whose tip is at ``at`` (axes fractions; default the upper-right
    corner; north is up on this projection); returns its artist (an obstacle for labels)."""
    arrow = ax.annotate(
        "N",
        xy=at,
        xytext=(at[0], at[1] - 0.09),
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
    return [arrow]


def draw_inset(ax: Axes, dataset: Dataset, extent: Bounds) -> None:
    """Locator map of :data:`geo.settings.REGION_BBOX` with the map extent boxed."""
    min_x, min_y, max_x, max_y = settings.REGION_BBOX
    countries = dataset.boundaries.get(catalog.LAND_BOUNDARIES)
    geometries = (
        [] if countries is None else land_in(countries, settings.REGION_BBOX, 0.03)
    )
    ax.set_facecolor(SEA_COLOUR)
    patches = [PathPatch(polygon_path(g)) for g in geometries if not g.is_empty]
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
