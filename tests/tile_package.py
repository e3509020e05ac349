"""A small tile package the tests generate (issue 21 item 3): four solid-colour Web
Mercator tiles at zoom 8 covering Karabakh and the Lachin corridor, as an MBTiles file
(rows counted from the south, as MBTiles stores them) or a folder of ``z/x/y.png``.

Tile (160, 96) is red, (161, 96) green, (160, 97) blue, (161, 97) yellow: they meet at
46.40625° E (x = 161) and at the latitude of row 97's top edge, :data:`EDGE_LAT`.
"""

from __future__ import annotations

import io
import math
import sqlite3
from contextlib import closing
from pathlib import Path

from PIL import Image

ZOOM = 8
COLOURS: dict[tuple[int, int], str] = {
    (160, 96): "#d7191c",
    (161, 96): "#1a9641",
    (160, 97): "#2b83ba",
    (161, 97): "#fdae61",
}
#: Where the tiles meet: the longitude of x = 161 and the latitude of y = 97's top.
EDGE_LON = 161 / 2**ZOOM * 360 - 180
EDGE_LAT = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * 97 / 2**ZOOM))))
ATTRIBUTION = "Test tiles © Example <b>Cartography</b>"


def png(colour: str, size: int = 256) -> bytes:
    """A solid-colour PNG tile."""
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def write_mbtiles(
    path: Path,
    *,
    attribution: str = ATTRIBUTION,
    extra: dict[tuple[int, int, int], bytes] | None = None,
) -> Path:
    """The MBTiles file of :data:`COLOURS` (plus ``extra`` tiles by (z, x, y), any bytes)."""
    tiles = {(ZOOM, x, y): png(colour) for (x, y), colour in COLOURS.items()} | (extra or {})
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
            "tile_data BLOB)"
        )
        metadata = {
            "name": "Test tiles",
            "format": "png",
            "minzoom": str(ZOOM),
            "maxzoom": str(ZOOM),
            "bounds": "45,38.8,47.8,41",
            "attribution": attribution,
        }
        db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()],
        )
        db.commit()
    return path


def write_folder(root: Path) -> Path:
    """The tiles of :data:`COLOURS` as ``root/<z>/<x>/<y>.png``."""
    for (x, y), colour in COLOURS.items():
        folder = root / str(ZOOM) / str(x)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{y}.png").write_bytes(png(colour))
    return root
