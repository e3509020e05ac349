"""Turn curated records into GeoDataFrames (EPSG:4326) with documented columns."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd

from geo import settings
from geo.dates import format_date, format_span
from geo.model import ControlPeriod, Event, Provenance, Site, Span

PROVENANCE_COLUMNS = ("status", "sources", "note")


def _provenance(p: Provenance) -> dict[str, object]:
    return {"status": p.status, "sources": list(p.sources), "note": p.note or ""}


def _span(span: Span) -> dict[str, object]:
    """The ``when``, ``start`` and ``end`` columns of a period."""
    when = format_span(span.start, span.end, span.start_precision, span.end_precision)
    return {"when": when, "start": span.start, "end": span.end}


def site_frame(sites: Iterable[Site]) -> gpd.GeoDataFrame:
    """Sites as rows.

    Columns: ``id, name, kind, operator, when, start, end, status, sources, note,
    geometry``; ``sources`` holds a list of source ids, ``when`` a readable period.
    """
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind,
            "operator": s.operator,
            **_span(s.span),
            **_provenance(s.provenance),
            "geometry": s.geometry,
        }
        for s in sites
    ]
    return _frame(rows, ["id", "name", "kind", "operator", "when", "start", "end"])


def control_frame(periods: Iterable[ControlPeriod]) -> gpd.GeoDataFrame:
    """Control periods as rows.

    Columns: ``id, area_name, place, holder, when, start, end, status, sources, note,
    geometry``.
    """
    rows = [
        {
            "id": c.id,
            "area_name": c.area_name,
            "place": c.place or "",
            "holder": c.holder,
            **_span(c.span),
            **_provenance(c.provenance),
            "geometry": c.geometry,
        }
        for c in periods
    ]
    return _frame(rows, ["id", "area_name", "place", "holder", "when", "start", "end"])


def event_frame(events: Iterable[Event]) -> gpd.GeoDataFrame:
    """Events as rows, in date order.

    Columns: ``id, title, date, when, quote, quote_source, in_article, status, sources,
    note, geometry``.
    """
    rows = [
        {
            "id": e.id,
            "title": e.title,
            "date": e.date,
            "when": format_date(e.date, e.precision)
            + (f" – {format_date(e.end)}" if e.end else ""),
            "quote": e.quote,
            "quote_source": e.quote_source or "",
            "in_article": e.in_article,
            **_provenance(e.provenance),
            "geometry": e.geometry,
        }
        for e in sorted(events, key=lambda e: (e.date, e.id))
    ]
    columns = ["id", "title", "date", "when", "quote", "quote_source", "in_article"]
    return _frame(rows, columns)


def _frame(rows: list[dict[str, object]], columns: list[str]) -> gpd.GeoDataFrame:
    all_columns = [*columns, *PROVENANCE_COLUMNS, "geometry"]
    if not rows:
        return gpd.GeoDataFrame(columns=all_columns, geometry="geometry", crs=settings.CRS)
    return gpd.GeoDataFrame(rows, columns=all_columns, geometry="geometry", crs=settings.CRS)
