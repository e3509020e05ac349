"""The ground around Gyumri (issue 21): the M1, the railways to Yerevan, Tbilisi and Kars,
and the villages recorded so the map reads at zoom 10 there (the committed records)."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import Point

from geo import settings
from geo.dataset import Dataset
from geo.metric import geodesic_km
from geo.model import Route
from geo.situation import state_at

D = dt.date

GYUMRI_ROUTES = (
    "m1-yerevan-gyumri-road",
    "yerevan-gyumri-railway",
    "gyumri-tbilisi-railway",
    "gyumri-kars-railway",
    "gyumri-kars-railway-former",
)
#: Where a route leaves Armenia, the one waypoint abroad it ends at.
ABROAD = {"gyumri-tbilisi-railway": "Georgia", "gyumri-kars-railway": "Turkey"}
#: The villages recorded for the ground lie around Gyumri: within this many km of it.
NEAR_GYUMRI_KM = 40.0


def _routes(dataset: Dataset) -> dict[str, Route]:
    return {r.id: r for r in dataset.routes if r.id in GYUMRI_ROUTES}


def _country_at(dataset: Dataset, lon: float, lat: float) -> str | None:
    countries = dataset.boundaries["countries"]
    hits = countries[countries.contains(Point(lon, lat))]
    return str(hits.iloc[0]["name"]) if len(hits) else None


def test_the_gyumri_routes_are_schematic_lines_through_sourced_places(dataset: Dataset) -> None:
    routes = _routes(dataset)
    assert set(routes) == set(GYUMRI_ROUTES)
    gyumri = dataset.places["gyumri"]
    for route in routes.values():
        assert route.provenance.status == "approximate" and route.provenance.note
        coords = list(route.geometry.coords)
        # every route starts or ends at Gyumri, every waypoint a gazetteer place
        assert (gyumri.lon, gyumri.lat) in (coords[0], coords[-1]), route.id
        places = {(p.lon, p.lat): p for p in dataset.places.values()}
        assert all(c in places for c in coords), route.id
        abroad = ABROAD.get(route.id.removesuffix("-former"))
        for lon, lat in coords:
            country = places[(lon, lat)].country
            assert country == _country_at(dataset, lon, lat)  # the point is where it says
            assert country == "Armenia" or (country == abroad and (lon, lat) == coords[-1])


def test_every_gyumri_record_cites_sources_that_resolve(dataset: Dataset) -> None:
    villages = [p for p in dataset.places.values() if p.ground]
    records = [*_routes(dataset).values(), *villages]
    for record in records:
        for source_id in record.provenance.sources:
            source = dataset.sources[source_id]
            assert source.url and source.url.startswith(("https://", "http://")), source_id


def test_the_line_to_kars_closes_with_the_border_in_1993(dataset: Dataset) -> None:
    def on(day: dt.date) -> set[str]:
        return {r.id for r in state_at(dataset, day).routes} & set(GYUMRI_ROUTES)

    assert {"gyumri-kars-railway", "yerevan-gyumri-railway"} <= on(D(1992, 12, 31))
    assert "gyumri-kars-railway-former" not in on(D(1992, 12, 31))
    in_1993 = on(D(1993, 1, 1))
    assert "gyumri-kars-railway" not in in_1993 and "gyumri-kars-railway-former" in in_1993
    on_the_day = on(settings.ARTICLE_DATE)
    assert {"m1-yerevan-gyumri-road", "gyumri-tbilisi-railway"} <= on_the_day
    routes = {r.id: r for r in dataset.routes}
    assert routes["gyumri-kars-railway"].span.end_precision == "year"  # the day is unknown


@pytest.mark.parametrize("village", ["arapi", "yerazgavors", "musayelyan", "shirakamut"])
def test_the_villages_of_the_ground_lie_around_gyumri(dataset: Dataset, village: str) -> None:
    place = dataset.places[village]
    gyumri = dataset.places["gyumri"]
    assert place.ground and place.kind == "village" and place.country == "Armenia"
    km = geodesic_km(Point(place.lon, place.lat), Point(gyumri.lon, gyumri.lat))
    assert km <= NEAR_GYUMRI_KM, (village, km)
    assert place.names.alt  # the former or other names the sources give


def test_only_the_ground_villages_are_ground(dataset: Dataset) -> None:
    assert {p.id for p in dataset.places.values() if p.ground} == {
        "arapi",
        "yerazgavors",
        "musayelyan",
        "shirakamut",
    }
