"""Map elements written into the page as they are: never compiled as Jinja templates
(branca would compile them, so data text in them would run), and the controls the maps
add (a boxed control, the zoom class, the tile-failure notice).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from folium.features import GeoJsonStyleMapper
from folium.utilities import get_obj_in_upper_tree
from jinja2 import Template

from layers.web.folium_render import Verbatim as Verbatim
from layers.web.folium_render import keep_rendered_text
from layers.web.html import POPUP_JS

keep_rendered_text()  # folium's rendered pieces are text, not templates again (issue 25)


class MapScript(MacroElement):
    """A fixed script written for the parent map: ``source`` with each key of
    :meth:`substitutions` replaced by its value and ``MAP`` by the map's variable.

    For the base map's behaviour (the overlay, the event spread): the script holds no
    data, only numbers and names chosen in Python, so it is written as it is, never
    compiled as a template. Subclasses set ``_name`` and ``source``.
    """

    source = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script }}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def substitutions(self) -> dict[str, str]:
        """Placeholders of :attr:`source` and their values (replaced in this order)."""
        return {}

    @property
    def script(self) -> str:
        """The script for the parent map."""
        text = self.source
        for placeholder, value in self.substitutions().items():
            text = text.replace(placeholder, value)
        return text.replace("MAP", self._parent.get_name())  # type: ignore[union-attr]


class PopupBuilder(MapScript):
    """Defines ``window.bmPopup`` (:data:`layers.web.html.POPUP_JS`): the features' popups
    are built from their escaped parts when they open, not sent as HTML up front."""

    source = POPUP_JS

    def __init__(self) -> None:
        super().__init__()
        self._name = "PopupBuilder"


class MapControl(MacroElement):
    """A Leaflet control at ``position`` holding ``html`` (already escaped)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', 'bm-control ' + {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, position: str = "bottomright", css_class: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapControl"
        self.html = html
        self.position = position
        self.css_class = css_class

class ZoomClass(MacroElement):
    """Keeps the class ``bm-zoomed-out`` on the map while its zoom is below ``zoom``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function update() {
                var out = map.getZoom() < {{ this.zoom }};
                map.getContainer().classList.toggle('bm-zoomed-out', out);
            }
            map.on('zoomend', update);
            map.whenReady(update);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ZoomClass"
        self.zoom = int(zoom)

class FocusWithoutScroll(MacroElement):
    """The map takes the keyboard focus on a click without scrolling the page.

    Leaflet's keyboard handler focuses the map's container on mouse down; in an iframe
    that is partly below the fold (the app's map at 1366 x 768), focusing scrolled the
    page (44 px), the mouse came up elsewhere and the first click on the map was lost.
    Here the handler's mouse-down focuses with ``preventScroll``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var keys = map.keyboard;
            if (!keys) { return; }
            var on = keys.enabled();
            if (on) { keys.disable(); }
            keys._onMouseDown = function () {
                if (this._focused) { return; }
                this._map.getContainer().focus({preventScroll: true});
            };
            if (on) { keys.enable(); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FocusWithoutScroll"


class ZoomThresholds(MacroElement):
    """Keeps the class ``bm-below-z<N>`` on the map while its zoom is below ``N``, for each
    of ``zooms`` (what :attr:`layers.catalog.LayerSpec.detail` draws from zoom N carries
    ``bm-from-z<N>`` and is hidden then: :func:`layers.web.geojson.zoom_css`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var zooms = {{ this.zooms|tojson }};
            function update() {
                var zoom = map.getZoom(), box = map.getContainer().classList;
                zooms.forEach(function (z) { box.toggle('bm-below-z' + z, zoom < z); });
            }
            map.on('zoomend', update);
            map.whenReady(update);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zooms: tuple[int, ...]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ZoomThresholds"
        self.zooms = [int(z) for z in zooms]


class FillFrame(MacroElement):
    """The map fills its frame's height, and follows it when the frame is resized: the
    page makes the frame shorter on a phone (:mod:`ui.layout`), so that the whole map,
    its legend and scale included, fits on the screen. A frame resized after the map was
    fitted (its page laid out late, a phone turned) shows the same extent fitted again,
    unless something else has moved the map since (a user's pan or zoom, a fly to an
    event): the first view is never a zoom level short of the extent asked for."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            // The extent last asked for by fitBounds, fitted again when the frame is
            // resized until anything else moves the map (the user, a fly to an event).
            var fitBounds = map.fitBounds, asked = null, fitting = false;
            map.fitBounds = function () {
                asked = arguments;
                fitting = true;
                try { return fitBounds.apply(map, arguments); } finally { fitting = false; }
            };
            map.on('movestart', function () { if (!fitting) { asked = null; } });
            function fill() {
                var box = map.getContainer(), tall = window.innerHeight;
                if (tall > 0 && box.offsetHeight !== tall) {
                    box.style.height = tall + 'px';
                }
                map.invalidateSize();
                if (asked !== null) {  // at once: an animation would start a move later
                    map.fitBounds(asked[0], L.extend({}, asked[1], {animate: false}));
                }
            }
            window.addEventListener('resize', fill);
            fill();  // before the map is fitted to its extent (added after this)
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FillFrame"


#: Failed tile requests after which the map says the online basemap is unavailable.
TILE_ERRORS_NOTICE = 4
#: What the map says then (plain text; the app offers the switch under the map).
LOCAL_TILE_FAILURE_TEXT = (
    "Tiles of your basemap cannot be loaded from this app's server (is it started with "
    "“streamlit run server.py”?). Use “Switch to the offline basemap” under the map."
)
TILE_FAILURE_TEXT = (
    "Online map tiles are unavailable (no network?). Use “Switch to the offline basemap” "
    "above the map, or Display › Basemap in the sidebar."
)


class TileFailureNotice(MacroElement):
    """Counts the ``tileerror`` events of the map's tile layers; after
    :data:`TILE_ERRORS_NOTICE` of them, shows a notice (a control with class
    ``bm-tile-failure``) saying the online basemap cannot be loaded."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var failures = 0, shown = false;
            function failed() {
                failures += 1;
                if (shown || failures < {{ this.threshold }}) { return; }
                shown = true;
                var notice = L.control({position: 'bottomleft'});
                notice.onAdd = function () {
                    var div = L.DomUtil.create('div', 'bm-control bm-tile-failure');
                    div.setAttribute('role', 'alert');
                    div.textContent = {{ this.text|tojson }};
                    return div;
                };
                notice.addTo(map);
            }
            map.eachLayer(function (layer) {
                if (layer instanceof L.TileLayer) { layer.on('tileerror', failed); }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, threshold: int = TILE_ERRORS_NOTICE, text: str = TILE_FAILURE_TEXT) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TileFailureNotice"
        self.threshold = int(threshold)
        self.text = text

class GroupValue(MacroElement):
    """Sets the property ``prop`` (a JavaScript name, from code) of the parent feature
    group to ``payload`` (a JavaScript literal of data text made by
    :func:`layers.web.annotations.js_string`); the map's script reading it takes it when
    the group is added (the annotations' ``bmAnnotations``, the playback's
    ``bmPlayback``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.{{ this.prop }} = {{ this.payload }};
        {% endmacro %}
        """
    )

    def __init__(self, prop: str, payload: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GroupValue"
        self.prop = prop
        self.payload = payload


class GeoJsonLayer(folium.GeoJson):
    """folium's ``GeoJson`` whose style map is made once per style key (folium 0.20's
    ``GeoJson.render`` and ``Layer.render`` otherwise; its script joins the page as text,
    as every element's does, :mod:`layers.web.folium_render`)."""

    def __init__(
        self, *args: Any, style_key: Callable[[dict[str, Any]], Hashable] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        """folium's ``GeoJson``; ``style_key`` (optional) says what ``style_function``
        depends on: it is then called once per key, not once per feature (at 10,000
        events, styling each feature and writing its style as JSON to group them was a
        tenth of a new situation's time; the map's script is the same)."""
        super().__init__(*args, **kwargs)
        self.style_key = style_key
        _write_collections_once()

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement's
        """Style map (as ``GeoJson.render``), the add-to-parent call (as
        ``Layer.render``), then the script and the children (``MacroElement.render``)."""
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)  # type: ignore[assignment]
        if (self.style or self.highlight) and self.data["features"]:
            mapper = GeoJsonStyleMapper(self.data, self.feature_identifier, self)
            if self.style and self.style_key is not None:
                self.style_map = keyed_style_map(mapper, self.style_function, self.style_key)
            elif self.style:
                self.style_map = mapper.get_style_map(self.style_function)
            if self.highlight:
                self.highlight_map = mapper.get_highlight_map(self.highlight_function)
        if self.show:
            assert self._parent is not None, "a layer is rendered inside its map"
            adder = ElementAddToElement(
                element_name=self.get_name(), element_parent_name=self._parent.get_name()
            )
            self.add_child(adder, name=self.get_name() + "_add")
        MacroElement.render(self, **kwargs)  # type: ignore[no-untyped-call]



def _write_collections_once() -> None:
    """Have Jinja's ``tojson`` in folium's templates write a FeatureCollection's features
    as :func:`layers.web.geojson.collection_json` does (each shared feature written once,
    the same text): folium writes a GeoJson's data twice a render (its own render and
    streamlit_folium's), and a new situation's layers wrote every feature again though
    most were the previous day's (issue 25). Anything else is written by ``json.dumps``
    as before. The environment is folium's, shared by its templates; set once."""
    from layers.web.geojson import collection_json  # imports this module

    policies = folium.GeoJson._template.environment.policies
    if policies.get("json.dumps_function") is not collection_json:
        policies["json.dumps_function"] = collection_json


def keyed_style_map(
    mapper: GeoJsonStyleMapper,
    function: Callable[[dict[str, Any]], dict[str, Any]],
    key_of: Callable[[dict[str, Any]], Hashable],
) -> dict[str, Any]:
    """``mapper.get_style_map(function)`` (styles as JSON text -> ids of the features
    drawn so, the commonest as ``default``), calling ``function`` once per ``key_of``
    value. For styles holding no map element (folium renders those in its own mapper)."""
    styles: dict[Hashable, str] = {}
    mapping: dict[str, Any] = {}
    for feature in mapper.data["features"]:
        key = key_of(feature)
        text = styles.get(key)
        if text is None:
            text = styles[key] = mapper._to_key(function(feature))
        mapping.setdefault(text, []).append(mapper.get_feature_id(feature))
    mapper._set_default_key(mapping)
    return mapping


def figure_of(fmap: Element) -> Figure:
    """The figure (page) ``fmap`` belongs to."""
    root = fmap.get_root()
    assert isinstance(root, Figure)
    return root
