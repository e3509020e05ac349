"""``st_folium`` with the base map's part made once per base map (issue 25).

``streamlit_folium.st_folium`` renders the whole figure it is handed on every run: the
base map's script, header and HTML, its bounds (every vertex of the vector land walked)
and the links of its elements, then the feature groups. The app's base map does not
depend on the date or the layers (:func:`layers.web.map.base_map`), so on a date change
all of that is the same as on the run before: about 16 ms of the date fragment's run
before the map's update could leave the server.

:func:`st_folium_once` does what ``st_folium`` 0.27.4 does, in the same order and with
the same functions, but keeps what comes from the base map under a key the caller
gives (the data, the bounds the map is fitted to, the basemap), shared by every session:
only the feature groups are made into script on each run, on a bare map named as
``st_folium`` names the base map by then (``map_div``, as
:func:`layers.web.prepared.group_body` does). The component's arguments are those
``st_folium`` gives, byte for byte (a test compares them), so the component keeps its
identity (no remount). Without a key it is ``st_folium`` itself.

The text ``st_folium`` makes of a prepared group (:class:`layers.web.prepared.PreparedGroup`,
its script made beforehand) depends only on its position and script, so it is kept too:
the comparison map hands 76 groups on every run, most of them the same as on the run
before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

from geo.identity_cache import IdentityCache
from layers.web.prepared import PreparedGroup

#: How many base maps are kept (a few per data version: basemap and the fitted bounds of
#: the sessions' first views). Shared by all sessions; derived from data only.
KEPT_BASES = 32


#: An element's links as ``st_folium`` reads them: a colour map?, its css, its js.
_Links = tuple[bool, tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class _Base:
    """What ``st_folium`` takes from the base map: its script, header, HTML and name,
    its bounds and zoom (the component's default value) and its elements' links."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: list[list[Any]]
    zoom: Any
    links: tuple[_Links, ...]


#: Kept base maps by key, each with the object it was made from (``owner``, e.g. the
#: dataset: a key naming an object by its ``id`` is never taken for another's).
_BASES: IdentityCache[_Base] = IdentityCache(KEPT_BASES, "base maps")


def clear() -> None:
    """Forget the base maps and group texts kept (for tests and benchmarks)."""
    _BASES.clear()
    _GROUP_TEXT.clear()


def _walk(fig: Any) -> Iterator[Any]:
    """``st_folium``'s walk of a figure for the elements that bring links."""
    if isinstance(fig, branca.colormap.ColorMap):
        yield fig
    if isinstance(fig, folium.elements.JSCSSMixin):
        yield fig
    if hasattr(fig, "_children"):
        for child in fig._children.values():
            yield from _walk(child)


def _link_info(elements: Iterable[Any]) -> tuple[_Links, ...]:
    return tuple(
        (
            isinstance(elem, branca.colormap.ColorMap),
            tuple(href for _, href in getattr(elem, "default_css", [])),
            tuple(src for _, src in getattr(elem, "default_js", [])),
        )
        for elem in elements
    )


def _links(info: Iterable[_Links]) -> tuple[list[str], list[str]]:
    """The css and js links as ``st_folium`` collects them from the walked elements."""
    css_links: list[str] = []
    js_links: list[str] = []
    for colormap, css, js in info:
        if colormap:  # st_folium adds d3 for a colour map
            js_links.insert(0, "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js")
            js_links.insert(0, "https://d3js.org/d3.v4.min.js")
        css_links.extend(css)
        js_links.extend(js)
    return list(dict.fromkeys(css_links)), list(dict.fromkeys(js_links))


def _base(fmap: folium.Map, *, render: bool) -> _Base:
    """The base map's part of ``st_folium``'s work (its steps before the groups)."""
    if render:
        fmap.get_root().render()
    fmap.render()  # type: ignore[no-untyped-call]
    html = streamlit_folium._get_html(fmap)
    header = streamlit_folium._get_header(fmap)
    script = streamlit_folium._get_map_string(fmap)
    map_id = streamlit_folium.get_full_id(fmap)
    bounds = _bounds(fmap)
    zoom = fmap.options.get("zoom") if hasattr(fmap, "options") else {}
    return _Base(script, header, html, map_id, bounds, zoom, _link_info(_walk(fmap)))


def _bounds(fmap: folium.Map) -> list[list[Any]]:
    try:
        bounds: list[list[Any]] = fmap.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    return bounds


def _kept_base(
    key: Hashable, owner: object, make_map: Callable[[], folium.Map], *, render: bool
) -> _Base:
    return _BASES.get((owner,), key, lambda: _base(make_map(), render=render))


def _host() -> folium.Map:
    """A bare map named as ``st_folium``'s base map is when it renders the groups."""
    host = folium.Map(location=None, tiles=None)
    host._id = "div"
    return host


GROUP_TEXT_CHARS = 32_000_000


def _group_text_chars(key: Hashable, text: str) -> int:
    """What an entry of :data:`_GROUP_TEXT` holds: its text and its key's script."""
    script = key[1] if isinstance(key, tuple) else ""
    return len(text) + len(script)


#: The text ``st_folium`` makes of a prepared group at a position, by (position, the
#: group's script): the same for every run and session that hands that group there (the
#: comparison map's 76 groups, or a kept group's stub). At most :data:`GROUP_TEXT_CHARS`
#: characters are kept, the least recently used out first.
_GROUP_TEXT: IdentityCache[str] = IdentityCache(
    GROUP_TEXT_CHARS, "group text", weigh=_group_text_chars
)


def _group_string(group: folium.FeatureGroup, host: folium.Map, idx: int) -> str:
    """``st_folium``'s text of ``group`` at position ``idx`` (its
    ``_get_feature_group_string``). For a :class:`~layers.web.prepared.PreparedGroup`
    that text depends only on the position and the group's script (no element inside
    it is named by folium): kept and reused."""

    def text() -> str:
        return str(streamlit_folium._get_feature_group_string(group, map=host, idx=idx))

    if type(group) is not PreparedGroup or group._children:
        return text()
    return _GROUP_TEXT.get((), (idx, group.prepared_script), text)


def _bounds_dict(bounds: list[list[Any]]) -> dict[str, dict[str, Any]]:
    south_west, north_east = bounds
    return {
        "_southWest": {"lat": south_west[0], "lng": south_west[1]},
        "_northEast": {"lat": north_east[0], "lng": north_east[1]},
    }


def st_folium_once(
    make_map: Callable[[], folium.Map],
    base_key: Hashable | None,
    *,
    key: str,
    height: int,
    returned_objects: Sequence[str],
    feature_group_to_add: Sequence[folium.FeatureGroup],
    owner: object = None,
    render: bool = True,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> tuple[Any, list[list[Any]]]:
    """``st_folium(make_map(), key=key, height=height, use_container_width=True,
    returned_objects=..., render=render, feature_group_to_add=..., center=..., zoom=...)``
    with the base map's part kept under ``base_key`` for ``owner`` (the object the base
    map is made from, when the key names it by ``id``; see the module docstring); a
    ``base_key`` of None (a base map that is not the same for every session, such as the
    user's own tiles) calls ``st_folium`` itself.

    Returns the component's value and the base map's bounds (``[[south, west], [north,
    east]]``, taken before the groups are added; None entries when it has none)."""
    if base_key is None:
        fmap = make_map()
        bounds = _bounds(fmap)  # before st_folium adds the groups to it
        return st_folium(
            fmap,
            key=key,
            height=height,
            use_container_width=True,
            returned_objects=list(returned_objects),
            render=render,
            feature_group_to_add=list(feature_group_to_add),
            center=center,
            zoom=zoom,
        ), bounds
    base = _kept_base((base_key, render), owner, make_map, render=render)
    _defaults = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": _bounds_dict(base.bounds),
        "zoom": base.zoom,
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
    }
    defaults = {k: v for k, v in _defaults.items() if k in returned_objects}
    host = _host()
    groups = list(feature_group_to_add)
    feature_group_string = "".join(
        _group_string(group, host, idx) for idx, group in enumerate(groups)
    )
    css_links, js_links = _links(
        base.links + tuple(info for group in groups for info in _link_info(_walk(group)))
    )
    hash_key = streamlit_folium.generate_js_hash(base.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    value = streamlit_folium._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default=defaults,
        zoom=zoom,
        center=center,
        feature_group=feature_group_string,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=css_links,
        js_links=js_links,
        on_change=_on_change,
        wrap_longitude=False,
    )
    return value, base.bounds


__all__ = ["KEPT_BASES", "clear", "st_folium_once"]
