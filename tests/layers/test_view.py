"""View state round-trips through URL parameters; bad parameters fall back, loudly."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dates import DaySpan
from geo.errors import StateError
from layers.briefing.view import DEFAULT_BOUNDS, View, view_from_query


def test_default_view_is_the_article_date_with_default_layers() -> None:
    view, messages = view_from_query({})
    assert view == View()
    assert view.day == dt.date(2021, 2, 23)
    assert messages == []


def test_view_round_trips_through_the_url() -> None:
    view = View(
        day=dt.date(2020, 11, 10),
        layers=("control", "countries"),
        convention="az",
        bounds=(45.0, 39.0, 47.5, 40.5),
        basemap="osm",
    )
    query = view.to_query()
    assert query["layers"] == "countries,control"
    parsed, messages = view_from_query(query)
    assert messages == []
    assert parsed == View(
        day=dt.date(2020, 11, 10),
        layers=("countries", "control"),
        convention="az",
        bounds=(45.0, 39.0, 47.5, 40.5),
        basemap="osm",
    )


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"date": "2020-13-01"}, "Ignored URL parameter date='2020-13-01'"),
        ({"date": "1850-01-01"}, "outside the map's span"),
        ({"date": "2024-05-01"}, "outside the map's span 1992-01-01 to 2021-02-23"),
        ({"layers": "control,<script>"}, "unknown layers"),
        ({"names": "klingon"}, "unknown naming convention"),
        ({"view": "1,2,3"}, "four numbers"),
        ({"view": "50,40,45,41"}, "is not min lon"),
        ({"basemap": "google"}, "unknown basemap"),
    ],
)
def test_bad_url_parameters_fall_back_with_a_message(params: dict[str, str], fragment: str) -> None:
    span = DaySpan(dt.date(1992, 1, 1), dt.date(2021, 2, 23))
    view, messages = view_from_query(params, span=span)
    assert len(messages) == 1
    assert fragment in messages[0]
    assert view.bounds == DEFAULT_BOUNDS


def test_invalid_views_cannot_be_built() -> None:
    with pytest.raises(StateError):
        View(day=dt.date(2202, 1, 1))  # a typo: outside the dates any map can show
    with pytest.raises(StateError):
        View(basemap="satellite")
    with pytest.raises(StateError):
        View(layers=("nope",))


def test_unknown_and_repeated_parameters_are_reported() -> None:
    view, messages = view_from_query(
        {"date": ["2020-11-10", "2001-01-01"], "zoom": ["12"], "layers": "control"}
    )
    assert view.day == dt.date(2001, 1, 1) and view.layers == ("control",)
    assert len(messages) == 2
    assert "unknown URL parameter 'zoom'" in messages[0]
    assert "date is given 2 times; used the last, '2001-01-01'" in messages[1]


def test_a_long_parameter_is_quoted_shortened() -> None:
    _, messages = view_from_query({"x" * 10_000: "1", "date": "y" * 10_000})
    assert len(messages) == 2
    assert all(len(message) < 1000 for message in messages)


@pytest.mark.parametrize(
    "bounds",
    [
        (45.0, 40.0, 45.00001, 40.00001),
        (45.123456789, 40.987654321, 45.1234568, 40.9876544),
        (44.99999, 39.99998, 45.00001, 40.00002),
        (43.2, 38.7, 47.9, 41.4000001),
    ],
)
def test_a_tiny_view_round_trips_exactly(bounds: tuple[float, float, float, float]) -> None:
    view = View(bounds=bounds)
    parsed, messages = view_from_query(view.to_query())
    assert messages == []
    assert parsed == view
