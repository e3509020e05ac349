"""The static first map's setting and its preloads (issue 25, ``ui.static_first``): on
unless ``BRIEFING_FIRST_MAP=off``; the ``Link`` header preloads, for every viewport, the
one image of the zoom its map box fits the default view at."""

from __future__ import annotations

import re
import time

import pytest

from geo.leaflet_view import fit_zoom
from layers.briefing.view import DEFAULT_BOUNDS
from layers.web import first_map
from layers.web.first_image import zooms_for
from ui import layout, static_first
from ui.layout import MAP_BOXES
from ui.static_first import (
    LAYOUTS,
    OVERLAY_BOX_CSS,
    SETTING_ENV,
    enabled,
    map_box,
    preload_media,
    reference_boxes,
)


@pytest.mark.parametrize(
    ("value", "on"), [(None, True), ("", True), ("on", True), ("off", False), (" OFF ", False)]
)
def test_the_preview_is_on_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch, value: str | None, on: bool
) -> None:
    if value is None:
        monkeypatch.delenv(SETTING_ENV, raising=False)
    else:
        monkeypatch.setenv(SETTING_ENV, value)
    assert enabled() is on


def test_switched_off_no_preview_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING_ENV, "off")
    first_map.forget()
    called: list[object] = []
    monkeypatch.setattr(static_first, "build", lambda *args: called.append(args))
    static_first.prepare("v", object())  # type: ignore[arg-type]
    time.sleep(0.1)
    assert called == [] and first_map.current() is None


def _matches(query: str, width: int, height: int) -> bool:
    """Whether a viewport matches ``query`` (a list of min/max width and height parts)."""
    for alternative in query.split(", "):
        limits = re.findall(r"\((min|max)-(width|height): (\d+)px\)", alternative)
        size = {"width": width, "height": height}
        if all(
            (size[side] >= int(px)) if kind == "min" else (size[side] <= int(px))
            for kind, side, px in limits
        ):
            return True
    return False


def test_each_viewport_preloads_exactly_the_image_of_its_boxs_zoom() -> None:
    zooms = list(zooms_for(DEFAULT_BOUNDS))
    media = preload_media(DEFAULT_BOUNDS, zooms)
    assert _matches(media[7.75], 1500, 1100) and _matches(media[7.75], 1280, 800)
    assert _matches(media[6.75], 430, 900)
    for width in range(300, 2600, 7):
        for height in range(480, 1300, 11):
            expected = fit_zoom(DEFAULT_BOUNDS, *map_box(width, height))
            found = [z for z, query in media.items() if _matches(query, width, height)]
            assert found == [expected], (width, height)


def test_the_app_and_the_overlay_place_the_map_by_one_table() -> None:
    frame = '.st-key-map-col iframe[title="streamlit_folium.st_folium"]'
    for n, box in enumerate(MAP_BOXES):
        media = "" if n == 0 else f"@media (max-width: {box.max_vw}px) {{ "
        assert f"{media}{frame} {{ height: {box.height_css} !important; }}" in layout._CSS
        placed = f"top: {box.top}px; left: {box.left}px; right: {box.right}px"
        assert f"{media}#bm-first-map {{ {placed}; height: {box.height_css}; }}" in OVERLAY_BOX_CSS
        w_less = box.left + box.right
        assert LAYOUTS[n] == (box.min_vw, box.max_vw, w_less, box.h_less, box.h_min, box.h_max)
    # widest first, each row up to the next: every width has one
    assert [box.min_vw - 1 for box in MAP_BOXES[:-1]] == [box.max_vw for box in MAP_BOXES[1:]]
    assert MAP_BOXES[-1].min_vw == 1


def test_the_live_maps_boxes_are_the_layouts() -> None:
    # measured in Chromium on the live map (tests/geo/test_leaflet_view.py)
    assert map_box(1500, 1100) == (1168, 600)
    assert map_box(1280, 800) == (948, 575)
    assert map_box(430, 900) == (398, 500)
    boxes = reference_boxes(DEFAULT_BOUNDS)
    assert boxes[7.75] == (948, 575) and boxes[6.75] == (398, 500)
