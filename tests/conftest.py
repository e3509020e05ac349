"""Shared fixtures: a tiny synthetic data folder, and the real committed dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import LineString, box

from geo.dataset import Dataset, load_dataset

SOURCES = [
    {"id": "src-a", "title": "A page", "publisher": "Somebody", "url": "https://example.org/a"},
    {
        "id": "warsaw-2021-02-23",
        "title": "Armenia Invites More Russian Troops to Its Territory",
        "publisher": "Warsaw Institute Foundation",
        "date": "2021-02-23",
    },
    {"id": "natural-earth-4-1-0", "title": "Natural Earth 1:10m", "publisher": "Natural Earth"},
]
PLACES = [
    {
        "id": "alpha",
        "kind": "town",
        "lon": 45.5,
        "lat": 40.5,
        "names": {"en": "Alpha", "hy": "Alfa", "az": "Alfa-az"},
        "status": "confirmed",
        "sources": ["src-a"],
    },
    {
        "id": "beta",
        "kind": "town",
        "lon": 46.5,
        "lat": 40.5,
        "names": {"en": "Beta"},
        "status": "confirmed",
        "sources": ["src-a"],
    },
]
SITES = [
    {
        "id": "base-alpha",
        "name": "Base <Alpha>",
        "kind": "base",
        "operator": "Russia",
        "geometry": {"place": "alpha"},
        "start": "1995-03-16",
        "status": "confirmed",
        "sources": ["src-a"],
    },
]
CONTROL = [
    {
        "id": "east-a",
        "area_name": "East",
        "holder": "armenian",
        "geometry": {"boundary": {"layer": "districts", "match": {"name": "East"}}},
        "start": "1993-07-23",
        "end": "2020-11-20",
        "status": "confirmed",
        "sources": ["src-a"],
    },
    {
        "id": "east-b",
        "area_name": "East",
        "holder": "azerbaijani",
        "geometry": {"boundary": {"layer": "districts", "match": {"name": "East"}}},
        "start": "2020-11-20",
        "status": "confirmed",
        "sources": ["src-a"],
    },
]
EVENTS = [
    {
        "id": "ev-one",
        "title": "Something",
        "date": "2020-11-09",
        "precision": "day",
        "quote": "It happened.",
        "quote_source": "src-a",
        "in_article": True,
        "geometry": {"place": "beta"},
        "status": "confirmed",
        "sources": ["src-a"],
    },
]
#: An event before every other record: with it the span of the synthetic data begins on
#: 1 January 1992, and the day before the first control period can be shown.
EARLY_EVENT = {
    "id": "ev-early",
    "title": "Something earlier",
    "date": "1992-01-01",
    "precision": "day",
    "geometry": {"place": "alpha"},
    "status": "confirmed",
    "sources": ["src-a"],
}


def _write_boundaries(path: Path) -> None:
    west, east = box(45, 40, 46, 41), box(46, 40, 47, 41)
    crs = "EPSG:4326"

    def frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)

    layers = {
        "countries": frame(
            [{"name": "Armenia", "geometry": west}, {"name": "Azerbaijan", "geometry": east}]
        ),
        "nakhchivan": frame([{"name": "Nakhchivan", "geometry": box(45, 39, 45.5, 39.5)}]),
        "nkao": frame([{"name": "NKAO", "geometry": box(46.2, 40.2, 46.4, 40.4)}]),
        "districts": frame([{"name": "East", "geometry": east}]),
        "district_parts": frame([{"district": "East", "side": "armenian", "geometry": east}]),
        "ceasefire_line": frame(
            [{"name": "Line", "geometry": LineString([(46.9, 40), (46.9, 41)])}]
        ),
        "provinces": frame([{"name": "Westprov", "geometry": west}]),
    }
    for name, layer in layers.items():
        layer.to_file(path, layer=name, driver="GPKG", engine="pyogrio")


MakeDataDir = Callable[..., Path]


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a record listed twice in full: data files may not use anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


#: "Today" in every test (``$BRIEFING_TODAY``, :func:`geo.settings.today`): the span of
#: data with open periods ends on it, so the tests do not change with the calendar.
TEST_TODAY = "2026-12-01"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_TODAY", TEST_TODAY)


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test (and process it starts) keeps the dataset cache of the command line
    (:mod:`geo.dataset_cache`) in a folder of its own, never the user's ``~/.cache``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def make_data_dir(tmp_path: Path) -> MakeDataDir:
    """Build a small valid data folder; keyword arguments replace a file's records
    (``sites=[...]``) or its raw text (``sites_text="..."``)."""

    def make(**overrides: Any) -> Path:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        _write_boundaries(folder / "boundaries.gpkg")
        files = {
            "sources": SOURCES,
            "places": PLACES,
            "sites": SITES,
            "control": CONTROL,
            "events": EVENTS,
            "communities": [],
            "figures": [],
        }
        for name, records in files.items():
            target = folder / f"{name}.yaml"
            if f"{name}_text" in overrides:
                target.write_text(overrides[f"{name}_text"], encoding="utf-8")
            else:
                records = overrides.get(name, records)
                text = yaml.dump(records, Dumper=_NoAliasDumper, sort_keys=False)
                target.write_text(text, encoding="utf-8")
        return folder

    return make


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The real committed dataset (loaded once per test session)."""
    return load_dataset()


@pytest.fixture(scope="session")
def hostile_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of ``data/`` with the hostile strings in every free-text field (built once
    per session; see tests/hostile.py)."""
    from tests.hostile import build_hostile_data

    root = Path(__file__).resolve().parents[1]
    return build_hostile_data(root / "data", tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="session")
def hostile_dataset(hostile_data_dir: Path) -> Dataset:
    """The hostile copy of the data, loaded once per session."""
    return load_dataset(hostile_data_dir)


#: Size of the synthetic data set of the scale tests (bench/synthetic.py): enough events
#: that the timeline pages and the map counts the earlier ones.
SCALE_EVENTS, SCALE_AREAS = 3_000, 60


@pytest.fixture(scope="session")
def scale_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid data folder with 3,000 synthetic events (never real, never committed)."""
    from bench.synthetic import write_synthetic

    folder = tmp_path_factory.mktemp("scale")
    return write_synthetic(folder, events=SCALE_EVENTS, areas=SCALE_AREAS)


@pytest.fixture(scope="session")
def scale_dataset(scale_data_dir: Path) -> Dataset:
    """The dataset of :func:`scale_data_dir`."""
    return load_dataset(scale_data_dir)
