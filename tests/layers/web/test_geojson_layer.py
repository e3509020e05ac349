"""GeoJsonLayer writes the same page and the same streamlit-folium groups as folium's
GeoJson, without compiling the embedded data as a Jinja template."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest import mock

import folium
import pytest
import streamlit_folium as sf
from branca.element import Element

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.features import view_features
from layers.web import groups as web_groups
from layers.web import map as web_map
from layers.web.geojson import feature_collections

#: folium's generated variable names (random suffixes) differ between two renders.
_NAMES = re.compile(r"_[0-9a-f]{32}")


def _same_names(text: str) -> str:
    return _NAMES.sub("_X", text)


class _FoliumGeoJson(folium.GeoJson):
    """folium's own GeoJson, taking (and ignoring) GeoJsonLayer's ``style_key``: it styles
    every feature and writes the script through branca's templates."""

    def __init__(self, *args: Any, style_key: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


def _with_folium_geojson() -> mock._patch[type[folium.GeoJson]]:
    return mock.patch.object(web_groups, "GeoJsonLayer", _FoliumGeoJson)


def test_the_standalone_page_is_the_same_as_with_folium_geojson(dataset: Dataset) -> None:
    view = View(day=dt.date(2021, 2, 23))
    ours = web_map.standalone_html(dataset, view)
    with _with_folium_geojson():
        theirs = web_map.standalone_html(dataset, view)
    assert "GeoJson" not in ours.split("<script>", 1)[0]  # sanity: a page
    assert _same_names(ours).split() == _same_names(theirs).split()


@pytest.mark.parametrize("day", [dt.date(1994, 5, 12), dt.date(2021, 2, 23)])
def test_the_groups_sent_to_the_map_are_the_same(dataset: Dataset, day: dt.date) -> None:
    view = View(day=day)
    frames = view_features(dataset, view)

    def groups_text() -> str:
        fmap = web_map.base_map(dataset, view.bounds, view.basemap)
        groups = web_groups.feature_groups(feature_collections(frames), day=day)
        return "".join(
            sf._get_feature_group_string(group, map=fmap, idx=index)
            for index, group in enumerate(groups)
        )

    ours = groups_text()
    with _with_folium_geojson():
        theirs = groups_text()
    assert "L.geoJson(" in ours
    assert _same_names(ours) == _same_names(theirs)


def test_no_template_is_compiled_from_the_data(dataset: Dataset) -> None:
    view = View(day=dt.date(2021, 2, 23))
    frames = view_features(dataset, view)
    fmap = web_map.base_map(dataset, view.bounds, view.basemap)
    groups = web_groups.feature_groups(feature_collections(frames), day=view.day)
    compiled: list[str] = []
    real = Element.__init__

    def spy(self: object, template: str | None = None, **kwargs: object) -> None:
        compiled.append(template or "")
        real(self, template, **kwargs)  # type: ignore[arg-type]

    with mock.patch("branca.element.Element.__init__", spy):
        for index, group in enumerate(groups):
            sf._get_feature_group_string(group, map=fmap, idx=index)
    assert compiled  # the spy saw branca's elements
    assert not any("FeatureCollection" in text for text in compiled)


def test_a_style_is_made_once_per_style_key(dataset: Dataset) -> None:
    """The style map of a layer of many features comes from one call of the style
    function per style key, and equals folium's, which calls it for every feature."""
    from folium.features import GeoJsonStyleMapper

    from layers.web.elements import keyed_style_map
    from layers.web.geojson import feature_style, feature_style_key

    frames = view_features(dataset, View(day=dt.date(2021, 2, 23)))
    collections = feature_collections(frames)
    data = max(collections.values(), key=lambda c: len(c["features"]))
    assert len(data["features"]) > 50
    layer = folium.GeoJson(data, style_function=feature_style)
    mapper = GeoJsonStyleMapper(data, layer.feature_identifier, layer)
    calls = mock.Mock(side_effect=feature_style)
    ours = keyed_style_map(mapper, calls, feature_style_key)
    assert ours == mapper.get_style_map(feature_style)
    assert calls.call_count == len({feature_style_key(f) for f in data["features"]})
    assert calls.call_count < len(data["features"]) / 5


@pytest.mark.parametrize("day", [dt.date(1994, 5, 12), dt.date(2021, 2, 23)])
def test_features_written_once_give_the_same_text_and_scripts(
    dataset: Dataset, hostile_dataset: Dataset, day: dt.date
) -> None:
    """A FeatureCollection's features are written once (layers.web.geojson.feature_json)
    and joined: the same JSON as json.dumps, and the same group scripts as Jinja's own
    tojson writes, hostile text included (its escapes are applied to the whole text)."""
    import json

    from layers.web import prepared
    from layers.web.geojson import collection_json

    for data in (dataset, hostile_dataset):
        collections = feature_collections(view_features(data, View(day=day)))
        prepared.prepare("events", collections["events"])  # the policy is in place
        policies = folium.GeoJson._template.environment.policies
        assert policies["json.dumps_function"] is collection_json
        for collection in collections.values():
            for _ in range(2):  # written, then from the features' texts
                text = collection_json(collection, sort_keys=True)
                assert text == json.dumps(collection, sort_keys=True)
        fast = {k: prepared.prepare(k, v).body for k, v in collections.items()}
        with mock.patch.dict(policies, {"json.dumps_function": None}):
            plain = {k: prepared.prepare(k, v).body for k, v in collections.items()}
        assert fast == plain and sum(len(b) for b in fast.values()) > 100_000
