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
Natural Earth land of :data:`layers.catalog.LAND_BOUNDARIES`); no tiles, so no network is needed.
In the axes: labels as the catalogue says, a scale bar whose length is geodesic (WGS 84)
at ``lat0`` and a north arrow; :func:`layers.paper.furniture.draw_inset` draws the locator
map into another. The page around the map (title, legend panel, caveat, credits, saving)
is :mod:`layers.paper.page`; the pages themselves are :mod:`layers.paper.layouts`.

The map's rooms: :mod:`layers.paper.map_content` (the content fitted and clipped),
:mod:`layers.paper.symbols` (the layers drawn), :mod:`layers.paper.labels` (label
placement), :mod:`layers.paper.furniture` (scale bar, north arrow, inset); here they are
put together (:func:`draw_map`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from layers import catalog
from layers.briefing.view import Bounds
from layers.paper.annotations import draw_annotations
from layers.paper.furniture import draw_north_arrow, draw_scale_bar
from layers.paper.labels import draw_labels
from layers.paper.map_content import MapContent
from layers.paper.page import MUTED
from layers.paper.placement import Placer
from layers.paper.symbols import Symbol, draw_layers


def _degree_label(value: float, axis: str) -> str:
    hemisphere = ("E" if value >= 0 else "W") if axis == "x" else ("N" if value >= 0 else "S")
    return f"{abs(value):g}°{hemisphere}"


def draw_map(
    ax: Axes,
    content: MapContent,
    *,
    labels: bool = True,
    label_layers: Sequence[str] | None = None,
    labelled: MapContent | None = None,
    north_arrow: bool = True,
    north_at: tuple[float, float] = (0.955, 0.955),
    scale_right: bool = False,
    avoid: Sequence[tuple[float, float, float, float]] = (),
    markers_off: Bounds | None = None,
) -> Placer:
    """Draw the layers, scale bar, north arrow, the view's annotations
    (:mod:`layers.paper.annotations`), the numbered event markers and the labels of
    ``content`` into ``ax`` (labels of ``label_layers``, in that order, after the
    must-show names; default: the catalogue's label priority, the user's labelled layers
    included, :func:`layers.catalog.label_order`). ``labelled``: the content labels are
    placed from, when it differs (maps of change keep the land's labels off the areas
    held); ``labels=False`` draws the markers only. ``avoid``: frames (left, bottom,
    width, height in axes fractions) no label may cover (an inset drawn over the map);
    ``markers_off``: an extent whose event markers are drawn elsewhere (the inset).

    ``ax`` is a plain axes in EPSG:4326 degrees; its limits become ``content.extent`` and
    its aspect ``1 / cos(lat0)``; its label becomes ``"map"`` (so callers can find it).
    Returns the label placer (what was placed).
    """
    min_x, min_y, max_x, max_y = content.extent
    ax.set_label("map")
    ax.set_xlim(min_x, max_x)
    ax.set_ylim(min_y, max_y)
    ax.set_aspect(1 / math.cos(math.radians(content.lat0)), adjustable="box")
    symbols = draw_layers(ax, content)
    xticks = list(range(math.ceil(min_x), math.floor(max_x) + 1))
    yticks = list(range(math.ceil(min_y), math.floor(max_y) + 1))
    ax.set_xticks(xticks, [_degree_label(t, "x") for t in xticks])
    ax.set_yticks(yticks, [_degree_label(t, "y") for t in yticks])
    ax.tick_params(labelsize=6, length=2.5, colors=MUTED, pad=1.5)
    ax.grid(color="white", linewidth=0.4, alpha=0.7, zorder=0.5)
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color("#555555")
    arrow = draw_north_arrow(ax, north_at) if north_arrow else []
    furniture = [*draw_scale_bar(ax, content, right=scale_right), *arrow]
    furniture += draw_annotations(ax, content.view.annotations)  # the data's labels give way
    kept_off = [
        Bbox(ax.transAxes.transform([(x, y), (x + w, y + h)])) for x, y, w, h in avoid
    ]
    order = catalog.label_order() if label_layers is None else label_layers
    return draw_labels(
        ax, labelled or content, symbols, [*obstacles(ax, furniture, symbols), *kept_off],
        label_layers=order, labels=labels, markers_off=markers_off,
    )  # fmt: skip


#: Points of room a label keeps from the map furniture.
FURNITURE_CLEARANCE_PT = 4.0


def obstacles(ax: Axes, furniture: Iterable[Artist], symbols: Iterable[Symbol]) -> list[Bbox]:
    """Display boxes labels keep clear of: the map furniture and the point symbols."""
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    canvas = figure.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    renderer = agg.get_renderer()  # type: ignore[no-untyped-call]
    per_pt = figure.dpi / 72
    boxes = [
        artist.get_window_extent(renderer).padded(FURNITURE_CLEARANCE_PT * per_pt)
        for artist in furniture
    ]
    for symbol in symbols:
        x, y = ax.transData.transform((symbol.x, symbol.y))
        half = symbol.half_pt * per_pt
        boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes

