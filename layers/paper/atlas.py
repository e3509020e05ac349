"""The atlas: a cover with contents, then one briefing page (:mod:`layers.paper.layouts`)
per run of days whose maps are identical, in one bookmarked PDF.

What an atlas shows is planned once, by an :class:`AtlasPlan` (the data, the view, the
paper, labels, print options, measured distance and which dates,
:class:`layers.briefing.atlas.AtlasChoice`); :func:`atlas_figures` and :func:`atlas_pdf`
both take it. From :data:`SPLIT_PAGES` map pages on, every other map page is drawn by a
worker process at the same time (two cores: about half the time; :func:`split_pages`).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import math
import multiprocessing as mp
import pickle
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import geopandas as gpd
from matplotlib.figure import Figure

from geo.dataset import Dataset
from geo.dates import format_date
from geo.measure import Measurement
from geo.naming import CONVENTIONS
from geo.situation import Situation, state_at
from geo.tiles import TileSource
from layers.briefing.atlas import AtlasChoice, Progress, atlas_days
from layers.briefing.print_options import PrintOptions, imprint_line
from layers.briefing.view import View
from layers.catalog import LayerSpec, runtime_layers, runtime_specs
from layers.features import fixed_frames, view_features
from layers.paper.header import shorten_to, title_line
from layers.paper.layouts import MARGIN, briefing_page, finish
from layers.paper.map_content import paper_basemap
from layers.paper.page import (
    DEFAULT_PAPER,
    INK,
    Page,
    figures_pdf,
    outlined_pdfs,
    page_number,
    paragraph_height,
    wrap,
)
from layers.user_basemap import showing


def layer_digest(layer_id: str, frame: gpd.GeoDataFrame) -> bytes:
    """A digest of what one layer of a map draws (every feature's geometry, style, status
    and label): two days whose layers have equal digests give the same map. The same in
    every process (``hash`` of text is not: a fork-server worker signs days too,
    :func:`atlas_pdf`)."""
    columns = [c for c in ("style_key", "status", "label") if c in frame.columns]
    rows = tuple(zip(*(map(str, frame[c].tolist()) for c in columns), strict=True))
    drawn = (layer_id, columns, tuple(frame.geometry.to_wkb()), rows)
    return hashlib.blake2b(pickle.dumps(drawn, protocol=5), digest_size=20).digest()


class _SignatureParts:
    """The digest of many days' frames (:func:`layer_digest` of each layer: equal for
    the same maps), the frames shared between days (``fixed``,
    :func:`layers.features.fixed_frames`) digested once."""

    def __init__(self, fixed: Mapping[str, gpd.GeoDataFrame]) -> None:
        self._fixed = fixed
        self._parts = {layer_id: layer_digest(layer_id, f) for layer_id, f in fixed.items()}

    def signature(self, frames: Mapping[str, gpd.GeoDataFrame]) -> bytes:
        return b"".join(
            self._parts[layer_id]
            if self._fixed.get(layer_id) is frame
            else layer_digest(layer_id, frame)
            for layer_id, frame in frames.items()
        )


def group_identical(
    dataset: Dataset, view: View, days: Sequence[dt.date]
) -> list[tuple[dt.date, ...]]:
    """``days`` in runs of consecutive days whose maps are identical (one page each)."""
    return [run.days for run in atlas_runs(dataset, view, days)]


@dataclass(frozen=True)
class AtlasRun:
    """A run of consecutive ``days`` whose maps are identical, with the situation and the
    layer frames of its last day (the day its page is drawn for)."""

    days: tuple[dt.date, ...]
    situation: Situation
    frames: dict[str, gpd.GeoDataFrame]


def atlas_runs(dataset: Dataset, view: View, days: Sequence[dt.date]) -> list[AtlasRun]:
    """:func:`group_identical` keeping what each page needs, so the frames of a day are
    built once (for its signature and its page)."""
    digests, kept = sign_days(dataset, view, days, fixed_frames(dataset, view))
    return [AtlasRun(group, *kept[group[-1]]) for group in group_days(days, digests)]


T = TypeVar("T")

#: What a day's page is drawn from: its situation and its layer frames.
DayContent = tuple[Situation, dict[str, gpd.GeoDataFrame]]


def sign_days(
    dataset: Dataset,
    view: View,
    days: Sequence[dt.date],
    fixed: Mapping[str, gpd.GeoDataFrame],
) -> tuple[list[bytes], dict[dt.date, DayContent]]:
    """The digest of each day's map (equal for identical maps, the same in every
    process) and the content of each day (the frames ``fixed`` shared between days,
    hashed once). At most :data:`~layers.briefing.atlas.MAX_ATLAS_DATES` days."""
    signed = _SignatureParts(fixed)  # the same every day: hashed once
    digests: list[bytes] = []
    kept: dict[dt.date, DayContent] = {}
    for day in days:
        situation = state_at(dataset, day)
        frames = view_features(dataset, replace(view, day=day), situation, fixed=fixed)
        digests.append(signed.signature(frames))
        kept[day] = (situation, frames)
    return digests, kept


def group_days(days: Sequence[dt.date], digests: Sequence[bytes]) -> list[tuple[dt.date, ...]]:
    """``days`` in runs of consecutive days with equal map digests (:func:`sign_days`).

    >>> d = [dt.date(2020, 11, n) for n in (1, 2, 3, 4)]
    >>> [len(run) for run in group_days(d, [b"a", b"a", b"b", b"a"])]
    [2, 1, 1]
    """
    groups: list[tuple[dt.date, ...]] = []
    for index, (day, digest) in enumerate(zip(days, digests, strict=True)):
        if index and digest == digests[index - 1]:
            groups[-1] = (*groups[-1], day)
        else:
            groups.append((day,))
    return groups


def format_days(days: Sequence[dt.date]) -> str:
    """``8, 9, 10 and 11 November 2020`` (``1 October 2020 and 3 March 2021`` across months).

    >>> format_days([dt.date(2020, 11, d) for d in (8, 9, 10, 11)])
    '8, 9, 10 and 11 November 2020'
    """
    if len(days) == 1:
        return format_date(days[0])
    if len({(d.year, d.month) for d in days}) == 1:
        numbers = [str(d.day) for d in days]
        return f"{', '.join(numbers[:-1])} and {numbers[-1]} {format_date(days[-1], 'month')}"
    names = [format_date(d) for d in days]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def atlas_cover(
    dataset: Dataset,
    view: View,
    groups: Sequence[tuple[dt.date, ...]],
    *,
    paper: str,
    sheet: PrintOptions | None,
    total: int,
) -> Figure:
    """The cover (page 1 of ``total``): title, range, imprint and the contents (page
    number and dates of each map page)."""
    page = Page(paper, sheet)
    width = page.width - 2 * MARGIN - 0.8
    title = title_line(page.sheet.title or f"{view.title}: atlas", width, 22)
    top = page.top - 1.0
    page.text(MARGIN + 0.4, top, title, fontsize=22, fontweight="bold", va="top", color=INK)
    first, last = groups[0][0], groups[-1][-1]
    span = f"{format_date(first)} to {format_date(last)}"
    lines = [
        f"{shorten_to(page.sheet.subtitle, width * 0.6, 11)}  ·  {span}"
        if page.sheet.subtitle
        else span,
        f"{len(groups)} map pages  ·  place names: {CONVENTIONS[view.convention]}",
    ]
    if imprint := imprint_line(page.sheet):
        lines.append(imprint)
    page.text(MARGIN + 0.4, top - 0.5, "\n".join(lines), fontsize=11, va="top",
              linespacing=1.5, color="#333333")  # fmt: skip
    y = top - 1.55
    page.text(MARGIN + 0.4, y, "Contents", fontsize=13, fontweight="bold", va="top", color=INK)
    y -= 0.35
    size = 8.5
    row = paragraph_height(1, size)
    room = y - page.bottom - MARGIN - 0.3
    per_column = max(1, int(room / row))
    columns = math.ceil(len(groups) / per_column)
    width = (page.width - 2 * MARGIN - 0.8) / max(columns, 1)
    for index, days in enumerate(groups):
        x = MARGIN + 0.4 + (index // per_column) * width
        line = f"{index + 2:>3}   {format_days(days)}"
        text = wrap(line, width - 0.2, size, 1)[0]
        page.text(x, y - (index % per_column) * row, text, fontsize=size, va="top", color=INK)
    page_number(page, 1, total, MARGIN)
    return finish(page)


@dataclass(frozen=True, kw_only=True)
class AtlasPlan:
    """One atlas: the data, the view (its day ends the default range), the paper, labels,
    print options (``sheet``), the measured distance drawn on every map and which dates
    (``choice``; ``None``: the key dates up to the view's day). Plain data, so a worker
    process can draw some of its pages."""

    dataset: Dataset
    view: View
    paper: str = DEFAULT_PAPER
    labels: bool = True
    sheet: PrintOptions | None = None
    choice: AtlasChoice | None = None
    measurement: Measurement | None = None

    def runs(self) -> list[AtlasRun]:
        """The runs of identical maps among the atlas's days, one page each."""
        days = atlas_days(self.dataset, self.view.day, self.choice)
        return atlas_runs(self.dataset, self.view, days)

    def cover(self, groups: Sequence[tuple[dt.date, ...]]) -> Figure:
        """The cover and contents of the atlas of the runs of days ``groups`` (page 1)."""
        return atlas_cover(
            self.dataset, self.view, groups, paper=self.paper, sheet=self.sheet,
            total=len(groups) + 1,
        )  # fmt: skip

    def pages(
        self, runs: Sequence[AtlasRun], first: int | Sequence[int], total: int
    ) -> Iterator[tuple[str, Figure]]:
        """The map pages of ``runs``, numbered from ``first`` (or each by ``first``'s
        numbers) of ``total``, each with its outline title (the days it stands for)."""
        numbers = range(first, first + len(runs)) if isinstance(first, int) else first
        for number, run in zip(numbers, runs, strict=True):
            when = format_days(run.days)
            figure = briefing_page(
                self.dataset, replace(self.view, day=run.days[-1]), run.situation, run.frames,
                paper=self.paper, labels=self.labels, sheet=self.sheet,
                measurement=self.measurement, when=when, number=(number, total),
            )  # fmt: skip
            yield when, figure

    def sign_part(
        self,
        token: str,
        days: Sequence[dt.date],
        specs: tuple[LayerSpec, ...],
        tiles: TileSource | None = None,
    ) -> list[bytes]:
        """The digests of ``days``' maps (:func:`sign_days`), in a worker process while
        the atlas's own process signs the other days; their content is kept under
        ``token`` for :meth:`part_pdf`. The runtime layers ``specs`` and the user's
        basemap ``tiles`` are put in force again there."""
        gc.freeze()  # this process only draws pages: what it inherited is never garbage
        with runtime_layers(specs), showing(tiles):
            fixed = fixed_frames(self.dataset, self.view)
            digests, kept = sign_days(self.dataset, self.view, days, fixed)
        _SIGNED.clear()
        _SIGNED[token] = (fixed, kept)
        return digests

    def part_pdf(
        self,
        days: Sequence[tuple[dt.date, ...]],
        numbers: Sequence[int],
        total: int,
        specs: tuple[LayerSpec, ...],
        tiles: TileSource | None = None,
        token: str | None = None,
    ) -> bytes:
        """The pages of the runs of ``days``, numbered ``numbers`` of ``total``, as one
        PDF (no outline), in a worker process: the runtime layers ``specs`` and the
        user's basemap ``tiles`` are put in force again there; the days this process
        signed under ``token`` (:meth:`sign_part`) are not built again."""
        gc.freeze()  # this process only draws pages: what it inherited is never garbage
        fixed, kept = _SIGNED.pop(token, (None, {})) if token else (None, {})
        with runtime_layers(specs), showing(tiles):
            if fixed is None:
                fixed = fixed_frames(self.dataset, self.view)
            runs = [_kept_run(self.dataset, self.view, group, fixed, kept) for group in days]
            return figures_pdf(_settled(figure for _, figure in self.pages(runs, numbers, total)))

    def title(self) -> str:
        """The document title: the print options' title, else the view's, "atlas"."""
        return (self.sheet.title if self.sheet else "") or f"{self.view.title}: atlas"


def atlas_figures(
    plan: AtlasPlan, progress: Progress | None = None
) -> Iterator[tuple[str, Figure]]:
    """The atlas pages with their outline titles: the cover, then one briefing page per
    run of identical maps among the plan's days (drawn on the run's last day, titled
    with every day of the run), each numbered ``Page k of n``. ``progress`` is called
    after each page."""
    runs = plan.runs()
    total = len(runs) + 1
    cover = plan.cover([run.days for run in runs])
    if progress:
        progress(1, total)
    yield "Cover and contents", cover
    for number, (when, figure) in enumerate(plan.pages(runs, 2, total), start=2):
        if progress:
            progress(number, total)
        yield when, figure


#: In a worker process: the days it signed for the atlas being drawn (by token), with
#: the frames shared between them (:meth:`AtlasPlan.sign_part`), until it draws them.
_SIGNED: dict[str, tuple[Mapping[str, gpd.GeoDataFrame], dict[dt.date, DayContent]]] = {}


def _kept_run(
    dataset: Dataset,
    view: View,
    days: tuple[dt.date, ...],
    fixed: Mapping[str, gpd.GeoDataFrame],
    kept: Mapping[dt.date, DayContent],
) -> AtlasRun:
    """The run of ``days``, from the content of its last day in ``kept``, else built."""
    if days[-1] in kept:
        return AtlasRun(days, *kept[days[-1]])
    situation = state_at(dataset, days[-1])
    frames = view_features(dataset, replace(view, day=days[-1]), situation, fixed=fixed)
    return AtlasRun(days, situation, frames)


#: An atlas of at least this many map pages is written in two halves, one drawn by a
#: worker process while this one draws the other (two cores: about half the time). The
#: halves are fixed by the page count alone, so the file is the same with or without the
#: worker (each half embeds its own font subsets).
SPLIT_PAGES = 8


def split_pages(pages: int) -> tuple[list[int], list[int]]:
    """The map pages (0-based) this process draws and those its worker draws: every
    other page each (this one the first), so both halves hold early and late days alike
    (a later day's page holds more and costs up to twice an early one's), below
    :data:`SPLIT_PAGES` all here.

    >>> split_pages(5)
    ([0, 1, 2, 3, 4], [])
    >>> split_pages(9)
    ([0, 2, 4, 6, 8], [1, 3, 5, 7])
    """
    if pages < SPLIT_PAGES:
        return list(range(pages)), []
    return list(range(0, pages, 2)), list(range(1, pages, 2))


def _worker_pool() -> ProcessPoolExecutor:
    """One worker process: forked when this process runs a single thread (CLI, bench),
    else started from a fork server (forking a threaded server is unsafe). A fork server
    worker is started at once (the server imports the paper modules, a second or more)
    so that it gets ready while this process groups the days; a forked one starts when
    its pages are asked for, with everything this process has prepared by then."""
    if threading.active_count() == 1 and "fork" in mp.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["layers.paper.atlas"])
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    pool.submit(_ready)
    return pool


def _ready() -> None:
    """Nothing: the first task of a worker, which makes it start."""


def submit_now(pool: ProcessPoolExecutor, function: Callable[..., T], *args: object) -> Future[T]:
    """``pool.submit(function, *args)`` with the call pickled here, before returning.

    The executor pickles a call later, in its queue's feeder thread, while this thread
    goes on building days and pages; the plan's data holds caches those fill (a
    situation's control areas kept on it, the identity caches), and a dictionary that
    grows while the feeder walks it fails the call ("dictionary changed size during
    iteration", seen once in an atlas run). Pickled now, the worker gets the call as it
    was when asked for."""
    future: Future[T] = pool.submit(_unpickled_call, pickle.dumps((function, args), protocol=5))
    return future


def _unpickled_call(call: bytes) -> Any:
    """In the worker: the call :func:`submit_now` pickled, made."""
    function, args = pickle.loads(call)  # noqa: S301 (made by this app's own process)
    return function(*args)


def atlas_pdf(plan: AtlasPlan, progress: Progress | None = None) -> bytes:
    """The atlas (:func:`atlas_figures`) as one PDF with one bookmark per page.

    Every page goes through one :class:`~matplotlib.backends.backend_pdf.PdfPages` per
    half (fonts subset once per half); from :data:`SPLIT_PAGES` map pages on, every
    other map page is drawn by a worker process at the same time
    (:func:`split_pages`). ``progress`` hears of the pages as this process draws its
    own (counting the worker's as going at the same pace), then of the rest when the
    worker is done.
    """
    title = plan.title()
    if progress is None:
        progress = _ignore
    days = atlas_days(plan.dataset, plan.view.day, plan.choice)
    # at most one page a day: a worker is started before the days are grouped
    with _worker_pool() if len(days) >= SPLIT_PAGES else nullcontext() as pool, _frozen():
        specs, tiles = runtime_specs(), paper_basemap(plan.view)
        token = uuid.uuid4().hex
        # both processes build and sign every other day: the worker's half is kept there
        signing = None if pool is None else submit_now(
            pool, plan.sign_part, token, days[1::2], specs, tiles
        )  # fmt: skip
        fixed = fixed_frames(plan.dataset, plan.view)
        own = days if signing is None else days[0::2]
        digests, kept = sign_days(plan.dataset, plan.view, own, fixed)
        if signing is not None:
            digests = _interleaved(digests, signing.result())
        groups = group_days(days, digests)
        total = len(groups) + 1
        mine, theirs = split_pages(len(groups))
        titles = ["Cover and contents"] + [format_days(group) for group in groups]
        cover = plan.cover(groups)
        future = None
        if pool is not None and theirs:
            future = submit_now(
                pool, plan.part_pdf, [groups[i] for i in theirs], [i + 2 for i in theirs], total,
                specs, tiles, token,
            )  # fmt: skip
        told = 0

        def tell(upto: int) -> None:
            nonlocal told
            for number in range(told + 1, upto + 1):
                progress(number, total)
            told = max(told, upto)

        def own_pages() -> Iterator[Figure]:
            yield cover
            tell(1)
            numbers = [i + 2 for i in mine]
            runs = [_kept_run(plan.dataset, plan.view, groups[i], fixed, kept) for i in mine]
            pages = plan.pages(runs, numbers, total)
            for (_, figure), number in zip(pages, numbers, strict=True):
                yield figure
                tell(min(number + 1, total - 1) if theirs else number)  # the worker: the next

        parts = [figures_pdf(_settled(own_pages()), title=title)]
        if future is not None:
            parts.append(future.result())
    tell(total)
    where = {i: (0, k + 1) for k, i in enumerate(mine)} | {i: (1, k) for k, i in enumerate(theirs)}
    return outlined_pdfs(parts, titles, order=[(0, 0)] + [where[i] for i in range(len(groups))])


def _interleaved(evens: Sequence[bytes], odds: Sequence[bytes]) -> list[bytes]:
    """``evens`` and ``odds`` put back in turn (the digests of every other day each).

    >>> _interleaved([b"a", b"c", b"e"], [b"b", b"d"])
    [b'a', b'b', b'c', b'd', b'e']
    """
    merged = [b""] * (len(evens) + len(odds))
    merged[0::2], merged[1::2] = evens, odds
    return merged


@contextmanager
def _frozen() -> Iterator[None]:
    """While the pages are drawn, what this process held before (the data, the modules)
    is left out of the collector's full passes (scanning it again every few pages was
    about 8 % of the pages' CPU, docs/performance/README.md); given back to it
    afterwards. The worker freezes what it inherited (:meth:`AtlasPlan.part_pdf`)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _settled(figures: Iterator[Figure], after: int = 2) -> Iterator[Figure]:
    """``figures``, with what the first ``after`` of them left behind (the caches they
    filled: text laid out, clipped frames, label boxes; and the figures' own garbage)
    collected once and then left out of the collector's full passes too, as
    :func:`_frozen` does with what came before: a full pass then scans only what the
    later pages made (about a fifth less of the collector's time in the atlas)."""
    for index, figure in enumerate(figures):
        yield figure
        if index == after - 1:
            gc.collect()
            gc.freeze()


def _ignore(done: int, total: int) -> None:
    """A progress callback that listens to nothing."""
