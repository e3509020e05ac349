"""The story agrees with itself: the committed data has no findings, and each kind of
inconsistency is found in small synthetic data built to contain it."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from geo import consistency
from geo.consistency import Finding
from geo.dataset import Dataset, load_dataset
from geo.locate import locate
from geo.situation import state_at
from tests.conftest import CONTROL, EVENTS, PLACES, MakeDataDir

SRC = {"status": "approximate", "sources": ["src-a"]}
EAST = {"boundary": {"layer": "districts", "match": {"name": "East"}}}


def _places(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The fixture's places with recorded countries (alpha west: Armenia; beta east)."""
    places = copy.deepcopy(PLACES)
    places[0]["country"], places[1]["country"] = "Armenia", "Azerbaijan"
    for place in places:
        place.update(changes.get(place["id"], {}))
    return places


def _check(make_data_dir: MakeDataDir, **files: Any) -> list[Finding]:
    files.setdefault("places", _places())
    return consistency.check(load_dataset(make_data_dir(**files)))


def _area(ident: str, area: str, holder: str, geometry: Any, start: str, **more: Any) -> Any:
    return {
        "id": ident,
        "area_name": area,
        "holder": holder,
        "geometry": geometry,
        "start": start,
        **more,
        **SRC,
    }


def test_the_committed_data_tells_one_story(dataset: Dataset) -> None:
    findings = consistency.check(dataset)
    lines = consistency.record_lines()
    assert findings == [], "\n".join(f.describe(lines) for f in findings)


def test_the_synthetic_fixture_is_consistent(make_data_dir: MakeDataDir) -> None:
    assert _check(make_data_dir) == []


def test_a_later_capture_inside_an_area_dated_by_year_is_found(
    make_data_dir: MakeDataDir,
) -> None:
    region = _area(
        "region-armenian", "Region", "armenian", EAST, "1992-01-01", start_precision="year"
    )
    town = {"place": "beta", "buffer_km": 3}
    captured = _area("town-armenian", "Town", "armenian", town, "1992-05-08", place="beta")
    findings = _check(make_data_dir, control=[region, captured], events=[])
    assert [(f.kind, f.day) for f in findings] == [("held-before-start", dt.date(1992, 5, 7))]
    assert findings[0].records == (
        ("control.yaml", "town-armenian"),
        ("control.yaml", "region-armenian"),
    )
    assert "from 1992, year precision" in findings[0].message
    before = _area(
        "town-azerbaijani",
        "Town",
        "azerbaijani",
        town,
        "1992-01-01",
        start_precision="year",
        end="1992-05-08",
        place="beta",
    )
    assert _check(make_data_dir, control=[region, before, captured], events=[]) == []


def test_a_record_naming_a_place_the_map_gives_to_the_other_side_is_found(
    make_data_dir: MakeDataDir,
) -> None:
    control = copy.deepcopy(CONTROL)
    control[0]["place"] = "beta"
    pocket = {"place": "beta", "buffer_km": 2}
    control.append(_area("pocket", "Pocket", "azerbaijani", pocket, "2000-01-01", end="2001-01-01"))
    findings = _check(make_data_dir, control=control, events=[])
    assert {(f.kind, f.day) for f in findings} == {
        ("holder", dt.date(2000, 1, 1)),
    }
    assert findings[0].records == (
        ("places.yaml", "beta"),
        ("control.yaml", "east-a"),
        ("control.yaml", "pocket"),
    )


def test_an_event_citing_a_period_not_yet_in_force_is_found(make_data_dir: MakeDataDir) -> None:
    events = copy.deepcopy(EVENTS)
    events[0]["related"] = ["east-b"]  # dated 9 November 2020; east-b starts 20 November
    findings = _check(make_data_dir, events=events)
    assert [(f.kind, f.day, f.records) for f in findings] == [
        ("holder", dt.date(2020, 11, 9), (("events.yaml", "ev-one"), ("control.yaml", "east-b")))
    ]
    events[0]["date"] = "2020-11-20"
    assert _check(make_data_dir, events=events) == []


def test_a_schematic_zone_on_ground_the_other_side_holds_is_found(
    make_data_dir: MakeDataDir,
) -> None:
    zone = {
        "id": "zone",
        "name": "Zone",
        "kind": "peacekeeping-zone",
        "operator": "Russia",
        "geometry": {"boundary": {"layer": "nkao", "match": {"name": "NKAO"}}},
        "not_held_by": ["azerbaijani"],
        "start": "2020-11-10",
        **SRC,
    }
    findings = _check(make_data_dir, sites=[zone])
    assert [(f.kind, f.day, f.records) for f in findings] == [
        (
            "area-on-other-ground",
            dt.date(2020, 11, 20),
            (("sites.yaml", "zone"), ("control.yaml", "east-b")),
        )
    ]
    assert "km2 of East, held by azerbaijani" in findings[0].message
    zone["end"] = "2020-11-20"
    assert _check(make_data_dir, sites=[zone]) == []


def test_places_outside_their_country_need_a_note_and_are_labelled_by_it(
    make_data_dir: MakeDataDir,
) -> None:
    moved = {"alpha": {"lon": 46.5}}  # alpha (Armenia) now inside Azerbaijan's polygon
    findings = _check(make_data_dir, places=_places(**moved))
    assert [(f.kind, f.records) for f in findings] == [("country", (("places.yaml", "alpha"),))]
    assert "in Azerbaijan's polygon and no boundary_note" in findings[0].message

    note = {"alpha": {"lon": 46.5, "boundary_note": "Scale artefact; labelled as Armenia."}}
    data = load_dataset(make_data_dir(places=_places(**note)))
    assert consistency.check(data) == []
    control = state_at(data, dt.date(2000, 1, 1)).control
    where = locate(data.places["alpha"], data.boundaries, control)
    assert (where.country, where.polygon_country, where.holder) == ("Armenia", "Azerbaijan", None)
    beta = locate(data.places["beta"], data.boundaries, control)
    assert (beta.country, beta.holder, beta.area) == ("Azerbaijan", "armenian", "east-a")


def test_missing_unknown_and_stale_countries_are_found(make_data_dir: MakeDataDir) -> None:
    places = _places(
        alpha={"boundary_note": "Says it is outside, but is not."}, beta={"country": "Atlantis"}
    )
    messages = sorted(f.message for f in _check(make_data_dir, places=places))
    assert messages == [
        "Alpha: boundary_note, yet the point is inside Armenia",
        "Beta: country 'Atlantis' has no polygon",
    ]
    bare = copy.deepcopy(PLACES)
    assert [f.message for f in _check(make_data_dir, places=bare)] == [
        "Alpha records no country",
        "Beta records no country",
    ]


def test_findings_name_file_line_and_day(make_data_dir: MakeDataDir) -> None:
    folder = make_data_dir(places=_places(alpha={"lon": 46.5}))
    finding = consistency.check(load_dataset(folder))[0]
    text = finding.describe(consistency.record_lines(folder))
    assert text.startswith("country: Alpha (Armenia) has its point in Azerbaijan's polygon")
    assert text.endswith("[places.yaml:1 'alpha']")
    dated = Finding("holder", dt.date(1992, 5, 7), (("control.yaml", "x"),), "m")
    assert dated.describe() == "holder 1992-05-07: m [control.yaml 'x']"


# --- communities (communities.yaml) ------------------------------------------------------


def _community(ident: str, lon: float, lat: float, region: str, *held: tuple[str, str]) -> Any:
    return {
        "id": ident,
        "names": {"en": ident.title()},
        "lon": lon,
        "lat": lat,
        "soviet_region": region,
        **SRC,
        "held": [{"holder": h, "from": day, **SRC} for h, day in held],
    }


def test_a_community_the_map_gives_to_the_other_side_is_found(make_data_dir: MakeDataDir) -> None:
    # A village of the surrounding district, in East (Armenian-held 1993-2020 in the fixture).
    wrong = _community("gamma", 46.7, 40.7, "aghdam-district", ("azerbaijani", "1995-01-01"))
    findings = _check(make_data_dir, communities=[wrong], events=[])
    assert [(f.kind, f.day, f.records) for f in findings] == [
        (
            "community",
            dt.date(1995, 1, 1),
            (("communities.yaml", "gamma"), ("control.yaml", "east-a")),
        )
    ]
    assert "communities.yaml says azerbaijani, the map shows armenian" in findings[0].message
    assert "on key dates 1995-01-01 to 1995-03-16" in findings[0].message
    right = _community(
        "gamma", 46.7, 40.7, "aghdam-district", ("armenian", "1995-01-01"),
        ("azerbaijani", "2020-11-20"),
    )  # fmt: skip
    assert _check(make_data_dir, communities=[right], events=[]) == []


def test_a_leftover_area_over_a_community_of_the_oblast_is_found(
    make_data_dir: MakeDataDir,
) -> None:
    # The fixture's oblast is drawn from its one community (Armenian from 1992); a smaller
    # curated area left on top of it (as the old schematic discs were) wins there.
    village = _community("gamma", 46.3, 40.3, "askeran", ("armenian", "1992-01-01"))
    assert _check(make_data_dir, communities=[village], events=[]) == []
    disc = _area(
        "disc", "Disc", "azerbaijani", {"point": [46.3, 40.3], "buffer_km": 2}, "2000-01-01"
    )
    findings = _check(make_data_dir, communities=[village], control=[*CONTROL, disc], events=[])
    assert [(f.kind, f.day, f.records) for f in findings] == [
        (
            "community",
            dt.date(2000, 1, 1),
            (("communities.yaml", "gamma"), ("control.yaml", "disc")),
        )
    ]


def test_an_oblast_community_far_outside_the_outline_is_found(make_data_dir: MakeDataDir) -> None:
    near = _community("near", 46.405, 40.3, "askeran", ("armenian", "1992-01-01"))  # ~0.4 km
    far = _community("far", 46.6, 40.3, "askeran", ("armenian", "1992-01-01"))  # ~17 km
    findings = _check(make_data_dir, communities=[near, far], events=[])
    assert [(f.kind, f.records) for f in findings] == [
        ("community", (("communities.yaml", "far"),))
    ]
    assert "lies 17.0 km outside the oblast outline" in findings[0].message


def test_an_event_naming_a_community_on_a_day_it_has_no_side_is_found(
    make_data_dir: MakeDataDir,
) -> None:
    village = _community("gamma", 46.3, 40.3, "askeran", ("armenian", "2021-01-01"))
    events = copy.deepcopy(EVENTS)
    events[0]["related"] = ["gamma"]  # dated 9 November 2020
    findings = _check(make_data_dir, communities=[village], events=events)
    assert [(f.kind, f.day, f.records) for f in findings] == [
        (
            "community",
            dt.date(2020, 11, 9),
            (("events.yaml", "ev-one"), ("communities.yaml", "gamma")),
        )
    ]
    events[0]["date"] = "2021-01-05"
    assert _check(make_data_dir, communities=[village], events=events) == []
