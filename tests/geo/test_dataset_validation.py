"""Loading and validation: good files load, bad ones give one error naming every problem."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from geo.dataset import load_dataset
from geo.errors import DataError
from tests.conftest import CONTROL, EVENTS, PLACES, SITES, MakeDataDir


def test_valid_folder_loads_typed_records(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    assert set(data.places) == {"alpha", "beta"}
    assert data.sites[0].span.start == dt.date(1995, 3, 16)
    assert data.sites[0].geometry.x == pytest.approx(45.5)
    assert [c.holder for c in data.control] == ["armenian", "azerbaijani"]
    assert data.events[0].in_article is True
    assert data.places["alpha"].names.az == "Alfa-az"


def test_every_problem_is_reported_once_with_file_line_record_and_field(
    make_data_dir: MakeDataDir,
) -> None:
    sites = copy.deepcopy(SITES)
    sites[0]["status"] = "confimed"
    sites[0]["start"] = "16 March 1995"
    events = copy.deepcopy(EVENTS)
    events[0]["sources"] = ["nowhere"]
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(sites=sites, events=events))
    problems = caught.value.problems
    assert len(problems) == 3, problems
    status = next(p for p in problems if "'status'" in p)
    assert status.startswith("sites.yaml: line 1, record 'base-alpha', field 'status'")
    assert "'confimed'" in status
    assert any("field 'start'" in p and "'16 March 1995'" in p for p in problems)
    assert any(p.startswith("events.yaml") and "unknown source id 'nowhere'" in p for p in problems)
    assert "3 problems in the data" in str(caught.value)


def test_line_numbers_point_at_the_broken_record(make_data_dir: MakeDataDir) -> None:
    text = """\
- id: base-alpha
  name: Base
  kind: base
  operator: Russia
  geometry: {place: alpha}
  status: confirmed
  sources: [src-a]
- id: base-two
  name: Second
  kind: castle
  operator: Russia
  geometry: {place: alpha}
  status: confirmed
  sources: [src-a]
"""
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(sites_text=text))
    assert caught.value.problems == [
        "sites.yaml: line 8, record 'base-two', field 'kind': must be one of "
        "base, air-base, proposed-deployment, peacekeeping-hq, peacekeeping-zone, corridor, "
        "monitoring-centre, exercise, eu-mission-base, eu-mission-area, border-post, "
        "checkpoint, transit-route (got 'castle')"
    ]


def test_unparsable_yaml_names_file_and_line(make_data_dir: MakeDataDir) -> None:
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(places_text="- id: alpha\n  names: {en: [unclosed\n"))
    assert caught.value.problems[0].startswith("places.yaml at line 3: not valid YAML")


def test_bad_recipe_is_reported_on_the_geometry_field(make_data_dir: MakeDataDir) -> None:
    sites = copy.deepcopy(SITES)
    sites[0]["geometry"] = {"place": "atlantis"}
    control = copy.deepcopy(CONTROL)
    control[0]["geometry"] = {"boundary": {"layer": "districts", "match": {"name": "Nowhere"}}}
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(sites=sites, control=control))
    problems = caught.value.problems
    assert any("'base-alpha', field 'geometry': unknown place id 'atlantis'" in p for p in problems)
    assert any("'east-a', field 'geometry'" in p and "{'name': 'Nowhere'}" in p for p in problems)


def test_overlapping_control_periods_are_rejected(make_data_dir: MakeDataDir) -> None:
    control = copy.deepcopy(CONTROL)
    control[1]["start"] = "2020-11-01"
    overlap = r"'east-b', field 'start': the periods of 'East' overlap \('east-a' at line 1"
    with pytest.raises(DataError, match=overlap):
        load_dataset(make_data_dir(control=control))


def test_duplicate_ids_and_typo_fields_are_flagged(make_data_dir: MakeDataDir) -> None:
    sites = copy.deepcopy(SITES) * 2
    sites[1] = {**sites[1], "soures": ["src-a"]}
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(sites=sites))
    joined = "\n".join(caught.value.problems)
    assert "field 'id': duplicate" in joined
    assert "field 'soures': is not a known field" in joined


def test_end_before_start_and_missing_required_fields(make_data_dir: MakeDataDir) -> None:
    control = copy.deepcopy(CONTROL)
    control[0]["end"] = "1993-01-01"
    del control[1]["holder"]
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(control=control))
    joined = "\n".join(caught.value.problems)
    assert "'east-a', field 'end': must be after start 1993-07-23" in joined
    assert "'east-b', field 'holder': must be one of armenian, azerbaijani (is required)" in joined


def test_missing_file_and_missing_boundaries_are_named(make_data_dir: MakeDataDir) -> None:
    folder = make_data_dir()
    (folder / "events.yaml").unlink()
    (folder / "boundaries.gpkg").unlink()
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    joined = "\n".join(caught.value.problems)
    assert "events.yaml: cannot be read" in joined
    assert "boundaries.gpkg: missing; rebuild it with `python -m geo.build_boundaries`" in joined


def test_a_record_that_is_not_a_mapping(make_data_dir: MakeDataDir) -> None:
    with pytest.raises(DataError, match=r"sources\.yaml: item 1 is a str"):
        load_dataset(make_data_dir(sources_text="- just text\n"))


def test_the_article_and_natural_earth_records_are_required(make_data_dir: MakeDataDir) -> None:
    from tests.conftest import SOURCES

    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(sources=SOURCES[:1]))
    joined = "\n".join(caught.value.problems)
    assert "the source 'warsaw-2021-02-23' is required" in joined
    assert "the source 'natural-earth-4-1-0' is required" in joined


def test_consistency_fields_are_validated(make_data_dir: MakeDataDir) -> None:
    places = copy.deepcopy(PLACES)
    places[0]["boundary_note"] = "Outside its polygon at this scale."
    sites = copy.deepcopy(SITES)
    sites[0]["not_held_by"] = ["russian"]
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(places=places, sites=sites))
    problems = caught.value.problems
    assert len(problems) == 2, problems
    assert any("'boundary_note': needs 'country'" in p for p in problems)
    assert any("'not_held_by'" in p and "'russian'" in p for p in problems)


def test_site_strength_is_sourced_text(make_data_dir: MakeDataDir) -> None:
    """A site's ``strength`` (issue 22) is text with its own sources; a bad one is a
    problem on the field, naming what is wrong."""
    sites = copy.deepcopy(SITES)
    sites[0]["strength"] = {"text": "1,960 servicemen", "sources": ["src-a"]}
    data = load_dataset(make_data_dir(sites=sites))
    strength = data.sites[0].strength
    assert strength is not None
    assert (strength.text, strength.sources) == ("1,960 servicemen", ("src-a",))
    sites[0]["strength"] = {"text": "", "sources": ["nowhere"]}
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(sites=sites))
    (problem,) = caught.value.problems
    assert "field 'strength'" in problem and "text must be" in problem
    assert "unknown source id 'nowhere'" in problem
    sites[0]["strength"] = "about two thousand"
    with pytest.raises(DataError, match="must be a mapping of text and sources"):
        load_dataset(make_data_dir(sites=sites))
