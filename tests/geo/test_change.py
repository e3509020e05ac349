"""compare(): what changed hands between two days, on the real data and on synthetic data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo.change import EQUAL_AREA_CRS, UNMAPPED, compare
from geo.change_table import CHANGE_COLUMNS, TABLE_COLUMNS, change_frame, change_table
from geo.dataset import Dataset, load_dataset
from geo.errors import StateError
from geo.metric import geodesic_area_km2
from geo.situation import frame_dates, state_at
from tests.conftest import EARLY_EVENT, EVENTS, MakeDataDir

D = dt.date
ARM_AZ = "armenian->azerbaijani"


def _equal_area_km2(geometry: BaseGeometry) -> float:
    return float(gpd.GeoSeries([geometry], crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.iloc[0])


def _record(dataset: Dataset, record_id: str) -> Any:
    return next(c for c in dataset.control if c.id == record_id)


# --- real data -------------------------------------------------------------------------


def test_24_to_25_november_2020_is_exactly_the_armenian_held_part_of_kalbajar(
    dataset: Dataset,
) -> None:
    change = compare(dataset, D(2020, 11, 24), D(2020, 11, 25))
    kalbajar = _record(dataset, "kalbajar-district-armenian")
    expected = _equal_area_km2(kalbajar.geometry) / 1e6

    assert [(a.before_id, a.after_id) for a in change.areas] == [
        ("kalbajar-district-armenian", "kalbajar-district-azerbaijani")
    ]
    area = change.areas[0]
    assert area.direction == ARM_AZ
    assert area.km2 == pytest.approx(expected, rel=1e-3)
    assert change.km2 == pytest.approx(expected, rel=1e-3)
    assert dict(change.km2_by_direction) == {ARM_AZ: pytest.approx(expected, rel=1e-3)}
    # The equal-area CRS agrees with an ellipsoidal (geodesic) measurement.
    assert area.km2 == pytest.approx(geodesic_area_km2(kalbajar.geometry), rel=1e-3)
    assert set(area.sources) == set(kalbajar.provenance.sources) | set(
        _record(dataset, "kalbajar-district-azerbaijani").provenance.sources
    )
    assert {p.place_id for p in change.places} == {"kalbajar", "district-kalbajar"}
    assert change.sites == ()


def test_9_november_to_1_december_2020_hands_over_aghdam_kalbajar_and_lachin(
    dataset: Dataset,
) -> None:
    change = compare(dataset, D(2020, 11, 9), D(2020, 12, 1))
    handed = ("aghdam", "kalbajar", "lachin")
    handovers = [a for a in change.areas if a.direction == ARM_AZ and "district" in a.area_name]
    assert sorted((a.before_id, a.after_id) for a in handovers) == [
        (f"{d}-district-armenian", f"{d}-district-azerbaijani") for d in handed
    ]
    expected = sum(
        _equal_area_km2(_record(dataset, f"{d}-district-armenian").geometry) / 1e6 for d in handed
    )
    # Inside the former oblast, the communities lost by the end of the war (10 November:
    # Sargsashen, Arevshat and Aygestan, whose day is not known) change hands too.
    (last_of_the_war,) = (a for a in change.areas if "district" not in a.area_name)
    assert (last_of_the_war.before_id, last_of_the_war.after_id) == (
        "oblast-armenian-2020-11-09",
        "oblast-azerbaijani-2020-11-10",
    )
    assert 10 < last_of_the_war.km2 < 150
    assert change.km2 == pytest.approx(expected + last_of_the_war.km2, rel=1e-3)
    # The Lachin corridor is cut out of Azerbaijani-held Lachin: it leaves Armenian hands
    # for no control record (the Russian peacekeepers hold it, a site, not a holder).
    assert set(change.km2_by_direction) == {ARM_AZ, f"armenian->{UNMAPPED}"}
    (corridor,) = (a for a in change.areas if a.direction != ARM_AZ)
    assert (corridor.before_id, corridor.after_id) == ("lachin-district-armenian", None)
    assert 50 < corridor.km2 < 90

    places = {p.place_id: p for p in change.places}
    assert set(places) == {
        *("aghdam", "giyasli", "marzili", "kalbajar", "lachin"),
        "zabukh",  # a village of the corridor road (issue 21), in the corridor like Lachin
        *(f"district-{d}" for d in handed),
    }
    # Kornidzor (a village in Armenia) falls just inside the Lachin district at 1:10m
    # scale; its boundary note sets the control areas aside (geo.locate), so it is absent.
    # Lachin town lies in the corridor, which the Russian peacekeepers took over.
    assert places["lachin"].direction == f"armenian->{UNMAPPED}"
    assert places["zabukh"].direction == f"armenian->{UNMAPPED}"
    assert places["lachin"].after_id is None
    assert {places[p].direction for p in ("aghdam", "kalbajar", "marzili")} == {ARM_AZ}
    assert not places["lachin"].on_edge and not places["kalbajar"].on_edge
    assert {s.site_id: s.change for s in change.sites} == {
        "peacekeeping-zone": "appeared",
        "peacekeeping-hq-stepanakert": "appeared",
        "lachin-corridor": "appeared",
    }


def test_holder_totals_move_by_the_area_that_changed_hands(dataset: Dataset) -> None:
    change = compare(dataset, D(2020, 9, 26), D(2021, 2, 23))
    armenian, azerbaijani = change.km2_by_holder["armenian"], change.km2_by_holder["azerbaijani"]
    moved = change.km2_by_direction[ARM_AZ]
    to_corridor = change.km2_by_direction[f"armenian->{UNMAPPED}"]
    assert armenian.before_km2 - armenian.after_km2 == pytest.approx(
        moved + to_corridor, rel=1e-6
    )
    assert azerbaijani.after_km2 - azerbaijani.before_km2 == pytest.approx(moved, rel=1e-6)
    # Before the war Azerbaijan held only the oblast's edge beyond the 1994 line and Maragha.
    before_war = state_at(dataset, D(2020, 9, 26)).control
    assert {c.id for c in before_war if c.holder == "azerbaijani"} == {
        "oblast-fringe-azerbaijani",
        "oblast-azerbaijani-1994-05-12",
    }
    assert 150 < azerbaijani.before_km2 < 300
    assert {p.place_id for p in change.places} >= {"shusha", "hadrut", "fuzuli", "jabrayil"}
    assert "stepanakert" not in {p.place_id for p in change.places}
    # Jabrayil town lies 0.5 km from its area's edge: the table says its side is uncertain.
    jabrayil = next(r for r in change_table(change) if r["id"] == "jabrayil")
    assert "uncertain" in str(jabrayil["note"])


def test_no_change_between_two_days_of_the_same_situation(dataset: Dataset) -> None:
    change = compare(dataset, D(2020, 11, 26), D(2020, 11, 30))
    assert change.is_empty
    assert change.areas == () and change.places == () and change.sites == ()
    assert change.km2 == 0.0 and dict(change.km2_by_direction) == {}
    for totals in change.km2_by_holder.values():
        assert totals.before_km2 == totals.after_km2 > 0
    frame = change_frame(change)
    assert frame.empty and tuple(frame.columns) == CHANGE_COLUMNS and frame.crs == "EPSG:4326"
    assert change_table(change) == []


def test_an_area_first_mapped_comes_from_unmapped(dataset: Dataset) -> None:
    change = compare(dataset, D(1993, 4, 1), D(1993, 4, 2))
    assert [(a.direction, a.before_id, a.after_id) for a in change.areas] == [
        (f"{UNMAPPED}->armenian", None, "kalbajar-district-armenian")
    ]


def test_frame_and_table_carry_the_areas(dataset: Dataset) -> None:
    change = compare(dataset, D(2020, 11, 9), D(2020, 12, 1))
    frame = change_frame(change)
    assert tuple(frame.columns) == CHANGE_COLUMNS and frame.crs == "EPSG:4326"
    assert frame["km2"].tolist() == [a.km2 for a in change.areas]
    assert set(frame["direction"]) == {ARM_AZ, f"armenian->{UNMAPPED}"}
    minx, miny, maxx, maxy = frame.total_bounds
    assert 45.5 < minx < maxx < 47.5 and 39.0 < miny < maxy < 40.5  # lon/lat, not metres
    kalbajar = frame.set_index("after_id").loc["kalbajar-district-azerbaijani", "geometry"]
    assert kalbajar.symmetric_difference(
        _record(dataset, "kalbajar-district-armenian").geometry
    ).area == pytest.approx(0.0, abs=1e-6)

    rows = change_table(change)
    assert all(tuple(row) == TABLE_COLUMNS for row in rows)
    # The districts' name points are not places that changed hands: their areas' rows
    # say how much of each changed (issue 22: "Lachin District -> Lachin corridor").
    assert [r["what"] for r in rows] == ["area"] * 5 + ["place"] * 6 + ["site"] * 3
    assert not {r["id"] for r in rows} & {f"district-{d}" for d in ("aghdam", "kalbajar", "lachin")}
    assert "kornidzor" not in {r["id"] for r in rows}
    assert next(r for r in rows if r["id"] == "lachin")["note"] == ""


def test_dates_in_the_wrong_order_or_outside_the_map_are_refused(dataset: Dataset) -> None:
    with pytest.raises(StateError, match="before date 2020-12-01 is later"):
        compare(dataset, D(2020, 12, 1), D(2020, 11, 9))
    with pytest.raises(StateError, match="2030-01-01 is outside"):
        compare(dataset, D(2020, 11, 9), D(2030, 1, 1))
    with pytest.raises(StateError, match="start date"):
        frame_dates(dataset, D(2020, 12, 1), D(2020, 11, 9))


def test_frame_dates_of_the_2020_war(dataset: Dataset) -> None:
    frames = frame_dates(dataset, D(2020, 9, 20), D(2020, 12, 1))
    days = [f.day for f in frames]
    assert days[0] == D(2020, 9, 20)  # the start, though nothing happens on it
    districts_and_events = [
        D(2020, 9, 27),
        D(2020, 10, 4),
        D(2020, 10, 9),
        D(2020, 10, 14),  # Hadrut falls (Aliyev's claim of 9 October is only an event)
        D(2020, 10, 17),
        D(2020, 10, 20),
        D(2020, 10, 25),
        D(2020, 11, 8),
        D(2020, 11, 9),
        D(2020, 11, 10),
        D(2020, 11, 11),
        D(2020, 11, 20),
        D(2020, 11, 25),
        D(2020, 12, 1),
    ]
    # Every day a community of the oblast changed hands is a frame too.
    communities = [D(2020, 10, 3), D(2020, 10, 15), D(2020, 10, 16), D(2020, 11, 4), D(2020, 11, 7)]
    assert days[1:] == sorted(districts_and_events + communities)
    key = {f.day for f in frames if f.in_article}
    assert key == {D(2020, 9, 27), D(2020, 11, 9), D(2020, 11, 10), D(2020, 11, 11)}
    by_day = {f.day: f for f in frames}
    assert by_day[D(2020, 11, 25)].events == ("kalbajar-handed-over-2020",)
    assert by_day[D(2020, 9, 20)].events == ()


# --- synthetic data (tests/conftest.py: East = box(46, 40, 47, 41)) -------------------


def _box_km2(geometry: BaseGeometry) -> float:
    """Ellipsoidal area of a lon/lat box, its edges densified to follow the parallels."""
    return geodesic_area_km2(shapely.segmentize(geometry, 0.01))


def test_synthetic_handover_changes_the_whole_district(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    change = compare(data, D(2020, 11, 19), D(2020, 11, 20))
    assert [(a.before_id, a.after_id, a.direction) for a in change.areas] == [
        ("east-a", "east-b", ARM_AZ)
    ]
    assert change.km2 == pytest.approx(_box_km2(box(46, 40, 47, 41)), rel=1e-3)
    assert [(p.place_id, p.direction, p.on_edge) for p in change.places] == [
        ("beta", ARM_AZ, False)
    ]
    assert compare(data, D(2020, 11, 20), D(2021, 2, 23)).is_empty


def test_edited_records_are_not_answered_from_the_cache(make_data_dir: MakeDataDir) -> None:
    from tests.conftest import CONTROL

    first = compare(load_dataset(make_data_dir()), D(2020, 11, 19), D(2020, 11, 20))
    smaller = {"boundary": {"layer": "nkao", "match": {"name": "NKAO"}}}
    edited = [{**record, "geometry": smaller} for record in CONTROL]  # same ids and dates
    second = compare(load_dataset(make_data_dir(control=edited)), D(2020, 11, 19), D(2020, 11, 20))
    assert first.km2 == pytest.approx(_box_km2(box(46, 40, 47, 41)), rel=1e-3)
    assert second.km2 == pytest.approx(_box_km2(box(46.2, 40.2, 46.4, 40.4)), rel=1e-3)


def test_days_with_the_same_records_in_force_share_the_overlay(dataset: Dataset) -> None:
    """Two pairs of days with the same control records in force on each side share their
    areas (made once, issue 25); a pair with other records in force gets its own."""
    first = compare(dataset, D(2020, 11, 9), D(2020, 12, 20))
    again = compare(dataset, D(2020, 11, 9), D(2021, 1, 15))  # nothing changed in between
    assert [c.id for c in state_at(dataset, D(2020, 12, 20)).control] == [
        c.id for c in state_at(dataset, D(2021, 1, 15)).control
    ]
    assert again.areas is first.areas
    assert again.km2_by_holder == first.km2_by_holder
    assert again.places is first.places and first.places
    fewer = dict(list(dataset.places.items())[: len(dataset.places) // 2])
    smaller = dataclasses.replace(dataset, places=fewer)
    other_places = compare(smaller, D(2020, 11, 9), D(2021, 1, 15))
    assert other_places.areas is first.areas  # the same control: the same areas
    assert other_places.places is not first.places  # other places: found again
    assert {p.place_id for p in other_places.places} < {p.place_id for p in first.places}
    assert again.after == D(2021, 1, 15)  # the days are the pair's own
    other = compare(dataset, D(2020, 11, 9), D(2020, 11, 20))  # before Aghdam's handover
    assert other.areas is not first.areas
    assert other.km2 < first.km2


def test_edited_records_do_not_share_a_pair_of_situations(make_data_dir: MakeDataDir) -> None:
    from tests.conftest import CONTROL

    first = compare(load_dataset(make_data_dir()), D(2020, 11, 19), D(2020, 11, 20))
    again = compare(load_dataset(make_data_dir()), D(2020, 11, 19), D(2020, 11, 20))
    smaller = {"boundary": {"layer": "nkao", "match": {"name": "NKAO"}}}
    edited = [{**record, "geometry": smaller} for record in CONTROL]  # same ids and dates
    second = compare(load_dataset(make_data_dir(control=edited)), D(2020, 11, 19), D(2020, 11, 20))
    assert again.areas == first.areas  # equal records (another load: other objects)
    assert second.areas is not first.areas
    assert second.km2 != pytest.approx(first.km2)


def test_synthetic_first_holder_and_site_appearing(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(events=[EARLY_EVENT, *EVENTS]))
    change = compare(data, D(1993, 7, 22), D(1995, 3, 16))
    assert [a.direction for a in change.areas] == [f"{UNMAPPED}->armenian"]
    assert list(change.km2_by_holder) == ["armenian"]
    assert change.km2_by_holder["armenian"].before_km2 == 0.0
    assert change.km2_by_holder["armenian"].after_km2 == pytest.approx(change.km2)
    assert [(s.site_id, s.change) for s in change.sites] == [("base-alpha", "appeared")]
    # On the map on both days: not a change.
    assert compare(data, D(1995, 3, 16), D(1995, 3, 17)).sites == ()


def test_synthetic_sites_ending_or_coming_and_going(make_data_dir: MakeDataDir) -> None:
    site = {
        "id": "camp",
        "name": "Camp",
        "kind": "exercise",
        "operator": "Somebody",
        "geometry": {"place": "beta"},
        "start": "2021-02-01",
        "end": "2021-02-13",
        "status": "confirmed",
        "sources": ["src-a"],
    }
    data = load_dataset(make_data_dir(sites=[site]))
    assert [s.change for s in compare(data, D(2021, 1, 1), D(2021, 2, 23)).sites] == [
        "appeared and ended"
    ]
    assert [s.change for s in compare(data, D(2021, 2, 5), D(2021, 2, 13)).sites] == ["ended"]
    assert [s.change for s in compare(data, D(2021, 1, 5), D(2021, 2, 1)).sites] == ["appeared"]


def test_synthetic_smaller_area_cut_out_of_a_larger_one(make_data_dir: MakeDataDir) -> None:
    whole = {
        "id": "whole",
        "area_name": "Whole",
        "holder": "armenian",
        "geometry": {"boundary": {"layer": "districts", "match": {"name": "East"}}},
        "start": "1992-01-01",
        "status": "approximate",
        "sources": ["src-a"],
    }
    core = {
        "id": "core",
        "area_name": "Core",
        "holder": "azerbaijani",
        "geometry": {"boundary": {"layer": "nkao", "match": {"name": "NKAO"}}},
        "start": "2020-11-08",
        "status": "reported",
        "sources": ["natural-earth-4-1-0"],
    }
    data = load_dataset(make_data_dir(control=[whole, core]))
    change = compare(data, D(2020, 11, 7), D(2020, 11, 8))
    assert [(a.before_id, a.after_id) for a in change.areas] == [("whole", "core")]
    area = change.areas[0]
    assert area.km2 == pytest.approx(_box_km2(box(46.2, 40.2, 46.4, 40.4)), rel=1e-3)
    assert area.status == "approximate"  # the less sure of the two records
    assert area.sources == ("src-a", "natural-earth-4-1-0")
    assert change.places == ()  # beta (46.5, 40.5) is outside the core
    totals = change.km2_by_holder
    assert totals["armenian"].before_km2 - totals["armenian"].after_km2 == pytest.approx(
        area.km2, rel=1e-6
    )
