"""Annotations on the web map: the drawing tool of the base map and the group that hands
the view's annotations to it (:mod:`layers.briefing.annotations` is the model).

The tool is ``static/briefing/annotate.js`` (served with the vendored Leaflet, inlined in
stand-alone pages): no data in it, only the options of :func:`tool_options` (palette,
sizes, limits, one source for paper and web). :class:`AnnotationTool` attaches it to a
map, editable (the app) or not (stand-alone HTML). :func:`annotation_group` is a feature
group carrying the annotations as ``bmAnnotations`` (GeoJSON text); the tool loads them
when the group is added to the map, as the overlay does with the date stamp
(:mod:`layers.web.overlay`), so they follow the session without remounting the map.

The app learns of the user's drawing through streamlit-folium's ``all_drawings`` (the
tool fires ``draw:edited`` and is ``window.drawnItems``; see the script's header): no
Leaflet.draw, nothing from a CDN. Labels reach the page as a JavaScript string in which
every character a template, HTML or JavaScript host could read (``<>&{}$`'%#\\``) is a
``\\u`` escape (:func:`js_string`), and the script shows them with ``textContent``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo import io
from layers.briefing import annotations as model
from layers.briefing.arrows import CURVE_STEPS, WEB_SIZES
from layers.web.assets import STATIC_DIR
from layers.web.cache_headers import versioned
from layers.web.elements import GroupValue

#: The tool's script, as the app's server publishes it and as a file (for inlining).
ANNOTATE_JS_FILE: Path = STATIC_DIR / "briefing" / "annotate.js"
ANNOTATE_JS_URL = versioned("/app/static/briefing/annotate.js", ANNOTATE_JS_FILE)
#: Changes the tool keeps for its Undo button.
UNDO_STEPS = 50
#: The toolbar buttons: a symbol (hidden from screen readers) and a short name.
SHORT = {
    "arrow": ("➚", "Arrow"),
    "callout": ("▭", "Callout"),
    "text": ("T", "Text"),
    "line": ("╱", "Line"),
    "area": ("▱", "Area"),
    "point": ("●", "Point"),
}

#: Look of the annotations, the toolbar and the form (no data in it).
CSS = """
<style>
.bm-ann-toolbar { display: flex; flex-direction: column; gap: 2px; padding: 3px; max-height: none; }
.bm-ann-tool { font: 600 11px/1.2 system-ui, sans-serif; padding: 3px 6px; border: 1px solid #888;
  border-radius: 3px; background: #fff; color: #222; cursor: pointer; text-align: left; }
.bm-ann-tool[aria-pressed='true'] { background: #1f5fbf; color: #fff; border-color: #1f5fbf; }
.bm-ann-tool:focus-visible, .bm-ann-swatch:focus-visible, .bm-ann-handle:focus-visible
  { outline: 3px solid #1f5fbf; outline-offset: 1px; }
.bm-ann-drawing, .bm-ann-tools { display: flex; flex-direction: column; gap: 2px; }
.bm-ann-drawing[hidden], .bm-ann-tools[hidden], .bm-ann-form[hidden], .bm-ann-cross[hidden]
  { display: none; }
.bm-ann-status { font-size: 11px; max-width: 150px; color: #222; }
.bm-ann-status:empty { display: none; }
.bm-ann-form { font-size: 12px; min-width: 180px; max-width: 240px; }
.bm-ann-form-title { font-weight: 700; margin-bottom: 3px; }
.bm-ann-field { display: block; margin: 3px 0; }
.bm-ann-field input[type=text] { width: 100%; box-sizing: border-box; font-size: 12px; }
.bm-ann-swatches { display: flex; gap: 4px; margin: 4px 0; }
.bm-ann-swatch { width: 22px; height: 22px; border: 2px solid #fff; border-radius: 50%;
  box-shadow: 0 0 0 1px #555; cursor: pointer; padding: 0; }
.bm-ann-swatch[aria-pressed='true'] { box-shadow: 0 0 0 3px #222; }
.bm-ann-row { display: flex; gap: 4px; justify-content: space-between; margin-top: 4px; }
.bm-ann-label { background: none; border: none; }
.bm-ann-text { position: absolute; transform: translate(-50%, -50%); width: max-content;
  max-width: 240px; text-align: center; font: 700 13px/1.2 system-ui, sans-serif;
  color: var(--bm-ann); text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.bm-ann-text.bm-ann-box { color: #1a1a1a; background: #fff; border: 2px solid var(--bm-ann);
  border-radius: 4px; padding: 2px 6px; text-shadow: none; max-width: 220px; }
.bm-ann-text.bm-ann-side { text-align: left; }
.bm-ann-text.bm-ann-along { transform: translate(-50%, -140%); }
.bm-ann-text.bm-ann-side { transform: translate(12px, -50%); }
.bm-ann-symbol { background: none; border: none; }
.bm-ann-handle { background: #fff; border: 2px solid #1f5fbf; border-radius: 2px; }
.bm-ann-handle.bm-ann-move { border-radius: 50%; background: #1f5fbf; }
.bm-ann-cross { position: absolute; left: 50%; top: 50%; width: 22px; height: 22px;
  margin: -11px 0 0 -11px; pointer-events: none; z-index: 800;
  background: linear-gradient(#1f5fbf, #1f5fbf) center/2px 100% no-repeat,
              linear-gradient(#1f5fbf, #1f5fbf) center/100% 2px no-repeat; }
.bm-drawing, .bm-drawing .leaflet-interactive { cursor: crosshair !important; }
.bm-drawing .leaflet-pane path.leaflet-interactive,
.bm-drawing .leaflet-pane .leaflet-marker-icon.leaflet-interactive,
.bm-drawing .leaflet-tooltip { pointer-events: none !important; }
</style>
"""


def tool_options(*, editable: bool) -> dict[str, Any]:
    """The tool's options: what may be drawn and how (from the model), no data."""
    return {
        "editable": editable,
        "kinds": model.KINDS,
        "titles": model.KIND_TITLES,
        "short": SHORT,
        "labelled": list(model.LABELLED_KINDS),
        "palette": model.PALETTE,
        "order": list(model.PALETTE),
        "colour": model.DEFAULT_COLOUR,
        "symbols": list(model.SYMBOLS),
        "sizes": {
            "tail": WEB_SIZES.tail,
            "body": WEB_SIZES.body,
            "head_width": WEB_SIZES.head_width,
            "head_length": WEB_SIZES.head_length,
        },
        "steps": CURVE_STEPS,
        "max": model.MAX_ANNOTATIONS,
        "vertices": model.MAX_VERTICES,
        "label": model.MAX_LABEL_CHARS,
        "history": UNDO_STEPS,
    }


#: Characters written as ``\\u`` escapes inside a JavaScript string (see the module doc).
_ESCAPED = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&{}$`'%#"})


def js_string(text: str) -> str:
    """``text`` as a JavaScript string literal holding none of ``<>&{}$`'%#`` (nor any
    non-ASCII character) as such: safe in a ``<script>``, in streamlit-folium's ``eval``
    and through branca's Jinja passes.

    >>> js_string("{{7*7}} </script>")
    '"\\\\u007b\\\\u007b7*7\\\\u007d\\\\u007d \\\\u003c/script\\\\u003e"'
    """
    return json.dumps(text, ensure_ascii=True).translate(_ESCAPED)


@cache
def annotate_js() -> str:
    """The text of ``static/briefing/annotate.js``."""
    return io.read_text(ANNOTATE_JS_FILE)


class AnnotationTool(MacroElement):
    """Attaches the annotation tool (``static/briefing/annotate.js``) to the parent map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script }}
        {% endmacro %}
        """
    )

    def __init__(self, *, editable: bool) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AnnotationTool"
        self.editable = editable

    @property
    def script(self) -> str:
        """Attach the tool; load the annotations of every group added that carries some."""
        name = self._parent.get_name()  # type: ignore[union-attr]
        options = js_string(json.dumps(tool_options(editable=self.editable)))
        return (
            f"(function (map) {{ var tool = BmAnnotate.attach(map, JSON.parse({options}));"
            # streamlit-folium reads the drawing from window.drawnItems (and, not finding
            # that name in the map's script, would set it to an empty list after this)
            f"{' window.drawnItems = tool;' if self.editable else ''}"
            " map.on('layeradd', function (e) { if (typeof e.layer.bmAnnotations === 'string')"
            " { BmAnnotate.load(map, e.layer.bmAnnotations); } }); "
            f"}})({name});"
        )


def add_tool(fmap: folium.Map, *, editable: bool, inline: bool = False) -> None:
    """Give ``fmap`` the annotation tool: its style, its script (a link to the app's
    static file, or inlined for a stand-alone page) and :class:`AnnotationTool`."""
    from layers.web.elements import Verbatim, figure_of

    header = figure_of(fmap).header
    header.add_child(Verbatim(CSS), name="annotation_css")
    if inline:
        text = annotate_js().replace("</", "<\\/")
        header.add_child(Verbatim(f"<script>{text}</script>"), name="annotate_js")
    else:
        fmap.default_js = [*fmap.default_js, ("annotate", ANNOTATE_JS_URL)]
    AnnotationTool(editable=editable).add_to(fmap)


def annotation_group(
    annotations: Sequence[model.Annotation], revision: int = 0
) -> folium.FeatureGroup:
    """An empty feature group handing ``annotations`` to the map's tool. ``revision``
    changes the group's script without changing the annotations (the app sends the same
    annotations again after refusing the map's drawing)."""
    group = folium.FeatureGroup(name="Annotations")
    features = [a.feature() for a in annotations]
    payload = js_string(json.dumps(features, ensure_ascii=False, separators=(",", ":")))
    GroupValue("bmAnnotations", f"{payload} /* {int(revision)} */").add_to(group)
    return group
