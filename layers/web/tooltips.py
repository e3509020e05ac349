"""Labels placed together (issue 25): Leaflet places a tooltip by reading its size
(``offsetWidth``) and writing its position, one tooltip after the other, so each of the
first map's few hundred permanent labels laid the frame's page out again (Leaflet's
``Tooltip._setPosition`` was the largest single cost in the frame).

:class:`BatchedTooltips` makes Leaflet's placing step wait for the end of the running
script (a microtask): then every waiting tooltip's size is read first (one layout) and
each is placed with it, exactly as Leaflet's own step would place it (the same
arithmetic, Leaflet 1.9.4's ``Tooltip._setPosition``, BSD-2-Clause). A script that needs
a label where it belongs at once (the overlay's decluttering reads the labels' boxes)
calls ``window.bmPlaceTooltips()`` first. Tooltips are text boxes that do not wrap
(``white-space: nowrap``), so a size read before the side's class is set is the size
after it.
"""

from __future__ import annotations

from layers.web.elements import MapScript

_BATCH_JS = """
(function () {
    var proto = L.Tooltip.prototype;
    if (proto.bmBatched) { return; }
    proto.bmBatched = true;
    var waiting = [];
    var SIDES = ['right', 'left', 'top', 'bottom'];
    // Leaflet 1.9.4's Tooltip._setPosition, with the size read beforehand.
    function put(tip, pos, width, height) {
        var map = tip._map, container = tip._container;
        var centre = map.latLngToContainerPoint(map.getCenter());
        var point = map.layerPointToContainerPoint(pos);
        var direction = tip.options.direction, offset = L.point(tip.options.offset);
        var anchor = tip._getAnchor(), subX, subY;
        if (direction === 'top') { subX = width / 2; subY = height; }
        else if (direction === 'bottom') { subX = width / 2; subY = 0; }
        else if (direction === 'center') { subX = width / 2; subY = height / 2; }
        else if (direction === 'right') { subX = 0; subY = height / 2; }
        else if (direction === 'left') { subX = width; subY = height / 2; }
        else if (point.x < centre.x) { direction = 'right'; subX = 0; subY = height / 2; }
        else { direction = 'left'; subX = width + (offset.x + anchor.x) * 2; subY = height / 2; }
        pos = pos.subtract(L.point(subX, subY, true)).add(offset).add(anchor);
        SIDES.forEach(function (side) {
            L.DomUtil.removeClass(container, 'leaflet-tooltip-' + side);
        });
        L.DomUtil.addClass(container, 'leaflet-tooltip-' + direction);
        L.DomUtil.setPosition(container, pos);
    }
    function placeAll() {
        var batch = waiting;
        waiting = [];
        // every size first (one layout), then every position
        var live = batch.filter(function (item) { return item.tip._map && item.tip._container; });
        live.forEach(function (item) {
            item.width = item.tip._container.offsetWidth;
            item.height = item.tip._container.offsetHeight;
        });
        live.forEach(function (item) { put(item.tip, item.pos, item.width, item.height); });
    }
    window.bmPlaceTooltips = placeAll;
    proto.bmPlaceAlone = proto._setPosition;  // Leaflet's own step (kept for the tests)
    proto._setPosition = function (pos) {
        if (waiting.push({tip: this, pos: pos}) === 1) { Promise.resolve().then(placeAll); }
    };
})();
"""


class BatchedTooltips(MapScript):
    """Tooltips placed together at the end of the running script (module docstring)."""

    source = _BATCH_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "BatchedTooltips"
