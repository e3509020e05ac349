"""Numbered event markers on a paper map (issue 22): at briefing scale an event is a small
numbered box on a short leader line beside its place, never a symbol on it, so that the
ground there (who held it) stays visible. The number is the event's place in the
timeline (:func:`layers.story.event_numbers`), the same on the briefing's timeline, the
map page's key and the slide notes; events at one place share one marker with their
numbers ("3, 21"). Article events are amber boxes with a dark edge, context events white
with a grey edge: apart in greyscale too. The markers are placed like labels
(:mod:`layers.paper.placement`), never left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import LineString, MultiLineString, Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from layers import catalog, styles
from layers.briefing.view import Bounds
from layers.features import frame_rows
from layers.paper.map_content import MapContent
from layers.paper.placement import LabelRequest
from layers.story import number_list

#: Look of the number in a marker.
MARKER_LOOK = styles.LabelStyle(placement="beside", fontsize=5.6, colour="#111111", weight="bold")
#: Palette style of the marker of an event of each palette style (its point style).
MARKER_STYLES = {
    "event": "event",
    "event-area": "event",
    "event-context": "event-context",
    "event-context-area": "event-context",
}


@dataclass(frozen=True)
class Marker:
    """The events at one point: their numbers, whether any is in the article, and the
    point (EPSG:4326) the marker points at."""

    numbers: tuple[int, ...]
    in_article: bool
    anchor: tuple[float, float]

    @property
    def text(self) -> str:
        return number_list(self.numbers)


def anchor_of(geometry: BaseGeometry) -> tuple[float, float]:
    """Where an event's marker points: its point, the middle of its route, or the pole
    of inaccessibility of the largest part of its area (EPSG:4326)."""
    if isinstance(geometry, Point):
        return (geometry.x, geometry.y)
    if isinstance(geometry, LineString | MultiLineString):
        parts = list(getattr(geometry, "geoms", [geometry]))
        longest = max(parts, key=lambda p: p.length)
        middle = longest.interpolate(0.5, normalized=True)
        return (middle.x, middle.y)
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.area > 0]
    if not parts:
        point = geometry.representative_point()
        return (point.x, point.y)
    largest = max(parts, key=lambda p: p.area)
    pole = polylabel(largest, tolerance=largest.length / 400)
    return (pole.x, pole.y)


def markers(content: MapContent) -> list[Marker]:
    """The markers of the event layers in ``content`` inside its extent, one per point
    (events at the same point share one), in the order of their first number."""
    inner = box(*content.extent)
    at: dict[tuple[float, float], list[tuple[int, bool]]] = {}
    for layer_id, frame in content.frames.items():
        spec = catalog.find(layer_id)
        if spec is None or not spec.event_markers or frame.empty:
            continue
        for row in frame_rows(frame):
            number = content.numbers.get(str(row.id))
            point = anchor_of(row.geometry)
            if number is None or not inner.contains(Point(point)):
                continue
            key = (round(point[0], 4), round(point[1], 4))
            article = MARKER_STYLES.get(str(row.style_key)) == "event"
            at.setdefault(key, []).append((number, article))
    found = [
        Marker(tuple(n for n, _ in events), any(a for _, a in events), anchor)
        for anchor, events in at.items()
    ]
    return sorted(found, key=lambda m: min(m.numbers))


def marker_requests(content: MapContent, outside: Bounds | None = None) -> list[LabelRequest]:
    """The markers as placement requests (:class:`layers.paper.placement.LabelRequest`),
    those pointing inside ``outside`` (an inset's extent) left out."""
    requests = []
    for marker in markers(content):
        if outside is not None and box(*outside).contains(Point(marker.anchor)):
            continue
        look = styles.STYLES["event" if marker.in_article else "event-context"]
        width = 0.8 if marker.in_article else 0.6
        requests.append(
            LabelRequest(
                marker.text, MARKER_LOOK, MARKER_LOOK.colour or look.color, (marker.anchor,),
                3.0, True, marker=True, box=(look.fill or "white", look.color, width),
            )
        )  # fmt: skip
    return requests


__all__ = ["MARKER_LOOK", "Marker", "anchor_of", "marker_requests", "markers"]
