"""Pure pieces of the map interaction: which event a click hit, the timeline's scroll
script and highlight, the measured line's label, the search pin, the tile failure notice."""

from __future__ import annotations

import datetime as dt

import folium
import pytest

from geo.dataset import Dataset
from geo.measure import between
from layers.briefing.view import DEFAULT_BOUNDS
from layers.web.elements import TILE_ERRORS_NOTICE
from layers.web.groups import measure_group, measure_label, pin_group
from layers.web.map import base_map
from layers.web.timeline_panel import clicked_event, current_event, timeline_entries

DAY = dt.date(2021, 2, 23)


def render(group: folium.FeatureGroup) -> str:
    fmap = folium.Map(location=(40, 45), tiles=None)
    group.add_to(fmap)
    return str(fmap.get_root().render())


def test_an_event_is_found_by_its_tooltip_and_by_its_marker_position(dataset: Dataset) -> None:
    entries = timeline_entries(dataset, DAY)
    zangilan = next(e for e in entries if e.id == "zangilan-taken-2020")
    assert clicked_event(entries, zangilan.title) == zangilan.id
    assert clicked_event(entries, f"  {zangilan.title}\n") == zangilan.id  # innerText spacing
    # the town's marker is drawn over the event's: its tooltip is the town, its position
    # the event's point
    assert clicked_event(entries, "Zangilan / Kovsakan", zangilan.center) == zangilan.id
    assert clicked_event(entries, "Zangilan / Kovsakan", (39.5, 45.5)) is None
    assert clicked_event(entries, None) is None and clicked_event(entries, "") is None


def test_of_two_events_at_one_point_the_latest_shown_wins(dataset: Dataset) -> None:
    entries = timeline_entries(dataset, DAY)
    jabrayil = [e for e in entries if e.center == (39.4, 47.02611)]
    assert len(jabrayil) == 2
    assert clicked_event(entries, "Jabrayil", (39.4, 47.02611)) == jabrayil[-1].id
    before = timeline_entries(dataset, jabrayil[0].date)  # the later one not yet on the map
    assert clicked_event(before, "Jabrayil", (39.4, 47.02611)) == jabrayil[0].id


def test_future_events_are_not_clicked(dataset: Dataset) -> None:
    entries = timeline_entries(dataset, dt.date(1995, 1, 1))
    future = next(e for e in entries if not e.past)
    assert clicked_event(entries, future.title, future.center) is None


def test_the_selected_card_is_highlighted_and_findable(dataset: Dataset) -> None:
    entries = timeline_entries(dataset, DAY, selected="zangilan-taken-2020")
    marked = [e for e in entries if "bm-event-selected" in e.html]
    assert [e.id for e in marked] == ["zangilan-taken-2020"]
    assert all(f"data-event-id='{e.id}'" in e.html for e in entries)


def test_current_event_is_the_latest_reached(dataset: Dataset) -> None:
    entries = timeline_entries(dataset, DAY)
    assert current_event(entries, dt.date(1990, 1, 1)) is None
    day = entries[3].date
    assert current_event(entries, day) == [e.id for e in entries if e.date <= day][-1]


def test_the_distance_is_a_permanent_label_on_the_line() -> None:
    measurement = between((40.0, 44.0), (40.0, 45.0))
    assert measure_label(measurement) == "85.4 km"
    html = render(measure_group(measurement))
    assert "85.4 km (geodesic)" in html
    assert '"permanent": true' in html and '"direction": "center"' in html
    assert "bm-measure-label" in html


def test_the_pin_escapes_its_label() -> None:
    html = render(pin_group((39.8, 46.75, "Stepanakert <b>{{ 7*7 }}")))
    assert "bm-pin" in html and "<b>" not in html and "{{ 7*7 }}" not in html
    assert "bm-pin" not in render(pin_group(None))


@pytest.mark.parametrize(("basemap", "notice"), [("osm", True), ("vector", False)])
def test_online_tiles_carry_the_failure_notice(
    dataset: Dataset, basemap: str, notice: bool
) -> None:
    html = str(base_map(dataset, DEFAULT_BOUNDS, basemap).get_root().render())
    assert ("tileerror" in html) is notice
    assert ("'bm-control bm-tile-failure'" in html) is notice
    if notice:
        assert f"failures < {TILE_ERRORS_NOTICE}" in html
