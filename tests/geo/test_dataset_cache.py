"""The validated-dataset cache of the command line: never stale, never trusted blindly."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal

from geo import dataset_cache, settings
from geo.boundary_records import StoredBoundaries, boundary_records, frame_records
from geo.dataset import Dataset, load_dataset
from geo.dataset_cache import MAGIC, load_dataset_cached
from geo.errors import DataError
from layers.briefing.view import View
from layers.exports import export_bytes
from tests.conftest import EVENTS, MakeDataDir

DAY = dt.date(2020, 11, 10)


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("dataset-*.pickle"))


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading the data files fails the test: the cache must answer."""

    def refuse(data_dir: Path = settings.DATA_DIR) -> Dataset:
        raise AssertionError("the data files were read again")

    monkeypatch.setattr(dataset_cache, "load_dataset", refuse)


def _geojson(dataset: Dataset) -> bytes:
    return export_bytes(dataset, View(day=DAY), "geojson")


def test_a_stored_dataset_is_read_back_without_reading_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    fresh = load_dataset_cached(settings.DATA_DIR, cache=cache)
    assert len(_entries(cache)) == 1
    _no_reading(monkeypatch)
    stored = load_dataset_cached(settings.DATA_DIR, cache=cache)
    assert isinstance(stored.boundaries, StoredBoundaries)
    assert (stored.sources, stored.places) == (fresh.sources, fresh.places)
    assert (stored.sites, stored.control, stored.events) == (
        fresh.sites,
        fresh.control,
        fresh.events,
    )
    assert list(stored.boundaries) == list(fresh.boundaries)
    for name, frame in fresh.boundaries.items():
        assert_geodataframe_equal(stored.boundaries[name], frame)
        if "name" in frame:  # the layers a catalogue layer draws
            assert boundary_records(stored.boundaries, name) == frame_records(frame)
    assert _geojson(stored) == _geojson(fresh)


def test_an_edited_data_file_is_read_again(make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = make_data_dir()
    before = load_dataset_cached(folder, cache=cache)
    assert [e.title for e in before.events] == ["Something"]
    make_data_dir(events=[{**EVENTS[0], "title": "Something else"}])
    after = load_dataset_cached(folder, cache=cache)
    assert [e.title for e in after.events] == ["Something else"]
    assert len(_entries(cache)) == 2
    again = load_dataset_cached(folder, cache=cache)
    assert [e.title for e in again.events] == ["Something else"]


def test_a_new_file_in_the_data_folder_changes_the_key(make_data_dir: MakeDataDir) -> None:
    folder = make_data_dir()
    key = dataset_cache.dataset_key(folder)
    assert dataset_cache.dataset_key(folder) == key
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    assert dataset_cache.dataset_key(folder) != key


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-10] + bytes(10), id="payload changed"),
        pytest.param(lambda data: b"not a cache entry", id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: _entry(pickle.dumps({"not": "a dataset"})), id="not a dataset"),
        pytest.param(lambda data: _entry(b"\x80\x05broken pickle"), id="broken pickle"),
    ],
)
def test_a_corrupted_entry_is_ignored_and_rebuilt(
    make_data_dir: MakeDataDir, tmp_path: Path, damage: object
) -> None:
    cache = tmp_path / "cache"
    folder = make_data_dir()
    load_dataset_cached(folder, cache=cache)
    (entry,) = _entries(cache)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    dataset = load_dataset_cached(folder, cache=cache)
    assert [e.title for e in dataset.events] == ["Something"]
    assert entry.read_bytes().startswith(MAGIC)  # rebuilt
    assert isinstance(dataset_cache._read(entry), Dataset)


def _entry(payload: bytes) -> bytes:
    return MAGIC + dataset_cache._digest(payload) + payload


def test_broken_data_is_reported_as_without_cache_and_never_stored(
    make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    folder = make_data_dir(sites_text="- id: Bad Id\n")
    with pytest.raises(DataError) as direct:
        load_dataset(folder)
    with pytest.raises(DataError) as cached:
        load_dataset_cached(folder, cache=cache)
    assert cached.value.problems == direct.value.problems
    assert _entries(cache) == []


def test_the_cache_keeps_only_the_newest_entries(
    make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    folder = make_data_dir()
    titles = [f"Title {n}" for n in range(settings.MAX_CACHED_DATASETS + 2)]
    for title in titles:
        make_data_dir(events=[{**EVENTS[0], "title": title}])
        load_dataset_cached(folder, cache=cache)
    assert len(_entries(cache)) == settings.MAX_CACHED_DATASETS
    dataset = load_dataset_cached(folder, cache=cache)  # the newest is still there
    assert [e.title for e in dataset.events] == [titles[-1]]
    assert len(_entries(cache)) == settings.MAX_CACHED_DATASETS


def test_a_cache_that_cannot_be_written_still_gives_the_data(
    make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    dataset = load_dataset_cached(make_data_dir(), cache=blocked / "cache")
    assert [e.title for e in dataset.events] == ["Something"]


def test_the_cache_folder_follows_xdg_and_is_never_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert settings.cache_dir() == tmp_path / settings.CACHE_FOLDER_NAME
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored
    assert settings.cache_dir() == Path.home() / ".cache" / settings.CACHE_FOLDER_NAME
    assert settings.DATA_DIR not in settings.cache_dir().parents
