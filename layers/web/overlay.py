"""Map furniture that follows the date without remounting the map, and label decluttering.

streamlit-folium re-renders only the feature groups when the date or the layers change
(``st_folium(feature_group_to_add=...)``); the base map, and everything added to it, is
drawn once. So the base map carries an :class:`Overlay`: a date stamp control (top
right), a collapsible legend control (bottom left, off the subject; closed on maps
narrower than :data:`OPEN_LEGEND_MAP_PX`) and a routine that hides the lower-priority
permanent labels overlapping others after every zoom or pan. The day's content comes
with the feature groups: a :class:`SituationState` in a feature group sets ``bmState``
(the date stamp text and the legend HTML) on its group, and the overlay applies it when
the group is added to the map.

Label priorities are the catalogue's :class:`layers.catalog.Label` ``priority`` (lower
wins), carried on each label as the CSS class ``bm-p-<priority>``.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from layers.web.elements import MapScript

#: Below this map width (px) the legend starts closed: open, it would hide the west of
#: the map (Turkey, Kars) on a laptop's 1366 x 768 screen, and most of a phone's map.
OPEN_LEGEND_MAP_PX = 1100
#: CSS class prefix carrying a label's priority (``bm-p-10``).
PRIORITY_CLASS = "bm-p-"

#: Script of the base map. Its only inputs are numbers; the texts it shows come from
#: ``bmState`` (the date stamp as text, the legend as HTML escaped in Python).
_OVERLAY_JS = """
(function (map) {
    function box(position, cls) {
        var control = L.control({position: position});
        control.onAdd = function () {
            var div = L.DomUtil.create('div', 'bm-control ' + cls);
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        control.addTo(map);
        return control.getContainer();
    }
    var stamp = box('topright', 'bm-date-stamp');
    var legend = box('bottomleft', 'bm-legend-box');
    stamp.style.display = 'none';
    // The event a playback is at (the timeline's current card, in short): seen on the
    // map while the timeline may be below the fold.
    var now = box('topright', 'bm-now');
    now.setAttribute('role', 'status');
    now.setAttribute('aria-live', 'polite');
    now.style.display = 'none';
    var legendOpen = null;  // decided when the legend is first shown, the map laid out
    var foldedFor = null;  // the open popup the legend folded for

    function priority(el) {
        var found = /(?:^| )PREFIX(\\d+)/.exec(el.className);
        return found ? parseInt(found[1], 10) : 1000;
    }
    function overlaps(a, b) {
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }
    function permanentLabels() {
        var tips = [];
        map.eachLayer(function (layer) {
            var tip = layer.getTooltip ? layer.getTooltip() : null;
            if (tip && tip.options.permanent && tip._container && tip._map
                    && tip._container.classList.contains('bm-label')) {
                tips.push(tip);
            }
        });
        return tips;
    }
    // Place a label at its point with its current size (Leaflet's position step only:
    // its content is unchanged, and rewriting it would lay the page out again).
    function place(tip) {
        if (tip._updatePosition) { tip._updatePosition(); } else { tip.update(); }
    }
    // Labels waiting to be placed (layers.web.tooltips) are placed now, before a read.
    function placed() {
        if (window.bmPlaceTooltips) { window.bmPlaceTooltips(); }
    }
    function side(tip, left, later) {
        if (!!tip.bmLeft === left) { return; }
        tip.bmLeft = left;
        tip.options.direction = left ? 'left' : 'right';
        tip.options.offset = [left ? -4 : 4, 0];
        if (!later) { place(tip); placed(); }
    }
    // Labels in priority order (lower first): a label overlapping one already placed,
    // or the map's furniture (controls), is hidden; a label beside its point that
    // would be cut by the map's edge moves to the point's other side first.
    function declutter() {
        var frame = map.getContainer().getBoundingClientRect();
        var kept = [];
        map.getContainer().querySelectorAll('.leaflet-control').forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.width > 0) { kept.push(r); }
        });
        // Writes first, then reads: the page is laid out once, not once per label.
        var labels = permanentLabels().map(function (tip, i) {
            var el = tip._container;
            watch(el);
            el.classList.remove('bm-label-hidden');
            if (el.classList.contains('bm-side')) { side(tip, false, true); }
            return {tip: tip, el: el, p: priority(el), i: i};
        });
        // Place each again with its size now (see watch()).
        labels.forEach(function (label) { place(label.tip); });
        placed();
        labels.sort(function (a, b) { return a.p - b.p || a.i - b.i; });
        var hidden = [];
        labels.forEach(function (label) {
            var r = label.el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) { return; }  // not shown (zoomed out)
            if (!overlaps(r, frame)) { return; }  // off the map: nothing to place
            if (r.right > frame.right && label.el.classList.contains('bm-side')) {
                side(label.tip, true);
                r = label.el.getBoundingClientRect();
            }
            var cut = r.left < frame.left || r.right > frame.right;
            if (cut || kept.some(function (k) { return overlaps(k, r); })) {
                hidden.push(label.el);  // hidden after the loop: no layout in between
            } else {
                kept.push(r);
            }
        });
        hidden.forEach(function (el) { el.classList.add('bm-label-hidden'); });
    }
    var pending = null;
    function schedule() {
        if (pending !== null) { clearTimeout(pending); }
        pending = setTimeout(function () { pending = null; declutter(); }, 0);
    }
    // Leaflet centres a label on the width it has when placed; a stylesheet or a font
    // arriving later changes that width, so any change of a label's size places the
    // labels again (decluttering changes no label's size: no loop).
    var resized = window.ResizeObserver ? new ResizeObserver(schedule) : null;
    var watched = new WeakSet();
    function watch(el) {
        if (resized && !watched.has(el)) { watched.add(el); resized.observe(el); }
    }

    var last = {date: '', legend: '', now: '', picking: false, day: ''};
    function apply(state) {
        last = state;
        stamp.textContent = state.date;
        stamp.style.display = state.date ? '' : 'none';
        now.innerHTML = state.now || '';
        now.style.display = state.now ? '' : 'none';
        // the distance tool's click mode: features let clicks through to the map
        map.getContainer().classList.toggle('bm-picking', !!state.picking);
        var details = legend.querySelector('details');
        if (details && foldedFor === null) { legendOpen = details.open; }
        if (legendOpen === null) { legendOpen = map.getContainer().clientWidth >= OPEN_PX; }
        legend.innerHTML = state.legend;
        legend.style.display = state.legend ? '' : 'none';
        details = legend.querySelector('details');
        if (details) {
            details.open = legendOpen && foldedFor === null;
            details.addEventListener('toggle', function () {
                if (foldedFor !== null && details.open) { foldedFor = null; }  // reopened
                if (foldedFor === null) { legendOpen = details.open; }
                schedule();  // the legend is an obstacle for labels
            });
        }
    }
    // The legend sits above the map's panes, so it would hide part of an open popup:
    // while one it overlaps is open, the legend folds, and unfolds when it closes.
    function foldUnder(popup) {
        var details = legend.querySelector('details');
        var el = popup && popup.getElement();
        if (!details || !details.open || !el || !map.hasLayer(popup)) { return; }
        if (overlaps(el.getBoundingClientRect(), legend.getBoundingClientRect())) {
            foldedFor = popup;
            details.open = false;
        }
    }
    var shown = null;  // the open popup (after a pan to show it, it may overlap)
    map.on('popupopen', function (e) { shown = e.popup; foldUnder(shown); });
    map.on('moveend', function () { foldUnder(shown); });
    map.on('popupclose', function (e) {
        if (shown === e.popup) { shown = null; }
        if (foldedFor !== e.popup) { return; }
        foldedFor = null;
        var details = legend.querySelector('details');
        if (details) { details.open = true; }
    });
    // For the playback by day (layers.web.playback): the state shown, applied again
    // with another date stamp, legend or card; the stamp alone on every day.
    map.bmOverlay = {
        apply: apply,
        state: function () { return last; },
        stamp: function (text) {
            stamp.textContent = text;
            stamp.style.display = text ? '' : 'none';
        }
    };
    map.on('layeradd', function (e) {
        if (e.layer.bmState) { apply(e.layer.bmState); }
        schedule();
    });
    map.on('layerremove zoomend moveend resize', schedule);
    map.whenReady(schedule);
    // Placed before a stylesheet applied, labels sit (and overlap) elsewhere.
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
        link.addEventListener('load', schedule);
    });
    window.addEventListener('load', schedule);
    if (document.fonts) { document.fonts.ready.then(schedule); }
})(MAP);
"""


class Overlay(MapScript):
    """The date stamp, the legend box and label decluttering of a map (see module doc)."""

    source = _OVERLAY_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "Overlay"

    def substitutions(self) -> dict[str, str]:
        """The legend's width threshold and the priority class prefix."""
        return {"OPEN_PX": str(int(OPEN_LEGEND_MAP_PX)), "PREFIX": PRIORITY_CLASS}


class SituationState(MacroElement):
    """What the overlay shows for one situation, set on the parent feature group.

    ``date``: the date stamp, plain text (shown with ``textContent``, never parsed as
    HTML). ``legend``: legend HTML, already escaped (:mod:`layers.web.legend`). ``now``:
    the card of the event a playback is at, HTML already escaped (empty: hidden).
    ``picking``: the distance tool's click mode (features let clicks through). ``day``:
    the day shown, ISO (the frame's date preview steps from it,
    :mod:`layers.web.date_preview`). All
    reach the script through ``tojson``; escaped text holds no brace, so the script
    stays inert when branca renders it again as a template.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bmState = {
            date: {{ this.date|tojson }}, legend: {{ this.legend|tojson }},
            now: {{ this.now|tojson }}, picking: {{ this.picking|tojson }},
            day: {{ this.day|tojson }}
        };
        {% endmacro %}
        """
    )

    def __init__(
        self, date: str, legend: str, now: str = "", picking: bool = False, day: str = ""
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SituationState"
        self.date = date
        self.day = day
        self.legend = legend
        self.now = now
        self.picking = bool(picking)
