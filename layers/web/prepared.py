"""Feature groups as ready Leaflet script, made once and shared by every session.

``st_folium(feature_group_to_add=...)`` renders every group on every run: folium renders
each element, branca compiles each rendered piece as a Jinja template, and
streamlit_folium walks the group again to collect its script. For the catalogue layers
that was most of a date change's server time (issue 15), though their features change
only with the situation. Here a layer's group is turned into the very text
streamlit_folium would make (:func:`group_script`, with its own function) once per
(layer, position, features), and handed to st_folium as a :class:`PreparedGroup`, which
renders to that text at no cost. What to prepare, and the caches shared by sessions,
are :mod:`layers.web.situations`.

Only :func:`group_script` needs streamlit_folium (it makes the component's own text), and
imports it when called: importing this module loads no Streamlit.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from jinja2 import Template

from layers.catalog import DRAW_ORDER, layer
from layers.web.geojson import FeatureCollection
from layers.web.group_store import GROUP_ROUTE, script_key
from layers.web.groups import layer_group

_SCRIPT = Template(
    "{% macro script(this, kwargs) %}{{ this.prepared_script }}{% endmacro %}",
    autoescape=False,
)


class PreparedGroup(folium.FeatureGroup):
    """A feature group whose Leaflet script was made beforehand (``script``: the text
    ``streamlit_folium.generate_leaflet_string`` gave for the real group at the same
    position, see :func:`group_script`). Rendering it does nothing: its script is
    returned as it is. ``links`` are the JS and CSS links of the real group's elements
    (``default_js``, ``default_css``), which st_folium collects from the map's tree;
    ``kept`` the prepared script it was made of (a full kept group or its stub)."""

    _template = _SCRIPT

    def __init__(
        self,
        name: str,
        script: str,
        links: Links = ((), ()),
        *,
        kept: PreparedScript | None = None,
    ) -> None:
        super().__init__(name=name)
        self._name = "FeatureGroup"
        self.prepared_script = script
        self.kept = kept
        self.default_js = list(links[0])
        self.default_css = list(links[1])

    def render(self, **kwargs: Any) -> str:
        """Nothing to render: the script is ready (st_folium reads it from the group's
        ``script`` macro)."""
        return ""


#: ``default_js`` and ``default_css`` links of a group's elements.
Links = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class PreparedScript:
    """A layer's group as script (see :class:`PreparedGroup`), immutable and shareable:
    each run makes its own group of it (st_folium sets the group's id and parent).

    ``body`` is the group's Leaflet script (which adds the group to the map) at position
    ``index``, ``key`` its :func:`layers.web.group_store.script_key`; :attr:`script` is the
    kept group sent in full (:func:`kept_script`), :meth:`stub` the few bytes sent
    instead to a map frame that already has it (:mod:`layers.web.frame_groups`)."""

    name: str
    body: str
    index: int
    links: Links = ((), ())
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", script_key(self.body))

    @property
    def script(self) -> str:
        """The kept group in full (:data:`PRELUDE` first at position 0)."""
        return _prelude(self.index) + _KEPT.format(
            index=self.index, key=self.key, script=self.body
        )

    def group(self) -> PreparedGroup:
        """A new :class:`PreparedGroup` of the whole script."""
        return PreparedGroup(self.name, self.script, self.links, kept=self)

    def stub(self) -> PreparedGroup:
        """A new :class:`PreparedGroup` of the stub: "keep group ``key`` at ``index``"."""
        text = _prelude(self.index) + _STUB.format(index=self.index, key=self.key)
        return PreparedGroup(self.name, text, self.links, kept=self)


def element_links(group: folium.Element) -> Links:
    """The ``default_js`` and ``default_css`` links of ``group`` and its descendants."""
    js: list[tuple[str, str]] = []
    css: list[tuple[str, str]] = []
    stack = [group]
    while stack:
        element = stack.pop()
        js.extend(getattr(element, "default_js", []))
        css.extend(getattr(element, "default_css", []))
        children: Mapping[str, folium.Element] = getattr(element, "_children", {})
        stack.extend(children.values())
    return tuple(js), tuple(css)


#: Position of each catalogue layer in the list handed to st_folium
#: (:func:`layers.web.groups.feature_groups`: the catalogue's layers come first).
POSITION = {layer_id: index for index, layer_id in enumerate(DRAW_ORDER)}


#: Groups a map frame keeps by key at most (shown and off the map), the least recently
#: used out first; :class:`layers.web.frame_groups.FrameGroups` follows the same rule on
#: the server, so a stub names only a group the frame still has.
FRAME_GROUPS = 96

#: Prepended to the first group's script, full or stub (:func:`_prelude`).
#: streamlit-folium's frontend (0.27) keeps every group it ever added in
#: ``window.feature_group`` and never empties it, so each date change kept the previous
#: groups (their features and SVG paths) alive in the tab; it removes them from the map
#: before it runs the new groups' script, so emptying the list at the start of that
#: script is safe. The flag ``briefingRedrawn`` tells the kept groups (:func:`kept_script`)
#: whether a group below them was drawn again in this run. Then the frame's side of the
#: kept groups: ``briefingKept[index]`` is the group shown at ``index`` (its key and
#: Leaflet group); ``briefingGroups`` the groups the frame made, by key, the most recently
#: used last, at most :data:`FRAME_GROUPS` (off the map unless shown); ``briefingPlace``
#: shows a group at an index (the one shown there before is taken off the map by
#: ``briefingOff``, at once: Leaflet fades a removed label out, hidden at once but left in
#: the tooltip pane for 200 ms, so a swapped day's group left its labels beside the new
#: day's, same text at the same place, in the page for that long);
#: ``briefingKeep`` runs a stub: the group shown already, else made before, else its
#: script fetched SYNCHRONOUSLY from the app's route (``/briefing-groups/<key>.js``,
#: :mod:`layers.web.group_route`) and run, so the groups are always complete and in order.
RESET = """window.feature_group = [];
window.briefingRedrawn = false;
window.briefingKept = window.briefingKept || {};
window.briefingGroups = window.briefingGroups || new Map();
window.briefingUse = function (key, group) {
  var made = window.briefingGroups;
  made.delete(key);
  made.set(key, group);
  while (made.size > @FRAME_GROUPS@) { made.delete(made.keys().next().value); }
};
window.briefingOff = function (group) {
  var fade = map_div._fadeAnimated;
  map_div._fadeAnimated = false;
  try { map_div.removeLayer(group); } finally { map_div._fadeAnimated = fade; }
};
window.briefingPlace = function (index, key, group) {
  var slot = window.briefingKept[index];
  if (slot && slot.group !== group) { window.briefingOff(slot.group); }
  window.briefingRedrawn = true;
  window.briefingKept[index] = {key: key, group: group};
  window.briefingUse(key, group);
};
window.briefingFetch = function (index, key) {
  var path = location.pathname, at = path.indexOf("/component/");
  var request = new XMLHttpRequest();
  request.open("GET", (at >= 0 ? path.slice(0, at) : "") + "@GROUP_ROUTE@/" + key + ".js", false);
  request.send(null);
  if (request.status !== 200) { throw new Error("kept group " + key + ": " + request.status); }
  window.briefingFetched = (window.briefingFetched || 0) + 1;
  var made = "\\nreturn feature_group_feature_group_" + index + ";";
  return new Function(request.responseText + made)();
};
window.briefingKeep = function (index, key) {
  var slot = window.briefingKept[index];
  if (slot && slot.key === key) {
    if (window.briefingRedrawn) { slot.group.bringToFront(); }
    window.briefingUse(key, slot.group);
    return L.featureGroup();
  }
  var group = window.briefingGroups.get(key);
  if (group) { map_div.addLayer(group); } else {
    try { group = window.briefingFetch(index, key); } catch (error) {
      console.error(error);
      if (slot) { window.briefingOff(slot.group); delete window.briefingKept[index]; }
      return L.featureGroup();
    }
  }
  window.briefingPlace(index, key, group);
  return L.featureGroup();
};
""".replace("@FRAME_GROUPS@", str(FRAME_GROUPS)).replace("@GROUP_ROUTE@", GROUP_ROUTE)


def _prelude(index: int) -> str:
    """:data:`RESET` for the first group's script, nothing for the others."""
    return RESET if index == 0 else ""


#: The Leaflet script of a kept group sent in full (:func:`kept_script`), to format with
#: its ``index``, ``key`` and ``script``.
_KEPT = """var feature_group_feature_group_{index} = (function (kept) {{
  var slot = kept[{index}];
  if (slot && slot.key === "{key}") {{
    if (window.briefingRedrawn) {{ slot.group.bringToFront(); }}
    window.briefingUse("{key}", slot.group);
    return L.featureGroup();
  }}
  window.briefingPlace({index}, "{key}", (function () {{
{script}
    return feature_group_feature_group_{index};
  }})());
  return L.featureGroup();
}})(window.briefingKept);
"""

#: A kept group the frame has (:meth:`PreparedScript.stub`): "keep group ``key`` at
#: ``index``" (:data:`RESET`'s ``briefingKeep``).
_STUB = (
    'var feature_group_feature_group_{index} = window.briefingKeep({index}, "{key}");\n'
)


def kept_script(script: str, index: int) -> str:
    """``script`` (a group's Leaflet script at position ``index``, which adds the group to
    the map) made to run only when the map's window does not already show that very
    script at that position.

    streamlit-folium's frontend removes every group it added and runs the whole
    ``feature_group_to_add`` script again whenever any of it changes (the date stamp does
    on every date change), so each date change built every layer again in the browser,
    the fixed ones (countries, districts, places) included. A kept group is added to the
    map by this script itself and kept in ``window.briefingKept[index]`` with a key (a
    digest of ``script``, :func:`layers.web.group_store.script_key`); the frontend is
    handed an empty group in its place, so it never removes the kept one. Run again with
    the same key, the script leaves the group as it is (brought to the front, to keep the
    draw order, when a group below it was drawn again); with another key, it removes the
    old group and draws the new one. A new map window (a remount) has no kept groups and
    draws them all. Needs :data:`RESET` earlier in the same run.
    """
    return _KEPT.format(index=index, key=script_key(script), script=script)


def group_body(group: folium.FeatureGroup, index: int) -> str:
    """The script streamlit_folium makes for ``group`` at position ``index`` of
    ``feature_group_to_add`` (its ``_get_feature_group_string`` without the lines adding
    the group to the map, which it appends to any group, prepared or not)."""
    from streamlit_folium import generate_leaflet_string, get_full_id

    host = folium.Map(location=None, tiles=None)
    host._id = "div"  # st_folium names the map "map_div" before it renders the groups
    base_id = f"feature_group_{index}"
    group._id = base_id
    group.add_to(host)
    group.render()  # type: ignore[no-untyped-call]
    script: str = generate_leaflet_string(group, base_id=base_id)
    return script.replace(get_full_id(host), "map_div")


def group_script(group: folium.FeatureGroup, index: int) -> str:
    """:func:`group_body` kept in the map's window (:func:`kept_script`), after
    :data:`RESET` for the first group."""
    return _prelude(index) + kept_script(group_body(group, index), index)


def prepare(
    layer_id: str, data: FeatureCollection | None, *, pane: str | None = None, at: int | None = None
) -> PreparedScript:
    """The catalogue layer's group drawing ``data`` (None: empty) in ``pane``, as script
    for position ``at`` of the groups handed to st_folium (the main map's position of the
    layer, :data:`POSITION`, by default)."""
    group = layer_group(layer_id, data, pane=pane)
    index = POSITION[layer_id] if at is None else at
    body = group_body(group, index)
    return PreparedScript(layer(layer_id).title, body, index, element_links(group))


@functools.lru_cache(maxsize=512)
def empty(layer_id: str, pane: str | None = None, at: int | None = None) -> PreparedScript:
    """:func:`prepare` of the catalogue layer with nothing to draw (the same for every
    session and data: an empty group)."""
    return prepare(layer_id, None, pane=pane, at=at)


def prepare_all(
    collections: Mapping[str, FeatureCollection], *, pane: str | None = None, offset: int = 0
) -> dict[str, PreparedScript]:
    """:func:`prepare` of each catalogue layer of ``collections``, in ``pane``, at its
    position in the draw order plus ``offset``."""
    return {
        layer_id: prepare(layer_id, data, pane=pane, at=POSITION[layer_id] + offset)
        for layer_id, data in collections.items()
    }


def groups(
    collections: Mapping[str, FeatureCollection], prepared: Mapping[str, PreparedScript]
) -> dict[str, PreparedGroup]:
    """Groups for ``layers.web.groups.feature_groups(prepared=...)``: the ``prepared`` script
    of each layer of ``collections`` that has one, and an empty group for each catalogue
    layer not in ``collections``."""
    ready = {
        layer_id: prepared[layer_id].group() for layer_id in collections if layer_id in prepared
    }
    ready |= {
        layer_id: empty(layer_id).group() for layer_id in DRAW_ORDER if layer_id not in collections
    }
    return ready


#: One side of a map's groups: the collections handed to the group builder, their
#: prepared scripts (by layer id), the pane and the offset of the side's first group.
Side = tuple[Mapping[str, FeatureCollection], Mapping[str, PreparedScript], str | None, int]


def use_prepared(groups: list[folium.FeatureGroup], sides: Sequence[Side]) -> None:
    """Replace, in ``groups`` (built by :func:`layers.web.compare.compare_groups`), each
    catalogue layer's group of each side by its prepared script: the side's script where
    the side draws the layer, an empty group where it does not (the user's layers and
    anything else stay as built)."""
    for collections, scripts, pane, offset in sides:
        for layer_id in DRAW_ORDER:
            at = POSITION[layer_id] + offset
            if layer_id not in collections:
                groups[at] = empty(layer_id, pane, at).group()
            elif layer_id in scripts:
                groups[at] = scripts[layer_id].group()
