"""``python -m bench.hostile_data``: the cost of loading hostile or huge data files.

Issue 8, item 5 measured, before the limits: a 483-byte alias bomb cost about 6 s per
page view and a 35 MB error message; a valid 50 MB file took 138 s and 2.6 GB. This
prints the same figures after the limits of ``geo/settings.py`` (file size, no anchors or
aliases, nesting depth, capped error text). Each case replaces events.yaml in a copy of
``data/`` and times reading that file alone ("file") and loading the whole folder through
:func:`geo.dataset.load_dataset` as the app does ("dataset", with the peak of Python
allocations and the length of the error message). Figures are medians; nothing here
passes or fails.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.timing import median_seconds, peak_mib
from geo import settings
from geo.dataset import load_dataset
from geo.errors import DataError
from geo.io import read_records
from tests.geo.test_hostile_data import ALIAS_BOMB

_RECORD = """
- id: bulk-event-{n}
  title: Bulk event {n}
  date: 2020-11-10
  precision: day
  geometry: {{place: stepanakert}}
  status: confirmed
  sources: [warsaw-2021-02-23]
  note: A generated record that makes the file big; every field is valid.
"""


def valid_events(target_bytes: int) -> str:
    """The real events.yaml followed by generated valid events, about ``target_bytes``."""
    text = (settings.DATA_DIR / settings.EVENTS_FILE).read_text(encoding="utf-8")
    parts, size, n = [text], len(text.encode("utf-8")), 0
    while size < target_bytes:
        record = _RECORD.format(n=n)
        parts.append(record)
        size += len(record)
        n += 1
    return "".join(parts)


def deep_brackets(levels: int) -> str:
    return "- id: deep\n  geometry: " + "[" * levels + "]" * levels + "\n"


def _case(folder: Path, text: str) -> Callable[[], str]:
    (folder / settings.EVENTS_FILE).write_text(text, encoding="utf-8")

    def run() -> str:
        try:
            load_dataset(folder)
        except DataError as exc:
            return str(exc)
        return "loaded"

    return run


def _read(folder: Path) -> None:
    """Read the events file alone (no other file, no validation)."""
    with contextlib.suppress(DataError):
        read_records(folder / settings.EVENTS_FILE)


def main() -> None:
    real = (settings.DATA_DIR / settings.EVENTS_FILE).read_text(encoding="utf-8")
    cases = {
        "the curated data (baseline)": (real, 7),
        f"alias bomb ({len(ALIAS_BOMB.encode())} B)": (ALIAS_BOMB, 7),
        "10,000 nested '['": (deep_brackets(10_000), 7),
        "valid 50 MB events.yaml": (valid_events(50 * 2**20), 7),
        "valid 5 MiB events.yaml (just under the cap)": (valid_events(5 * 2**20 - 300), 1),
        "20,000 broken records": ("- {id: Bad}\n" * 20_000, 3),
    }
    print(
        f"limits: {settings.MAX_DATA_FILE_BYTES:,} bytes per file, depth "
        f"{settings.MAX_YAML_DEPTH}, {settings.MAX_PROBLEMS_SHOWN} problems of at most "
        f"{settings.MAX_PROBLEM_CHARS} characters shown; no anchors or aliases"
    )
    print(f"{'case':<44}{'file':>10}{'dataset':>10}{'peak MiB':>10}{'message':>10}  outcome")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(settings.DATA_DIR, folder)
        for label, (text, repeat) in cases.items():
            run = _case(folder, text)
            message, peak = peak_mib(run)
            seconds = median_seconds(run, repeat=repeat, warmup=0)
            alone = median_seconds(lambda: _read(folder), repeat=repeat, warmup=0)
            outcome = message.splitlines()[-1][:60] if message != "loaded" else "loaded"
            print(
                f"{label:<44}{alone * 1000:>8.1f}ms{seconds * 1000:>8.0f}ms{peak:>10.1f}"
                f"{len(message):>10,}"
                f"  {outcome}"
            )


if __name__ == "__main__":
    main()
