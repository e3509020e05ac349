"""Hostile or careless data files: every problem is a readable DataError, never a raw
Python error, a hang or a huge message; invisible characters are removed at load time."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from geo import settings
from geo.dataset import load_dataset
from geo.errors import DataError
from geo.io import read_records
from geo.text import clean_text
from tests.conftest import CONTROL, EVENTS, PLACES, SITES, SOURCES, MakeDataDir
from tests.hostile import CLEAN_PAYLOAD

#: The classic "billion laughs": 360 bytes that expand to 9^9 (387 million) strings.
ALIAS_BOMB = """\
- a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    return caught.value.problems


# --- item 2: invisible characters ----------------------------------------------------


def test_clean_text_composes_and_drops_invisible_characters() -> None:
    assert clean_text("\ufeffAl\u200bpha\u200d\u200c\u2060") == "Alpha"
    marks = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert clean_text(f"{marks}Beta{marks}") == "Beta"
    assert clean_text("Ko\u0308ln") == "Köln"  # NFC
    assert clean_text("a\r\nb\tc\x00\ud800") == "a\nb\tc"
    assert clean_text("Ստեփանակերտ Xankəndi Степанакерт") == "Ստեփանակերտ Xankəndi Степанакерт"


def test_every_string_of_a_data_file_is_cleaned_at_load(make_data_dir: MakeDataDir) -> None:
    places = copy.deepcopy(PLACES)
    places[0]["names"] = {"en": "\ufeffAl\u200bpha\u200f", "alt": ["\u202eAlfa\u202c"]}
    places[0]["id"] = "alpha\u200b"
    sources = copy.deepcopy(SOURCES)
    sources[0]["publisher"] = "Some\ufeffbody \u2067X\u2069"
    data = load_dataset(make_data_dir(places=places, sources=sources))
    assert data.places["alpha"].names.en == "Alpha"
    assert data.places["alpha"].names.alt == ("Alfa",)
    assert data.sources["src-a"].publisher == "Somebody X"


# --- item 5: YAML that exhausts the server ---------------------------------------------


def test_an_alias_bomb_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    assert path.stat().st_size < 500
    with pytest.raises(DataError) as caught:
        read_records(path)
    assert caught.value.problems == [
        "events.yaml at line 1: not valid YAML (anchors and aliases (&name, *name) are "
        "not allowed in data files; write each value out)"
    ]


def test_a_single_anchor_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text("- id: a\n  sources: [x]\n- id: b\n  sources: &s [y]\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"sites\.yaml at line 4: .*anchors and aliases"):
        read_records(path)


def test_an_oversized_file_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "MAX_DATA_FILE_BYTES", 1000)
    path = tmp_path / "places.yaml"
    path.write_text("- id: x\n  note: '" + "y" * 2000 + "'\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_records(path)
    assert caught.value.problems == [
        "places.yaml: the file is 2,019 bytes; data files may hold at most 1,000 bytes"
    ]


def test_deep_nesting_is_refused_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text("- id: x\n  geometry: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_records(path)
    (problem,) = caught.value.problems
    assert problem.startswith("events.yaml at line 2: not valid YAML (nested deeper than")


def test_error_text_is_capped_in_count_and_length() -> None:
    error = DataError([f"p{i}: " + "x" * 5000 for i in range(120)])
    text = str(error)
    assert text.startswith("120 problems in the data:\n- p0: xxx")
    assert text.count("\n- ") == settings.MAX_PROBLEMS_SHOWN
    assert text.endswith(f"... and {120 - settings.MAX_PROBLEMS_SHOWN} more problems")
    assert len(error.problems) == 120
    assert all(len(p) <= settings.MAX_PROBLEM_CHARS for p in error.problems)
    assert error.problems[0].endswith("… (cut)")
    assert error.shown_problems() == [*error.problems[:50], "... and 70 more problems"]
    assert len(text) < 60 * settings.MAX_PROBLEM_CHARS


def test_a_huge_bad_value_is_quoted_short(make_data_dir: MakeDataDir) -> None:
    places = copy.deepcopy(PLACES)
    places[0]["lon"] = ["far"] * 100_000
    (problem,) = problems_of(make_data_dir(places=places))
    assert problem.startswith("places.yaml: line 1, record 'alpha', field 'lon': must be a number")
    assert len(problem) < 300


# --- item 6: raw Python errors, empty files, duplicates, ranges, cascades ------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-02-30", "field 'date': must be an ISO date YYYY-MM-DD (got '2021-02-30')"),
        ("2021-02-23T25:00:00", "field 'date': must be an ISO date YYYY-MM-DD"),
        ("2021-02-23 10:00", "field 'date': must be an ISO date YYYY-MM-DD"),
    ],
)
def test_impossible_dates_are_problems_on_the_field(
    make_data_dir: MakeDataDir, value: str, expected: str
) -> None:
    text = EVENTS_TEXT.replace("date: 2020-11-09", f"date: {value}")
    (problem,) = problems_of(make_data_dir(events_text=text))
    assert problem.startswith(f"events.yaml: line 1, record 'ev-one', {expected}")


def test_a_5000_digit_integer_is_a_problem_with_a_line(make_data_dir: MakeDataDir) -> None:
    text = PLACES_TEXT.replace("lon: 45.5", "lon: " + "9" * 5000)
    (problem,) = problems_of(make_data_dir(places_text=text))
    assert problem == "places.yaml at line 3: not valid YAML (a number of 5000 digits is too long)"


def test_an_empty_or_comment_only_required_file_is_an_error(make_data_dir: MakeDataDir) -> None:
    for text in ("", "# nothing yet\n", "\n---\n"):
        problems = problems_of(make_data_dir(events_text=text))
        assert problems == ["events.yaml: holds no records (expected a list of records)"]
    assert load_dataset(make_data_dir(events_text="[]  # none on purpose\n")).events == ()


def test_a_duplicate_key_names_file_line_and_key(make_data_dir: MakeDataDir) -> None:
    text = EVENTS_TEXT.replace("  precision: day\n", "  precision: day\n  title: Other\n")
    problems = problems_of(make_data_dir(events_text=text))
    assert problems == [
        "events.yaml at line 5: not valid YAML (key 'title' appears twice in one mapping; "
        "first at line 2)"
    ]


@pytest.mark.parametrize("year", [1800, 2202])
def test_dates_outside_the_sanity_bounds_are_refused(make_data_dir: MakeDataDir, year: int) -> None:
    events = copy.deepcopy(EVENTS)
    events[0]["date"] = f"{year}-05-01"
    control = copy.deepcopy(CONTROL)
    control[0]["start"] = f"{year}-05-01"
    problems = problems_of(make_data_dir(events=events, control=control))
    first, last = settings.EARLIEST_RECORD_DATE, settings.LATEST_RECORD_DATE
    wanted = f"must be between {first} and {last} (got {year}-05-01)"
    assert any(p.startswith("events.yaml: line 1, record 'ev-one', field 'date'") for p in problems)
    assert any("record 'east-a', field 'start'" in p and wanted in p for p in problems)


def test_source_dates_may_follow_the_article_but_not_today(make_data_dir: MakeDataDir) -> None:
    sources = copy.deepcopy(SOURCES)
    sources[0]["date"] = "2022-10-03"  # a later report about earlier events: fine
    assert load_dataset(make_data_dir(sources=sources)).sources["src-a"].date
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    sources[0]["date"] = tomorrow.isoformat()
    sources[0]["accessed"] = "1850-01-01"
    problems = problems_of(make_data_dir(sources=sources))
    assert len(problems) == 2, problems
    assert "field 'date': must be between 1900-01-01 and " in problems[0]
    assert "field 'accessed'" in problems[1]


@pytest.mark.parametrize(
    "url",
    [
        "http://piglix.com/piglix/Goris",
        "https://wikipedia.anarim.az?q=M%C9%99rzili",  # a subdomain of a mirror host
        "https://en-wikipedia--on--ipfs-org.ipns.dweb.link/wiki/Martuni",
        "HTTPS://PIGLIX.COM./piglix/Kapan",  # case and a trailing dot do not hide it
    ],
)
def test_a_source_on_a_mirror_host_must_say_why(make_data_dir: MakeDataDir, url: str) -> None:
    sources = copy.deepcopy(SOURCES)
    sources[0]["url"] = url
    (problem,) = problems_of(make_data_dir(sources=sources))
    assert problem.startswith("sources.yaml: line 1, record 'src-a', field 'mirror_reason'")
    assert "is required" in problem
    sources[0]["mirror_reason"] = "No copy of the \u200boriginal page was found."
    loaded = load_dataset(make_data_dir(sources=sources)).sources["src-a"]
    assert loaded.mirror_reason == "No copy of the original page was found."


def test_a_mirror_reason_must_be_text_and_original_pages_need_none(
    make_data_dir: MakeDataDir,
) -> None:
    sources = copy.deepcopy(SOURCES)
    sources[0]["url"] = "https://en.wikipedia.org/wiki/Piglix.com"  # not the mirror's host
    assert load_dataset(make_data_dir(sources=sources)).sources["src-a"].mirror_reason is None
    sources[0]["mirror_reason"] = ["a list"]
    (problem,) = problems_of(make_data_dir(sources=sources))
    assert "field 'mirror_reason': must be non-empty text" in problem


def test_the_hostile_copy_writes_the_payload_into_every_mirror_reason(
    hostile_data_dir: Path,
) -> None:
    sources = load_dataset(hostile_data_dir).sources.values()
    reasons = [source.mirror_reason for source in sources if source.mirror_reason]
    assert reasons, "the committed sources.yaml cites no mirror: the fixture covers nothing"
    assert all(reason.endswith(CLEAN_PAYLOAD) for reason in reasons)


def test_the_hostile_copy_writes_the_payload_into_the_communities_text(
    hostile_data_dir: Path,
) -> None:
    communities = load_dataset(hostile_data_dir).communities
    own_names = [c for c in communities if c.place is None]
    assert own_names and all(c.names.en.endswith(CLEAN_PAYLOAD) for c in own_names)
    periods = [p for c in communities for p in c.held]
    assert all(p.provenance.note and CLEAN_PAYLOAD in p.provenance.note for p in periods)
    claims = [p.claim for p in periods if p.claim]
    quotes = [p.quote for p in periods if p.quote]
    assert claims and all(claim.endswith(CLEAN_PAYLOAD) for claim in claims)
    assert quotes and all(CLEAN_PAYLOAD in quote for quote in quotes)
    figures = load_dataset(hostile_data_dir).figures
    assert figures and all(f.what.endswith(CLEAN_PAYLOAD) for f in figures)


def test_a_broken_sources_file_reports_the_cause_without_the_cascade(
    make_data_dir: MakeDataDir,
) -> None:
    problems = problems_of(make_data_dir(sources_text="- id: src-a\n  title: [unclosed\n"))
    assert len(problems) == 1, problems
    assert problems[0].startswith("sources.yaml at line 3: not valid YAML")


def test_a_broken_places_file_suppresses_unknown_place_messages(
    make_data_dir: MakeDataDir,
) -> None:
    problems = problems_of(make_data_dir(places_text="- id: alpha\n  lon: 4\n lat: 3\n"))
    assert len(problems) == 1, problems
    assert problems[0].startswith("places.yaml at line 3: not valid YAML")


def test_a_broken_sites_file_suppresses_unknown_related_messages(
    make_data_dir: MakeDataDir,
) -> None:
    events = copy.deepcopy(EVENTS)
    events[0]["related"] = ["base-alpha"]
    problems = problems_of(make_data_dir(sites_text="- id: [\n", events=events))
    assert len(problems) == 1, problems
    assert problems[0].startswith("sites.yaml at line 2: not valid YAML")


def test_overlap_and_relation_messages_carry_line_numbers(make_data_dir: MakeDataDir) -> None:
    control = copy.deepcopy(CONTROL)
    control[1]["start"] = "2020-11-01"
    events = copy.deepcopy(EVENTS)
    events[0]["related"] = ["nowhere"]
    problems = problems_of(make_data_dir(control=control, events=events))
    assert problems == [
        "control.yaml: line 14, record 'east-b', field 'start': the periods of 'East' overlap "
        "('east-a' at line 1 lasts until 2020-11-20)",
        "events.yaml: line 1, record 'ev-one', field 'related': unknown site, control or "
        "community id 'nowhere'",
    ]


def _dump(records: list[dict[str, object]]) -> str:
    import yaml

    return yaml.safe_dump(records, sort_keys=False)


EVENTS_TEXT = _dump(EVENTS).replace("'2020-11-09'", "2020-11-09")
PLACES_TEXT = _dump(PLACES)
assert "date: 2020-11-09" in EVENTS_TEXT and "lon: 45.5" in PLACES_TEXT and SITES
