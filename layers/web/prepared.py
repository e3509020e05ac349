"""Map layers prepared once per *situation* and shared by every day that has it.

The records in force (control periods, sites, events) change on only a few dozen days of
the map's span, so the features of the layers that change with the date are the same on
every day between two changes. :func:`situation_identity` names what those features
depend on (the ids of the records in force, in order, and which dated layers are drawn
that day), without the date itself; callers key a cache by it, with the data's
fingerprint, the naming convention and the layer ids (the app does, in ``app.py``).

:class:`PreparedGroup` carries a feature group already turned into Leaflet script (by
``ui.map_groups``): the web map's costly per-run step is rendering feature groups
(folium compiles each rendered piece as a Jinja template), so the script of a layer is
made once per situation and reused as text.

No Streamlit here; the script is made in :mod:`ui.map_groups`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import folium
from jinja2 import Template

from geo.dataset import Dataset
from geo.situation import Situation
from layers.catalog import check_layer_ids, layer
from layers.features import layer_features
from layers.web.geojson import EVENT_MARKER_LIMIT, FeatureCollection, feature_collections

#: What the dated layers of a situation depend on: (layer ids drawn that day, control
#: period ids, site ids, event ids), each in order.
SituationIdentity = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def situation_identity(situation: Situation, layer_ids: Iterable[str]) -> SituationIdentity:
    """The identity of ``situation`` for the dated layers ``layer_ids``: two days with
    equal identities have equal features in those layers (same records in force, same
    layers within their validity). The date is not part of it.

    Feature frames are built from the records alone (see :mod:`layers.features`): a
    control period's area after overlaps are cut depends only on the periods in force.
    """
    ids = check_layer_ids(tuple(layer_ids))
    drawn = tuple(i for i in ids if layer(i).drawn_on(situation.day))
    return (
        drawn,
        tuple(period.id for period in situation.control),
        tuple(site.id for site in situation.sites),
        tuple(event.id for event in situation.events),
    )


def dated_collections(
    dataset: Dataset, situation: Situation, layer_ids: Iterable[str], convention: str
) -> dict[str, FeatureCollection]:
    """Map-ready features (:func:`layers.web.map.feature_collections`) of the catalogue
    layers ``layer_ids`` in ``situation``, in ``convention``: the same for every day
    with the same :func:`situation_identity` (never modified by the renderers, so safe to
    share between sessions). An events layer with more than :data:`EVENT_MARKER_LIMIT`
    events draws the latest ones and counts the earlier ones per area."""
    frames = layer_features(
        dataset, situation, layer_ids, convention, event_limit=EVENT_MARKER_LIMIT
    )
    return feature_collections(frames)


_SCRIPT = Template(
    "{% macro script(this, kwargs) %}{{ this.prepared_script }}{% endmacro %}",
    autoescape=False,
)


class PreparedGroup(folium.FeatureGroup):
    """A feature group whose Leaflet script was made beforehand (``script``: the text
    ``streamlit_folium.generate_leaflet_string`` gave for the real group at the same
    position, see :mod:`ui.map_groups`). Rendering it does nothing: its script is
    returned as it is. ``links`` are the JS and CSS links of the real group's elements
    (``default_js``, ``default_css``), which st_folium collects from the map's tree."""

    _template = _SCRIPT

    def __init__(
        self,
        name: str,
        script: str,
        links: Links = ((), ()),
    ) -> None:
        super().__init__(name=name)
        self._name = "FeatureGroup"
        self.prepared_script = script
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
    each run makes its own group of it (st_folium sets the group's id and parent)."""

    name: str
    script: str
    links: Links = ((), ())

    def group(self) -> PreparedGroup:
        """A new :class:`PreparedGroup` of this script."""
        return PreparedGroup(self.name, self.script, self.links)


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
