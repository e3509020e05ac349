"""geo.io: the folder stamp that tells the app to reload edited data."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point

from geo import io
from geo.io import folder_stamp


def test_stamp_changes_when_a_file_is_edited_added_or_removed(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text("- id: a\n", encoding="utf-8")
    before = folder_stamp(tmp_path)
    assert folder_stamp(tmp_path) == before
    os.utime(first, ns=(1, 1))
    touched = folder_stamp(tmp_path)
    assert touched != before
    (tmp_path / "b.yaml").write_text("[]\n", encoding="utf-8")
    added = folder_stamp(tmp_path)
    assert [name for name, _, _ in added] == ["a.yaml", "b.yaml"]
    first.unlink()
    assert [name for name, _, _ in folder_stamp(tmp_path)] == ["b.yaml"]
    assert folder_stamp(tmp_path / "missing") == ()


def test_a_failed_write_leaves_the_previous_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "map.png"
    io.write_bytes(target, b"good old export")
    real_write = Path.open

    class Disk:
        """A file that fails with ENOSPC after its first chunk."""

        def __init__(self, path: Path) -> None:
            self.handle = real_write(path, "wb")

        def __enter__(self) -> Disk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[:4])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "open", lambda self, mode="r", *a, **k: Disk(self))
    with pytest.raises(OSError, match="No space"):
        io.write_bytes(target, b"new export that does not fit")
    monkeypatch.undo()
    assert target.read_bytes() == b"good old export"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]  # no temporary left behind


def test_a_geopackage_write_replaces_the_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "data.gpkg"
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(45, 40)], crs="EPSG:4326")
    io.write_geopackage(target, {"one": frame})
    io.write_geopackage(target, {"two": frame})
    assert [str(row[0]) for row in pyogrio.list_layers(target)] == ["two"]
    assert [p.name for p in tmp_path.iterdir()] == ["data.gpkg"]


@pytest.mark.parametrize("target", ["folder", "/dev/full"])
def test_a_folder_or_device_is_never_replaced(tmp_path: Path, target: str) -> None:
    path = tmp_path if target == "folder" else Path(target)
    with pytest.raises(OSError):
        io.write_bytes(path, b"x")
    assert path.is_dir() if target == "folder" else path.is_char_device()
