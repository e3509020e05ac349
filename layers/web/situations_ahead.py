"""Every situation of a view's dated layers prepared once per process, in the background,
so that the date preview's plan covers every day (issue 25, :mod:`layers.web.date_preview`).

The plan handed to the map's frame names only situations the process has prepared
(making it never prepares one): on a fresh process a day no session has shown yet was
left to the server's run (a typed date of another situation, the first ◀ ▶ step: painted
in 200-340 ms instead of 40-90). :func:`prepare_ahead` prepares them all, once per data
version, layers and naming, in a thread of its own started by the app's first run (and
the warm-up's): it waits :data:`START_DELAY_S` (the first map's run and its first report
go first) and prepares one situation at a time (:func:`layers.web.situations.
situation_layers`, the very entries a run shows; 15-20 ms of CPU each), pausing
:data:`PAUSE_S` between two so that a session's run never waits long for the
interpreter. Its operating-system priority is left as it is: a thread of lower priority
holding the interpreter's lock on a loaded machine would keep the sessions' runs waiting
for it (a priority inversion). Each situation's groups are registered in the process's
group store (:mod:`layers.web.group_store`): the frame fetches them by key while idle.

Bounded: situations are taken nearest the view's day first and no further than
:data:`PER_LAYER` identities of any dated layer (three quarters of the shared caches'
room, :data:`layers.web.situations.SITUATIONS_KEPT`: sessions' own still fit).
The committed data's default view: 116 situations, 206 distinct groups, 15.3 MiB of
script, 2.2 s of CPU in all, the process's resident memory 96 MiB larger (198 -> 294 MiB:
the features and scripts kept in the shared caches).

Pure Python: no Streamlit, no Folium.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field

from geo.dataset import Dataset
from geo.situation import state_at
from layers.web.date_preview import span_segments
from layers.web.group_store import STORE
from layers.web.situations import (
    SITUATIONS_KEPT,
    SituationIdentity,
    fixed_layers,
    situation_layers,
)

LOG = logging.getLogger(__name__)

#: Seconds the thread waits before it starts (the first map's run goes first).
START_DELAY_S = 3.0
#: Seconds between two situations (a session's run takes the interpreter meanwhile).
PAUSE_S = 0.05
#: Identities of one dated layer prepared ahead at most: three quarters of the shared
#: caches' room (the committed data's busiest layer, the events, has 74 over the span).
PER_LAYER = SITUATIONS_KEPT * 3 // 4
#: Sets of (version, layers, naming) prepared ahead per process at most.
KEPT = 4
#: Seconds without a session's run before the next situation is prepared: the thread
#: gives way to the sessions (25 sessions changing dates every 1-2 s kept two replicas'
#: p95 at 1.2 s while it prepared alongside them, against 0.3 s without it).
QUIET_S = 0.5
#: CPU seconds a situation may cost on average (from :data:`DEAR_AFTER` situations on,
#: the first ones filling caches the rest share; the committed data's cost 19 ms): dearer
#: ones (large data, such as 10,000 events) stop the preparation there, and the sessions'
#: own runs prepare the days they show, as before: work that size beside their runs
#: would hold the interpreter from them.
DEAR_S = 0.15
DEAR_AFTER = 3

_last_run = 0.0


def note_run() -> None:
    """A session's run starts (the app's script and its map fragment call this): the
    preparation waits until the runs have been quiet for :data:`QUIET_S`."""
    global _last_run
    _last_run = time.monotonic()


def _wait_quiet(quiet: float) -> None:
    while (left := _last_run + quiet - time.monotonic()) > 0:
        time.sleep(left)


@dataclass
class Progress:
    """What one background preparation has done (tests, benchmarks, the log)."""

    situations: int = 0
    groups: int = 0
    characters: int = 0
    cpu_s: float = 0.0
    #: Why the preparation stopped before the last situation ("" if it did not).
    stopped: str = ""
    done: threading.Event = field(default_factory=threading.Event)


_LOCK = threading.Lock()
_STARTED: dict[Hashable, Progress] = {}


def prepare_ahead(
    version: Hashable,
    dataset: Dataset,
    layers: tuple[str, ...],
    convention: str,
    day: dt.date,
    *,
    delay: float = START_DELAY_S,
    pause: float = PAUSE_S,
    quiet: float = QUIET_S,
) -> Progress | None:
    """Prepare, in a thread of its own (once per data version, layers and naming), every
    situation of the dated ones among ``layers`` in ``convention`` over the data's span,
    nearest ``day`` first (see the module docstring). Its :class:`Progress`, or None when
    :data:`KEPT` other sets have been prepared ahead already."""
    key = (version, layers, convention, dataset.span)
    with _LOCK:
        if key in _STARTED:
            return _STARTED[key]
        if len(_STARTED) >= KEPT:
            return None
        progress = _STARTED[key] = Progress()
    threading.Thread(
        target=_quietly,
        args=(progress, _Job(version, dataset, layers, convention, day, delay, pause, quiet)),
        name="situations-ahead",
        daemon=True,
    ).start()
    return progress


def forget() -> None:
    """Forget which sets were prepared ahead (tests; the caches are cleared apart)."""
    with _LOCK:
        _STARTED.clear()


@dataclass(frozen=True)
class _Job:
    """What one preparation ahead prepares, and its pacing (see :func:`prepare_ahead`)."""

    version: Hashable
    dataset: Dataset
    layers: tuple[str, ...]
    convention: str
    day: dt.date
    delay: float
    pause: float
    quiet: float


def _quietly(progress: Progress, job: _Job) -> None:
    """:func:`_prepare_all` in its thread: a failure is logged (the plan then covers the
    situations the sessions prepared, as before)."""
    try:
        time.sleep(job.delay)
        _prepare_all(progress, job)
        LOG.info(
            "situations ahead: %d situations, %d groups, %d characters, %.2f s CPU%s",
            progress.situations, progress.groups, progress.characters, progress.cpu_s,
            f"; stopped: {progress.stopped}" if progress.stopped else "",
        )  # fmt: skip
    except Exception:
        LOG.exception("situations ahead: stopped")
    finally:
        progress.done.set()


def _prepare_all(progress: Progress, job: _Job) -> None:
    version, dataset, convention, day = job.version, job.dataset, job.convention, job.day
    fixed = fixed_layers(version, dataset, convention)
    dated = tuple(i for i in job.layers if i not in fixed)
    found = span_segments(version, dataset, dated)
    assert found is not None  # waited for
    # each situation with its day nearest ``day`` (``day`` clamped into each segment)
    nearest: dict[SituationIdentity, dt.date] = {}
    ends = [*(d - dt.timedelta(days=1) for d in found.starts[1:]), dataset.span.last]
    for start, end, identity in zip(found.starts, ends, found.identities, strict=True):
        at = min(max(start, day), end)
        if identity not in nearest or abs((at - day).days) < abs((nearest[identity] - day).days):
            nearest[identity] = at
    per_layer: dict[str, set[Hashable]] = {}
    keys: set[str] = set()
    for identity, on in sorted(nearest.items(), key=lambda item: abs((item[1] - day).days)):
        for layer_id, layer_identity in identity:
            per_layer.setdefault(layer_id, set()).add(layer_identity)
        if any(len(seen) > PER_LAYER for seen in per_layer.values()):
            break
        _wait_quiet(job.quiet)
        started = time.thread_time()
        _, scripts = situation_layers(version, dataset, state_at(dataset, on), dated, convention)
        for script in scripts.values():
            STORE.register(script.body, script.key)
            if script.key not in keys:
                keys.add(script.key)
                progress.characters += len(script.body)
        progress.situations += 1
        progress.groups = len(keys)
        cost = time.thread_time() - started
        progress.cpu_s += cost
        if progress.situations >= DEAR_AFTER and progress.cpu_s / progress.situations > DEAR_S:
            each = progress.cpu_s / progress.situations
            progress.stopped = f"a situation cost {each:.2f} s of CPU (more than {DEAR_S} s)"
            return
        time.sleep(job.pause)


__all__ = [
    "DEAR_AFTER", "DEAR_S", "PAUSE_S", "PER_LAYER", "QUIET_S", "START_DELAY_S", "Progress",
    "forget", "note_run", "prepare_ahead",
]  # fmt: skip
