"""Events at one place, spread so that each can be clicked (issue 24).

Several events happen at the same town (three at Yerevan in February 2021), and an event
at a town sits on the town's own marker: stacked, only the top one could be clicked,
and a click on Kars opened the town, not the event. :class:`SpreadEvents` (on the base
map, no data in it) places such event markers on a small ring around their point, each
joined to it by a thin leader line; the town keeps its place. An event alone at its
point stays on it. The ring is in screen pixels, so it is laid out again after each
zoom and whenever the day's groups are added. Event features are those marked
``stack: "event"`` (:func:`layers.web.geojson.feature_collection`, from the catalogue's
event source). A marker keeps its title as tooltip, which is how a click finds its
timeline card (:func:`layers.web.timeline_panel.clicked_event`). It also gives each
marker the keyboard can reach its tooltip's text as ``aria-label`` (its accessible name).
"""

from __future__ import annotations

from layers.web.elements import MapScript

#: Distance of the ring from the shared point, in CSS pixels (more events, wider ring).
RING_PX = 14
#: The feature property marking an event marker, and its value.
STACK_PROPERTY = "stack"
EVENT = "event"

_SPREAD_JS = """
(function (map) {
    var leaders = L.layerGroup().addTo(map);
    function home(layer) {
        if (!layer.bmHome) { layer.bmHome = layer.getLatLng(); }
        return layer.bmHome;
    }
    function key(ll) { return ll.lat.toFixed(5) + ',' + ll.lng.toFixed(5); }
    // A marker the keyboard can reach (role=button) is named by its tooltip's text.
    function name(layer) {
        var element = layer.getElement ? layer.getElement() : null;
        var tip = layer.getTooltip ? layer.getTooltip() : null;
        if (!element || !tip || element.getAttribute('aria-label')) { return; }
        var text = document.createElement('div');
        text.innerHTML = tip.getContent();  // escaped in Python: text only
        element.setAttribute('aria-label', (text.textContent || '').trim());
    }
    var drawn = '';  // the leaders drawn: (event id, from, to) of each
    function spread() {
        var lines = [];
        map.eachLayer(function (layer) { if (layer instanceof L.Marker) { name(layer); } });
        var events = {}, points = {};
        map.eachLayer(function (layer) {
            var feature = layer.feature;
            if (!feature || !layer.getLatLng || !feature.geometry) { return; }
            var props = feature.properties || {};
            var where = key(layer.bmHome || layer.getLatLng());
            if (props.PROPERTY === 'EVENT') {
                (events[where] = events[where] || []).push(layer);
            } else if (feature.geometry.type === 'Point' && !props.label_at && props.tooltip) {
                points[where] = true;  // a town or site (not an area's label anchor)
            }
        });
        Object.keys(events).forEach(function (where) {
            var group = events[where];
            if (group.length === 1 && !points[where]) {
                if (group[0].bmHome) { group[0].setLatLng(group[0].bmHome); }
                return;
            }
            group.sort(function (a, b) {
                return String(a.feature.id) < String(b.feature.id) ? -1 : 1;
            });
            var n = group.length, step = 2 * Math.PI / Math.max(n, 4);
            var radius = RING + Math.max(0, n - 4) * 3;
            var centre = map.latLngToLayerPoint(home(group[0]));
            group.forEach(function (layer, i) {
                var angle = -Math.PI / 2 - i * step;  // above, left, below: the label is right
                var at = map.layerPointToLatLng(L.point(
                    centre.x + radius * Math.cos(angle), centre.y + radius * Math.sin(angle)));
                home(layer);
                layer.setLatLng(at);
                lines.push([layer.feature.id, layer.bmHome, at]);
            });
        });
        // Drawn again only when they moved (a date change that keeps the situation
        // draws nothing new: tests/e2e/test_date_change.py).
        var signature = JSON.stringify(lines.map(function (l) {
            return [l[0], l[1].lat.toFixed(6), l[1].lng.toFixed(6), l[2].lat.toFixed(6),
                    l[2].lng.toFixed(6)];
        }));
        if (signature === drawn) {  // kept above groups drawn again since (their order
            leaders.eachLayer(function (line) { line.bringToFront(); });  // on a new page)
            return;
        }
        drawn = signature;
        leaders.clearLayers();
        lines.forEach(function (l) {
            L.polyline([l[1], l[2]], {color: '#444444', weight: 1, opacity: 0.8,
                interactive: false}).addTo(leaders);
        });
    }
    var pending = null;
    function schedule() {
        if (pending !== null) { clearTimeout(pending); }
        pending = setTimeout(function () { pending = null; spread(); }, 0);
    }
    map.on('zoomend', schedule);
    map.on('layeradd', function (e) {
        if (e.layer !== leaders && !leaders.hasLayer(e.layer)) { schedule(); }
    });
    map.whenReady(schedule);
})(MAP);
"""


class SpreadEvents(MapScript):
    """Spreads stacked event markers on a ring around their point (module docstring)."""

    source = _SPREAD_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "SpreadEvents"

    def substitutions(self) -> dict[str, str]:
        """The stack property, its event value and the ring's radius."""
        return {"PROPERTY": STACK_PROPERTY, "EVENT": EVENT, "RING": str(int(RING_PX))}
