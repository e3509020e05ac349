"""Names of countries, the oblast and provinces by language (issue 22: boundary_names.yaml):
loading, validation and the label each naming convention writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo.dataset import Dataset, load_dataset
from geo.errors import DataError
from geo.model import Names
from geo.naming import CONVENTIONS, language_label, upper
from tests.conftest import MakeDataDir

ARMENIA = {"en": "Armenia", "hy_native": "Հայաստան", "az": "Ermənistan", "ru_native": "Армения"}


def record(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "country-armenia",
        "layer": "countries",
        "feature": "Armenia",
        "names": ARMENIA,
        "status": "confirmed",
        "sources": ["src-a"],
    }
    return base | fields


def with_names(folder: Path, records: list[dict[str, Any]]) -> Path:
    text = json.dumps(records, ensure_ascii=False)  # JSON is YAML, and has no aliases
    (folder / "boundary_names.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_record_names_its_feature_in_every_convention(make_data_dir: MakeDataDir) -> None:
    dataset = load_dataset(with_names(make_data_dir(), [record()]))
    names = dataset.boundary_names[("countries", "Armenia")].names
    labels = {c: language_label(names, c) for c in CONVENTIONS}
    assert labels == {
        "dual": "Armenia",
        "en": "Armenia",
        "hy": "Հայաստան",
        "az": "Ermənistan",
        "ru": "Армения",
    }


def test_every_problem_is_reported_once_with_file_record_and_field(
    make_data_dir: MakeDataDir,
) -> None:
    records = [
        record(),
        record(id="again", names={"en": "Armenia"}),  # the same feature named twice
        record(id="no-layer", layer="rivers"),
        record(id="no-feature", feature="Atlantis"),
        record(id="no-source", feature="Azerbaijan", sources=["nowhere"]),
    ]
    with pytest.raises(DataError) as caught:
        load_dataset(with_names(make_data_dir(), records))
    problems = caught.value.problems
    assert len(problems) == 4, problems
    text = "\n".join(problems)
    assert "boundary_names.yaml" in text and "record 'no-layer', field 'layer'" in text
    assert "record 'no-feature', field 'feature'" in text and "'Atlantis'" in text
    assert "record 'again', field 'feature'" in text and "already named by" in text
    assert "record 'no-source', field 'sources'" in text


def test_without_the_file_boundaries_keep_their_english_names(make_data_dir: MakeDataDir) -> None:
    assert load_dataset(make_data_dir()).boundary_names == {}


def test_the_committed_names_cover_every_country_the_oblast_and_syunik(dataset: Dataset) -> None:
    countries = set(dataset.boundaries["countries"]["name"])
    named = {feature for layer, feature in dataset.boundary_names if layer == "countries"}
    assert named == countries
    oblast = dataset.boundaries["nkao"]["name"].iloc[0]
    assert ("nkao", oblast) in dataset.boundary_names
    syunik = dataset.boundary_names[("provinces", "Syunik")].names
    assert (syunik.hy_native, syunik.az, syunik.ru_native) == (
        "Սյունիքի մարզ",
        "Sünik",
        "Сюникская область",
    )
    for name in dataset.boundary_names.values():
        assert name.provenance.sources, name.id
        for source in name.provenance.sources:
            assert source in dataset.sources


def test_a_form_the_data_lacks_falls_back_to_english(dataset: Dataset) -> None:
    shirak = dataset.boundary_names[("provinces", "Shirak")]
    assert shirak.names.az is None and "Amasiya" in (shirak.provenance.note or "")
    assert language_label(shirak.names, "az") == "Shirak"


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Türkiyə", Names(en="Turkey", az="Türkiyə"), "TÜRKİYƏ"),
        ("İran", Names(en="Iran", az="İran"), "İRAN"),
        ("Gürcüstan", Names(en="Georgia", az="Gürcüstan"), "GÜRCÜSTAN"),
        ("Rusiya", Names(en="Russia", az="Rusiya"), "RUSİYA"),
        ("Russia", Names(en="Russia", az="Rusiya"), "RUSSIA"),  # English: i -> I
        ("Վրաստան", Names(en="Georgia", hy_native="Վրաստան"), "ՎՐԱՍՏԱՆ"),
        ("Азербайджан", Names(en="Azerbaijan", ru_native="Азербайджан"), "АЗЕРБАЙДЖАН"),
    ],
)
def test_capitals_follow_the_language_of_the_label(
    text: str, names: Names, expected: str
) -> None:
    assert upper(text, names) == expected
    assert "Türkiyə".upper() == "TÜRKIYƏ"  # what str.upper() alone would print
