"""A local, offline gazetteer that follows geopy's Geocoder interface.

``LocalGazetteer(places, regions).geocode("Khankendi")`` answers like any geopy
geocoder, so an online one (e.g. ``geopy.geocoders.Nominatim``) can be swapped in where
network and terms of use allow.

Search is tolerant: every name form of the data (English, Armenian, Azerbaijani and
Russian forms, native scripts, alternatives) and the query are reduced by
:func:`normalise` (casefolded, Cyrillic and Armenian letters transliterated, diacritics
stripped), then compared with rapidfuzz's ``WRatio``. So a typo ("Stepanakrt"), another
script ("Ханкенди") or a form without its diacritics ("Susa") finds the place. Regions of
the boundary layers (countries, Nakhchivan, the oblast, the seven districts, the two
provinces) are entries too; they carry their extent (EPSG:4326).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz, process
from shapely.geometry import Point

from geo.metric import geodesic_km
from geo.model import Place

#: Lowest rapidfuzz ``WRatio`` (0-100) of a candidate: below it a name does not match.
#: 80 admits one or two typos in a name ("Stepanakrt" 95, "Azerbajan" 95, "Syunk" 91)
#: and refuses names merely sharing letters ("Kars" vs "Karvachar" 77, "Paris" 67).
MIN_SCORE = 80.0
#: Most candidates :meth:`LocalGazetteer.search` returns.
MAX_CANDIDATES = 5

#: Russian Cyrillic to Latin (a BGN/PCGN-like scheme, as the data's Latin forms use).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip
#: Armenian to Latin (after the common romanisation of place names: Ղ gh, Խ kh, Ճ ch;
#: the digraph ու is u, see :func:`normalise`).
_ARMENIAN = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "e",
    "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h",
    "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o",
    "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
    "ց": "ts", "ւ": "v", "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev",
}  # fmt: skip
#: Letters NFKD does not decompose: Azerbaijani schwa and dotless i.
_LATIN = {"ə": "e", "ı": "i"}
_TRANSLITERATION = str.maketrans(_CYRILLIC | _ARMENIAN | _LATIN)


def normalise(text: str) -> str:
    """Casefolded Latin text without diacritics or punctuation.

    >>> normalise("Xankəndi"), normalise("Ханкенди"), normalise("Շուշի")
    ('xankendi', 'khankendi', 'shushi')
    """
    latin = text.casefold().replace("ու", "u").translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", latin).translate(_TRANSLITERATION)
    letters = [c for c in decomposed if c.isalnum() or c.isspace()]
    return " ".join("".join(letters).split())


@dataclass(frozen=True)
class Entry:
    """Something the gazetteer finds: a place (a point) or a region (an extent).

    ``lat``/``lon`` is the point to pin (a place's point, a region's representative
    point); ``bounds`` is a region's min lon, min lat, max lon, max lat (EPSG:4326).
    """

    id: str
    kind: str
    label: str
    names: tuple[str, ...]
    lat: float
    lon: float
    status: str = "confirmed"
    bounds: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Match:
    """A search result: the entry, the name form that matched and its score (0-100)."""

    entry: Entry
    name: str
    score: float


#: Boundary layers searched as regions: the kind of region, and how its name is labelled.
REGION_LAYERS: dict[str, tuple[str, str]] = {
    "countries": ("country", "{name}"),
    "nakhchivan": ("exclave", "{name}"),
    "nkao": ("oblast", "{name}"),
    "districts": ("district", "{name} District"),
    "provinces": ("province", "{name} Province"),
}


def place_entry(place: Place) -> Entry:
    """The gazetteer entry of a place."""
    return Entry(
        id=place.id,
        kind=place.kind,
        label=place.names.en,
        names=place.names.all(),
        lat=place.lat,
        lon=place.lon,
        status=place.provenance.status,
    )


def region_entries(
    boundaries: Mapping[str, gpd.GeoDataFrame], places: Mapping[str, Place] | None = None
) -> list[Entry]:
    """Entries of the named regions of :data:`REGION_LAYERS` (frames in EPSG:4326, with
    ``name`` and ``geometry``). A district takes every name form of its gazetteer place
    (``district-<name>``), when there is one."""
    entries = []
    for layer_id, (kind, pattern) in REGION_LAYERS.items():
        frame = boundaries.get(layer_id)
        if frame is None:
            continue
        for name in dict.fromkeys(frame["name"]):
            geometry = shapely.union_all(frame[frame["name"] == name].geometry.to_numpy())
            point = geometry.representative_point()
            label = pattern.format(name=name)
            place = (places or {}).get(f"district-{str(name).lower()}")
            names = place.names.all() if layer_id == "districts" and place else (label,)
            names = tuple(dict.fromkeys((*names, str(name))))
            entries.append(
                Entry(
                    id=f"{layer_id}:{name}",
                    kind=kind,
                    label=label,
                    names=names,
                    lat=round(point.y, 5),
                    lon=round(point.x, 5),
                    bounds=tuple(round(v, 5) for v in geometry.bounds),
                )
            )
    return entries


class LocalGazetteer(Geocoder):  # type: ignore[misc]
    """Geocode against the curated places and regions (any of their names, typos
    tolerated); no network is used."""

    def __init__(self, places: Iterable[Place], regions: Iterable[Entry] = ()) -> None:
        super().__init__()
        self._places = tuple(places)
        regions = tuple(regions)
        merged = {name for region in regions for name in region.names}
        # a district found as a region (its extent) is not also found as a point
        entries = [
            place_entry(p)
            for p in self._places
            if not (p.kind == "district" and p.names.en in merged)
        ]
        self._entries = (*entries, *regions)
        self._forms: list[str] = []
        self._owners: list[tuple[Entry, str]] = []
        for entry in self._entries:
            keys: set[str] = set()
            for form in entry.names:
                key = normalise(form)
                if key and key not in keys:
                    keys.add(key)
                    self._forms.append(key)
                    self._owners.append((entry, form))

    def search(self, query: str, limit: int = MAX_CANDIDATES) -> list[Match]:
        """The best entries for ``query``, best first: exact matches (after
        :func:`normalise`) before fuzzy ones, then by score; one match per entry, none
        scoring below :data:`MIN_SCORE`."""
        key = normalise(query)
        if not key:
            return []
        scored = process.extract(
            key, self._forms, scorer=fuzz.WRatio, score_cutoff=MIN_SCORE, limit=None
        )
        ranked = sorted(scored, key=lambda hit: (hit[0] != key, -hit[1], hit[2]))
        best: dict[Entry, Match] = {}
        for _, score, index in ranked:
            entry, form = self._owners[index]
            best.setdefault(entry, Match(entry, form, float(score)))
        return list(best.values())[:limit]

    def geocode(
        self, query: str, *, exactly_one: bool = True, **_: Any
    ) -> Location | list[Location] | None:
        """Entries matching ``query`` (see :meth:`search`) as geopy locations."""
        locations = [_location(match) for match in self.search(query)]
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
        matches = [Match(place_entry(p), p.names.en, 100.0) for p in ordered]
        return _location(matches[0]) if exactly_one else [_location(m) for m in matches]


def _location(match: Match) -> Location:
    entry = match.entry
    address = " / ".join(entry.names[:3])
    raw = {
        "id": entry.id,
        "kind": entry.kind,
        "status": entry.status,
        "label": entry.label,
        "matched": match.name,
        "score": match.score,
        "bounds": entry.bounds,
    }
    return Location(address, (entry.lat, entry.lon), raw)
