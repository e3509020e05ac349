"""Folium's rendered pieces reach the page as text (layers.web.folium_render)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable

import folium
import pytest
from branca.element import Element, MacroElement

import layers.web.elements  # noqa: F401  (installs the rendering)
from layers.web import folium_render


def _page(build: Callable[[], folium.Map], monkeypatch: pytest.MonkeyPatch) -> str:
    counter = itertools.count()
    monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
    return build().get_root().render()


def _map() -> folium.Map:
    m = folium.Map(location=(40.0, 45.0), zoom_start=7, tiles=None)
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Shusha / Shushi", "note": "a 'quote' & <b>"},
                "geometry": {"type": "Point", "coordinates": [46.75, 39.76]},
            }
        ],
    }
    folium.GeoJson(
        data,
        tooltip=folium.GeoJsonTooltip(["name"]),
        popup=folium.GeoJsonPopup(["note"]),
    ).add_to(m)
    folium.Marker((40.78, 43.84), popup=folium.Popup("Gyumri", parse_html=True)).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def test_the_page_is_folium_s_own_for_text_without_template_syntax(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours = _page(_map, monkeypatch)
    with monkeypatch.context() as original:
        original.setattr(MacroElement, "render", folium_render.branca_render)
        theirs = _page(_map, original)
    assert ours == theirs
    assert "Shusha / Shushi" in ours and "Gyumri" in ours


def test_rendered_text_is_not_a_template_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def build() -> folium.Map:
        m = folium.Map(location=(40.0, 45.0), tiles=None)
        folium.Marker((40.0, 45.0), tooltip="a {{ 7*7 }} b {% if 1 %}c{% endif %}").add_to(m)
        return m

    page = _page(build, monkeypatch)
    assert "a {{ 7*7 }} b {% if 1 %}c{% endif %}" in page
    with monkeypatch.context() as original:  # what folium alone does with the same text
        original.setattr(MacroElement, "render", folium_render.branca_render)
        assert "a 49 b c" in _page(build, original)


def test_the_pure_web_modules_load_without_branca() -> None:
    """The rendering is installed by the module that builds folium elements, not by the
    package: the escaping path and the group store (the KML export, the group route)
    stay free of branca and Jinja."""
    code = (
        "import sys, layers.web.html, layers.web.group_store; "
        "print(sorted(m for m in ('branca', 'folium', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
