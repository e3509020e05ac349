"""The before/after page: two maps at the same extent, one legend, the change table.

A landscape A4 or Letter page drawn with :mod:`layers.paper.map` (maps in EPSG:4326
with aspect ``1 / cos(lat0)``): on the left the map of the view's layers on the before
day and on the after day, side by side at the same extent, the after map overlaid with
the change layer (:mod:`layers.change_layer`); under them one legend for both, the
caveats and the credits; on the right the change table of :func:`geo.change.compare`:
area per changed area and per holder (km², equal-area CRS), the places that changed
hands (those near an area's edge flagged "side uncertain") and the sites that appeared
or ended. Every data string is drawn as plain text (``parse_math=False``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from shapely.geometry.base import BaseGeometry

from geo.change import BOUNDARY_ACCURACY_KM, Change, PlaceChange, compare
from geo.dataset import Dataset
from geo.dates import format_date
from geo.naming import CONVENTIONS, label
from layers import catalog, styles
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import Bounds, View
from layers.change_layer import (
    CHANGE_LAYER,
    CHANGE_LEGEND,
    area_direction_label,
    change_features,
    direction_label,
    format_km2,
    holder_label,
    place_direction_label,
)
from layers.features import view_features
from layers.framing import change_bounds
from layers.paper import map as paper_map
from layers.paper import page as kit
from layers.paper.header import header
from layers.paper.map_content import MapContent, prepare
from layers.paper.page import Page, paragraph_height, wrap
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
#: Share of the table's width a direction heading (bold italic) is wrapped to.
DIRECTION_SHARE = 0.88
#: Space in inches above a section heading of the table.
HEADING_LEAD = 0.1

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


# --- The change table ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell: text, left offset and width in inches within the table, alignment."""

    text: str
    x: float
    width: float
    align: str = "left"


@dataclass(frozen=True)
class Row:
    """One table row; ``kind`` is ``heading``, ``header``, ``body``, ``total`` or ``note``."""

    cells: tuple[Cell, ...]
    kind: str = "body"
    style: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TableFit:
    """Font size of the table and whether places are one row each or one paragraph per
    direction (``compact``)."""

    fontsize: float
    compact_places: bool


FITS: tuple[TableFit, ...] = (
    TableFit(6.8, False),
    TableFit(6.3, False),
    TableFit(6.3, True),
    TableFit(5.8, True),
    TableFit(5.4, True),
)


def _cols(width: float, *shares: float) -> list[tuple[float, float]]:
    """Column (x, width) pairs splitting ``width`` inches by ``shares``, 0.08 in apart."""
    total, x, columns = sum(shares), 0.0, []
    for share in shares:
        w = width * share / total
        columns.append((x, w - 0.08))
        x += w
    return columns


def change_rows(
    dataset: Dataset, change: Change, convention: str, width: float, fit: TableFit
) -> list[Row]:
    """The change table as rows for a column ``width`` inches wide (plain text)."""
    rows: list[Row] = []
    rows += _area_rows(dataset, change, width)
    rows += _holder_rows(change, width)
    rows += _place_rows(dataset, change, convention, width, fit)
    rows += _site_rows(dataset, change, convention, width)
    return rows


def _heading(text: str, width: float) -> Row:
    return Row((Cell(text, 0.0, width),), "heading")


def _direction_row(words: str, width: float, extra: str = "") -> Row:
    text = words + extra
    # Bold italic runs wider than the wrapping estimate of plain text: wrap it narrower.
    return Row((Cell(text[:1].upper() + text[1:], 0.0, width * DIRECTION_SHARE),), "direction")


def _group_words(labels: Iterable[str], from_holder: str, to_holder: str) -> str:
    """The words of a direction's heading: its members' own (an unmapped side named by
    the zone or corridor over it, :mod:`layers.change_layer`) when they all agree."""
    distinct = set(labels)
    return distinct.pop() if len(distinct) == 1 else direction_label(from_holder, to_holder)


def _area_rows(dataset: Dataset, change: Change, width: float) -> list[Row]:
    rows = [_heading("Territory that changed hands", width)]
    if not change.areas:
        return [*rows, Row((Cell("No territory changed hands.", 0.0, width),), "note")]
    (xa, wa), (xc, wc) = _cols(width, 3.2, 0.8)
    rows.append(Row((Cell("Area", xa, wa), Cell("km²", xc, wc, "right")), "header"))
    for direction, km2 in change.km2_by_direction.items():
        from_holder, to_holder = direction.split("->")
        members = [a for a in change.areas if a.direction == direction]
        words = (area_direction_label(dataset, change, a) for a in members)
        rows.append(_direction_row(_group_words(words, from_holder, to_holder), width))
        for area in change.areas:
            if area.direction == direction:
                cells = (Cell(area.area_name, xa + 0.1, wa - 0.1),
                         Cell(format_km2(area.km2), xc, wc, "right"))  # fmt: skip
                rows.append(Row(cells))
        total = (Cell("Total", xa + 0.1, wa - 0.1), Cell(format_km2(km2), xc, wc, "right"))
        rows.append(Row(total, "total"))
    return rows


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def _signed_km2(value: float) -> str:
    rounded = round(value)
    if rounded == 0:
        return "0"
    return f"{'+' if rounded > 0 else '−'}{abs(rounded):,}"


def _holder_rows(change: Change, width: float) -> list[Row]:
    rows = [_heading("Area held in the mapped control records (km²)", width)]
    (xa, wa), (xb, wb), (xc, wc), (xd, wd) = _cols(width, 1.3, 1.0, 1.0, 0.8)
    rows.append(
        Row(
            (
                Cell("Held by", xa, wa),
                Cell(_short_date(change.before), xb, wb, "right"),
                Cell(_short_date(change.after), xc, wc, "right"),
                Cell("Change", xd, wd, "right"),
            ),
            "header",
        )
    )
    for holder, held in change.km2_by_holder.items():
        rows.append(
            Row(
                (
                    Cell(holder_label(holder), xa, wa),
                    Cell(f"{held.before_km2:,.0f}", xb, wb, "right"),
                    Cell(f"{held.after_km2:,.0f}", xc, wc, "right"),
                    Cell(_signed_km2(held.after_km2 - held.before_km2), xd, wd, "right"),
                )
            )
        )
    return rows


def _place_name(dataset: Dataset, place_id: str, fallback: str, convention: str) -> str:
    place = dataset.places.get(place_id)
    return label(place.names, convention) if place else fallback


def _place_rows(
    dataset: Dataset, change: Change, convention: str, width: float, fit: TableFit
) -> list[Row]:
    rows = [_heading("Places that changed hands", width)]
    if not change.towns:
        return [*rows, Row((Cell("None.", 0.0, width),), "note")]
    by_direction: dict[tuple[str, str], list[PlaceChange]] = {}
    for p in change.towns:  # an area's name point: the area rows say how it changed
        by_direction.setdefault((p.from_holder, p.to_holder), []).append(p)
    (xa, wa), (xb, wb) = _cols(width, 2.3, 1.7)
    for (from_holder, to_holder), places in by_direction.items():
        words = (place_direction_label(dataset, change, p) for p in places)
        heading = _group_words(words, from_holder, to_holder)
        rows.append(_direction_row(heading, width, f" ({len(places)})"))
        if fit.compact_places:
            names = [
                _place_name(dataset, p.place_id, p.name, convention)
                + (" (side uncertain)" if p.on_edge else "")
                for p in places
            ]
            rows.append(Row((Cell(", ".join(names) + ".", 0.1, width - 0.1),)))
            continue
        for p in places:
            note = f"side uncertain ({p.edge_km:.1f} km from edge)" if p.on_edge else ""
            cells = (
                Cell(_place_name(dataset, p.place_id, p.name, convention), xa + 0.1, wa - 0.1),
                Cell(note, xb, wb),
            )
            rows.append(Row(cells, style={"color": kit.ALERT_COLOUR} if p.on_edge else {}))
    return rows


def _site_rows(dataset: Dataset, change: Change, convention: str, width: float) -> list[Row]:
    rows = [_heading("Sites that appeared or ended", width)]
    if not change.sites:
        return [*rows, Row((Cell("None.", 0.0, width),), "note")]
    names = {s.id: s.names for s in dataset.sites}
    (xa, wa), (xb, wb) = _cols(width, 2.6, 1.5)
    rows.append(Row((Cell("Site", xa, wa), Cell("Change", xb, wb)), "header"))
    for s in change.sites:
        site_names = names.get(s.site_id)
        name = label(site_names, convention) if site_names else s.name
        when = [
            f"{verb} {format_date(day)}"
            for verb, day in (("appeared", s.start), ("ended", s.end))
            if day is not None and change.before < day <= change.after
        ]
        rows.append(Row((Cell(name, xa, wa), Cell("; ".join(when), xb, wb))))
    return rows


_ROW_LOOK: dict[str, dict[str, Any]] = {
    "heading": {"fontweight": "bold", "color": kit.INK},
    "header": {"fontweight": "bold", "color": "#444444"},
    "body": {"color": kit.INK},
    "total": {"fontweight": "bold", "color": kit.INK},
    "direction": {"fontweight": "bold", "fontstyle": "italic", "color": "#333333"},
    "note": {"fontstyle": "italic", "color": kit.MUTED},
}


def _size(row: Row, fontsize: float) -> float:
    return fontsize + 1.6 if row.kind == "heading" else fontsize


def _lines(cell: Cell, fontsize: float, kind: str = "body") -> list[str]:
    """The cell's text wrapped to its width, as measured in its row's look."""
    look = _ROW_LOOK[kind]
    weight, style = look.get("fontweight", "normal"), look.get("fontstyle", "normal")
    return wrap(cell.text, cell.width, fontsize, weight=weight, style=style) if cell.text else [""]


def row_height(row: Row, fontsize: float) -> float:
    """Height in inches of ``row`` at ``fontsize`` (its tallest wrapped cell plus space)."""
    size = _size(row, fontsize)
    lines = max(len(_lines(c, size, row.kind)) for c in row.cells)
    space = 0.06 + HEADING_LEAD if row.kind == "heading" else 0.035
    return paragraph_height(lines, size) + space


def fit_table(
    dataset: Dataset, change: Change, convention: str, width: float, height: float
) -> tuple[TableFit, list[Row], int]:
    """The first :data:`FITS` entry whose rows fit ``height`` inches; with the last one,
    the rows that do not fit are left out. Returns the fit, the rows and how many rows
    were left out."""
    for fit in FITS:
        rows = change_rows(dataset, change, convention, width, fit)
        if sum(row_height(r, fit.fontsize) for r in rows) <= height:
            return fit, rows, 0
    kept: list[Row] = []
    used, room = 0.0, height - paragraph_height(2, fit.fontsize)
    for row in rows:
        used += row_height(row, fit.fontsize)
        if used > room:
            break
        kept.append(row)
    return fit, kept, len(rows) - len(kept)


def draw_table(
    page: Page,
    dataset: Dataset,
    change: Change,
    convention: str,
    box: tuple[float, float, float, float],
) -> None:
    """The change table in ``box`` (left, bottom, width, height in inches on ``page``)."""
    x, bottom, width, height = box
    fit, rows, dropped = fit_table(dataset, change, convention, width, height)
    y = bottom + height
    for row in rows:
        size = _size(row, fit.fontsize)
        look = {**_ROW_LOOK[row.kind], **row.style}
        lead = HEADING_LEAD if row.kind == "heading" else 0.0
        for cell in row.cells:
            anchor = x + cell.x + (cell.width if cell.align == "right" else 0.0)
            page.text(
                anchor, y - lead, "\n".join(_lines(cell, size, row.kind)), fontsize=size, va="top",
                ha=cell.align, linespacing=1.25, **look,
            )  # fmt: skip
        y -= row_height(row, fit.fontsize)
        if row.kind in ("header", "total"):
            rule = y + (0.03 if row.kind == "header" else row_height(row, fit.fontsize) + 0.01)
            page.figure.add_artist(_rule(page, x, rule, width))
    if dropped:
        note = f"{dropped} more rows left out for room: the app and the data exports list them all."
        page.text(x, y, note, fontsize=fit.fontsize, va="top", fontstyle="italic",
                  color=kit.MUTED)  # fmt: skip


def _rule(page: Page, x: float, y: float, width: float) -> Artist:
    return Line2D(
        [x / page.width, (x + width) / page.width],
        [y / page.height, y / page.height],
        transform=page.figure.transFigure,
        color="#999999",
        linewidth=0.5,
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
