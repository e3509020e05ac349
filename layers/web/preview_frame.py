"""The map frame's script of the date preview (issue 25, :mod:`layers.web.date_preview`):
the base map's :class:`DatePreview` listens to the app page's date inputs and shows the
day's situation from the plan :func:`layers.web.date_preview.plan_group` hands it (see
that module's docstring for the whole design: what the plan holds, when a day is shown,
how the server's runs confirm or supersede a preview)."""

from __future__ import annotations

import json

from layers.web.date_widgets import DAY_INPUT, NEXT, PREV, SLIDER_BOX, selector
from layers.web.elements import MapScript

#: Milliseconds a preview waits for its run: a run of an earlier preview's day that
#: comes meanwhile is followed by the later preview again (see :data:`_PREVIEW_JS`).
PENDING_MS = 10_000

_PREVIEW_JS = """
(function (map) {
    var plan = null, scripts = {}, sizes = {}, loading = {}, failed = {}, bytes = 0, queue = [];
    // The days the page's inputs asked for whose runs have not come, oldest first, each
    // with whether it was previewed.
    var inputs = [], ran = null;  // ran: the day of the last run applied
    // enabled: false stops the previews and the fetching ahead (a test of the server's
    // runs alone); the rest are counts for the tests and benchmarks.
    var stats = window.bmPreview = {enabled: true, plans: 0, shown: 0, missed: 0, fetched: 0,
        made: 0, last: null, confirmed: 0, superseded: 0, late: 0};
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
        return loading[key] = fetch(base + plan.route + '/' + encodeURIComponent(key) + '.js',
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
        var input = {day: iso, at: performance.now(), shown: false, fetching: fetchFor(iso)};
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
    // The groups of day iso not at hand, fetched at the input (before the page sends its
    // rerun request: the app's own route, each script a few ms from the process's store):
    // a promise of them all, or null when none is missing (or the day is not in the plan).
    function fetchFor(iso) {
        var s = situationOn(iso), waits = [];
        if (s < 0) { return null; }
        groupsOf(s).forEach(function (g) {
            if (shown(g) || made(g) || scripts[g[1]] || failed[g[1]]) { return; }
            waits.push(loading[g[1]] || fetchGroup(g));
        });
        return waits.length ? Promise.all(waits) : null;
    }
    // Show the day of the last input at once if it can be, else once the groups fetched at
    // the input came: not if a run or a later input came meanwhile (the input is no
    // longer the last one waiting), so the server's run always has the last word.
    function preview(input) {
        if (inputs[inputs.length - 1] !== input || !map.getContainer().isConnected) { return; }
        if (!show(input.day)) {
            if (input.fetching && !input.late) {
                input.late = true;
                input.fetching.then(function () { preview(input); });
                return;
            }
            stats.missed += 1;
            prefetch(input.day);
            return;
        }
        if (input.late) { stats.late += 1; }
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
        if (e.key === 'Enter' && t.closest(@DAY_INPUT@)) {
            var text = String(t.value || '').trim();
            if (isDay(text)) { ask(text); }
            return;
        }
        var step = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1}[e.key];
        if (step && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey
                && t.closest(@SLIDER_BOX@) && t.type === 'range') {
            askSlider(t, step);
        }
    }
    function onClick(e) {
        var t = e.target;
        var button = plan && t && t.closest
            ? t.closest(@STEP_BUTTONS@) : null;
        if (!button || button.disabled || plan.unit !== 'key' || !wanted()) { return; }
        ask(keyStep(wanted(), !!button.closest(@NEXT@)));
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

#: The app page's date widgets, found by their keys (:mod:`layers.web.date_widgets`):
#: constant selectors written as JavaScript string literals.
_WIDGETS = {
    "@DAY_INPUT@": selector(DAY_INPUT),
    "@SLIDER_BOX@": selector(SLIDER_BOX),
    "@STEP_BUTTONS@": f"{selector(PREV, 'button')}, {selector(NEXT, 'button')}",
    "@NEXT@": selector(NEXT),
}
for _mark, _css in _WIDGETS.items():
    _PREVIEW_JS = _PREVIEW_JS.replace(_mark, json.dumps(_css))


class DatePreview(MapScript):
    """The base map's preview of a date change (see the module docstring)."""

    source = _PREVIEW_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "DatePreview"

    def substitutions(self) -> dict[str, str]:
        """How long a preview waits for its run at most (ms)."""
        return {"PENDING_MS": str(PENDING_MS)}


__all__ = ["PENDING_MS", "DatePreview"]
