"""A date change shown by the map's own frame at the input, the server's run confirming it
(issue 25, "a date change inside the map's own frame").

A date change through Streamlit waits for the server: the rerun request, the fragment's
run, the map's delta, React laying out the run, then the frame (about 70 ms before the
map's delta on a quiet machine, 130 at p95; the stamp painted 170 / 200 ms). Yet the map
usually has everything it needs already: the groups of a situation are kept scripts
named by content key (:mod:`layers.web.group_store`), and the frame keeps those it made
(:data:`layers.web.prepared.RESET`). So the app hands the frame a *plan* of the dates
(:func:`plan_group`, a kept group: sent once, then a stub until it changes): where each
situation of the view's dated layers starts, each situation's groups (position, key)
and legend, the key dates a ◀ ▶ step stops at, and how the date stamp is written. Only
situations the process has prepared already are in it (:func:`layers.web.situations.
prepared_layer`: making the plan never prepares a situation); a day of another is left
to the server. The app prepares every situation of the default view's dated layers in
the background once per process (:mod:`layers.web.situations_ahead`), so on the
committed data the plan soon covers every day.

The base map's :class:`layers.web.preview_frame.DatePreview` (the frame's script)
listens to the app page's date inputs (the typed date's Enter, the slider's arrow keys,
◀ ▶ with the key-date unit; the frame has the page's origin) and, right after Streamlit
has taken the input, shows that day's situation: its groups from the frame's kept
groups, or made from scripts it fetched beforehand while idle (``requestIdleCallback``:
the nearest situations first, at most :data:`PREFETCH_BYTES`), and the date stamp and
legend, in one task. A day whose groups are not all at hand has them fetched at the input
(in the input's own handler, before the page sends its rerun request: the route is the
app's own and answers from the process's store in a few ms) and is shown once they came,
unless the run of that day or a later input came first: the server's run always has
the last word. The server's run then arrives as always and is applied as always: its
groups are those shown (stubs that change nothing), its stamp the same text. Inputs
faster than their runs (an arrow key held on the slider): the frame notes each input's
day, and the run of a day asked for before later inputs is followed, in the same task,
by the last of them previewed again, so the painted map never steps back; any other run
(of the last input, or of no input: the server's own) is the map's day, its groups and
stamp replacing a preview, so the map always ends on the server's last run. The plan
names scripts by their content's digest, so after a data change no script of the old
data can be taken for a new one.

No plan (an empty one) while a playback plays, with the user's own layers (their
features may depend on the day) and in the comparison and presentation modes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import folium

from geo.dataset import Dataset
from geo.dates import format_date
from geo.identity_cache import IdentityCache
from geo.periods import KeyDays
from layers.briefing.view import View
from layers.web.annotations import js_string
from layers.web.day_plan import segments
from layers.web.elements import GroupValue
from layers.web.group_store import GROUP_ROUTE
from layers.web.groups import date_stamp
from layers.web.legend import drawn_legend_html
from layers.web.prepared import PreparedScript, group_body
from layers.web.situations import (
    LayerEntry,
    SituationIdentity,
    fixed_layers,
    prepared_layer,
    situation_identity,
)

LOG = logging.getLogger(__name__)

#: Characters of group script the frame fetches ahead at most (the nearest situations
#: first): about 20 situations of the committed data's dated layers.
PREFETCH_BYTES = 8 * 1024 * 1024
#: Situations on either side of the day shown whose groups the frame fetches first.
NEAR = 3
#: Plans and span segments kept (a few views and data versions; small, per process).
KEPT = 8


@dataclass(frozen=True)
class SpanSegments:
    """The days the view's dated layers may change on over the data's span (``starts``,
    the first day first) and each segment's :func:`situation_identity`."""

    starts: tuple[dt.date, ...]
    identities: tuple[SituationIdentity, ...]


_LOCK = threading.Lock()
#: By the dataset and (version, dated layer ids, span): its segments.
_SEGMENTS: IdentityCache[SpanSegments] = IdentityCache(KEPT, "date preview: span segments")
#: Segments being made in a thread (:func:`span_segments` without waiting).
_MAKING: set[Hashable] = set()
#: By the dataset and what a plan is made of (see :func:`plan_group`): its kept group.
_PLANS: IdentityCache[PreparedScript] = IdentityCache(KEPT, "date preview: plans")


def clear() -> None:
    """Forget the segments and plans kept (tests, benchmarks)."""
    _SEGMENTS.clear()
    _PLANS.clear()


def span_segments(
    version: Hashable, dataset: Dataset, dated: tuple[str, ...], *, wait: bool = True
) -> SpanSegments | None:
    """:class:`SpanSegments` of ``dated`` over ``dataset``'s span (made once per data
    version and layers: about 0.3 s of CPU on the committed data's 116 segments). Without
    ``wait``, None until they are made, in a thread of their own: a run (a session's
    first map, a layer switched on) never waits for them, a later run's plan has them."""
    key = (version, dated, dataset.span)
    with _LOCK:
        found = _SEGMENTS.peek((dataset,), key)
        if found is not None:
            return found
        if not wait:
            if key not in _MAKING:
                _MAKING.add(key)
                threading.Thread(
                    target=_make_quietly, args=(key, version, dataset, dated), daemon=True
                ).start()
            return None
    return _make_segments(key, version, dataset, dated)


def _make_segments(
    key: Hashable, version: Hashable, dataset: Dataset, dated: tuple[str, ...]
) -> SpanSegments:
    try:
        return _segments_of(key, dataset, dated)
    finally:
        with _LOCK:
            _MAKING.discard(key)


def _make_quietly(
    key: Hashable, version: Hashable, dataset: Dataset, dated: tuple[str, ...]
) -> None:
    """:func:`_make_segments` in a thread: a failure is logged and leaves no segments
    (no preview for those layers: the server's runs show every date as before)."""
    try:
        _make_segments(key, version, dataset, dated)
    except Exception:
        LOG.exception("date preview: no segments for %s", dated)
        _SEGMENTS.get((dataset,), key, lambda: SpanSegments((), ()))


def _segments_of(key: Hashable, dataset: Dataset, dated: tuple[str, ...]) -> SpanSegments:
    found_segments = segments(dataset, dataset.span.first, dataset.span.last, dated)
    made = SpanSegments(
        tuple(day for day, _ in found_segments),
        tuple(situation_identity(s, dated, dataset=dataset) for _, s in found_segments),
    )
    return _SEGMENTS.get((dataset,), key, lambda: made)


def stamp_parts() -> tuple[str, tuple[str, ...]] | None:
    """The date stamp's text before the day and the months' names, when
    :func:`layers.web.groups.date_stamp` writes ``<prefix><day> <month> <year>``
    (checked on a day of each month); None otherwise (no preview: the frame would write
    another stamp than the server).

    >>> stamp_parts()[0]
    'Situation on '
    """
    sample = dt.date(2001, 1, 1)
    prefix = date_stamp(sample)[: -len(format_date(sample))]
    months = tuple(format_date(dt.date(2001, m, 1)).split(" ")[1] for m in range(1, 13))
    for month in range(1, 13):
        for day in (dt.date(2001, month, 9), dt.date(2024, month, 28)):
            if date_stamp(day) != f"{prefix}{day.day} {months[month - 1]} {day.year}":
                return None
    return prefix, months


def _parts(legend: str) -> list[str]:
    """``legend`` (HTML) cut before each of its rows and groups: a few legends share most
    rows, which the plan sends once (joined again in the frame, the same HTML).

    >>> _parts("<details><div class='bm-legend-row'>a</div><div class='bm-legend-row'>b</div>")
    ['<details>', "<div class='bm-legend-row'>a</div>", "<div class='bm-legend-row'>b</div>"]
    """
    return [part for part in re.split(r"(?=<div class='bm-legend)", legend) if part]


def _group(payload: str, index: int) -> PreparedScript:
    group = folium.FeatureGroup(name="Date preview")
    GroupValue("bmPreview", payload or '""').add_to(group)
    return PreparedScript("Date preview", group_body(group, index), index)


def empty_group(index: int) -> PreparedScript:
    """The plan's group at ``index`` with no plan (the frame previews nothing)."""
    return _PLANS.get((), ("empty", index), lambda: _group("", index))


def plan_group(
    version: Hashable, dataset: Dataset, view: View, days: KeyDays, unit: str, index: int
) -> PreparedScript:
    """The kept group at position ``index`` handing the map's frame the plan of ``view``'s
    dates (see the module docstring; ``unit``: the ◀ ▶ step unit, previewed only for key
    dates, ``days.days``). The same group, so a stub, while the view's layers, naming,
    unit and the situations prepared are the same."""
    parts = stamp_parts()
    if parts is None:
        return empty_group(index)
    fixed = fixed_layers(version, dataset, view.convention)
    dated = tuple(i for i in view.layers if i not in fixed)
    found = span_segments(version, dataset, dated, wait=False)
    if found is None:
        return empty_group(index)
    distinct = tuple(dict.fromkeys(found.identities))
    ready: list[tuple[str, ...] | None] = []
    entries: list[list[LayerEntry] | None] = []
    for identity in distinct:
        layer_entries = [
            prepared_layer(version, ident, lid, view.convention) for lid, ident in identity
        ]
        have = [e for e in layer_entries if e is not None]
        if len(have) < len(layer_entries):
            ready.append(None)
            entries.append(None)
        else:
            ready.append(tuple(e[1].key for e in have))
            entries.append(have)
    signature = (version, view.layers, view.convention, unit, index, tuple(ready))
    return _PLANS.get(
        (dataset,),
        signature,
        lambda: _plan(dataset, days, unit, index, parts, fixed, view, found, distinct, entries),
    )


def _plan(
    dataset: Dataset,
    days: KeyDays,
    unit: str,
    index: int,
    parts: tuple[str, tuple[str, ...]],
    fixed: Mapping[str, Mapping[str, Any]],
    view: View,
    found: SpanSegments,
    distinct: tuple[SituationIdentity, ...],
    entries: list[list[LayerEntry] | None],
) -> PreparedScript:
    """The plan's group of :func:`plan_group` (made when not kept)."""
    shown_fixed = {k: v for k, v in fixed.items() if k in view.layers}
    scripts: dict[str, int] = {}
    legends: dict[str, int] = {}
    situations: list[list[int]] = []
    number: dict[SituationIdentity, int] = {}
    for identity, made_entries in zip(distinct, entries, strict=True):
        if made_entries is None:
            continue
        collections = {i: e[0] for (i, _), e in zip(identity, made_entries, strict=True)}
        legend = legends.setdefault(drawn_legend_html(shown_fixed | collections), len(legends))
        row = [legend]
        for entry in sorted((e[1] for e in made_entries), key=lambda s: s.index):
            row += [entry.index, scripts.setdefault(entry.key, len(scripts))]
        number[identity] = len(situations)
        situations.append(row)
    pieces: dict[str, int] = {}  # the legends' rows, each sent once
    span = dataset.span
    data = {
        "first": span.first.isoformat(),
        "last": span.last.isoformat(),
        "unit": unit,
        "keys": [d.isoformat() for d in days.days if span.contains(d)],
        "prefix": parts[0],
        "months": list(parts[1]),
        "starts": [d.isoformat() for d in found.starts],
        "at": [number.get(identity, -1) for identity in found.identities],
        "scripts": list(scripts),
        "situations": situations,
        "legends": [[pieces.setdefault(part, len(pieces)) for part in _parts(html)]
                    for html in legends],
        "pieces": list(pieces),
        "route": GROUP_ROUTE,
        "near": NEAR,
        "budget": PREFETCH_BYTES,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _group(js_string(text), index)


__all__ = ["clear", "empty_group", "plan_group", "span_segments", "stamp_parts"]
