"""Catalogue pieces of the ground layers (issue 21): where rivers, lakes, roads and
railways come from (:class:`GroundSource`, :class:`RouteSource`) and the scale from which
a layer's features are drawn (:class:`Detail`). :mod:`layers.catalog` holds the entries
and re-exports these names; renderers read them from there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, kw_only=True)
class GroundSource:
    """Every feature of ``layer`` of ``data/ground.gpkg`` (``rivers`` or ``lakes``), named
    where ``waters.yaml`` names it; rivers drawn in ``river`` or ``river-minor`` by class
    (:data:`MAJOR_RIVER_CLASSES`), lakes in ``lake``."""

    dated: ClassVar[bool] = False
    layer: str


@dataclass(frozen=True, kw_only=True)
class RouteSource:
    """The routes (``routes.yaml``) of ``kinds`` in force on the day, each drawn in the
    palette style named like its kind."""

    dated: ClassVar[bool] = True
    kinds: tuple[str, ...]


#: WDBII river classes drawn as major rivers (the rest are minor: ``river-minor``).
MAJOR_RIVER_CLASSES: tuple[int, ...] = (1, 2)


@dataclass(frozen=True, kw_only=True)
class Detail:
    """From which scale features are drawn: on the web map from zoom ``min_zoom``, on paper
    when the map's extent spans at most ``max_span_deg`` degrees (the longer of its height
    and its width times the cosine of its middle latitude, :func:`span_deg`). ``styles``:
    the palette styles it applies to (``()``: every feature of the layer).

    The two thresholds describe one scale: zoom 8 shows about 4.6 degrees across a map
    1,100 pixels wide at 40° N, zoom 9 half that; a paper map of Karabakh (46-47.6° E,
    39.2-40.4° N) spans about 1.2 degrees, the default extent 3.6.
    """

    min_zoom: int
    max_span_deg: float
    styles: tuple[str, ...] = ()

    def applies_to(self, style_key: str) -> bool:
        """Whether this threshold holds for features in ``style_key``."""
        return not self.styles or style_key in self.styles


def span_deg(bounds: tuple[float, float, float, float]) -> float:
    """The span of an extent (min lon, min lat, max lon, max lat) that :class:`Detail`
    compares: the longer of its height and its width times the cosine of its middle
    latitude, in degrees.

    >>> round(span_deg((46.0, 39.2, 47.6, 40.4)), 2)
    1.23
    """
    min_x, min_y, max_x, max_y = bounds
    shrink = math.cos(math.radians((min_y + max_y) / 2))
    return max((max_x - min_x) * shrink, max_y - min_y)
