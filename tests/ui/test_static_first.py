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
from ui import static_first
from ui.layout import LAPTOP_MAP_CSS, PHONE_MAP_CSS
from ui.static_first import (
    LAYOUTS,
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


def test_the_layouts_are_the_app_layouts_map_heights() -> None:
    laptop, phone = LAYOUTS[0], LAYOUTS[2]
    assert f"clamp({laptop[4]}px, calc(100svh - {laptop[3]}px), {laptop[5]}px)" == LAPTOP_MAP_CSS
    assert f"clamp({phone[4]}px, calc(100svh - {phone[3]}px), {phone[5]}px)" == PHONE_MAP_CSS


def test_the_live_maps_boxes_are_the_layouts() -> None:
    # measured in Chromium on the live map (tests/geo/test_leaflet_view.py)
    assert map_box(1500, 1100) == (1168, 600)
    assert map_box(1280, 800) == (948, 575)
    assert map_box(430, 900) == (398, 500)
    boxes = reference_boxes(DEFAULT_BOUNDS)
    assert boxes[7.75] == (948, 575) and boxes[6.75] == (398, 500)
