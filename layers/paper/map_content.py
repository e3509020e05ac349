"""What one paper map shows, prepared for drawing (:class:`MapContent`): the view's
extent grown to the map frame (:func:`fit_extent`) and the layer frames and the land
clipped to it and simplified (:func:`prepare`). EPSG:4326 throughout; the drawing is
:mod:`layers.paper.map`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.dataset import Dataset
from geo.errors import TileError
from geo.identity_cache import IdentityCache
from geo.tiles import TileSource
from layers import catalog
from layers.briefing.view import Bounds, View
from layers.features import place_feature_id
from layers.story import NOTHING, MustShow, event_numbers, must_show
from layers.user_basemap import USER_BASEMAP, current

#: Offline vector basemap colours (not a layer: always drawn under the layers).
SEA_COLOUR = "#dbe7f0"
LAND_COLOUR = "#f5f2eb"


@dataclass(frozen=True)
class MapContent:
    """What one map shows, prepared for drawing.

    ``extent`` (min lon, min lat, max lon, max lat, EPSG:4326) is the view's bounds grown
    to the shape of the map frame; ``frames`` are the layer frames of
    :func:`layers.features.layer_features` clipped to the extent and simplified;
    ``story`` what must show (:func:`layers.story.must_show`); ``numbers`` the events'
    numbers (:func:`layers.story.event_numbers`, from the frames before clipping).
    """

    view: View
    extent: Bounds
    lat0: float
    frames: Mapping[str, gpd.GeoDataFrame]
    land: tuple[BaseGeometry, ...]
    story: MustShow = NOTHING
    numbers: Mapping[str, int] = field(default_factory=dict)
    #: The user's basemap drawn instead of the vector land (issue 21), when the view
    #: shows it and one is in force (:func:`paper_basemap`).
    tiles: TileSource | None = None

    @functools.cached_property
    def changed_points(self) -> tuple[tuple[float, float], ...]:
        """The points (EPSG:4326) of the places on the map whose holder changed in the
        story's window (``story.changed_places``), frame by frame in row order; found
        once per content (symbols and labels both keep clear of them)."""
        wanted = {place_feature_id(p) for p in self.story.changed_places}
        points: list[tuple[float, float]] = []
        if not wanted:
            return ()
        for frame in self.frames.values():
            if frame.empty:
                continue
            ids = frame["id"].isin(wanted)
            if not ids.any():
                continue
            rows = frame[ids]
            points += [(g.x, g.y) for g in rows.geometry[rows.geom_type == "Point"]]
        return tuple(points)


# --- Preparation ---------------------------------------------------------------------


def fit_extent(
    bounds: Bounds, width_in: float, height_in: float, region: Bounds = settings.REGION_BBOX
) -> tuple[Bounds, float]:
    """Grow ``bounds`` (EPSG:4326) about its centre to fill a frame of the given size, then
    keep it inside ``region`` (the extract of the boundaries: beyond it the land would end
    in a straight line).

    The grown extent is shifted into ``region`` where it fits (it still holds ``bounds``
    when ``bounds`` lies in ``region``, as :func:`layers.briefing.view.check_bounds` makes sure);
    where it is larger than ``region`` it is cut to it, and the map frame is then a
    little smaller than asked. Returns the extent and ``lat0``, the centre latitude whose
    ``1 / cos`` is the aspect of the map.
    """
    min_x, min_y, max_x, max_y = bounds
    lat0 = (min_y + max_y) / 2
    cx = (min_x + max_x) / 2
    shrink = math.cos(math.radians(lat0))
    width, height = (max_x - min_x) * shrink, max_y - min_y
    if width / height < width_in / height_in:
        width = height * width_in / height_in
    else:
        height = width * height_in / width_in
    half_x, half_y = width / shrink / 2, height / 2
    x0, x1 = _keep_inside(cx - half_x, cx + half_x, region[0], region[2])
    y0, y1 = _keep_inside(lat0 - half_y, lat0 + half_y, region[1], region[3])
    return (x0, y0, x1, y1), (y0 + y1) / 2


def _keep_inside(low: float, high: float, floor: float, ceiling: float) -> tuple[float, float]:
    """``[low, high]`` shifted into ``[floor, ceiling]``, or cut to it if longer."""
    if high - low >= ceiling - floor:
        return max(low, floor), min(high, ceiling)
    shift = max(0.0, floor - low) - max(0.0, high - ceiling)
    return low + shift, high + shift


def fit_frame(
    bounds: Bounds, box_in: tuple[float, float], *, flexible: bool
) -> tuple[Bounds, tuple[float, float]]:
    """The extent to draw and the size (inches) of the map frame for ``bounds`` in a box
    of ``box_in`` (width, height) inches.

    ``flexible`` (the extent was chosen for the subject, not by the user): the extent is
    grown to the box's shape (:func:`fit_extent`) and the map fills the box. Otherwise
    the extent is ``bounds`` exactly (``--bounds`` honoured) and the frame takes its
    shape, as large as the box allows; the page lays itself out around it. Either way a
    frame cut by the region's edge shrinks with it.
    """
    if flexible:
        extent, lat0 = fit_extent(bounds, *box_in)
    else:
        extent, lat0 = bounds, (bounds[1] + bounds[3]) / 2
    width_deg = (extent[2] - extent[0]) * math.cos(math.radians(lat0))
    height_deg = extent[3] - extent[1]
    aspect = width_deg / height_deg
    width, height = box_in
    if width / height > aspect:
        width = height * aspect
    else:
        height = width / aspect
    return extent, (width, height)


def prepare(
    dataset: Dataset,
    view: View,
    frames: Mapping[str, gpd.GeoDataFrame],
    frame_in: tuple[float, float],
    *,
    story: MustShow | None = None,
    numbers: Mapping[str, int] | None = None,
) -> MapContent:
    """Clip and simplify ``frames`` for a map frame of ``frame_in`` inches (width, height).

    Geometries stay EPSG:4326; they are clipped to the fitted extent plus a margin and
    simplified to about a thousandth of its width (invisible at print resolution).
    ``story``: what must show (default: :func:`layers.story.must_show` of the view's day);
    ``numbers``: the events' numbers (default: :func:`layers.story.event_numbers` of
    ``frames``; an inset passes its main map's).
    Features the catalogue draws only from a scale on are left out of wider views
    (:func:`at_paper_scale`).
    """
    extent, lat0 = fit_extent(view.bounds, *frame_in)
    frames = at_paper_scale(frames, view.bounds)
    min_x, min_y, max_x, max_y = extent
    pad = 0.05 * (max_x - min_x)
    window = (min_x - pad, min_y - pad, max_x + pad, max_y + pad)
    tolerance = (max_x - min_x) / 1200
    clipped = {name: clipped_frame(frame, window, tolerance) for name, frame in frames.items()}
    countries = dataset.boundaries.get(catalog.LAND_BOUNDARIES)
    land = () if countries is None else land_in(countries, window, tolerance)
    if story is None:
        story = must_show(dataset, frames, [view.day])
    return MapContent(
        view, extent, lat0, clipped, tuple(land), story,
        event_numbers(frames) if numbers is None else numbers, tiles=paper_basemap(view),
    )  # fmt: skip


def paper_basemap(view: View) -> TileSource | None:
    """The user's basemap a paper map of ``view`` draws: the one in force
    (:func:`layers.user_basemap.current`) when the view shows it; ``None`` otherwise, or
    when it cannot be used (the vector land is drawn then, and the credits say so)."""
    if view.basemap != USER_BASEMAP:
        return None
    try:
        return current()
    except TileError:
        return None


def at_paper_scale(
    frames: Mapping[str, gpd.GeoDataFrame], bounds: Bounds
) -> dict[str, gpd.GeoDataFrame]:
    """``frames`` without the features a paper map of ``bounds`` (the view's extent,
    EPSG:4326) leaves out: those whose catalogue entry draws their style only on maps
    spanning fewer degrees (:attr:`layers.catalog.LayerSpec.detail`, the paper side of
    the web map's zoom thresholds). Frames keep their columns; layers the catalogue does
    not hold are kept whole."""
    span = catalog.span_deg(bounds)
    kept: dict[str, gpd.GeoDataFrame] = {}
    for layer_id, frame in frames.items():
        spec = catalog.find(layer_id)
        if spec is None or not spec.detail or frame.empty:
            kept[layer_id] = frame
            continue
        shown = tuple(spec.drawn_at_span(str(key), span) for key in frame["style_key"])
        kept[layer_id] = frame if all(shown) else _shown_rows(frame, shown)
    return kept


def _shown_rows(frame: gpd.GeoDataFrame, shown: tuple[bool, ...]) -> gpd.GeoDataFrame:
    """The rows of ``frame`` whose ``shown`` is true, selected once per frame (:func:`_once`)."""
    return _once(frame, ("shown", shown), lambda: frame[list(shown)])


def clip_geometries(
    geometries: Iterable[BaseGeometry], window: Bounds, tolerance: float
) -> list[BaseGeometry]:
    array = np.asarray(list(geometries), dtype=object)
    if array.size == 0:
        return []
    simple = shapely.simplify(array, tolerance, preserve_topology=True)
    return list(shapely.clip_by_rect(simple, *window))


def land_in(
    countries: gpd.GeoDataFrame, window: Bounds, tolerance: float
) -> tuple[BaseGeometry, ...]:
    """The geometries of ``countries`` (EPSG:4326) simplified with ``tolerance`` and
    clipped to ``window``, empty ones left out; made once per frame, window and
    tolerance (:func:`_once`)."""

    def make() -> tuple[BaseGeometry, ...]:
        clipped = clip_geometries(countries.geometry, window, tolerance)
        return tuple(g for g in clipped if not g.is_empty)

    return _once(countries, ("land", window, tolerance), make)


def clipped_frame(frame: gpd.GeoDataFrame, window: Bounds, tolerance: float) -> gpd.GeoDataFrame:
    """``frame`` (EPSG:4326) with its geometries simplified with ``tolerance`` and clipped
    to ``window``, features left empty dropped; made once per frame, window and
    tolerance (:func:`_once`: the layers that do not change with the day, on every
    atlas page of the same extent)."""
    if frame.empty:
        return frame

    def make() -> gpd.GeoDataFrame:
        result = frame.copy()
        result["geometry"] = clip_geometries(frame.geometry, window, tolerance)
        kept: gpd.GeoDataFrame = result[~result.geometry.is_empty]
        return kept

    return _once(frame, ("clip", window, tolerance), make)


# --- Made once per frame and extent ---------------------------------------------------

#: Most results :func:`_once` keeps (an atlas page clips about 25 frames; the frames that
#: do not change with the day are asked for on every page and stay).
MAX_KEPT = 256
_T = TypeVar("_T")
_KEPT: IdentityCache[object] = IdentityCache(MAX_KEPT, "paper map content")


def _once(source: object, key: Hashable, make: Callable[[], _T]) -> _T:
    """``make()``, kept for the same ``source`` object (by identity: frames are not
    hashable, and the layers that do not change with the day are the same objects on
    every page of an atlas and in every session) and ``key`` (what else it depends on).
    The entry holds ``source`` itself, so its identity cannot pass to another object
    while it is kept; least recently used entries go beyond :data:`MAX_KEPT`. Results
    are shared: callers never change them (frames are copied before being changed)."""
    return _KEPT.get((source,), key, make)  # type: ignore[return-value]


def clear_kept() -> None:
    """Forget everything :func:`_once` kept (tests)."""
    _KEPT.clear()


