"""The fast atlas: pages written in two halves (the second by a worker process) are the
pages the single-page path draws; label boxes measured once are the boxes matplotlib gives."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pypdf import PdfReader

from geo.dataset import Dataset, load_dataset
from layers.briefing.atlas import atlas_days
from layers.briefing.view import View
from layers.features import view_features
from layers.paper import atlas as paper_atlas
from layers.paper import layouts, map_content, page
from layers.paper.atlas import AtlasPlan
from layers.paper.text_metrics import text_box
from tests.conftest import MakeDataDir

BOUNDS = (44.8, 39.8, 47.2, 41.2)


@pytest.fixture
def synthetic(make_data_dir: MakeDataDir) -> Dataset:
    return load_dataset(make_data_dir())


def legend_texts(figure: Figure) -> list[str]:
    return [t.get_text() for ax in figure.axes if (lg := ax.get_legend()) for t in lg.texts]


def test_split_atlas_pages_equal_the_single_briefing_pages(
    synthetic: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = View(day=dt.date(2021, 2, 23), bounds=BOUNDS)
    runs = paper_atlas.atlas_runs(synthetic, view, atlas_days(synthetic, view.day))
    assert len(runs) >= 3
    monkeypatch.setattr(paper_atlas, "SPLIT_PAGES", 2)  # second half drawn by a worker
    done: list[tuple[int, int]] = []
    atlas = PdfReader(
        io.BytesIO(
            paper_atlas.atlas_pdf(
                AtlasPlan(dataset=synthetic, view=view), progress=lambda k, n: done.append((k, n))
            )
        )
    )
    total = len(runs) + 1
    assert len(atlas.pages) == total
    assert done == [(k, total) for k in range(1, total + 1)]
    assert [item.title for item in atlas.outline][1:] == [
        paper_atlas.format_days(run.days) for run in runs
    ]
    assert [atlas.get_destination_page_number(item) for item in atlas.outline] == list(range(total))
    for number, (run, atlas_page) in enumerate(zip(runs, atlas.pages[1:], strict=True), start=2):
        when = paper_atlas.format_days(run.days)
        single = layouts.briefing_figure(
            synthetic, View(day=run.days[-1], bounds=BOUNDS), when=when, number=(number, total)
        )
        alone = PdfReader(io.BytesIO(page.figure_bytes(single, "pdf"))).pages[0]
        assert atlas_page.extract_text() == alone.extract_text()
        assert f"Page {number} of {total}" in atlas_page.extract_text()


def test_atlas_pages_draw_the_layers_and_legend_of_their_day(synthetic: Dataset) -> None:
    view = View(day=dt.date(2021, 2, 23), bounds=BOUNDS)
    pages = list(paper_atlas.atlas_figures(AtlasPlan(dataset=synthetic, view=view)))[1:]
    runs = paper_atlas.atlas_runs(synthetic, view, atlas_days(synthetic, view.day))
    legends = set()
    for (_, figure), run in zip(pages, runs, strict=True):
        single = layouts.briefing_figure(synthetic, View(day=run.days[-1], bounds=BOUNDS))
        assert legend_texts(figure) == legend_texts(single)
        mine = next(a for a in figure.axes if a.get_label() == "map")
        theirs = next(a for a in single.axes if a.get_label() == "map")
        assert [t.get_text() for t in mine.texts] == [t.get_text() for t in theirs.texts]
        assert len(mine.collections) == len(theirs.collections)
        legends.add(tuple(legend_texts(figure)))
    assert len(legends) > 1  # the pages differ by date: the comparison can fail


def test_text_boxes_are_measured_per_text_size_and_alignment() -> None:
    figure = Figure(dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    for text, size, weight, ha, va in (
        ("Shusha", 8.0, "normal", "left", "bottom"),
        ("Shusha", 9.0, "normal", "left", "bottom"),
        ("SHUSHA", 8.0, "bold", "center", "center"),
        ("Lachin\ncorridor", 7.0, "normal", "right", "top"),
    ):
        annotation = ax.annotate(
            text, (0.5, 0.5), xytext=(3, -2), textcoords="offset points", fontsize=size,
            fontweight=weight, ha=ha, va=va, parse_math=False,
        )  # fmt: skip
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        annotation.update_positions(renderer)
        expected = annotation.get_window_extent(renderer)
        x, y = ax.transData.transform((0.5, 0.5)) + np.array((3, -2)) * 100 / 72
        box = text_box(text, size, weight, "normal", ha, va, 100.0)
        got = (box[0] + x, box[1] + y, box[2] + x, box[3] + y)
        assert got == pytest.approx(tuple(expected.extents), abs=1e-6)
    assert text_box("Shusha", 8.0, "normal", "normal", "left", "bottom", 100.0) != text_box(
        "Shusha", 9.0, "normal", "normal", "left", "bottom", 100.0
    )


def _raster(pdf: bytes, number: int, directory: Path) -> np.ndarray:
    """Page ``number`` (1-based) of ``pdf`` rasterised by poppler at 40 dpi (RGB)."""
    source = directory / f"page-{number}-{len(list(directory.iterdir()))}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", str(number), "-l", str(number), "-png", "-singlefile",
         str(source), str(source.with_suffix(""))],
        check=True, timeout=60,
    )  # fmt: skip
    image: np.ndarray = mpimg.imread(source.with_suffix(".png"))
    return image


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed"
)
def test_atlas_pages_look_like_the_same_pages_exported_alone(
    synthetic: Dataset, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Whatever the atlas draws once for every page (base layers, fonts, legend,
    furniture, clipped layers kept per extent), its pages are drawn as the briefing of
    their day alone: the first map page (drawn here) and the second (by the worker,
    which draws every other page) give the same pixels."""
    view = View(day=dt.date(2021, 2, 23), bounds=BOUNDS)
    runs = paper_atlas.atlas_runs(synthetic, view, atlas_days(synthetic, view.day))
    monkeypatch.setattr(paper_atlas, "SPLIT_PAGES", 2)
    atlas = paper_atlas.atlas_pdf(AtlasPlan(dataset=synthetic, view=view))
    total = len(runs) + 1
    shown = []
    assert paper_atlas.split_pages(len(runs))[1][0] == 1  # page 3 is the worker's
    for number in (2, 3):
        run = runs[number - 2]
        single = layouts.briefing_figure(
            synthetic, View(day=run.days[-1], bounds=BOUNDS),
            when=paper_atlas.format_days(run.days), number=(number, total),
        )  # fmt: skip
        alone = _raster(page.figure_bytes(single, "pdf"), 1, tmp_path)
        drawn = _raster(atlas, number, tmp_path)
        assert drawn.shape == alone.shape
        assert np.array_equal(drawn, alone), f"atlas page {number} differs from its day alone"
        shown.append(drawn)
    assert not np.array_equal(shown[0], shown[1])  # two different maps: the comparison can fail


def test_clipping_is_done_once_per_frame_and_extent(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layers that do not change with the day are clipped once per extent (the same
    frames on every atlas page of that extent), as a fresh clipping would clip them."""
    view = View()
    frames = view_features(dataset, view)
    map_content.clear_kept()
    first = map_content.prepare(dataset, view, frames, (6.0, 5.0))
    again = map_content.prepare(dataset, view, frames, (6.0, 5.0))
    shown = [name for name, frame in first.frames.items() if not frame.empty]
    assert len(shown) > 5
    assert all(again.frames[name] is first.frames[name] for name in shown)
    assert again.land == first.land and len(first.land) > 3
    elsewhere = map_content.prepare(dataset, replace(view, bounds=BOUNDS), frames, (6.0, 5.0))
    assert any(elsewhere.frames[name] is not first.frames[name] for name in shown)
    monkeypatch.setattr(map_content, "_once", lambda source, key, make: make())
    fresh = map_content.prepare(dataset, view, frames, (6.0, 5.0))
    for name in first.frames:
        mine, theirs = first.frames[name], fresh.frames[name]
        assert list(mine.index) == list(theirs.index)
        pairs = zip(mine.geometry, theirs.geometry, strict=True)
        assert all(a.equals_exact(b, 0) for a, b in pairs)
    assert all(a.equals_exact(b, 0) for a, b in zip(first.land, fresh.land, strict=True))
