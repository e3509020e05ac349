"""The change layer: areas whose holder differs between two dates, as map features.

Turns a :class:`geo.change.Change` into a frame with the columns of
:data:`layers.features.FEATURE_COLUMNS` (EPSG:4326), styled by direction with the palette
keys of :func:`layers.styles.change_style_key`, so the web map and the paper renderer
draw it like any other layer. Also the human words for holders and directions, shared by
the compare page, the animation and (later) the app's comparison table. Text is plain.
"""

from __future__ import annotations

import geopandas as gpd

from geo.change import UNMAPPED, AreaChange, Change
from geo.dataset import Dataset
from geo.dates import format_date
from layers.catalog import LegendEntry
from layers.features import Feature, feature_frame
from layers.styles import change_style_key

#: Layer id of the change features (not a catalogue layer: it needs two dates).
CHANGE_LAYER = "change"

#: Who a holder key stands for, as the map's legend words it.
HOLDER_LABELS: dict[str, str] = {
    "armenian": "Armenian forces",
    "azerbaijani": "Azerbaijan",
    UNMAPPED: "no holder mapped",
}

#: Legend of the change layer, one entry per palette key, in reading order.
CHANGE_LEGEND: tuple[LegendEntry, ...] = (
    LegendEntry(
        label="Passed from Armenian forces to Azerbaijan",
        style_key="change-armenian-azerbaijani",
        shape="polygon",
    ),
    LegendEntry(
        label="Passed from Azerbaijan to Armenian forces",
        style_key="change-azerbaijani-armenian",
        shape="polygon",
    ),
    LegendEntry(
        label="Holder mapped after only (none before)",
        style_key="change-from-unmapped",
        shape="polygon",
    ),
    LegendEntry(
        label="Holder mapped before only (none after)",
        style_key="change-to-unmapped",
        shape="polygon",
    ),
)


def holder_label(holder: str) -> str:
    """``'Armenian forces'``, ``'Azerbaijan'`` or ``'no holder mapped'``."""
    return HOLDER_LABELS.get(holder, holder)


def direction_label(from_holder: str, to_holder: str) -> str:
    """``'Armenian forces → Azerbaijan'``."""
    return f"{holder_label(from_holder)} → {holder_label(to_holder)}"


def format_km2(km2: float) -> str:
    """Area rounded to the square kilometre, e.g. ``'2,035 km²'`` (``'< 1 km²'`` below 1)."""
    return "< 1 km²" if 0 < km2 < 0.5 else f"{km2:,.0f} km²"


def change_features(dataset: Dataset, change: Change) -> gpd.GeoDataFrame:
    """The changed areas of ``change`` as a feature frame (EPSG:4326), largest first per
    direction (the order of ``change.areas``).

    The frame has the columns of :func:`layers.features.layer_features`: ``layer`` is
    :data:`CHANGE_LAYER`; ``style_key`` the direction's palette key; ``label`` the area
    name; ``details`` direction, area, dates and status; ``source_ids`` and ``citations``
    the sources of the areas' records.
    """
    return feature_frame(
        [_feature(dataset, change, index, area) for index, area in enumerate(change.areas)]
    )


def _feature(dataset: Dataset, change: Change, index: int, area: AreaChange) -> Feature:
    return Feature(
        id=f"change-{index}",
        layer=CHANGE_LAYER,
        style_key=change_style_key(area.from_holder, area.to_holder),
        status=area.status,
        label=area.area_name,
        details=(
            ("Change", direction_label(area.from_holder, area.to_holder)),
            ("Area", f"{format_km2(area.km2)} (approximate)"),
            ("Between", f"{format_date(change.before)} and {format_date(change.after)}"),
            ("Status", area.status),
        ),
        source_ids=area.sources,
        citations=tuple(dataset.source(s).citation() for s in area.sources),
        names=None,
        geometry=area.geometry,
    )
