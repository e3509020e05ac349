"""The change table of the before/after page (:mod:`layers.paper.compare`): what changed
between two days (:func:`geo.change.compare`) as rows of plain-text cells, fitted to the
page's column and drawn.

Four sections: the areas that changed hands (km² per area and per direction, equal-area
CRS), the area each holder held on both days, the places that changed hands (those near
an area's edge flagged "side uncertain") and the sites that appeared or ended. The first
of :data:`FITS` whose rows fit the column is used (a smaller font, then the places of a
direction as one paragraph); with the last, the rows that do not fit are left out and
counted. Every data string is drawn as plain text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from matplotlib.artist import Artist
from matplotlib.lines import Line2D

from geo.change import Change, PlaceChange
from geo.dataset import Dataset
from geo.dates import format_date
from geo.naming import label
from layers.change_layer import (
    area_direction_label,
    direction_label,
    format_km2,
    holder_label,
    place_direction_label,
)
from layers.paper import page as kit
from layers.paper.page import Page, paragraph_height, wrap

#: Share of the table's width a direction heading (bold italic) is wrapped to.
DIRECTION_SHARE = 0.88
#: Space in inches above a section heading of the table.
HEADING_LEAD = 0.1


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


__all__ = [
    "FITS",
    "Cell",
    "Row",
    "TableFit",
    "change_rows",
    "draw_table",
    "fit_table",
    "row_height",
]
