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
to the server.

The base map's :class:`DatePreview` listens to the app page's date inputs (the typed
date's Enter, the slider's arrow keys, ◀ ▶ with the key-date unit; the frame has the
page's origin) and, right after Streamlit has taken the input, shows that day's
situation: its groups from the frame's kept groups, or made from scripts it fetched
beforehand while idle (``requestIdleCallback``: the nearest situations first, at most
:data:`PREFETCH_BYTES`), and the date stamp and legend, in one task. A day whose groups
are not all at hand is not previewed (no request inside a change). The server's run
then arrives as always and is applied as always: its groups are those shown (stubs that
change nothing), its stamp the same text. Inputs faster than their runs (an arrow key
held on the slider): the frame notes each input's day, and the run of a day asked for
before later inputs is followed, in the same task, by the last of them previewed again,
so the painted map never steps back; any other run (of the last input, or of no input:
the server's own) is the map's day, its groups and stamp replacing a preview, so the map
always ends on the server's last run. The plan
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
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import folium

from geo.dataset import Dataset
from geo.dates import format_date
from geo.periods import KeyDays
from layers.briefing.view import View
from layers.web.annotations import js_string
from layers.web.day_plan import segments
from layers.web.elements import GroupValue, MapScript
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
#: Milliseconds a preview waits for its run: a run of an earlier preview's day that
#: comes meanwhile is followed by the later preview again (see :data:`_PREVIEW_JS`).
PENDING_MS = 10_000
#: Plans and span segments kept (a few views and data versions; small, per process).
KEPT = 8

_PREVIEW_JS = """
(function (map) {
    var plan = null, scripts = {}, sizes = {}, loading = {}, failed = {}, bytes = 0, queue = [];
    // The days the page's inputs asked for whose runs have not come, oldest first, each
    // with whether it was previewed.
    var inputs = [], ran = null;  // ran: the day of the last run applied
    // enabled: false stops the previews and the fetching ahead (a test of the server's
    // runs alone); the rest are counts for the tests and benchmarks.
    var stats = window.bmPreview = {enabled: true, plans: 0, shown: 0, missed: 0, fetched: 0,
        made: 0, last: null, confirmed: 0, superseded: 0};
    var path = location.pathname, cut = path.indexOf('/component/');
    var base = cut >= 0 ? path.slice(0, cut) : '';
    var ric = window.requestIdleCallback || function (f) { return setTimeout(f, 30); };

    function stampOf(iso) {
        var p = iso.split('-');
        return plan.prefix + parseInt(p[2], 10) + ' ' + plan.months[parseInt(p[1], 10) - 1]
            + ' ' + p[0];
    }
    function segmentOf(iso) {  // the last segment starting on or before iso
        var lo = 0, hi = plan.starts.length - 1, found = -1;
        while (lo <= hi) {
            var mid = (lo + hi) >> 1;
            if (plan.starts[mid] <= iso) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
        }
        return found;
    }
    function legendOf(s) {
        return plan.legends[plan.situations[s][0]].map(function (i) { return plan.pieces[i]; })
            .join('');
    }
    function groupsOf(s) {  // [[position, key], ...]
        var row = plan.situations[s], out = [];
        for (var i = 1; i < row.length; i += 2) { out.push([row[i], plan.scripts[row[i + 1]]]); }
        return out;
    }
    // The kept groups of the frame (layers.web.prepared.RESET).
    function shown(g) {
        var slot = (window.briefingKept || {})[g[0]];
        return !!slot && slot.key === g[1];
    }
    function made(g) { return !!window.briefingGroups && window.briefingGroups.has(g[1]); }
    function ready(s) {
        return groupsOf(s).every(function (g) { return shown(g) || made(g) || !!scripts[g[1]]; });
    }
    // The same steps as the player's (layers.web.playback): the groups not shown are
    // shown (made before: added again; fetched: made now), then the groups above the
    // lowest one changed are put back on top in order.
    function draw(s) {
        var low = Infinity;
        groupsOf(s).forEach(function (g) {
            if (shown(g)) { return; }
            var group = made(g) ? window.briefingGroups.get(g[1]) : null;
            if (group) { map.addLayer(group); } else {
                group = scripts[g[1]]();
                delete scripts[g[1]];
                stats.made += 1;
            }
            window.briefingPlace(g[0], g[1], group);
            low = Math.min(low, g[0]);
        });
        if (low === Infinity) { return; }
        var kept = window.briefingKept || {};
        Object.keys(kept).map(Number).sort(function (a, b) { return a - b; })
            .forEach(function (i) { if (i > low) { kept[i].group.bringToFront(); } });
        (window.feature_group || []).forEach(function (g) {
            if (g.bringToFront) { g.bringToFront(); }
        });
    }
    function fetchGroup(g) {
        var key = g[1], index = g[0];
        loading[key] = true;
        return fetch(base + plan.route + '/' + encodeURIComponent(key) + '.js',
                     {credentials: 'same-origin'})
            .then(function (reply) {
                if (!reply.ok) { throw new Error('group ' + key + ': ' + reply.status); }
                return reply.text();
            })
            .then(function (text) {
                bytes += text.length;
                sizes[key] = text.length;
                scripts[key] = new Function(
                    text + '\\nreturn feature_group_feature_group_' + index + ';');
                stats.fetched += 1;
            })
            .catch(function (error) { failed[key] = true; console.warn(error); })
            .then(function () { delete loading[key]; });
    }
    function needed(g) {
        return !shown(g) && !made(g) && !scripts[g[1]] && !loading[g[1]] && !failed[g[1]];
    }
    function pump() {
        ric(function () {
            if (!plan || !stats.enabled || bytes >= plan.budget) { queue = []; return; }
            var g;
            do { g = queue.shift(); } while (g && !needed(g));
            if (g) { fetchGroup(g).then(pump); }
        });
    }
    // Fetch, while idle, the groups of the situations nearest the day shown.
    function prefetch(iso) {
        if (!plan || !iso) { return; }
        var at = Math.max(0, segmentOf(iso)), order = [], seen = {};
        for (var d = 0; d < plan.starts.length; d++) {
            [at - d, at + d].forEach(function (i) {
                var s = plan.at[i];
                if (i >= 0 && i < plan.starts.length && s >= 0 && !seen[s]) {
                    seen[s] = true;
                    order.push(s);
                }
            });
        }
        var near = order.slice(0, 2 * plan.near + 1);
        keyNeighbours(iso).forEach(function (s) { if (near.indexOf(s) < 0) { near.push(s); } });
        near = near.concat(order.filter(function (s) { return near.indexOf(s) < 0; }));
        var idle = queue.length === 0;
        queue = [];
        near.forEach(function (s) { groupsOf(s).forEach(function (g) {
            if (needed(g)) { queue.push(g); }
        }); });
        if (idle) { pump(); }
    }
    function situationOn(iso) {
        var i = segmentOf(iso);
        return i < 0 ? -1 : plan.at[i];
    }
    function keyStep(iso, forward) {
        var keys = plan.keys, i;
        if (forward) {
            for (i = 0; i < keys.length; i++) { if (keys[i] > iso) { return keys[i]; } }
        } else {
            for (i = keys.length - 1; i >= 0; i--) { if (keys[i] < iso) { return keys[i]; } }
        }
        return null;
    }
    function keyNeighbours(iso) {
        return [keyStep(iso, true), keyStep(iso, false)].filter(Boolean).map(situationOn)
            .filter(function (s) { return s >= 0; });
    }
    function addDays(iso, n) {
        var d = new Date(iso + 'T00:00:00Z');
        d.setUTCDate(d.getUTCDate() + n);
        return d.toISOString().slice(0, 10);
    }
    function isDay(text) {
        if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(text)) { return false; }
        var d = new Date(text + 'T00:00:00Z');
        return !isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
    }
    function today() {
        var state = map.bmOverlay ? map.bmOverlay.state() : null;
        return state && state.day ? state.day : null;
    }
    // Day iso's situation and stamp, when its groups are all at hand.
    function show(iso) {
        var s = situationOn(iso);
        if (s < 0 || !ready(s)) { return false; }
        var before = map.bmOverlay.state();
        draw(s);
        map.bmOverlay.apply({date: stampOf(iso), legend: legendOf(s), now: '',
                             picking: before.picking, day: iso});
        return true;
    }
    // The day the last input asked for (the slider and the steps go on from it).
    function wanted() { return inputs.length ? inputs[inputs.length - 1].day : today(); }
    // An input of the page's asks for day iso (called in its handler): noted at once, shown
    // after the page's own handling of it (Streamlit sends the rerun request from a task
    // it queues while the event is dispatched, after this listener of the capture phase),
    // so the preview waits two tasks and never delays the request.
    function later(then) { setTimeout(function () { setTimeout(then, 0); }, 0); }
    function ask(iso, now) {
        if (!plan || !stats.enabled || !iso || iso < plan.first || iso > plan.last
                || iso === wanted()) { return; }
        if (window.bmPlayback && window.bmPlayback.playing) { return; }
        var input = {day: iso, at: performance.now(), shown: false};
        inputs.push(input);
        if (inputs.length > 50) { inputs.shift(); }
        if (now) { preview(input); } else { later(function () { preview(input); }); }
    }
    // An arrow key on the slider: its day is the slider's own value once it has taken the
    // key (microseconds since 1970; a run may have set the slider back meanwhile), else
    // one day on from the last input's.
    function askSlider(range, step) {
        var before = wanted();
        later(function () {
            var value = Number(range.value), iso = null;
            if (range.value && isFinite(value)) {
                iso = new Date(value / 1000).toISOString().slice(0, 10);
            }
            if (!iso || iso === before) { iso = before ? addDays(before, step) : null; }
            ask(iso, true);
        });
    }
    // Show the day of the last input at once, if it can be.
    function preview(input) {
        if (inputs[inputs.length - 1] !== input || !map.getContainer().isConnected) { return; }
        if (!show(input.day)) { stats.missed += 1; prefetch(input.day); return; }
        input.shown = true;
        stats.shown += 1;
        stats.last = input.day;
        prefetch(input.day);
    }
    // Whether day iso can be previewed now (tests, benchmarks).
    stats.ready = function (iso) {
        var s = plan ? situationOn(iso) : -1;
        return s >= 0 && ready(s);
    };
    // The app page's date inputs (the frame has its origin; none else: no preview).
    var doc = null;
    try {
        if (window.parent !== window) { doc = window.parent.document; }
    } catch (e) { doc = null; }
    function onKey(e) {
        var t = e.target;
        if (!plan || !t || !t.closest) { return; }
        if (e.key === 'Enter' && t.closest('.st-key-day_input')) {
            var text = String(t.value || '').trim();
            if (isDay(text)) { ask(text); }
            return;
        }
        var step = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1}[e.key];
        if (step && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey
                && t.closest('.st-key-date-slider') && t.type === 'range') {
            askSlider(t, step);
        }
    }
    function onClick(e) {
        var t = e.target;
        var button = plan && t && t.closest
            ? t.closest('.st-key-prev button, .st-key-next button') : null;
        if (!button || button.disabled || plan.unit !== 'key' || !wanted()) { return; }
        ask(keyStep(wanted(), !!button.closest('.st-key-next')));
    }
    if (doc) {
        doc.addEventListener('keydown', onKey, true);
        doc.addEventListener('click', onClick, true);
        window.addEventListener('pagehide', function () {
            doc.removeEventListener('keydown', onKey, true);
            doc.removeEventListener('click', onClick, true);
        });
    }
    map.on('layeradd', function (e) {
        if (typeof e.layer.bmPreview !== 'string') { return; }
        plan = e.layer.bmPreview ? JSON.parse(e.layer.bmPreview) : null;
        var named = {}, kept = {};  // the scripts fetched that the new plan names stay
        (plan ? plan.scripts : []).forEach(function (key) { named[key] = true; });
        bytes = 0;
        Object.keys(scripts).forEach(function (key) {
            if (named[key]) { kept[key] = scripts[key]; bytes += sizes[key] || 0; }
        });
        scripts = kept;
        queue = [];
        failed = {};
        if (plan) { stats.plans += 1; prefetch(today()); }
    });
    // A run of the server shows its day (the overlay has applied it: its groups are
    // placed, the stamp written). The run of an input's day when later inputs came (or of
    // a day between the last run's and the last input's) is followed, in the same task
    // (nothing painted between), by the last of them previewed again; any other run is
    // the map's day (its groups and stamp replace a preview).
    map.on('layeradd', function (e) {
        var state = e.layer.bmState;
        if (!state) { return; }
        var now = performance.now();
        inputs = inputs.filter(function (input) { return now - input.at < PENDING_MS; });
        var at = inputs.map(function (input) { return input.day; }).lastIndexOf(state.day);
        var last = inputs.length ? inputs[inputs.length - 1].day : null, day = state.day;
        // on the way from the server's last day to the last input's (the slider's days
        // between two arrow keys read at once)
        var between = !!last && !!ran && day !== last
            && ((ran <= day && day < last) || (last < day && day <= ran));
        ran = day;
        if (plan && ((at >= 0 && at < inputs.length - 1) || between)) {  // later inputs' runs come
            inputs = inputs.slice(at + 1);
            var shownLast = inputs.filter(function (input) { return input.shown; }).pop();
            if (shownLast && show(shownLast.day)) { stats.superseded += 1; }
        } else {
            if (at >= 0) { stats.confirmed += 1; }
            inputs = [];
        }
        prefetch(today());
    });
})(MAP);
"""


class DatePreview(MapScript):
    """The base map's preview of a date change (see the module docstring)."""

    source = _PREVIEW_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "DatePreview"

    def substitutions(self) -> dict[str, str]:
        """How long a preview waits for its run at most (ms)."""
        return {"PENDING_MS": str(PENDING_MS)}


@dataclass(frozen=True)
class SpanSegments:
    """The days the view's dated layers may change on over the data's span (``starts``,
    the first day first) and each segment's :func:`situation_identity`."""

    starts: tuple[dt.date, ...]
    identities: tuple[SituationIdentity, ...]


_LOCK = threading.Lock()
#: By (version, dated layer ids, span): (the dataset, its segments).
_SEGMENTS: OrderedDict[Hashable, tuple[Dataset, SpanSegments]] = OrderedDict()
#: Segments being made in a thread (:func:`span_segments` without waiting).
_MAKING: set[Hashable] = set()
#: By what a plan is made of (see :func:`plan_group`): its kept group.
_PLANS: OrderedDict[Hashable, PreparedScript] = OrderedDict()


def clear() -> None:
    """Forget the segments and plans kept (tests, benchmarks)."""
    with _LOCK:
        _SEGMENTS.clear()
        _PLANS.clear()


def _keep(table: OrderedDict[Hashable, object], key: Hashable, value: object) -> None:
    with _LOCK:
        table[key] = value
        table.move_to_end(key)
        while len(table) > KEPT:
            table.popitem(last=False)


def span_segments(
    version: Hashable, dataset: Dataset, dated: tuple[str, ...], *, wait: bool = True
) -> SpanSegments | None:
    """:class:`SpanSegments` of ``dated`` over ``dataset``'s span (made once per data
    version and layers: about 0.3 s of CPU on the committed data's 116 segments). Without
    ``wait``, None until they are made, in a thread of their own: a run (a session's
    first map, a layer switched on) never waits for them, a later run's plan has them."""
    key = (version, dated, dataset.span)
    with _LOCK:
        found = _SEGMENTS.get(key)
        if found is not None and found[0] is dataset:
            _SEGMENTS.move_to_end(key)
            return found[1]
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
        _keep(_SEGMENTS, key, (dataset, SpanSegments((), ())))  # type: ignore[arg-type]


def _segments_of(key: Hashable, dataset: Dataset, dated: tuple[str, ...]) -> SpanSegments:
    found_segments = segments(dataset, dataset.span.first, dataset.span.last, dated)
    made = SpanSegments(
        tuple(day for day, _ in found_segments),
        tuple(situation_identity(s, dated, dataset=dataset) for _, s in found_segments),
    )
    _keep(_SEGMENTS, key, (dataset, made))  # type: ignore[arg-type]
    return made


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
    key = ("empty", index)
    with _LOCK:
        found = _PLANS.get(key)
    if found is None:
        found = _group("", index)
        _keep(_PLANS, key, found)  # type: ignore[arg-type]
    return found


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
    signature = (version, id(dataset), view.layers, view.convention, unit, index, tuple(ready))
    with _LOCK:
        kept = _PLANS.get(signature)
        if kept is not None:
            _PLANS.move_to_end(signature)
            return kept
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
    made = _group(js_string(text), index)
    _keep(_PLANS, signature, made)  # type: ignore[arg-type]
    return made


__all__ = ["DatePreview", "clear", "empty_group", "plan_group", "span_segments", "stamp_parts"]
