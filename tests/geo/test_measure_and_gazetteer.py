"""Geodesic measurement and the offline geopy-compatible gazetteer."""

from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from shapely.geometry import LineString, Point, box

from geo.gazetteer import LocalGazetteer, normalise
from geo.measure import nearest_distance
from geo.metric import geodesic_km
from geo.model import Names, Place, Provenance

PROV = Provenance(status="confirmed", sources=("s",))
PLACES = [
    Place(
        "stepanakert",
        "city",
        46.7519,
        39.8153,
        Names(en="Stepanakert", az="Xankəndi", alt=("Khankendi",)),
        PROV,
    ),
    Place("shusha", "town", 46.7536, 39.7583, Names(en="Shusha", hy="Shushi"), PROV),
    Place("gyumri", "city", 43.8475, 40.7894, Names(en="Gyumri", ru="Leninakan"), PROV),
]


def test_point_distance_is_geodesic() -> None:
    # One degree of latitude at 40 N is 111.03 km on WGS 84.
    assert geodesic_km(Point(45, 39.5), Point(45, 40.5)) == pytest.approx(111.03, abs=0.05)


def test_nearest_distance_between_shapes() -> None:
    result = nearest_distance(Point(45.0, 40.0), box(45.5, 39.0, 46.0, 41.0))
    assert result.km == pytest.approx(42.7, abs=0.3)
    assert result.end.x == pytest.approx(45.5, abs=1e-3)  # ~80 m: nearest point found in UTM
    assert nearest_distance(LineString([(45, 39), (45, 41)]), Point(45, 40)).km == pytest.approx(
        0.0, abs=1e-6
    )


def test_gazetteer_is_a_geopy_geocoder_answering_any_name_form() -> None:
    gazetteer = LocalGazetteer(PLACES)
    assert isinstance(gazetteer, Geocoder)
    for query in ("Khankendi", "xankendi", "Stepanakert", "XANKƏNDİ"):
        found = gazetteer.geocode(query)
        assert found is not None and found.raw["id"] == "stepanakert", query
    shushi = gazetteer.geocode("shushi")
    assert shushi is not None
    assert (shushi.latitude, shushi.longitude) == (39.7583, 46.7536)
    assert gazetteer.geocode("Atlantis") is None
    assert gazetteer.geocode("s", exactly_one=False) is not None


def test_gazetteer_reverse_returns_nearest() -> None:
    nearest = LocalGazetteer(PLACES).reverse((39.76, 46.75))
    assert nearest is not None and nearest.raw["id"] == "shusha"


def test_normalise_folds_diacritics_and_schwa() -> None:
    assert normalise("  Xankəndi ") == "xankendi"
    assert normalise("Şuşa") == "susa"
