"""The paper layouts: the map page and the one-page briefing (the atlas of such pages is
:mod:`layers.paper.atlas`).

The map page is the map of the view (drawn by :mod:`layers.paper.map`, EPSG:4326 with
aspect ``1 / cos(lat0)``) with a side panel (legend, inset), the key of the numbered
event markers, caveat and credits. A landscape briefing has the map with its legend,
inset, caveat and credits on the left and the timeline of the events in force on the
view's date (begun by it) on the right; a portrait one (A3 or A4 portrait) the map across
the page, then legend and inset, then the timeline in columns (:mod:`layers.paper.timeline`).

Framing for the subject (issue 22): with no extent chosen, the map shows what the page is
about (:func:`layers.framing.subject_bounds`) and fills its frame; a chosen extent is kept
exactly, the map takes its shape and the page lays itself out around it. A region map on
which Nagorno-Karabakh is small gets an inset of it (:mod:`layers.paper.insets`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from geo.dataset import Dataset
from geo.measure import Measurement
from geo.situation import Situation, state_at
from layers import catalog
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import View
from layers.features import view_features
from layers.framing import chosen, subject_bounds
from layers.legend_entries import drawn_legend_entries
from layers.paper.event_key import KeyEntry, draw_key, key_entries, key_height
from layers.paper.header import header
from layers.paper.insets import (
    InsetPlan,
    draw_karabakh_inset,
    draw_locator,
    plan_karabakh_inset,
)
from layers.paper.map import draw_map
from layers.paper.map_content import MapContent, at_paper_scale, fit_frame, prepare
from layers.paper.measure import draw_measurement
from layers.paper.page import (
    DEFAULT_PAPER,
    Page,
    basemap_note,
    bottom_of,
    draw_legend,
    figure_bytes,
    footer_height,
    footer_items,
    greyscale,
    page_number,
)
from layers.paper.timeline import (  # noqa: F401 - the timeline's names, as before
    FITS,
    GAP,
    TimelineFit,
    TimelineLayout,
    draw_timeline,
    event_paragraphs,
    fit_timeline,
    flow,
    paragraphs_height,
)
from layers.story import event_numbers

MARGIN = 0.35
#: Width in inches of the map column on landscape A4; the timeline takes the rest.
MAP_COLUMN = 6.1
#: Share of the page width (inside the margins and the gap) the map column takes.
MAP_SHARE = MAP_COLUMN / (11.69 - 2 * MARGIN - 0.3)
#: Font size of the legend under the map.
LEGEND_FONT = 6.3
FOOTER_FONT = 5.8
INSET_WIDTH = 1.9
#: Width in inches of the map page's side panel (legend, inset).
PANEL = 2.55
#: Share of a portrait briefing's height (below the header) the map may take.
PORTRAIT_MAP_SHARE = 0.56


def _events_drawn(frames: Mapping[str, gpd.GeoDataFrame]) -> int:
    """How many events the frames hold (an upper bound of the key's length)."""
    return sum(
        len(frame)
        for layer_id, frame in frames.items()
        if (spec := catalog.find(layer_id)) is not None and spec.event_markers
    )


def place_map(
    page: Page,
    dataset: Dataset,
    view: View,
    frames: Mapping[str, gpd.GeoDataFrame],
    box: tuple[float, float, float, float],
    *,
    labels: bool,
    measurement: Measurement | None,
) -> tuple[Axes, MapContent, InsetPlan | None]:
    """The map of ``view`` drawn in ``box`` (left, top, width, height in inches): at the
    subject's extent filling the box, or at the chosen extent in its own shape (as large
    as the box allows, from the box's top left); with the inset of Nagorno-Karabakh where
    it is small on the map (:func:`layers.paper.insets.plan_karabakh_inset`)."""
    left, top, width, height = box
    bounds = subject_bounds(view, frames)
    extent, (map_w, map_h) = fit_frame(bounds, (width, height), flexible=not chosen(view))
    content = prepare(dataset, replace(view, bounds=extent), frames, (map_w, map_h))
    ax = page.axes(left, top - map_h, map_w, map_h)
    plan = plan_karabakh_inset(content, (map_w, map_h))
    if plan is None:
        draw_map(ax, content, labels=labels)
    else:
        arrow = (0.955, plan.frame[1] - 0.03) if plan.corner == "top right" else (0.955, 0.955)
        draw_map(
            ax, content, labels=labels, north_at=arrow, avoid=[plan.frame],
            markers_off=plan.extent, scale_right=plan.corner == "bottom left",
        )  # fmt: skip
    if measurement is not None:
        draw_measurement(ax, measurement)
    if plan is not None:
        draw_karabakh_inset(dataset, content, ax, plan, labels=labels)
    return ax, content, plan


# --- Map page ------------------------------------------------------------------------


def map_figure(
    dataset: Dataset,
    view: View,
    *,
    paper: str = DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
    measurement: Measurement | None = None,
) -> Figure:
    """The stand-alone map page: header, map, side panel (legend, inset), the key of the
    event markers, caveat, credits.

    Returns a fresh :class:`~matplotlib.figure.Figure` of the paper (and orientation) of
    ``sheet``, else of landscape ``paper``; ``measurement`` is drawn on the map.
    """
    page = Page(paper, sheet)
    frames = view_features(dataset, view)
    frames = at_paper_scale(frames, subject_bounds(view, frames))  # credits: as drawn
    top = header(page, view, MARGIN)
    box_w = page.width - 2 * MARGIN - PANEL - 0.3
    full_w = page.width - 2 * MARGIN
    items = footer_items(dataset, frames) + basemap_note(view)
    footer = footer_height(items, full_w, 6.3)
    most = [KeyEntry(0, False, "", "")] * _events_drawn(frames)
    floor = page.bottom + MARGIN + footer + key_height(most, full_w) + 0.15
    ax, content, plan = place_map(
        page, dataset, view, frames, (MARGIN, top, box_w, top - floor),
        labels=labels, measurement=measurement,
    )  # fmt: skip
    map_w, map_h = _size(page, ax)
    y = draw_key(page, key_entries(content), MARGIN, top - map_h - 0.3, full_w)
    page.paragraphs(MARGIN, y - 0.06, full_w, items, 6.3)
    panel_x = MARGIN + map_w + 0.3
    legend_ax = page.axes(panel_x, top - map_h, PANEL, map_h)
    legend = draw_legend(legend_ax, content.frames, extent=content.extent)
    room = (bottom_of(page, legend) if legend else top) - (top - map_h) - 0.3
    if plan is None and room > 1.0:
        slot = (panel_x, top - map_h, PANEL, min(room, PANEL * 0.62 + 0.18))
        draw_locator(page, dataset, content.extent, slot)
    return finish(page)


def _size(page: Page, ax: Axes) -> tuple[float, float]:
    """Width and height in inches of ``ax`` on ``page``."""
    position = ax.get_position()
    return position.width * page.width, position.height * page.height


def finish(page: Page) -> Figure:
    """The page's figure, turned grey when its print options ask."""
    if page.sheet.greyscale:
        greyscale(page.figure)
    return page.figure


def map_extent(figure: Figure) -> tuple[float, float, float, float]:
    """The extent (min lon, min lat, max lon, max lat) of the map drawn on ``figure``."""
    for ax in figure.axes:
        if ax.get_label() == "map":
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            return (float(x0), float(y0), float(x1), float(y1))
    raise ValueError("the figure has no map axes")


# --- Briefing ------------------------------------------------------------------------


def briefing_figure(
    dataset: Dataset,
    view: View,
    *,
    paper: str = DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
    measurement: Measurement | None = None,
    when: str | None = None,
    number: tuple[int, int] | None = None,
) -> Figure:
    """The briefing page of ``view``: map and timeline (see the module docstring).

    Returns a fresh :class:`~matplotlib.figure.Figure` of the paper of ``sheet`` (else
    landscape ``paper``). ``when`` replaces the date in the subtitle (atlas pages that
    stand for several days); ``number`` is (page, pages) for ``Page k of n``.
    """
    situation = state_at(dataset, view.day)
    frames = at_paper_scale(view_features(dataset, view, situation), view.bounds)
    return briefing_page(
        dataset, view, situation, frames, paper=paper, labels=labels, sheet=sheet,
        measurement=measurement, when=when, number=number,
    )  # fmt: skip


def briefing_page(
    dataset: Dataset,
    view: View,
    situation: Situation,
    frames: dict[str, gpd.GeoDataFrame],
    *,
    paper: str,
    labels: bool,
    sheet: PrintOptions | None,
    measurement: Measurement | None,
    when: str | None,
    number: tuple[int, int] | None,
) -> Figure:
    """:func:`briefing_figure` of the ``situation`` on ``view.day`` and its ``frames``
    (``view_features(dataset, view, situation)``)."""
    page = Page(paper, sheet)
    top = header(page, view, MARGIN, when=when)
    numbers = event_numbers(frames)
    if page.height > page.width:
        _portrait(page, dataset, view, situation, frames, top, labels, measurement, numbers)
    else:
        column = MAP_SHARE * (page.width - 2 * MARGIN - GAP)
        box = (MARGIN, top, column, page.bottom + MARGIN)
        _map_column(page, dataset, view, frames, box, labels, measurement, ncols=2)
        x = MARGIN + column + GAP
        draw_timeline(
            page, dataset, situation.events, x, top, page.width - MARGIN - x, view.day, numbers
        )
    if number is not None:
        page_number(page, *number, MARGIN)
    return finish(page)


def _portrait(
    page: Page,
    dataset: Dataset,
    view: View,
    situation: Situation,
    frames: dict[str, gpd.GeoDataFrame],
    top: float,
    labels: bool,
    measurement: Measurement | None,
    numbers: Mapping[str, int],
) -> None:
    """A portrait briefing: the map across the page, legend and inset under it, the
    credits, then the timeline in columns below."""
    width = page.width - 2 * MARGIN
    floor = top - PORTRAIT_MAP_SHARE * (top - page.bottom - MARGIN)
    bottom = _map_column(
        page, dataset, view, frames, (MARGIN, top, width, floor), labels, measurement, ncols=3,
        extra=1.9,
    )  # fmt: skip
    draw_timeline(
        page, dataset, situation.events, MARGIN, bottom - 0.15, width, view.day, numbers
    )


def _map_column(
    page: Page,
    dataset: Dataset,
    view: View,
    frames: dict[str, gpd.GeoDataFrame],
    box: tuple[float, float, float, float],
    labels: bool,
    measurement: Measurement | None,
    *,
    ncols: int,
    extra: float = 0.0,
) -> float:
    """Map, then legend and inset side by side, then caveat and credits, in ``box``
    (left, top, width, and the lowest y the column may reach, in inches; the map keeps
    ``extra`` inches more of it for the band under it). Returns the y below the column."""
    left, top, column, lowest = box
    frames = at_paper_scale(frames, subject_bounds(view, frames))  # credits: as drawn
    items = footer_items(dataset, frames) + basemap_note(view)
    footer = footer_height(items, column, FOOTER_FONT)
    entries = len(drawn_legend_entries(frames))  # at most: those in the extent are drawn
    legend_h = (math.ceil(entries / ncols) + 1.4) * LEGEND_FONT * 1.75 / 72
    inset_w = min(INSET_WIDTH, column * 0.36)
    band = max(legend_h, inset_w * 0.62 + 0.15, extra)
    map_room = top - lowest - footer - band - 0.35
    ax, content, plan = place_map(
        page, dataset, view, frames, (left, top, column, map_room), labels=labels,
        measurement=measurement,
    )  # fmt: skip
    map_h = _size(page, ax)[1]
    band_top = top - map_h - 0.15
    legend_w = column - (inset_w + 0.2 if plan is None else 0.0)
    draw_legend(
        page.axes(left, band_top - band, legend_w, band), content.frames, extent=content.extent,
        ncols=ncols, fontsize=LEGEND_FONT,
    )  # fmt: skip
    if plan is None:
        slot = (left + column - inset_w, band_top - band, inset_w, band)
        draw_locator(page, dataset, content.extent, slot, caption_above=False)
    footer_top = band_top - band - 0.1
    return page.paragraphs(left, footer_top, column, items, FOOTER_FONT)


def briefing_pdf(
    dataset: Dataset,
    view: View,
    *,
    paper: str = DEFAULT_PAPER,
    labels: bool = True,
    sheet: PrintOptions | None = None,
    measurement: Measurement | None = None,
) -> bytes:
    """The one-page briefing of ``view`` as PDF bytes (deterministic)."""
    figure = briefing_figure(
        dataset, view, paper=paper, labels=labels, sheet=sheet, measurement=measurement
    )
    return figure_bytes(figure, "pdf", title=(sheet.title if sheet else "") or view.title)
