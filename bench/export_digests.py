"""``python -m bench.export_digests``: SHA-256 of every export, to prove a refactor
changed no byte.

Every export format of ``layers.exports.export_bytes`` on three dates (the default view,
and a second view with another naming, extent, basemap, layer choice, print options and
a measured distance), the atlas three ways, the before-and-after page and the animations
of a date pair, a user's own layer in several formats, the briefing deck of
``data/decks/article.yaml`` as PPTX and handout, the command lines
(``python -m layers.exports``, ``python -m layers.deck_export``), every format once more
on the hostile-strings copy of the data (``tests/hostile.py``), and, though they are
not files, what the web map hands to its browser component (base maps, each feature
group's script on the main and comparison maps; element ids, random in the app, are
numbered by first appearance before hashing).

Usage::

    python -m bench.export_digests --write /tmp/golden.json   # before the change
    python -m bench.export_digests --check /tmp/golden.json   # after: exit 1 if any differs

Nothing here passes or fails in the test suite; the exports are deterministic by design
("identical views give identical bytes"), so any difference is a change of behaviour.
One exception, found by running this twice on the same commit: a PPTX file (python-pptx
writes it with :mod:`zipfile`) stamps every member with the wall-clock time of saving,
so its bytes change from one run to the next (every member's content is the same).
PPTX files are therefore compared by their members (names, order, compression and
content), not by their bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from shapely.geometry import Point

from geo import settings
from geo.dataset import Dataset, load_dataset
from geo.measure import Measurement
from geo.user_layers import read_user_layer
from layers.briefing.atlas import AtlasChoice
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import View
from layers.exports import ExportOptions, export_bytes

DATES = (dt.date(1993, 8, 23), dt.date(2020, 11, 10), dt.date(2021, 2, 23))
PAIR = (dt.date(2020, 11, 9), dt.date(2020, 12, 1))
SPAN = (dt.date(2020, 9, 27), dt.date(2020, 12, 1))
DECK = settings.DATA_DIR / "decks" / "article.yaml"
FILE_FORMATS = ("png", "pdf", "svg", "briefing-pdf", "html", "geojson", "gpkg", "kml", "csv")
PAPER_FORMATS = ("png", "pdf", "svg", "briefing-pdf")

SHEET = PrintOptions(
    title="Rooms check {{7*7}} $x^2$",
    subtitle="Second view",
    banner="SECRET // REL TO TEST",
    producer="Digest script",
    as_of=dt.date(2021, 3, 1),
    paper="A3",
    orientation="portrait",
    greyscale=True,
)
MEASURED = Measurement(km=123.4, start=Point(45.0, 40.0), end=Point(46.5, 40.8))

#: A user's own layer: dated and undated points, an area, hostile text.
USER_FILE = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Convoy {{7*7}}", "date": "2020-10-09", "note": "=1+1"},
                "geometry": {"type": "Point", "coordinates": [46.75, 39.75]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Checkpoint"},
                "geometry": {"type": "Point", "coordinates": [46.0, 39.5]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Area <b>x</b>", "date": "1993"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[45.0, 40.0], [45.5, 40.0], [45.5, 40.5], [45.0, 40.0]]],
                },
            },
        ],
    }
).encode()


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def zip_members(data: bytes) -> bytes:
    """What a zip file holds (each member's name, compression and content, in order),
    without the members' timestamps."""
    parts: list[bytes] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            head = f"{info.filename}\0{info.compress_type}\0{len(content)}\0"
            parts += [head.encode("utf-8"), content]
    return b"".join(parts)


_IDS = re.compile(r"\b[0-9a-f]{32}\b|\b[0-9a-f]{24}\b")


def numbered_ids(text: str) -> str:
    """``text`` with each 32-hex element id (and 24-hex group key) replaced by its rank of
    first appearance: random ids in the app, so not part of what is compared."""
    seen: dict[str, str] = {}
    return _IDS.sub(lambda m: seen.setdefault(m.group(0), f"ID{len(seen)}"), text)


Case = tuple[str, Callable[[], bytes | str]]


def export_cases(dataset: Dataset, tag: str = "") -> Iterator[Case]:
    """Every file format on every date, default and second view."""
    for day in DATES:
        view = View(day=day)
        for fmt in FILE_FORMATS:
            yield f"{tag}{day}/default/{fmt}", _export(dataset, view, fmt)
        second = View(
            day=day, layers=("countries", "control", "events", "places", "peacekeeping"),
            convention="az", bounds=(45.5, 39.2, 47.6, 40.4), basemap="osm",
        )  # fmt: skip
        options = ExportOptions(sheet=SHEET, measurement=MEASURED, dpi=90)
        for fmt in FILE_FORMATS:
            yield f"{tag}{day}/second/{fmt}", _export(dataset, second, fmt, options)


def _export(
    dataset: Dataset, view: View, fmt: str, options: ExportOptions | None = None
) -> Callable[[], bytes]:
    return lambda: export_bytes(dataset, view, fmt, options)


def other_cases(dataset: Dataset) -> Iterator[Case]:
    view = View(day=DATES[-1])
    yield "atlas/key", _export(dataset, view, "atlas-pdf")
    events = AtlasChoice(first=SPAN[0], last=SPAN[1], dates="events")
    yield "atlas/events", _export(dataset, view, "atlas-pdf", ExportOptions(atlas=events))
    step = AtlasChoice(first=dt.date(1992, 1, 1), last=dt.date(1994, 12, 31), dates="step",
                       step_days=90)  # fmt: skip
    yield (
        "atlas/step-greyscale",
        _export(dataset, View(day=DATES[0], convention="hy"), "atlas-pdf",
                ExportOptions(atlas=step, sheet=SHEET)),
    )  # fmt: skip
    for fmt in ("compare-pdf", "compare-png"):
        yield f"compare/{fmt}", _export(dataset, view, fmt, ExportOptions(compare=PAIR))
    yield (
        "compare/compare-pdf-letter-nolabels",
        _export(dataset, View(day=DATES[1], convention="ru"), "compare-pdf",
                ExportOptions(compare=(dt.date(1993, 4, 1), DATES[0]), paper="Letter",
                              labels=False)),
    )  # fmt: skip
    yield "animation/gif", _export(dataset, view, "gif", ExportOptions(span=SPAN))
    yield "animation/mp4", _export(dataset, view, "mp4", ExportOptions(span=SPAN))
    mine = (read_user_layer(USER_FILE, "convoys.geojson"),)
    yours = ExportOptions(user_layers=mine)
    for fmt in (*FILE_FORMATS, "compare-png", "gif"):
        options = ExportOptions(user_layers=mine, compare=PAIR, span=PAIR)
        yield f"user-layer/{fmt}", _export(dataset, View(day=DATES[1]), fmt, options)
    yield "user-layer/atlas", _export(dataset, view, "atlas-pdf", yours)
    yield "labels-off/png", _export(dataset, view, "png", ExportOptions(labels=False))
    yield from deck_cases(dataset)


def deck_cases(dataset: Dataset, deck_path: Path = DECK, tag: str = "") -> Iterator[Case]:
    from layers.briefing.deck_file import load_deck
    from layers.paper.deck_files import deck_bytes

    deck = load_deck(deck_path, dataset)
    yield f"{tag}deck/pptx", lambda: zip_members(deck_bytes(dataset, deck, "pptx"))
    yield f"{tag}deck/handout-a4", lambda: deck_bytes(dataset, deck, "handout-pdf")
    yield f"{tag}deck/handout-letter", lambda: deck_bytes(dataset, deck, "handout-pdf",
                                                          paper="Letter")  # fmt: skip


def cli_cases(data_dir: Path = settings.DATA_DIR) -> Iterator[Case]:
    """The command lines, in fresh processes (their own dataset cache)."""
    runs = {
        "cli/exports-pdf": ["layers.exports", "--date", "2020-11-10", "--format", "pdf",
                            "--banner", "OFFICIAL", "--greyscale"],
        "cli/exports-geojson": ["layers.exports", "--date", "1993-08-23", "--names", "hy"],
        "cli/exports-compare": ["layers.exports", "--compare", "2020-11-09,2020-12-01"],
        "cli/exports-gif": ["layers.exports", "--from", "2020-11-09", "--to", "2020-11-12"],
        "cli/deck-pptx": ["layers.deck_export", "--deck", str(DECK)],
    }  # fmt: skip
    suffix = {"pdf": ".pdf", "geojson": ".geojson", "compare": ".png", "gif": ".gif",
              "pptx": ".pptx"}  # fmt: skip
    for name, argv in runs.items():
        yield name, _cli(argv, suffix[name.rsplit("-", 1)[1]], data_dir)


def _cli(argv: list[str], suffix: str, data_dir: Path) -> Callable[[], bytes]:
    def run() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / f"out{suffix}"
            env = os.environ | {"XDG_CACHE_HOME": str(Path(folder) / "cache")}
            command = [sys.executable, "-m", *argv, "--out", str(out), "--data-dir",
                       str(data_dir)]  # fmt: skip
            subprocess.run(command, check=True, env=env, capture_output=True)
            data = out.read_bytes()
            return zip_members(data) if suffix == ".pptx" else data

    return run


def web_cases(dataset: Dataset, tag: str = "") -> Iterator[Case]:
    """What the app hands st_folium: base maps and every group's script (ids numbered)."""
    for basemap in ("vector", "osm"):
        yield f"{tag}web/base-map-{basemap}", lambda b=basemap: _base_map(dataset, b)
    for day in DATES:
        for convention in ("dual", "en"):
            yield (
                f"{tag}web/{day}/{convention}/groups",
                lambda d=day, c=convention: _main_groups(dataset, d, c),
            )
    yield f"{tag}web/compare/groups", lambda: _compare_groups(dataset)


def _base_map(dataset: Dataset, basemap: str) -> str:
    from bench.maps import component_payload
    from layers.briefing.view import DEFAULT_BOUNDS
    from layers.web.compare import compare_map
    from layers.web.map import base_map

    main = component_payload(base_map(dataset, DEFAULT_BOUNDS, basemap))
    swipe = component_payload(compare_map(dataset, DEFAULT_BOUNDS, basemap))
    return numbered_ids(main + swipe)


def _group_strings(dataset: Dataset, groups: list) -> str:  # type: ignore[type-arg]
    import streamlit_folium as sf

    from layers.briefing.view import DEFAULT_BOUNDS
    from layers.web.map import base_map

    fmap = base_map(dataset, DEFAULT_BOUNDS, "vector")
    parts = [sf._get_feature_group_string(g, map=fmap, idx=i) for i, g in enumerate(groups)]
    return numbered_ids("\n".join(parts))


def _main_groups(dataset: Dataset, day: dt.date, convention: str) -> str:
    """The groups of ``app.map_component`` for every catalogue layer on ``day``."""
    from layers.web import situations
    from layers.web.groups import feature_groups

    view = View(day=day, convention=convention)
    layers = situations.map_layers(("digest", id(dataset), convention), dataset, view)
    groups = feature_groups(
        layers.collections, MEASURED, pin=(40.0, 46.0, "Pin <b>"), day=day,
        prepared=layers.groups(),
    )  # fmt: skip
    return _group_strings(dataset, groups)


def _compare_groups(dataset: Dataset) -> str:
    """The groups of ``ui.compare.compare_mode`` for :data:`PAIR`."""
    from geo.situation import state_at
    from layers.catalog import DRAW_ORDER, LAYERS
    from layers.web import situations
    from layers.web.compare import AFTER_PANE, BEFORE_PANE, FIXED_PANE, compare_groups
    from layers.web.prepared import use_prepared

    convention, version = "dual", ("digest-compare", id(dataset))
    fixed = situations.fixed_layers(version, dataset, convention)
    dated = tuple(s.id for s in LAYERS if s.dated)
    before, after = PAIR
    _, change_layer = situations.change_layer(version, dataset, before, after)
    n = len(DRAW_ORDER)
    left, left_scripts = situations.situation_layers(
        version, dataset, state_at(dataset, before), dated, convention, pane=BEFORE_PANE
    )
    right, right_scripts = situations.situation_layers(
        version, dataset, state_at(dataset, after), dated, convention,
        pane=AFTER_PANE, offset=n,
    )  # fmt: skip
    fixed_scripts = situations.fixed_scripts(
        version, dataset, convention, pane=FIXED_PANE, offset=2 * n + 1
    )
    groups = compare_groups(fixed, left, right, change_layer, days=PAIR)
    use_prepared(
        groups,
        [
            (left, left_scripts, BEFORE_PANE, 0),
            (right, right_scripts, AFTER_PANE, n),
            (fixed, fixed_scripts, FIXED_PANE, 2 * n + 1),
        ],
    )
    return _group_strings(dataset, groups)


def hostile_cases(folder: Path) -> Iterator[Case]:
    """Every file format, the compare page, the animation and the deck on the hostile copy."""
    from tests.hostile import build_hostile_data

    data_dir = build_hostile_data(settings.DATA_DIR, folder / "data")
    dataset = load_dataset(data_dir)
    view = View(day=DATES[-1])
    for fmt in FILE_FORMATS:
        yield f"hostile/{fmt}", _export(dataset, view, fmt)
    yield "hostile/compare-pdf", _export(dataset, view, "compare-pdf", ExportOptions(compare=PAIR))
    yield "hostile/gif", _export(dataset, view, "gif", ExportOptions(span=PAIR))
    yield from deck_cases(dataset, data_dir / "decks" / "article.yaml", tag="hostile/")
    yield from web_cases(dataset, tag="hostile/")


def all_cases(folder: Path) -> Iterator[Case]:
    dataset = load_dataset(settings.DATA_DIR)
    yield from export_cases(dataset)
    yield from other_cases(dataset)
    yield from web_cases(dataset)
    yield from cli_cases()
    yield from hostile_cases(folder)


def compute(only: str | None = None) -> dict[str, str]:
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, make in all_cases(Path(folder)):
            if only and not re.search(only, name):
                continue
            started = time.perf_counter()
            digests[name] = digest(make())
            print(f"{name:45} {digests[name][:16]}  {time.perf_counter() - started:5.1f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
    return digests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export_digests")
    parser.add_argument("--write", type=Path, help="write the digests to this JSON file")
    parser.add_argument("--check", type=Path, help="compare with the digests of this file")
    parser.add_argument("--only", help="regular expression: only the outputs it finds")
    args = parser.parse_args(argv)
    digests = compute(args.only)
    if args.write:
        args.write.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    if not args.check:
        print(json.dumps(digests, indent=1, sort_keys=True))
        return 0
    golden: dict[str, str] = json.loads(args.check.read_text())
    compared = [name for name in digests if name in golden]
    differ = [name for name in compared if digests[name] != golden[name]]
    missing = sorted(set(golden) - set(digests)) if not args.only else []
    for name in differ:
        print(f"DIFFERS  {name}")
    for name in missing:
        print(f"MISSING  {name}")
    print(f"{len(compared) - len(differ)} of {len(compared)} outputs identical"
          f"{f', {len(missing)} missing' if missing else ''}")  # fmt: skip
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
