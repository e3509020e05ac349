"""The map's own value of each published figure (figures.yaml), computed the way the
figure was: the area a side held (km2, geodesic on WGS 84) in every control area or inside
the former oblast (boundaries layer ``nkao``), or a share of it.

Inputs are a :class:`geo.dataset.Dataset` (EPSG:4326) and a day; the areas are those the map
draws that day (:func:`geo.situation.state_at`). Pure: no disk access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shapely

from geo.dataset import Dataset
from geo.identity_cache import IdentityCache
from geo.metric import geodesic_area_km2
from geo.model import PublishedFigure
from geo.situation import state_at


@dataclass(frozen=True)
class FigureCheck:
    """A published figure beside the map's value on ``day`` (same unit: km2 or percent)."""

    figure: PublishedFigure
    day: dt.date
    map_value: float

    @property
    def unit_text(self) -> str:
        """``km²`` or ``%``."""
        return "km²" if self.figure.unit == "km2" else "%"


#: How many (situation, holder, scope) areas :func:`held_km2` keeps; shared by all
#: sessions (derived from data only).
HELD_AREAS = 256

#: Kept areas by the identities of what they were measured from: the situation's
#: resolved control (:func:`geo.situation.resolved_control` gives one tuple per set of
#: records in force) and, inside the oblast, the oblast's frame. Each entry holds those
#: objects, so an identity is never taken for another object's.
_HELD: IdentityCache[float] = IdentityCache(HELD_AREAS, "held areas")


def held_km2(dataset: Dataset, holder: str, day: dt.date, scope: str) -> float:
    """The km2 ``holder`` held on ``day``: in every control area (``whole``) or inside the
    former oblast (``oblast``). Measured once per set of control records in force (every
    day of a situation has the same value; a comparison asks again on every run)."""
    control = state_at(dataset, day).control
    oblast = dataset.boundaries["nkao"] if scope == "oblast" else None

    def measure() -> float:
        shapes = [c.geometry for c in control if c.holder == holder]
        if not shapes:
            return 0.0
        held = shapely.union_all(shapes)
        if scope == "oblast":
            held = held.intersection(_oblast(dataset))
        return geodesic_area_km2(held)

    return _HELD.get((control, oblast), (holder, scope), measure)


def _oblast(dataset: Dataset) -> shapely.Geometry:
    return shapely.union_all(dataset.boundaries["nkao"].geometry.to_numpy())


def map_value(dataset: Dataset, figure: PublishedFigure, day: dt.date) -> float:
    """The map's value of ``figure`` on ``day`` (km2 or percent, as the figure's unit)."""
    area = held_km2(dataset, figure.holder, day, figure.scope)
    if figure.unit == "km2":
        return area
    oblast = geodesic_area_km2(_oblast(dataset))
    if figure.unit == "percent-of-oblast":
        return 100.0 * area / oblast
    assert figure.of_day is not None  # validated: these units need of_day
    earlier = held_km2(dataset, figure.holder, figure.of_day, figure.scope)
    if figure.unit == "percent-of-day":
        return 100.0 * area / earlier if earlier else 0.0
    return 100.0 * (area - earlier) / oblast  # percent-of-oblast-gained


def figures_on(dataset: Dataset, day: dt.date) -> list[FigureCheck]:
    """The published figures describing ``day``, each with the map's value that day."""
    return [
        FigureCheck(figure, day, map_value(dataset, figure, day))
        for figure in dataset.figures
        if figure.span.contains(day)
    ]


__all__ = ["FigureCheck", "figures_on", "held_km2", "map_value"]
