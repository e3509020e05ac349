"""A local, offline gazetteer that follows geopy's Geocoder interface.

``LocalGazetteer(places).geocode("Khankendi")`` answers like any geopy geocoder, so an
online one (e.g. ``geopy.geocoders.Nominatim``) can be swapped in where network and
terms of use allow.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from shapely.geometry import Point

from geo.metric import geodesic_km
from geo.model import Place


def normalise(text: str) -> str:
    """Casefolded text without diacritics or punctuation: 'Xankəndi' -> 'xankendi'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ə", "e").replace("Ə", "e"))
    letters = [c for c in decomposed if c.isalnum() or c.isspace()]
    return " ".join("".join(letters).casefold().split())


class LocalGazetteer(Geocoder):  # type: ignore[misc]
    """Geocode against the curated places (any of their names); no network is used."""

    def __init__(self, places: Iterable[Place]) -> None:
        super().__init__()
        self._places = tuple(places)
        self._index: dict[str, list[Place]] = {}
        for place in self._places:
            for form in place.names.all():
                bucket = self._index.setdefault(normalise(form), [])
                if place not in bucket:
                    bucket.append(place)

    def geocode(
        self, query: str, *, exactly_one: bool = True, **_: Any
    ) -> Location | list[Location] | None:
        """Places whose name (any form) equals ``query``, else starts with it."""
        key = normalise(query)
        if not key:
            return None
        found = list(self._index.get(key, []))
        if not found:
            found = [p for name, ps in self._index.items() if name.startswith(key) for p in ps]
            found = list(dict.fromkeys(found))
        locations = [_location(place) for place in found]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def find(self, query: str) -> Location | None:
        """The best match for ``query`` (typed form of ``geocode(query)``)."""
        found = self.geocode(query, exactly_one=True)
        return found if isinstance(found, Location) else None

    def reverse(
        self, query: tuple[float, float], *, exactly_one: bool = True, **_: Any
    ) -> Location | list[Location] | None:
        """The nearest place(s) to ``(lat, lon)``."""
        lat, lon = query
        ordered = sorted(
            self._places, key=lambda p: geodesic_km(Point(lon, lat), Point(p.lon, p.lat))
        )
        if not ordered:
            return None
        return _location(ordered[0]) if exactly_one else [_location(p) for p in ordered]


def _location(place: Place) -> Location:
    address = " / ".join(place.names.all()[:3])
    raw = {"id": place.id, "kind": place.kind, "status": place.provenance.status}
    return Location(address, (place.lat, place.lon), raw)
