"""What the reader must see, decided by the story (issue 22): for a view and a day (or
the two days of a comparison), the names and facts every renderer must show.

:func:`must_show` reads the catalogue's label roles (:attr:`layers.catalog.Label.must_show`)
and the records, never a layer id:

- ``always``: every feature drawn (the 1991 oblast: Nagorno-Karabakh);
- ``changed``: the places whose holder changed in the window (:func:`window`: the
  :data:`NEAR_DAYS` days up to the day, or between the compared days), and the story's
  key places (:data:`geo.settings.KEY_PLACES`: Stepanakert, Shusha, Lachin);
- ``in-force``: every site drawn, with its sourced strength as a second line
  ("1,960 Russian peacekeepers", :attr:`geo.model.Site.strength`);
- ``region``: a region a feature of a :attr:`~layers.catalog.LayerSpec.names_regions` layer
  stands on or passes through (Syunik, under the proposed deployment and the Lachin
  corridor's Armenian end).

It also returns the ground whose holder changed in the window (:attr:`MustShow.changed`):
renderers never cover it with a symbol or a label where it is small on the page (facts
above decoration). Input frames are the feature frames of :mod:`layers.features`
(EPSG:4326, keyed by layer id); the result holds feature ids and geometries only, so the
paper map, the slides and the web map read the same decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.change import Change, compare
from geo.dataset import Dataset
from layers import catalog
from layers.features import place_feature_id

if TYPE_CHECKING:
    import geopandas as gpd

#: A place or area whose holder changed within this many days up to the day shown must
#: be named on the map of that day (the war of 2020 took six weeks; a month keeps the
#: last changes before a date, such as Shusha on 8 November for 10 November 2020).
NEAR_DAYS = 31

#: Roles of :attr:`layers.catalog.Label.must_show`.
ROLES = ("always", "changed", "in-force", "region")


@dataclass(frozen=True)
class MustShow:
    """The names and facts a map must show (see the module docstring).

    ``labels``: feature ids whose labels are must-show; ``notes``: feature id -> a second
    line under its label (a site's strength, plain text); ``changed``: the ground whose
    holder changed in the window (EPSG:4326 polygons); ``changed_places``: gazetteer ids
    of the places that changed holder; ``window``: the two days compared.
    """

    labels: frozenset[str] = frozenset()
    notes: Mapping[str, str] = field(default_factory=dict)
    changed: tuple[BaseGeometry, ...] = ()
    changed_places: frozenset[str] = frozenset()
    window: tuple[dt.date, dt.date] | None = None

    def __contains__(self, feature_id: object) -> bool:
        return feature_id in self.labels


#: Nothing must show (labels switched off, or no data).
NOTHING = MustShow()


def window(days: Sequence[dt.date], first: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The two days whose difference is "what changed": the :data:`NEAR_DAYS` days up to
    a single day (not before ``first``, the data's first day), or the two days of a
    comparison.

    >>> window([dt.date(2020, 11, 10)])
    (datetime.date(2020, 10, 10), datetime.date(2020, 11, 10))
    >>> window([dt.date(1991, 1, 5)], first=dt.date(1991, 1, 1))
    (datetime.date(1991, 1, 1), datetime.date(1991, 1, 5))
    """
    if len(days) >= 2:
        return min(days), max(days)
    day = days[0]
    earlier = day - dt.timedelta(days=NEAR_DAYS)
    return (earlier if first is None else max(first, earlier)), day


def must_show(
    dataset: Dataset,
    frames: Mapping[str, gpd.GeoDataFrame],
    days: Sequence[dt.date],
    *,
    change: Change | None = None,
) -> MustShow:
    """The must-show names and the changed ground of a map of ``frames`` on ``days``
    (one day, or the before and after days of a comparison; see :func:`window`).

    ``change``: :func:`geo.change.compare` of the window when the caller has it.
    """
    before, after = window(days, dataset.span.first)
    if change is None:
        change = compare(dataset, before, after) if before < after else None
    changed_places = frozenset(p.place_id for p in change.places) if change else frozenset()
    changed = tuple(a.geometry for a in change.areas) if change else ()
    wanted_places = {place_feature_id(p) for p in (*settings.KEY_PLACES, *changed_places)}
    strengths = {s.id: s.strength.text for s in dataset.sites if s.strength is not None}
    grounds = _story_ground(frames)
    labels: set[str] = set()
    notes: dict[str, str] = {}
    for layer_id, frame in frames.items():
        spec = catalog.find(layer_id)
        role = spec.label.must_show if spec is not None and spec.label else ""
        if not role or frame.empty:
            continue
        ids = [str(i) for i in frame["id"]]
        if role == "always":
            labels.update(ids)
        elif role == "changed":
            labels.update(i for i in ids if i in wanted_places)
        elif role == "in-force":
            labels.update(ids)
            notes.update({i: strengths[i] for i in ids if i in strengths})
        elif role == "region" and grounds is not None:
            crossed = shapely.intersects(frame.geometry.values, grounds)
            labels.update(i for i, hit in zip(ids, crossed, strict=True) if hit)
    return MustShow(frozenset(labels), notes, changed, changed_places, (before, after))


def _story_ground(frames: Mapping[str, gpd.GeoDataFrame]) -> BaseGeometry | None:
    """The union of the features of the layers that name the regions under them, shrunk a
    little so that a shape merely touching a region's outline does not name it."""
    shapes = catalog.shapes_where(frames, lambda spec: spec.names_regions)
    if not shapes:
        return None
    union = shapely.union_all(shapes)
    inner = union.buffer(-0.005) if union.area > 0 else union
    return inner if not inner.is_empty else union




def event_numbers(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, int]:
    """Feature id -> the event's number on the map, in the timeline, the key and the
    slide notes: its place (from 1) in the frames of the catalogue's
    :attr:`~layers.catalog.LayerSpec.event_markers` layers, which hold the events in force
    in date order (the timeline's order)."""
    numbers: dict[str, int] = {}
    for layer_id, frame in frames.items():
        spec = catalog.find(layer_id)
        if spec is None or not spec.event_markers or frame.empty:
            continue
        for feature_id in frame["id"]:
            numbers.setdefault(str(feature_id), len(numbers) + 1)
    return numbers


def number_list(numbers: Sequence[int]) -> str:
    """Event numbers as a marker writes them: runs of three or more joined by a dash.

    >>> number_list([7, 3, 4, 5, 12])
    '3–5, 7, 12'
    """
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    parts: list[str] = []
    start = previous = ordered[0] if ordered else 0
    for number in [*ordered[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        if previous - start >= 2:
            parts.append(f"{start}–{previous}")
        else:
            parts += [str(n) for n in range(start, previous + 1)]
        if number is not None:
            start = previous = number
    return ", ".join(parts)


__all__ = [
    "NEAR_DAYS",
    "NOTHING",
    "ROLES",
    "MustShow",
    "event_numbers",
    "must_show",
    "number_list",
    "window",
]
