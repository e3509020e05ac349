"""Naming conventions and date labels."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dates import format_date, format_span
from geo.errors import StateError
from geo.model import Names
from geo.naming import alternatives, label

STEPANAKERT = Names(en="Stepanakert", hy="Stepanakert", az="Khankendi", ru="Stepanakert")
SHUSHA = Names(en="Shusha", hy="Shushi", az="Shusha", alt=("Şuşa",))


@pytest.mark.parametrize(
    ("names", "convention", "expected"),
    [
        (STEPANAKERT, "dual", "Stepanakert / Khankendi"),
        (STEPANAKERT, "az", "Khankendi"),
        (STEPANAKERT, "hy", "Stepanakert"),
        (SHUSHA, "hy", "Shushi"),
        (SHUSHA, "dual", "Shusha / Shushi"),
        (Names(en="Gyumri"), "az", "Gyumri"),
    ],
)
def test_label_follows_convention(names: Names, convention: str, expected: str) -> None:
    assert label(names, convention) == expected


def test_alternatives_list_the_other_forms() -> None:
    assert alternatives(SHUSHA, "az") == ("Shushi", "Şuşa")
    assert alternatives(SHUSHA, "dual") == ("Şuşa",)


def test_unknown_convention_is_a_state_error() -> None:
    with pytest.raises(StateError, match="unknown naming convention 'fr'"):
        label(SHUSHA, "fr")


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        ("day", "9 November 2020"),
        ("month", "November 2020"),
        ("season", "autumn 2020"),
        ("year", "2020"),
    ],
)
def test_date_label_never_claims_more_precision_than_known(precision: str, expected: str) -> None:
    assert format_date(dt.date(2020, 11, 9), precision) == expected


def test_span_labels() -> None:
    assert format_span(dt.date(1993, 7, 23), None) == "since 23 July 1993"
    assert format_span(dt.date(1993, 1, 1), dt.date(2020, 11, 20), "year") == (
        "1993 – 20 November 2020"
    )
    assert format_span(None, None) == "dates unknown"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (Names(en="Kalbajar", hy="Karvachar", az="Kəlbəcər"), "Kalbajar / Karvachar"),
        (Names(en="Lachin", hy="Berdzor", az="Laçın"), "Lachin / Berdzor"),
        (Names(en="Nakhchivan", hy="Nakhijevan", az="Naxçıvan"), "Nakhchivan / Nakhijevan"),
        (Names(en="Stepanakert", hy="Stepanakert", az="Xankəndi"), "Stepanakert / Xankəndi"),
        (Names(en="Yerevan", hy="Yerevan", az="İrəvan"), "Yerevan / İrəvan"),
    ],
)
def test_neutral_label_shows_other_names_not_other_spellings(names: Names, expected: str) -> None:
    assert label(names, "dual") == expected
    assert all(form in names.all() for form in alternatives(names, "dual"))
    assert set(label(names, "dual").split(" / ")) | set(alternatives(names, "dual")) == set(
        names.all()
    )
