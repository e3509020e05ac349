"""The before/after page: two maps at the same extent, one legend, the change table.

A landscape A4 or Letter page drawn with :mod:`layers.paper.map` (maps in EPSG:4326
with aspect ``1 / cos(lat0)``): on the left the map of the view's layers on the before
day and on the after day, side by side at the same extent, the after map overlaid with
the change layer (:mod:`layers.change_layer`); under them one legend for both, the
caveats and the credits; on the right the change table of :func:`geo.change.compare`:
area per changed area and per holder (km², equal-area CRS), the places that changed
hands (those near an area's edge flagged "side uncertain") and the sites that appeared
or ended (:mod:`layers.paper.compare_table`). Every data string is drawn as plain text
(``parse_math=False``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from shapely.geometry.base import BaseGeometry

from geo.change import BOUNDARY_ACCURACY_KM, Change, compare
from geo.dataset import Dataset
from geo.dates import format_date
from geo.naming import CONVENTIONS
from layers import catalog, styles
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import Bounds, View
from layers.change_layer import CHANGE_LAYER, CHANGE_LEGEND, change_features
from layers.features import view_features
from layers.framing import change_bounds
from layers.paper import map as paper_map
from layers.paper import page as kit
from layers.paper.compare_table import draw_table
from layers.paper.header import header
from layers.paper.map_content import MapContent, prepare
from layers.paper.page import Page
from layers.story import must_show

MARGIN = 0.35
#: Width in inches of the change table column on the right.
TABLE_WIDTH = 3.7
GAP = 0.25
LEGEND_FONT = 6.2
FOOTER_FONT = 5.8
#: Label priority on the maps: the layers framing Nagorno-Karabakh first
#: (:attr:`layers.catalog.LayerSpec.frames_karabakh`), so that the areas the comparison is
#: about are always named; then as on every map.
LABEL_LAYERS = (
    *(k for k in catalog.LABEL_ORDER if catalog.layer(k).frames_karabakh),
    *(k for k in catalog.LABEL_ORDER if not catalog.layer(k).frames_karabakh),
)

CAVEATS = (
    "Areas are approximate: cut from Natural Earth 1:10m boundaries (positional accuracy "
    f"about {BOUNDARY_ACCURACY_KM:g} km) and from schematic control records, measured in an "
    "equal-area projection (Lambert azimuthal, WGS 84) and rounded to the km².",
    f"'Side uncertain': the place lies within {BOUNDARY_ACCURACY_KM:g} km of its area's edge, "
    "so at the boundaries' scale it may in truth lie on the other side.",
)
UNCERTAIN_CAVEAT = (
    "Caution: dashed outlines mark approximate or proposed shapes (schematic areas, not "
    "surveyed positions or confirmed deployments); so does hatching, except on areas that "
    "changed hands, which are always hatched."
)


# --- Legend, footer ------------------------------------------------------------------


def merged_frames(
    *frame_sets: Mapping[str, gpd.GeoDataFrame],
) -> dict[str, gpd.GeoDataFrame]:
    """The features of several days in one frame per layer (for one legend and credits)."""
    merged: dict[str, gpd.GeoDataFrame] = {}
    for frames in frame_sets:
        for layer_id, frame in frames.items():
            if layer_id in merged and not frame.empty:
                both = pd.concat([merged[layer_id], frame], ignore_index=True)
                merged[layer_id] = gpd.GeoDataFrame(both, geometry="geometry", crs=frame.crs)
            elif layer_id not in merged:
                merged[layer_id] = frame
    return merged


def legend_items(frames: Mapping[str, gpd.GeoDataFrame]) -> list[tuple[Artist, str]]:
    """Legend of the catalogue layers in ``frames``, then the change directions shown."""
    catalogue = {k: f for k, f in frames.items() if k != CHANGE_LAYER}
    items = kit.legend_items(catalogue)
    change = frames.get(CHANGE_LAYER)
    shown = set() if change is None else set(change["style_key"])
    for entry in CHANGE_LEGEND:
        if entry.style_key in shown:
            look = styles.style(entry.style_key)
            items.append((kit.legend_handle(look, entry.shape), entry.label))
    return items


def draw_legend(
    page: Page, items: Sequence[tuple[Artist, str]], box: tuple[float, float, float, float],
    ncols: int,
) -> None:  # fmt: skip
    """One legend in ``box`` (left, bottom, width, height inches)."""
    ax = page.axes(*box)
    ax.set_axis_off()
    if not items:
        return
    legend = ax.legend(
        [h for h, _ in items], [t for _, t in items], loc="upper left", bbox_to_anchor=(0, 1),
        ncols=ncols, fontsize=LEGEND_FONT, frameon=False, title="Legend (both maps)",
        title_fontsize=LEGEND_FONT + 1, alignment="left", handlelength=2.4, handleheight=1.1,
        borderaxespad=0, borderpad=0, columnspacing=1.0,
    )  # fmt: skip
    legend.get_title().set_fontweight("bold")


def footer_items(
    dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]
) -> list[tuple[str, dict[str, Any]]]:
    """Caveats of the comparison, then the credits of every feature shown on either map."""
    items: list[tuple[str, dict[str, Any]]] = []
    catalogue = {k: f for k, f in frames.items() if k != CHANGE_LAYER}
    if kit.uncertain_shown(catalogue):
        items.append((UNCERTAIN_CAVEAT, {"color": kit.ALERT_COLOUR, "fontweight": "bold"}))
    items += [(text, {"color": kit.ALERT_COLOUR}) for text in CAVEATS]
    items += [(line, {"color": "#444444"}) for line in kit.credit_lines(dataset, frames)]
    return items


# --- The page ------------------------------------------------------------------------


def focus_bounds(dataset: Dataset, view: View, days: Iterable[dt.date]) -> Bounds:
    """The extent of a map of change (:func:`layers.framing.change_bounds`)."""
    return change_bounds(dataset, view, days)


def held_areas(*frame_sets: Mapping[str, gpd.GeoDataFrame]) -> BaseGeometry:
    """The union of the features of the layers that say who held an area
    (:attr:`layers.catalog.LayerSpec.carries_holder`) in ``frame_sets`` (EPSG:4326)."""
    return shapely.union_all(
        [
            geometry
            for frames in frame_sets
            for layer_id, frame in frames.items()
            if (spec := catalog.find(layer_id)) is not None and spec.carries_holder
            for geometry in frame.geometry
        ]
    )


def label_content(content: MapContent, held: BaseGeometry) -> MapContent:
    """``content`` whose land shapes (the countries, :data:`layers.catalog.LAND`), for
    placing their labels only, leave out the areas ``held`` on either day
    (:func:`held_areas`), so that "Azerbaijan" is written on Azerbaijan proper and not
    across Nagorno-Karabakh, whose own label the control areas are about."""
    land = catalog.LAND.id
    countries = content.frames.get(land)
    if countries is None or countries.empty or held.is_empty:
        return content
    outside = countries.copy()
    trimmed = outside.geometry.difference(held)
    outside["geometry"] = trimmed.where(~trimmed.is_empty, outside.geometry)
    return replace(content, frames={**content.frames, land: outside})


def compare_subtitle(change: Change, view: View) -> str:
    """``What changed between 9 November 2020 and 1 December 2020 · place names: …``."""
    return (
        f"What changed between {format_date(change.before)} and {format_date(change.after)}"
        f"  ·  place names: {CONVENTIONS[view.convention]}"
    )


def compare_dates(change: Change) -> str:
    """``What changed between 9 November 2020 and 1 December 2020``."""
    return f"What changed between {format_date(change.before)} and {format_date(change.after)}"


def compare_figure(
    dataset: Dataset,
    view: View,
    before: dt.date,
    after: dt.date,
    *,
    paper: str = kit.DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
) -> Figure:
    """The before/after page of ``view``'s layers, naming and extent (its day is unused;
    the default extent is that of the areas that changed hands,
    :func:`layers.framing.change_bounds`), dressed by ``sheet`` (banner, title, subtitle
    before the dates, producer; always landscape).

    Returns a fresh landscape :class:`~matplotlib.figure.Figure` of ``paper`` size (the
    sheet's when given).

    Raises
    ------
    StateError
        If a day is outside the map's span or ``before`` is later than ``after``.
    """
    change = compare(dataset, before, after)
    view = replace(view, bounds=change_bounds(dataset, view, (before, after)))
    sheet = replace(sheet or PrintOptions(paper=paper), orientation="landscape")
    page = Page(sheet.paper, sheet)
    old = view_features(dataset, replace(view, day=before))
    new = view_features(dataset, replace(view, day=after))
    new_with_change = {**new, CHANGE_LAYER: change_features(dataset, change)}
    every = merged_frames(old, new_with_change)
    top = header(page, view, MARGIN, dates=compare_dates(change),
                 line=compare_subtitle(change, view))  # fmt: skip

    left_width = page.width - 2 * MARGIN - TABLE_WIDTH - GAP
    text_width = left_width
    # Room for the legend and footer of everything the two days hold; both are then
    # drawn from what the maps show (the frames clipped to the extent), which is no more.
    footer = kit.footer_height(footer_items(dataset, every), text_width, FOOTER_FONT)
    ncols = 3
    legend_h = (-(-len(legend_items(every)) // ncols) + 1.5) * LEGEND_FONT * 1.75 / 72
    legend_bottom = page.bottom + MARGIN + footer + 0.1
    map_bottom = legend_bottom + legend_h + 0.12
    map_top = top - 0.26
    map_width = (left_width - 0.2) / 2
    frame_in = (map_width, map_top - map_bottom)
    shown = []
    held = held_areas(old, new)
    for index, (day, frames) in enumerate(((before, old), (after, new_with_change))):
        x = MARGIN + index * (map_width + 0.2)
        story = must_show(dataset, frames, (before, after), change=change)
        content = prepare(dataset, replace(view, day=day), frames, frame_in, story=story)
        ax = page.axes(x, map_bottom, *frame_in)
        paper_map.draw_map(
            ax, content, labels=labels, label_layers=LABEL_LAYERS,
            labelled=label_content(content, held),
        )  # fmt: skip
        ax.set_label("before" if index == 0 else "after")
        caption = f"{'Before' if index == 0 else 'After'}: {format_date(day)}"
        page.text(x, map_top + 0.05, caption, fontsize=10, fontweight="bold", va="bottom",
                  color=kit.INK)  # fmt: skip
        shown.append(content.frames)
    visible = merged_frames(*shown)
    draw_legend(page, legend_items(visible), (MARGIN, legend_bottom, left_width, legend_h), ncols)
    page.paragraphs(
        MARGIN, page.bottom + MARGIN + footer, text_width, footer_items(dataset, visible),
        FOOTER_FONT,
    )  # fmt: skip
    table_x = page.width - MARGIN - TABLE_WIDTH
    table_box = (table_x, page.bottom + MARGIN, TABLE_WIDTH, top - page.bottom - MARGIN)
    draw_table(page, dataset, change, view.convention, table_box)
    if sheet.greyscale:
        kit.greyscale(page.figure)
    return page.figure


def compare_title(view: View, before: dt.date, after: dt.date) -> str:
    """Document title of the page: the view's title and the two dates."""
    return f"{view.title}: {before.isoformat()} to {after.isoformat()}"


def compare_bytes(
    dataset: Dataset,
    view: View,
    before: dt.date,
    after: dt.date,
    fmt: str,
    *,
    paper: str = kit.DEFAULT_PAPER,
    labels: bool = True,
    dpi: float = kit.DEFAULT_DPI,
    sheet: PrintOptions | None = None,
) -> bytes:
    """The before/after page as ``fmt`` (``'pdf'`` or ``'png'``) bytes (deterministic)."""
    figure = compare_figure(
        dataset, view, before, after, paper=paper, labels=labels, sheet=sheet
    )
    return kit.figure_bytes(figure, fmt, dpi=dpi, title=compare_title(view, before, after))
