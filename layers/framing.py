"""Framing for the subject (issue 22): what extent a briefing shows when the user chose
none, and when a region map needs an inset of Karabakh. Renderer-neutral, EPSG:4326.

A view whose bounds are the default (:data:`layers.briefing.view.DEFAULT_BOUNDS`: the
user chose no extent) is drawn at the extent of what the page is about
(:func:`subject_bounds`): the features in force of the catalogue's
:attr:`~layers.catalog.LayerSpec.subject` layers (who held what, the sites), or, for a
comparison or an animation, the areas that changed hands (:func:`change_bounds`). A
chosen extent (``--bounds``, the URL's ``view``) is always kept as it is.

A region map shows Nagorno-Karabakh (the features of the
:attr:`~layers.catalog.LayerSpec.frames_karabakh` layer) in an inset when the oblast is
small on the page (:func:`needs_karabakh_inset`); a map zoomed in shows a locator instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import shapely

from geo import settings
from geo.change import compare
from geo.dataset import Dataset
from layers import catalog
from layers.briefing.view import DEFAULT_BOUNDS, Bounds, View
from layers.change_layer import ZOOM_MARGIN

if TYPE_CHECKING:
    import geopandas as gpd

#: Margin in degrees around the subject when the extent is chosen for it.
SUBJECT_MARGIN = 0.25
#: Smallest extent chosen for a subject, in degrees (a single site is not a map).
MIN_SPAN_DEG = 1.2
#: The oblast is "small on the page" below this width in inches: region maps then show
#: it in an inset at a larger scale.
KARABAKH_MIN_WIDTH_IN = 2.2
#: Margin in degrees around the oblast in its inset.
INSET_MARGIN = 0.12


def chosen(view: View) -> bool:
    """Whether the user chose the view's extent (else it is the default one)."""
    return view.bounds != DEFAULT_BOUNDS


def subject_bounds(
    view: View, frames: Mapping[str, gpd.GeoDataFrame], margin: float = SUBJECT_MARGIN
) -> Bounds:
    """The extent a map of ``frames`` (the view's feature frames) shows: the view's when
    the user chose one, else that of the features of the catalogue's subject layers
    (with ``margin`` degrees around, at least :data:`MIN_SPAN_DEG` across, inside the
    region); the default extent when none is drawn."""
    if chosen(view):
        return view.bounds
    shapes = [
        geometry
        for layer_id, frame in frames.items()
        if (spec := catalog.find(layer_id)) is not None and spec.subject
        for geometry in frame.geometry
        if geometry is not None and not geometry.is_empty
    ]
    if not shapes:
        return view.bounds
    return padded(shapely.union_all(shapes).bounds, margin)


def change_bounds(dataset: Dataset, view: View, days: Iterable[dt.date]) -> Bounds:
    """The extent of a map of change over ``days`` (a comparison's two days, an
    animation's frames): the view's when the user chose one, else that of the areas that
    changed hands between the first and the last day (those in force on any of them if
    none changed), with :data:`layers.change_layer.ZOOM_MARGIN` degrees around."""
    if chosen(view):
        return view.bounds
    wanted = sorted(set(days))
    if not wanted:
        return view.bounds
    areas = []
    if wanted[0] < wanted[-1]:
        areas = [a.geometry for a in compare(dataset, wanted[0], wanted[-1]).areas]
    if not areas:
        areas = [c.geometry for c in dataset.control if any(c.span.contains(d) for d in wanted)]
    if not areas:
        return view.bounds
    return padded(shapely.union_all(areas).bounds, ZOOM_MARGIN)


def padded(bounds: Sequence[float], margin: float) -> Bounds:
    """``bounds`` grown by ``margin`` degrees, to at least :data:`MIN_SPAN_DEG` across
    about its centre, and kept inside :data:`geo.settings.REGION_BBOX`.

    >>> padded((46.0, 39.5, 46.2, 39.6), 0.1)
    (45.5, 38.95, 46.7, 40.15)
    """
    min_x, min_y, max_x, max_y = bounds
    min_x, min_y, max_x, max_y = min_x - margin, min_y - margin, max_x + margin, max_y + margin
    grow_x = max(0.0, MIN_SPAN_DEG - (max_x - min_x)) / 2
    grow_y = max(0.0, MIN_SPAN_DEG - (max_y - min_y)) / 2
    west, south, east, north = settings.REGION_BBOX
    return (
        round(max(west, min_x - grow_x), 6),
        round(max(south, min_y - grow_y), 6),
        round(min(east, max_x + grow_x), 6),
        round(min(north, max_y + grow_y), 6),
    )


def karabakh_bounds(frames: Mapping[str, gpd.GeoDataFrame]) -> Bounds | None:
    """The extent of the oblast's inset: its outline (the features of the
    ``frames_karabakh`` layer) with :data:`INSET_MARGIN` degrees around; ``None`` when the
    layer is not drawn."""
    shapes = catalog.shapes_where(frames, lambda spec: spec.frames_karabakh)
    if not shapes:
        return None
    min_x, min_y, max_x, max_y = shapely.union_all(shapes).bounds
    m = INSET_MARGIN
    return (min_x - m, min_y - m, max_x + m, max_y + m)


def needs_karabakh_inset(
    karabakh: Bounds | None, extent: Bounds, map_width_in: float
) -> bool:
    """Whether a map of ``extent`` drawn ``map_width_in`` inches wide shows the oblast
    (``karabakh``, :func:`karabakh_bounds`) less than :data:`KARABAKH_MIN_WIDTH_IN` wide
    while it lies inside the map (a region map): it then gets an inset."""
    if karabakh is None:
        return False
    inside = (
        extent[0] <= karabakh[0] and extent[1] <= karabakh[1]
        and karabakh[2] <= extent[2] and karabakh[3] <= extent[3]
    )  # fmt: skip
    share = (karabakh[2] - karabakh[0]) / (extent[2] - extent[0])
    return inside and share * map_width_in < KARABAKH_MIN_WIDTH_IN


__all__ = [
    "change_bounds",
    "chosen",
    "karabakh_bounds",
    "needs_karabakh_inset",
    "padded",
    "subject_bounds",
]
