"""Playback by day in the map's own frame: the base map's player and the group that hands
it a plan (:mod:`layers.web.day_plan`).

A playback step through Streamlit is a script run that re-sends the whole feature-group
script (about 900 KiB on the committed data): a few steps a second at best. Here the
frame steps alone. The base map carries :class:`DayPlayer` (a fixed script, no data); a
feature group carries the plan as ``bmPlayback`` (:func:`playback_group`, JSON text in a
JavaScript string literal, :func:`layers.web.annotations.js_string`), and the player
takes it when the group is added, as the overlay takes the date stamp. Base map
unchanged, so the map is never remounted.

Every tick (``speed`` days a second) the player writes the day's date stamp (plain
text, ``textContent``); where the day's situation differs from the one shown it shows
that situation's dated groups whose key differs, with the frame's own kept groups
(:data:`layers.web.prepared.RESET`: a group made before is shown again, not made
again; a new one made from its script), fetched beforehand from the app's
route ``/briefing-groups/<key>.js`` (:mod:`layers.web.group_route`) by content key,
``ahead`` days before their day. A group not fetched yet when its day comes holds the
playback on the day before for that tick (it never skips a situation); the legend and
the card of the latest event follow at each change.

The player reports where it stopped (on its Pause button, at the end, or when the app
asks it to stop) through streamlit-folium's ``last_geocoder_result`` (this map has no
geocoder): ``{"playback": {"day", "plan", "reason", "report"}}``, ``report`` naming the
frame and a count, so the app takes a report once (:mod:`ui.day_playback`). Counts for
the benchmark are in the frame's ``window.bmPlayback``.
"""

from __future__ import annotations

import json

import folium

from layers.web.annotations import js_string
from layers.web.elements import GroupValue, MapScript

#: Days a situation's groups are fetched before their day (at least).
AHEAD_DAYS = 8

_PLAYER_JS = """
(function (map) {
    var frameId = Math.random().toString(36).slice(2), reports = 0;
    var plan = null, at = 0, playing = false, timer = null, next = 0, period = 100;
    var scripts = {}, loading = {}, box = null, painted = null;
    var stats = window.bmPlayback = {plan: null, playing: false, day: null, ticks: 0,
        swaps: 0, waits: 0, paints: 0, fetched: 0, started: 0, stopped: 0};
    // The app's path before the component's (Streamlit may serve under a base path).
    var path = location.pathname, cut = path.indexOf('/component/');
    var base = cut >= 0 ? path.slice(0, cut) : '';

    // The kept groups of the frame (layers.web.prepared.RESET): the group shown at an
    // index (briefingKept), the groups made by key (briefingGroups).
    function shown(g) {
        var slot = (window.briefingKept || {})[g[0]];
        return !!slot && slot.key === g[1];
    }
    function made(g) {
        return !!window.briefingGroups && window.briefingGroups.has(g[1]);
    }
    var failed = {};  // key -> when its fetch failed: asked again a second later
    function fetchGroup(g) {
        var key = g[1], index = g[0];
        if (scripts[key] || loading[key]) { return; }
        if (failed[key] && performance.now() - failed[key] < 1000) { return; }
        loading[key] = true;
        fetch(base + plan.route + '/' + encodeURIComponent(key) + '.js',
              {credentials: 'same-origin'})
            .then(function (reply) {
                if (!reply.ok) { throw new Error('group ' + key + ': ' + reply.status); }
                return reply.text();
            })
            .then(function (text) {
                scripts[key] = new Function(
                    text + '\\nreturn feature_group_feature_group_' + index + ';');
                stats.fetched += 1;
            })
            .catch(function (error) { failed[key] = performance.now(); console.warn(error); })
            .then(function () { delete loading[key]; });
    }
    // The groups of situation s the frame lacks (neither shown, made nor fetched).
    function missing(s) {
        return plan.situations[s].groups.filter(function (g) {
            return !shown(g) && !made(g) && !scripts[g[1]];
        });
    }
    function prefetch(from) {
        var seen = {};
        var until = Math.min(plan.days.length, from + plan.ahead);
        for (var i = from; i < until; i++) {
            var s = plan.days[i][2];
            if (!seen[s]) {
                seen[s] = true;
                missing(s).forEach(fetchGroup);
            }
        }
    }
    // Show the situation's groups not shown (a group made before is shown again, one
    // fetched is made; the frame's own rule otherwise: briefingKeep fetches it at once),
    // then put the groups above the lowest one shown back on top, in order.
    function draw(s) {
        var low = Infinity;
        plan.situations[s].groups.forEach(function (g) {
            if (shown(g)) { return; }
            if (!made(g) && scripts[g[1]]) {
                window.briefingPlace(g[0], g[1], scripts[g[1]]());
            } else {
                window.briefingKeep(g[0], g[1]);
            }
            low = Math.min(low, g[0]);
        });
        if (low === Infinity) { return false; }
        var kept = window.briefingKept || {};
        Object.keys(kept).map(Number).sort(function (a, b) { return a - b; })
            .forEach(function (i) { if (i > low) { kept[i].group.bringToFront(); } });
        (window.feature_group || []).forEach(function (g) {
            if (g.bringToFront) { g.bringToFront(); }
        });
        return true;
    }
    function show(i, again) {
        var day = plan.days[i], overlay = map.bmOverlay;
        var s = day[2], changed = again || s !== plan.days[at][2] || i === at;
        at = i;
        stats.day = day[0];
        if (changed) {
            if (draw(s)) { stats.swaps += 1; }
            var before = overlay.state(), situation = plan.situations[s];
            overlay.apply({date: day[1], legend: plan.legends[situation.legend], now: situation.now,
                           picking: before.picking});
        } else {
            overlay.stamp(day[1]);
        }
        if (box) { box.count.textContent = (i + 1) + ' / ' + plan.days.length; }
    }
    function paints() {
        if (!playing) { return; }
        var text = plan.days[at][1];
        if (text !== painted) { painted = text; stats.paints += 1; }
        window.requestAnimationFrame(paints);
    }
    function schedule() {
        var now = performance.now();
        next = Math.max(next + period, now - period);  // late: no burst to catch up
        timer = setTimeout(tick, Math.max(0, next - now));
    }
    function tick() {
        timer = null;
        if (!playing) { return; }
        var i = at + 1;
        if (i >= plan.days.length) { stop('end'); return; }
        var s = plan.days[i][2];
        if (s !== plan.days[at][2] && missing(s).length) {  // not here yet: wait a tick
            stats.waits += 1;
            prefetch(i);
            schedule();
            return;
        }
        stats.ticks += 1;
        show(i, false);
        prefetch(i + 1);
        if (i === plan.days.length - 1) { stop('end'); } else { schedule(); }
    }
    function report(reason) {
        reports += 1;
        var data = window.__GLOBAL_DATA__;
        if (!data) { return; }
        data.last_geocoder_result = {playback: {day: plan.days[at][0], plan: plan.id,
            reason: reason, report: frameId + ':' + reports}};
        map.fire('overlayadd', {layer: null});  // streamlit-folium reports its value
    }
    function halt() {
        playing = stats.playing = false;
        if (timer !== null) { clearTimeout(timer); timer = null; }
        stats.stopped = performance.now();
        if (box) { box.div.remove(); box = null; }
    }
    function stop(reason) {
        halt();
        report(reason);
    }
    function controls() {
        var div = L.DomUtil.create('div', 'leaflet-control bm-control bm-playback', null);
        var button = L.DomUtil.create('button', 'bm-playback-pause', div);
        button.type = 'button';
        button.textContent = 'Pause';
        button.setAttribute('aria-label', 'Pause the playback by day');
        var count = L.DomUtil.create('span', 'bm-playback-count', div);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.on(button, 'click', function () { if (playing) { stop('pause'); } });
        var corner = map.getContainer().querySelector('.leaflet-top.leaflet-right');
        if (corner) { corner.appendChild(div); }
        return {div: div, count: count};
    }
    function start(given) {
        halt();
        plan = given;
        at = 0;
        period = 1000 / plan.speed;
        stats.plan = plan.id;
        stats.ticks = stats.swaps = stats.waits = stats.paints = 0;
        playing = stats.playing = true;
        stats.started = next = performance.now();
        box = controls();
        show(0, false);
        prefetch(0);
        window.requestAnimationFrame(paints);
        schedule();
    }
    function receive(given) {
        if (!given) {  // no playback (the app moved to another day meanwhile)
            if (playing) { halt(); }
            plan = null;
            return;
        }
        var mine = plan !== null && plan.id === given.id;
        if (given.stop) {
            if (!mine) { return; }
            if (playing) { halt(); }
            if (given.reapply) { show(at, true); }
            report('pause');
        } else if (mine) {
            show(at, true);  // the app's groups of the start day were run again
        } else {
            start(given);
        }
    }
    map.on('layeradd', function (e) {
        if (typeof e.layer.bmPlayback === 'string') {
            receive(e.layer.bmPlayback ? JSON.parse(e.layer.bmPlayback) : null);
        }
    });
})(MAP);
"""

#: Style of the player's box (below the date stamp, top right).
PLAYER_CSS = """
<style>
.bm-playback { display: flex; gap: 6px; align-items: center; padding: 3px 6px;
  font: 12px system-ui, sans-serif; }
.bm-playback-pause { font: 600 12px system-ui, sans-serif; padding: 2px 8px;
  border: 1px solid #555555; border-radius: 3px; background: #ffffff; cursor: pointer; }
.bm-playback-count { color: #333333; font-variant-numeric: tabular-nums; }
</style>
"""


class DayPlayer(MapScript):
    """The base map's player of playbacks by day (see the module docstring)."""

    source = _PLAYER_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "DayPlayer"


def playback_group(payload: str = "") -> folium.FeatureGroup:
    """An empty group handing the player ``payload``: a JavaScript string literal of the
    plan's JSON (:meth:`layers.web.day_plan.DayPlan.payload`), of a stop
    (:func:`stop_payload`), or nothing (no playback: a playing frame stops)."""
    group = folium.FeatureGroup(name="Playback")
    GroupValue("bmPlayback", payload or '""').add_to(group)
    return group


def stop_payload(plan_id: str, *, reapply: bool) -> str:
    """The payload asking the player to stop playing ``plan_id`` and report where it
    is; with ``reapply``, it first draws that day again (the app's run drew the start
    day's groups again, and the layers are those the plan was made for).

    >>> stop_payload("p1", reapply=True)
    '"\\\\u007b\\\\"id\\\\": \\\\"p1\\\\", \\\\"stop\\\\": true, \\\\"reapply\\\\": true\\\\u007d"'
    """
    return js_string(json.dumps({"id": plan_id, "stop": True, "reapply": bool(reapply)}))
