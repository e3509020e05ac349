"""The user's own basemap in the core (issue 21 item 3): settings, tile arithmetic, the
resampling to the paper map's grid, and reading a tile package with bounds."""

from __future__ import annotations

import math
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from geo.errors import TileError
from geo.tile_store import MAX_TILE_BYTES, open_source, read_tile
from geo.tiles import (
    TILE_PX,
    choose_zoom,
    image_kind,
    parse_setting,
    tile_count,
    tile_range,
    warp_to_lonlat,
)
from tests.tile_package import ATTRIBUTION, COLOURS, ZOOM, png, write_folder, write_mbtiles

KARABAKH = (46.0, 39.2, 47.6, 40.4)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://tiles.example.org/tiles.png",  # no placeholders
        "https://tiles.example.org/{z}/{x}/{y}/{s}.png",  # another placeholder
        "file:///etc/{z}/{x}/{y}",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://a.example.org/{z}/{x}/{y}\n.png",
    ],
)
def test_unusable_settings_are_refused(text: str) -> None:
    with pytest.raises(TileError):
        parse_setting(text)


def test_settings_name_a_url_a_package_or_a_folder() -> None:
    url = "http://localhost:8080/{z}/{x}/{y}.png"
    assert parse_setting(f"  {url} ") == ("url", url)
    assert parse_setting("maps/Caucasus.MBTILES") == ("mbtiles", "maps/Caucasus.MBTILES")
    assert parse_setting("maps/tiles") == ("folder", "maps/tiles")


def test_tile_arithmetic() -> None:
    assert tile_range((-180.0, -85.0, 180.0, 85.0), 2) == (0, 0, 3, 3)
    assert tile_range(KARABAKH, 8) == (160, 96, 161, 97)
    assert tile_count(KARABAKH, 8) == 4
    # the zoom of the map's width in pixels, lowered to keep the tile count bounded
    assert choose_zoom(KARABAKH, 1600, min_zoom=0, max_zoom=8, max_tiles=64) == 8
    assert choose_zoom(KARABAKH, 1600, min_zoom=0, max_zoom=18, max_tiles=4) == 8
    assert choose_zoom(KARABAKH, 100, min_zoom=3, max_zoom=18, max_tiles=64) == 7
    assert choose_zoom(KARABAKH, 100, min_zoom=3, max_zoom=5, max_tiles=64) == 5
    assert image_kind(png("#000000")) == "png" and image_kind(b"<svg>") is None


def test_the_warp_puts_each_row_at_its_latitude() -> None:
    """At zoom 1 the mosaic's rows are far from equal steps of latitude: each row of the
    resampled image must take the mosaic row of its own latitude, which the red channel
    (mosaic row / 2) shows."""
    mosaic = np.zeros((2 * TILE_PX, 2 * TILE_PX, 3), dtype=np.uint8)
    mosaic[:, :, 0] = np.arange(2 * TILE_PX)[:, None] // 2  # red = mosaic row / 2
    out = warp_to_lonlat(mosaic, 1, (0, 0), (-180.0, -80.0, 180.0, 80.0), (64, 160))
    assert out.shape == (160, 64, 4) and (out[..., 3] == 255).all()
    lats = 80.0 - (np.arange(160) + 0.5) / 160 * 160.0
    expected_rows = (1 - np.arcsinh(np.tan(np.radians(lats))) / math.pi) / 2 * 2 * TILE_PX
    assert np.abs(out[:, 0, 0].astype(int) - np.floor(expected_rows) // 2).max() <= 1
    # Mercator stretches the north: 60° N is mosaic row 148 of 512 (a linear map: 75)
    row_60 = int(np.argmin(np.abs(lats - 60.0)))
    assert out[row_60, 0, 0] == pytest.approx(148 // 2, abs=1)
    # outside the mosaic: transparent
    part = warp_to_lonlat(mosaic[:TILE_PX], 1, (0, 0), (-180.0, -80.0, 180.0, 80.0), (8, 16))
    assert (part[:8, :, 3] == 255).all() and (part[8:, :, 3] == 0).all()


def test_an_mbtiles_package_is_read_with_its_rows_from_the_south(tmp_path: Path) -> None:
    source = open_source(str(write_mbtiles(tmp_path / "t.mbtiles")))
    assert (source.kind, source.name, source.min_zoom, source.max_zoom) == (
        "mbtiles",
        "Test tiles",
        ZOOM,
        ZOOM,
    )
    assert source.attribution == "Test tiles © Example Cartography"  # tags removed: text
    assert source.bounds == (45.0, 38.8, 47.8, 41.0)
    for (x, y), colour in COLOURS.items():
        found = read_tile(source, ZOOM, x, y)
        assert found == (png(colour), "png")
    assert read_tile(source, ZOOM, 10, 10) is None
    assert read_tile(source, ZOOM, 2**ZOOM, 0) is None  # off the world
    given = open_source(str(tmp_path / "t.mbtiles"), "<i>Mine</i> ©")
    assert given.attribution == "Mine ©" and ATTRIBUTION not in given.attribution


def test_a_folder_of_tiles_is_read_inside_the_folder_only(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "tiles")
    outside = tmp_path / "secret.png"
    outside.write_bytes(png("#000000"))
    (root / "8" / "160" / "99.png").symlink_to(outside)
    source = open_source(str(root))
    assert (source.kind, source.min_zoom, source.max_zoom) == ("folder", ZOOM, ZOOM)
    assert read_tile(source, ZOOM, 160, 96) == (png(COLOURS[(160, 96)]), "png")
    assert read_tile(source, ZOOM, 160, 99) is None  # a link leading out of the folder


def test_tiles_that_are_not_bounded_images_are_no_tiles(tmp_path: Path) -> None:
    extra = {
        (ZOOM, 150, 90): b"<html><script>alert(1)</script></html>",
        (ZOOM, 150, 91): b"\x89PNG\r\n\x1a\n" + bytes(MAX_TILE_BYTES),
    }
    source = open_source(str(write_mbtiles(tmp_path / "t.mbtiles", extra=extra)))
    assert read_tile(source, ZOOM, 150, 90) is None
    assert read_tile(source, ZOOM, 150, 91) is None


def test_a_package_is_data_never_sql_that_runs(tmp_path: Path) -> None:
    """A ``tiles`` view is never run: the usual deduplicating view over ``map`` and
    ``images`` is read through those tables, any other view is refused."""
    path = tmp_path / "views.mbtiles"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(
            """
            CREATE TABLE map (zoom_level INT, tile_column INT, tile_row INT, tile_id TEXT);
            CREATE TABLE images (tile_data BLOB, tile_id TEXT);
            CREATE VIEW tiles AS SELECT zoom_level, tile_column, tile_row, tile_data
                FROM map JOIN images ON images.tile_id = map.tile_id;
            """
        )
        db.execute("INSERT INTO map VALUES (8, 160, 158, 'a')")  # y = 255 - 158 = 97
        db.execute("INSERT INTO images VALUES (?, 'a')", (png("#123456"),))
        db.commit()
    source = open_source(str(path))
    assert read_tile(source, 8, 160, 97) == (png("#123456"), "png")

    hostile = tmp_path / "hostile.mbtiles"
    with closing(sqlite3.connect(hostile)) as db:
        db.executescript(
            "CREATE TABLE secrets (v TEXT); CREATE VIEW tiles AS SELECT 8 AS zoom_level, "
            "160 AS tile_column, 158 AS tile_row, randomblob(9) AS tile_data FROM secrets;"
        )
    with pytest.raises(TileError, match="no tiles table"):
        open_source(str(hostile))


@pytest.mark.parametrize("content", [b"", b"not sqlite at all", b"SQLite format 3\x00" + bytes(90)])
def test_broken_packages_are_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.mbtiles"
    path.write_bytes(content)
    with pytest.raises(TileError, match=r"broken\.mbtiles"):
        open_source(str(path))


def test_missing_sources_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TileError, match="does not exist"):  # a path, not a URL: no such folder
        open_source("javascript:alert(1)//{z}{x}{y}")
    with pytest.raises(TileError, match="does not exist"):
        open_source(str(tmp_path / "none.mbtiles"))
    with pytest.raises(TileError, match="does not exist"):
        open_source(str(tmp_path / "no-folder"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(TileError, match="no <zoom>/<x>/<y> tiles"):
        open_source(str(tmp_path / "empty"))
