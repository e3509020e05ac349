"""Fuzzy place and region search of the offline gazetteer (rapidfuzz), on the real data."""

from __future__ import annotations

import pytest

from geo.dataset import Dataset
from geo.gazetteer import MIN_SCORE, LocalGazetteer, normalise, region_entries


@pytest.fixture(scope="module")
def gazetteer(dataset: Dataset) -> LocalGazetteer:
    return LocalGazetteer(
        dataset.places.values(), region_entries(dataset.boundaries, dataset.places)
    )


def best(gazetteer: LocalGazetteer, query: str) -> str:
    matches = gazetteer.search(query)
    assert matches, f"nothing found for {query!r}"
    return matches[0].entry.id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Stepanakrt", "stepanakert"),  # typo: a letter missing
        ("Stepanakret", "stepanakert"),  # typo: two letters swapped
        ("Khankendy", "stepanakert"),
        ("Gyumry", "gyumri"),
        ("Karvachar", "kalbajar"),
    ],
)
def test_typos_find_the_place(gazetteer: LocalGazetteer, query: str, expected: str) -> None:
    assert best(gazetteer, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ханкенди", "stepanakert"),  # Russian Cyrillic of a form the data has in Latin only
        ("Степанакерт", "stepanakert"),
        ("Шуша", "shusha"),
        ("Ստեփանակերտ", "stepanakert"),  # Armenian script
        ("Շուշի", "shusha"),
        ("Խանքենդի", "stepanakert"),  # Armenian spelling of Khankendi, not in the data
        ("Şuşa", "shusha"),  # Azerbaijani Latin
        ("Xankəndi", "stepanakert"),
        ("XANKƏNDİ", "stepanakert"),
        ("Susa", "shusha"),  # the Azerbaijani form typed without its diacritics
        ("Cəbrayıl", "jabrayil"),
        ("Naxcivan", "nakhchivan"),
    ],
)
def test_every_script_of_the_gazetteer_finds_the_place(
    gazetteer: LocalGazetteer, query: str, expected: str
) -> None:
    assert best(gazetteer, query) == expected


@pytest.mark.parametrize(
    ("query", "expected", "kind"),
    [
        ("Karabakh", "nkao:Nagorno-Karabakh Autonomous Oblast", "oblast"),
        ("Nagorno-Karabakh Autonomous Oblast", "nkao:Nagorno-Karabakh Autonomous Oblast", "oblast"),
        ("Syunik", "provinces:Syunik", "province"),
        ("Shirak Province", "provinces:Shirak", "province"),
        ("Azerbajan", "countries:Azerbaijan", "country"),
        ("Aghdam District", "districts:Aghdam", "district"),
        ("Лачинский район", "districts:Lachin", "district"),
    ],
)
def test_regions_are_found_with_their_extent(
    gazetteer: LocalGazetteer, query: str, expected: str, kind: str
) -> None:
    (match, *_) = gazetteer.search(query)
    assert match.entry.id == expected and match.entry.kind == kind
    assert match.entry.bounds is not None
    min_x, min_y, max_x, max_y = match.entry.bounds
    assert min_x < match.entry.lon < max_x and min_y < match.entry.lat < max_y


def test_a_district_is_one_region_not_also_a_point(gazetteer: LocalGazetteer) -> None:
    ids = [m.entry.id for m in gazetteer.search("Agdamsky rayon", limit=10)]
    assert "districts:Aghdam" in ids and "district-aghdam" not in ids


def test_a_bare_name_offers_the_town_first_and_the_district_next(
    gazetteer: LocalGazetteer,
) -> None:
    ids = [m.entry.id for m in gazetteer.search("Aghdam")]
    assert ids[:2] == ["aghdam", "districts:Aghdam"]


@pytest.mark.parametrize("query", ["Atlantis", "London", "Paris", "Moscow", "", "   ", "!!"])
def test_nothing_found(gazetteer: LocalGazetteer, query: str) -> None:
    assert gazetteer.search(query) == []
    assert gazetteer.find(query) is None


def test_candidates_are_unique_ranked_and_above_the_threshold(gazetteer: LocalGazetteer) -> None:
    matches = gazetteer.search("Shush", limit=5)
    ids = [m.entry.id for m in matches]
    assert ids[0] == "shusha" and len(ids) == len(set(ids))
    assert all(m.score >= MIN_SCORE for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_geocode_answers_regions_with_their_bounds(gazetteer: LocalGazetteer) -> None:
    found = gazetteer.find("Syunik")
    assert found is not None and found.raw["bounds"] is not None
    assert found.raw["label"] == "Syunik Province"


def test_normalise_transliterates_and_folds() -> None:
    assert normalise("Ханкенди") == "khankendi"
    assert normalise("Շուշի") == "shushi"
    assert normalise("  Xankəndi ") == "xankendi"
    assert normalise("Qubadlı") == "qubadli"
