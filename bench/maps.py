"""The same layers built three ways, and the payload streamlit-folium would send.

- ``ours``: this project's base map plus feature groups (``feature_group_to_add``),
  geometry simplified and rounded by ``layers.web.map``.
- ``leafmap``: ``leafmap.foliumap.Map`` with ``add_gdf`` per layer, full resolution.
- ``explore``: plain folium through ``GeoDataFrame.explore(m=...)``, full resolution.

The payload is what ``st_folium`` hands to its front end: the map script, header and
HTML, plus the feature-group script (computed with streamlit-folium's own helpers).
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import streamlit_folium as sf

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.features import view_features
from layers.web.geojson import feature_collections
from layers.web.groups import feature_groups
from layers.web.map import base_map


def component_payload(fmap: folium.Map, groups: list[folium.FeatureGroup] | None = None) -> str:
    """The text st_folium sends for ``fmap`` and ``groups`` (same calls, same order)."""
    fmap.get_root().render()
    fmap.render()
    parts = [sf._get_html(fmap), sf._get_header(fmap), sf._get_map_string(fmap)]
    for index, group in enumerate(groups or []):
        parts.append(sf._get_feature_group_string(group, map=fmap, idx=index))
    return "".join(parts)


def ours(dataset: Dataset, view: View) -> str:
    """This project's rerun: state on the date, features, base map, groups, payload."""
    frames = view_features(dataset, view)
    fmap = base_map(dataset, view.bounds, view.basemap)
    return component_payload(fmap, feature_groups(feature_collections(frames)))


def _plain_frames(dataset: Dataset, view: View) -> dict[str, gpd.GeoDataFrame]:
    """The view's layer frames with list columns made text (peers need plain columns)."""
    frames = view_features(dataset, view)
    plain = {}
    for layer_id, frame in frames.items():
        if frame.empty:
            continue
        copy = frame.copy()
        copy["details"] = copy["details"].map(
            lambda pairs: "; ".join(f"{k}: {v}" for k, v in pairs)
        )
        for column in ("source_ids", "citations"):
            copy[column] = copy[column].map("; ".join)
        copy["names"] = copy["names"].map(lambda names: names.en if names else "")
        plain[layer_id] = copy
    return plain


def leafmap_map(dataset: Dataset, view: View) -> folium.Map:
    """The same layers with leafmap's folium backend, everything in the base map."""
    import leafmap.foliumap as leafmap

    frames = _plain_frames(dataset, view)
    lmap: Any = leafmap.Map(center=[40.0, 45.5], zoom=7, basemap=None, draw_control=False)
    for layer_id, frame in frames.items():
        lmap.add_gdf(frame, layer_name=layer_id, zoom_to_layer=False, info_mode="on_click")
    return lmap


def explore_map(dataset: Dataset, view: View) -> folium.Map:
    """The same layers with plain folium through ``GeoDataFrame.explore``."""
    frames = _plain_frames(dataset, view)
    fmap: Any = None
    for layer_id, frame in frames.items():
        fmap = frame.explore(m=fmap, name=layer_id, tiles=None)
    return fmap


def leafmap_peer(dataset: Dataset, view: View) -> str:
    """leafmap's map of the view, as the payload st_folium would send."""
    return component_payload(leafmap_map(dataset, view))


def explore_peer(dataset: Dataset, view: View) -> str:
    """``GeoDataFrame.explore``'s map of the view, as the payload st_folium would send."""
    return component_payload(explore_map(dataset, view))


#: The peers' maps (folium objects); their stand-alone page is ``m.get_root().render()``.
PEER_MAPS = {"leafmap": leafmap_map, "explore": explore_map}


BUILDERS = {"ours": ours, "leafmap": leafmap_peer, "explore": explore_peer}
