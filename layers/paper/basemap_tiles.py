"""The user's own basemap on paper (issue 21 item 3): its tiles at the export's scale,
joined and resampled to the paper map's grid, drawn under every layer.

The paper map is drawn in EPSG:4326 degrees with an aspect of ``1 / cos(lat0)``
(:mod:`layers.paper.map`); tiles are Web Mercator. Columns of both are equal steps of
longitude; rows are not equal steps of latitude in Mercator, so the tiles are joined into
one Mercator mosaic and each row of the drawn image takes the mosaic row at its latitude
(:func:`geo.tiles.warp_to_lonlat`): every pixel lands where its latitude and longitude
are, whatever the extent. The zoom is the one whose tiles give the map's width in pixels
at :data:`RASTER_DPI` (the export's scale), lowered until at most :data:`MAX_TILES` tiles
cover the map; a tile is decoded only if it is :data:`geo.tiles.TILE_PX` pixels square.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from PIL import Image

from geo.tile_store import read_tile
from geo.tiles import TILE_PX, TileSource, choose_zoom, tile_range, warp_to_lonlat

#: Resolution of the drawn basemap image, in pixels per inch of the map frame.
RASTER_DPI = 200
#: Most tiles read for one map, and the widest image drawn (pixels).
MAX_TILES = 64
MAX_IMAGE_PX = 3000
#: Where the image stacks: above the sea colour, under every layer (areas start at 1).
ZORDER = 0.6

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class DrawnTiles:
    """What was drawn: the ``zoom``, how many tiles were asked and how many found."""

    zoom: int
    asked: int
    found: int


def draw_basemap_tiles(ax: Axes, source: TileSource, extent: Bounds) -> DrawnTiles:
    """Draw ``source``'s tiles covering ``extent`` (EPSG:4326) into ``ax`` (whose limits
    are ``extent``), under the layers; tiles the source lacks stay transparent."""
    figure = ax.get_figure(root=True)
    assert figure is not None
    box = ax.get_position()
    width_in = box.width * figure.get_figwidth()
    height_in = box.height * figure.get_figheight()
    width = min(MAX_IMAGE_PX, max(1, round(width_in * RASTER_DPI)))
    height = min(MAX_IMAGE_PX, max(1, round(height_in * RASTER_DPI)))
    zoom = choose_zoom(
        extent, width, min_zoom=source.min_zoom, max_zoom=source.max_zoom, max_tiles=MAX_TILES
    )
    x0, y0, x1, y1 = tile_range(extent, zoom)
    mosaic = np.zeros(((y1 - y0 + 1) * TILE_PX, (x1 - x0 + 1) * TILE_PX, 4), dtype=np.uint8)
    found = 0
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            pixels = _decode(source, zoom, x, y)
            if pixels is not None:
                top, left = (y - y0) * TILE_PX, (x - x0) * TILE_PX
                mosaic[top : top + TILE_PX, left : left + TILE_PX] = pixels
                found += 1
    image = warp_to_lonlat(mosaic, zoom, (x0, y0), extent, (width, height))
    min_x, min_y, max_x, max_y = extent
    ax.imshow(
        image,
        extent=(min_x, max_x, min_y, max_y),
        origin="upper",
        interpolation="nearest",
        zorder=ZORDER,
        aspect=ax.get_aspect(),
    )
    ax.set_xlim(min_x, max_x)  # imshow would fit the limits to the image
    ax.set_ylim(min_y, max_y)
    return DrawnTiles(zoom, (x1 - x0 + 1) * (y1 - y0 + 1), found)


def _decode(source: TileSource, zoom: int, x: int, y: int) -> np.ndarray | None:
    """One tile as RGBA pixels, or ``None`` (missing, not an image, not 256 px square)."""
    tile = read_tile(source, zoom, x, y)
    if tile is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(tile[0]))
            if image.size != (TILE_PX, TILE_PX):
                return None
            return np.asarray(image.convert("RGBA"))
    except (OSError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return None
