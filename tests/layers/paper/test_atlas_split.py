"""The atlas's days built and signed by both processes (layers/paper/atlas.py): each day's
map digest is the same in any process (a fork-server worker has its own string hashes),
groups days as the single-process grouping does, and the days a worker signed are not
built again when it draws their pages."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.dataset import Dataset, load_dataset
from layers.briefing.atlas import atlas_days
from layers.briefing.view import View
from layers.catalog import runtime_specs
from layers.features import fixed_frames, view_features
from layers.paper import atlas as paper_atlas
from layers.paper.atlas import AtlasPlan
from tests.conftest import MakeDataDir

BOUNDS = (44.8, 39.8, 47.2, 41.2)
VIEW = View(day=dt.date(2021, 2, 23), bounds=BOUNDS)

DIGESTS_ELSEWHERE = """
import sys
from pathlib import Path
from geo.dataset import load_dataset
from layers.briefing.atlas import atlas_days
from layers.briefing.view import View
from layers.features import fixed_frames, view_features
from layers.paper.atlas import sign_days
import datetime as dt
dataset = load_dataset(Path(sys.argv[1]))
view = View(day=dt.date(2021, 2, 23), bounds=(44.8, 39.8, 47.2, 41.2))
days = atlas_days(dataset, view.day)
digests, _ = sign_days(dataset, view, days, fixed_frames(dataset, view))
print(" ".join(d.hex() for d in digests))
"""


@pytest.fixture
def data_dir(make_data_dir: MakeDataDir) -> Path:
    return make_data_dir()


def test_day_digests_are_the_same_in_another_process(data_dir: Path) -> None:
    dataset = load_dataset(data_dir)
    days = atlas_days(dataset, VIEW.day)
    digests, _ = paper_atlas.sign_days(dataset, VIEW, days, fixed_frames(dataset, VIEW))
    seed = "54321" if os.environ.get("PYTHONHASHSEED") == "12345" else "12345"
    seeds = {"PYTHONHASHSEED": seed}  # text hashes unlike this process's
    out = subprocess.run(
        [sys.executable, "-c", DIGESTS_ELSEWHERE, str(data_dir)], capture_output=True,
        text=True, check=True, timeout=120, env={**os.environ, **seeds},
        cwd=Path(__file__).resolve().parents[3],
    )  # fmt: skip
    assert out.stdout.split() == [d.hex() for d in digests]
    assert len(set(digests)) > 1  # days differ: the comparison can fail


def test_days_signed_in_halves_group_as_in_one_process(synthetic: Dataset) -> None:
    days = atlas_days(synthetic, VIEW.day)
    fixed = fixed_frames(synthetic, VIEW)
    evens, _ = paper_atlas.sign_days(synthetic, VIEW, days[0::2], fixed)
    odds, _ = paper_atlas.sign_days(synthetic, VIEW, days[1::2], fixed_frames(synthetic, VIEW))
    groups = paper_atlas.group_days(days, paper_atlas._interleaved(evens, odds))
    assert groups == [run.days for run in paper_atlas.atlas_runs(synthetic, VIEW, days)]
    assert any(len(group) > 1 for group in groups)  # identical maps merged: a real test


def test_a_worker_draws_the_days_it_signed_without_building_them_again(
    synthetic: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = AtlasPlan(dataset=synthetic, view=VIEW)
    days = atlas_days(synthetic, VIEW.day)
    built: list[dt.date] = []
    real = view_features

    def counted(dataset: Dataset, view: View, *args: object, **kwargs: object) -> object:
        built.append(view.day)
        return real(dataset, view, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(paper_atlas, "view_features", counted)
    signed = plan.sign_part("token", days[:2], runtime_specs())
    assert built == list(days[:2]) and len(signed) == 2
    built.clear()
    kept = plan.part_pdf([(days[0],), (days[1],)], [2, 3], 9, runtime_specs(), token="token")
    assert built == []  # reused
    assert kept.startswith(b"%PDF")
    plan.part_pdf([(days[2],)], [4], 9, runtime_specs(), token="token")
    assert built == [days[2]]  # not signed here: built
    built.clear()
    plan.part_pdf([(days[0],)], [2], 9, runtime_specs(), token="other")
    assert built == [days[0]]  # another atlas's token: built


@pytest.fixture
def synthetic(data_dir: Path) -> Dataset:
    return load_dataset(data_dir)
