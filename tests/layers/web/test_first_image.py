"""The static first map's image (issue 25, ``layers.web.first_image``): features projected
where Leaflet draws them, in the web map's styles, labels where the live map puts them and
decluttered as it does, text escaped; and the images of the default view."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from geo.dataset import Dataset
from geo.leaflet_view import pixel_origin, world_lonlat, world_px
from layers.briefing.view import DEFAULT_BOUNDS
from layers.catalog import LAYERS
from layers.styles import LABEL_STYLES, style
from layers.web.first_image import (
    WINDOW,
    image_at,
    svg_at,
    view_images,
    zooms_for,
)
from layers.web.first_labels import Frame, frame_at
from layers.web.html import escape_text
from layers.web.labels import web_font
from layers.web.map import LAND_STYLE
from layers.web.spread import RING_PX

NS = "{http://www.w3.org/2000/svg}"
ZOOM = 7.75
ORIGIN = (33000.0, 20000.0)


def _layer(look: str) -> str:
    """A catalogue layer whose points get permanent labels of ``look``."""
    return next(
        s.id for s in LAYERS if s.label and s.label.permanent_on_web and s.label.look == look
    )


def _events() -> str:
    return next(s.id for s in LAYERS if any(e.style_key == "event" for e in s.legend))


def _point(lon: float, lat: float, key: str, name: str, **props: Any) -> dict[str, Any]:
    properties = {"style_key": key, "status": "confirmed", "tooltip": escape_text(name)}
    return {
        "type": "Feature",
        "id": name,
        "properties": properties | props,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _draw(collections: dict[str, Any], zoom: float = ZOOM) -> tuple[ET.Element, Any]:
    svg, placed = svg_at([], LAND_STYLE, collections, zoom, ORIGIN)
    return ET.fromstring(svg), placed


def _at(lon: float, lat: float, zoom: float = ZOOM) -> tuple[float, float]:
    x, y = world_px(lon, lat, zoom)
    return x - ORIGIN[0], y - ORIGIN[1]


def test_a_point_is_drawn_at_its_web_mercator_pixel_in_its_style_with_its_label_beside() -> None:
    places = _layer("place")
    root, placed = _draw({places: {"features": [_point(45.0, 40.0, "place", "Town")]}})
    circle = root.find(f".//{NS}circle")
    assert circle is not None
    x, y = _at(45.0, 40.0)
    assert float(circle.get("cx", "")) == pytest.approx(x, abs=0.05)
    assert float(circle.get("cy", "")) == pytest.approx(y, abs=0.05)
    look = style("place", "confirmed")  # the one style definition
    assert circle.get("r") == f"{look.radius:g}" and circle.get("stroke") == look.color
    assert circle.get("fill") == (look.fill or look.color)
    text = root.find(f".//{NS}text")
    assert text is not None and text.text == "Town"
    font = web_font(LABEL_STYLES["place"])
    assert text.get("font-size") == str(font.size) and text.get("fill") == font.colour
    # 4 px away, Leaflet's 6 px margin, 2 px padding
    assert float(text.get("x", "")) == pytest.approx(x + 12, abs=0.05)
    assert [p.kept for p in placed] == [True]


def test_an_area_is_a_path_in_its_style_and_its_label_centred_on_its_anchor() -> None:
    regions = _layer("region")
    ring = [[45.0, 39.5], [46.0, 39.5], [46.0, 40.5], [45.0, 40.5], [45.0, 39.5]]
    feature = {
        "type": "Feature", "id": "a",
        "properties": {"style_key": "nkao", "status": "approximate", "tooltip": "A",
                       "label_at": [45.5, 40.0], "label": "Upper<br>&lt;Lower&gt;"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }  # fmt: skip
    root, _ = _draw({regions: {"features": [feature]}})
    path = root.find(f".//{NS}path")
    assert path is not None
    look = style("nkao", "approximate")
    assert path.get("stroke") == look.color and path.get("stroke-width") == f"{look.weight:g}"
    assert path.get("stroke-dasharray") == " ".join(f"{v:g}" for v in look.dash or ())
    first = re.match(r"M([\d.]+) ([\d.]+)", path.get("d", ""))
    assert first is not None
    assert (float(first[1]), float(first[2])) == pytest.approx(_at(45.0, 39.5), abs=0.05)
    lines = list(root.iter(f"{NS}text"))
    assert [t.text for t in lines] == ["Upper", "<Lower>"]  # escaped in, text out
    assert all(t.get("text-anchor") == "middle" for t in lines)
    x, _ = _at(45.5, 40.0)
    assert float(lines[0].get("x", "")) == pytest.approx(x, abs=0.05)


def test_overlapping_labels_keep_the_more_important_and_minor_ones_hide_when_zoomed_out() -> None:
    places, countries = _layer("place"), _layer("country")
    country = _point(45.0, 40.0, "place", "IGNORED")
    country["properties"] |= {"label_at": [45.02, 40.0], "label": "ARMENIA"}
    country["geometry"] = {"type": "Polygon", "coordinates": [[[44, 39], [46, 39], [46, 41],
                                                              [44, 39]]]}  # fmt: skip
    town = _point(45.0, 40.0, "place", "Under the country name")
    minor = _point(44.0, 41.0, "place-minor", "Village")
    _, placed = _draw({countries: {"features": [country]}, places: {"features": [town, minor]}})
    kept = {p.lines[0]: p.kept for p in placed}
    assert kept == {"ARMENIA": True, "Under the country name": False}  # the village: hidden


def test_what_the_live_map_draws_from_a_zoom_on_is_left_out_below_it() -> None:
    places = _layer("place")
    later = _point(45.0, 40.0, "place", "Later", min_zoom=9)
    root, _ = _draw({places: {"features": [later]}})
    assert root.find(f".//{NS}circle") is None and root.find(f".//{NS}text") is None
    root, _ = _draw({places: {"features": [later]}}, zoom=9)
    assert root.find(f".//{NS}circle") is not None


def test_events_at_a_town_are_spread_on_its_ring_with_leaders() -> None:
    places, events = _layer("place"), _events()
    town = _point(45.0, 40.0, "place", "Town")
    stacked = [_point(45.0, 40.0, "event", f"e{i}", stack="event") for i in range(2)]
    root, _ = _draw({places: {"features": [town]}, events: {"features": stacked}})
    x, y = _at(45.0, 40.0)
    event_r = f"{style('event', 'confirmed').radius:g}"
    circles: dict[str, list[tuple[float, float]]] = {"town": [], "events": []}
    for c in root.iter(f"{NS}circle"):
        kind = "events" if c.get("r") == event_r else "town"
        circles[kind].append((float(c.get("cx", "")), float(c.get("cy", ""))))
    assert circles["town"] == [pytest.approx((x, y), abs=0.05)]  # the town keeps its place
    # on Leaflet's whole layer pixel of the point
    home = (round(x + ORIGIN[0]) - ORIGIN[0], round(y + ORIGIN[1]) - ORIGIN[1])
    ring = [math.hypot(cx - home[0], cy - home[1]) for cx, cy in circles["events"]]
    assert ring == pytest.approx([RING_PX, RING_PX], abs=0.1)
    assert circles["events"][0][1] < home[1] - RING_PX + 0.1  # the first straight above
    assert len([p for p in root.iter(f"{NS}path") if p.get("stroke") == "#444444"]) == 2


def test_symbols_other_than_circles_are_the_live_maps_icons() -> None:
    sites = next(s.id for s in LAYERS if any(e.style_key == "base" for e in s.legend))
    root, _ = _draw({sites: {"features": [_point(45.0, 40.0, "base", "Base")]}})
    polygon = root.find(f".//{NS}polygon")
    assert polygon is not None and polygon.get("stroke") == style("base", "confirmed").color


def test_each_zoom_of_the_layout_has_an_image_centred_on_the_extent() -> None:
    assert zooms_for(DEFAULT_BOUNDS) == (6.0, 6.25, 6.5, 6.75, 7.0, 7.25, 7.5, 7.75)
    image = image_at([], {}, DEFAULT_BOUNDS, 7.75)
    left, top = pixel_origin(DEFAULT_BOUNDS, 7.75, 1168, 600)
    # the live map's box lies inside the image, where the page puts it
    x, y = left - image.origin[0], top - image.origin[1]
    assert x >= 0 and x + 1168 <= WINDOW[0] and y >= 0 and y + 600 <= WINDOW[1]
    assert image.centre[0] - image.origin[0] == pytest.approx(WINDOW[0] / 2, abs=1)


def test_the_default_views_images_draw_its_names(dataset: Dataset) -> None:
    from ui.static_first import default_view

    images = view_images(dataset, default_view(dataset))
    assert [i.zoom for i in images] == list(zooms_for(DEFAULT_BOUNDS))
    texts = {"".join(t.itertext()) for t in ET.fromstring(images[-1].svg).iter(f"{NS}text")}
    assert {"ARMENIA", "GEORGIA", "Gyumri", "Nagorno-Karabakh"} <= texts


def test_in_a_box_a_label_cut_by_its_right_edge_goes_left_and_controls_hide_labels() -> None:
    places = _layer("place")
    x, y = _at(45.0, 40.0)
    box = (x - 300, y - 200, x + 40, y + 200)  # the point 40 px from the right edge
    frame = Frame(box, furniture=((x - 300, y - 200, x - 250, y - 120),))
    edge = _point(45.0, 40.0, "place", "A long name by the edge")
    corner = _point(*world_lonlat(x - 280 + ORIGIN[0], y - 180 + ORIGIN[1], ZOOM), "place",
                    "Under the zoom buttons")  # fmt: skip
    svg, placed = svg_at([], LAND_STYLE, {places: {"features": [edge, corner]}}, ZOOM, ORIGIN,
                         frame)  # fmt: skip
    by_text = {p.lines[0]: p for p in placed}
    moved = by_text["A long name by the edge"]
    assert moved.kept and moved.box[2] == pytest.approx(x - 10)  # left of its point
    assert not by_text["Under the zoom buttons"].kept
    assert "Under the zoom buttons" not in svg


def test_the_frame_of_a_box_holds_the_live_maps_controls() -> None:
    frame = frame_at(100, 50, 948, 575, stamp="Situation on 23 February 2021",
                     legend_open=False)  # fmt: skip
    assert frame.box == (100.0, 50.0, 1048.0, 625.0)
    assert (110.0, 60.0, 144.0, 125.0) in frame.furniture  # the zoom buttons, 10 px in
    assert (962.0, 603.0, 1048.0, 625.0) in frame.furniture  # the attribution, bottom right
    stamp = frame.furniture[-1]
    assert stamp[2] == 1038 and 240 < stamp[2] - stamp[0] < 275  # 256 px in Chromium
