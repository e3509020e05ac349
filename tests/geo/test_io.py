"""geo.io: the folder stamp that tells the app to reload edited data."""

from __future__ import annotations

import os
from pathlib import Path

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
