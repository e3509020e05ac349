"""The fields of the GIS tables (:mod:`layers.exports.gis`): the schema, and each
feature's values from the record behind it.

:data:`FIELDS` is the source of the schema documented in ``docs/GIS_EXPORT.md``.
:func:`feature_fields` gives one feature's typed values: text or ``None``, a
``datetime.date`` or ``None`` for ``start`` and ``end`` (``[start, end)``, an event's
recorded month, season or year made a span by :func:`period_end`), lists of text for
``source_ids`` and ``sources``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from geo.dataset import Dataset
from geo.dates import format_date, format_span
from geo.model import (
    ApproximateLine,
    Community,
    ControlPeriod,
    Event,
    GroundFeature,
    Names,
    Place,
    Route,
    Site,
    Span,
)
from geo.user_layers import UserFeature
from layers.catalog import (
    CommunitySource,
    ControlSource,
    EventSource,
    GroundSource,
    PlaceSource,
    RouteSource,
    SiteSource,
    UserSource,
    layer,
)
from layers.features import Feature


@dataclass(frozen=True)
class Field:
    """One attribute of the GIS tables: name, type (``text`` or ``date``) and meaning."""

    name: str
    kind: str
    meaning: str


FIELDS: tuple[Field, ...] = (
    Field("id", "text", "stable feature id (record id of the data files)"),
    Field("layer", "text", "catalogue layer id (as in URLs and --layers)"),
    Field(
        "kind",
        "text",
        "place, site or route kind (city, base, road, ...), river class, lake; else empty",
    ),
    Field("style_key", "text", "palette key of the style (layers/styles.py)"),
    Field("status", "text", "confirmed, reported, proposed or approximate"),
    Field("label", "text", "name in the export's naming convention"),
    Field("name_en", "text", "English form of the name"),
    Field("name_hy", "text", "Armenian form (Latin script), where recorded"),
    Field("name_az", "text", "Azerbaijani form (Latin script), where recorded"),
    Field("name_ru", "text", "Russian form, where recorded"),
    # issue 22: the native scripts (country names are written in them)
    Field("name_hy_native", "text", "Armenian form in Armenian script, where recorded"),
    Field("name_ru_native", "text", "Russian form in Cyrillic, where recorded"),
    Field("holder", "text", "control areas and villages: armenian, azerbaijani (or unknown)"),
    Field("operator", "text", "sites: who runs the site"),
    Field("start", "date", "first day (as recorded, to date_precision)"),
    Field("end", "date", "first day no longer in force (exclusive); empty = still in force"),
    Field("date_precision", "text", "precision of start: day, month, season or year"),
    Field("end_precision", "text", "precision of end: day, month, season or year"),
    Field("period", "text", "the period or date as a reader sees it ('since 1992')"),
    Field("note", "text", "what is unsure or simplified"),
    Field("quote", "text", "events: the exact words of the source"),
    Field("source_ids", "text", "ids of data/sources.yaml (GeoPackage/CSV: joined by '; ')"),
    Field("sources", "text", "human citations (GeoPackage/CSV: one per line)"),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "date")
LIST_FIELDS: tuple[str, ...] = ("source_ids", "sources")


class Records:
    """The typed records of a dataset behind feature ids, by kind."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.control = {c.id: c for c in dataset.control}
        self.sites = {s.id: s for s in dataset.sites}
        self.events = {e.id: e for e in dataset.events}
        self.places = {f"place-{p.id}": p for p in dataset.places.values()}
        self.lines = {line.id: line for line in dataset.lines}
        self.communities = {f"village-{c.id}": c for c in dataset.communities}
        self.routes = {r.id: r for r in dataset.routes}

    def find(
        self, layer_id: str, feature_id: str
    ) -> (
        ControlPeriod
        | ApproximateLine
        | Site
        | Event
        | Place
        | Community
        | UserFeature
        | Route
        | GroundFeature
        | None
    ):
        """The record behind a feature, by the kind of records its layer draws."""
        source = layer(layer_id).source
        if isinstance(source, UserSource):
            rows = {f"{layer_id}-{f.row}": f for f in source.user_layer.features}
            return rows.get(feature_id)
        if isinstance(source, ControlSource):
            return self.control.get(feature_id) or self.lines.get(feature_id)
        if isinstance(source, CommunitySource):
            return self.communities.get(feature_id)
        if isinstance(source, SiteSource):
            return self.sites.get(feature_id)
        if isinstance(source, EventSource):
            return self.events.get(feature_id)
        if isinstance(source, PlaceSource):
            return self.places.get(feature_id)
        if isinstance(source, RouteSource):
            return self.routes.get(feature_id)
        if isinstance(source, GroundSource):
            ground = self.dataset.ground.get(source.layer, ())
            return next((g for g in ground if f"{layer_id}-{g.row}" == feature_id), None)
        return None


def feature_fields(row: Feature, records: Records, day: dt.date | None = None) -> dict[str, Any]:
    """The typed fields of one feature of :func:`layers.features.view_feature_rows`."""
    record = records.find(str(row.layer), str(row.id))
    names: Names | None = row.names
    fields: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    fields |= {
        "id": str(row.id),
        "layer": str(row.layer),
        "style_key": str(row.style_key),
        "status": str(row.status),
        "label": str(row.label),
        "sources": list(row.citations),
        "source_ids": list(row.source_ids),
    }
    if names is not None:
        fields |= {"name_en": names.en, "name_hy": names.hy, "name_az": names.az}
        fields["name_ru"] = names.ru
        fields |= {"name_hy_native": names.hy_native, "name_ru_native": names.ru_native}
    if isinstance(record, UserFeature):
        return fields | _user_fields(record)
    if isinstance(record, Community):
        return fields | _community_fields(record, day)
    if isinstance(record, GroundFeature):
        return fields | _ground_fields(record, records.dataset)
    if record is not None:
        fields["note"] = record.provenance.note
    if isinstance(record, Place):
        fields["kind"] = record.kind
    elif isinstance(record, Site):
        fields |= {"kind": record.kind, "operator": record.operator, **_span(record.span)}
        fields["name_en"] = fields["name_en"] or record.name
    elif isinstance(record, ControlPeriod):
        fields |= {"holder": record.holder, **_span(record.span)}
    elif isinstance(record, ApproximateLine):
        fields |= _span(record.span)
    elif isinstance(record, Route):
        fields |= {"kind": record.kind, **_span(record.span)}
        fields["name_en"] = fields["name_en"] or record.name
    elif isinstance(record, Event):
        fields |= _event_dates(record)
        fields["quote"] = record.quote or None
    return fields


def _community_fields(community: Community, day: dt.date | None) -> dict[str, Any]:
    """A village: its side on the day (``holder``, ``unknown`` or empty before its first
    period) and that period's dates, note and quote; kind ``village``."""
    period = community.held_on(day) if day is not None else None
    if period is None:
        return {"kind": "village", "note": community.provenance.note}
    claim = f"Dated by {period.claim} (a claim). " if period.claim else ""
    return {
        "kind": "village",
        "holder": period.holder,
        **_span(period.span),
        "note": (claim + (period.provenance.note or "")) or None,
        "quote": period.quote,
    }
def _ground_fields(feature: GroundFeature, dataset: Dataset) -> dict[str, Any]:
    """A river (its WDBII class) or a lake of ground.gpkg: undated; the note of the water
    naming it, if any."""
    water = dataset.waters.get(feature.water) if feature.water else None
    kind = "lake" if feature.river_class is None else f"river class {feature.river_class}"
    return {"kind": kind, "note": water.provenance.note if water else None}


def _user_fields(feature: UserFeature) -> dict[str, Any]:
    """A user's feature: shown from its date on (no end), its other columns as the note."""
    notes = "; ".join(f"{name}: {value}" for name, value in feature.details)
    return {
        "start": feature.date,
        "date_precision": feature.precision,
        "period": f"since {feature.describe_date()}" if feature.date else None,
        "note": notes or None,
    }


def _span(span: Span) -> dict[str, Any]:
    return {
        "start": span.start,
        "end": span.end,
        "date_precision": span.start_precision if span.start else None,
        "end_precision": span.end_precision if span.end else None,
        "period": format_span(span.start, span.end, span.start_precision, span.end_precision),
    }


def _event_dates(event: Event) -> dict[str, Any]:
    """An event's ``[start, end)``: its recorded day (or month, season, year) to the
    first day after it, or to the day after its recorded last day."""
    if event.end is not None:
        end, end_precision = event.end + dt.timedelta(days=1), "day"
        period = f"{format_date(event.date, event.precision)} – {format_date(event.end)}"
    else:
        end, end_precision = period_end(event.date, event.precision), event.precision
        period = format_date(event.date, event.precision)
    return {
        "start": event.date,
        "end": end,
        "date_precision": event.precision,
        "end_precision": end_precision,
        "period": period,
    }


_SEASON_LAST_MONTH = {12: 2, 1: 2, 2: 2, 3: 5, 4: 5, 5: 5, 6: 8, 7: 8, 8: 8, 9: 11, 10: 11, 11: 11}


def period_end(day: dt.date, precision: str) -> dt.date:
    """The first day after the day, month, season or year ``day`` stands for.

    >>> period_end(dt.date(2020, 10, 1), "season")
    datetime.date(2020, 12, 1)
    """
    if precision == "year":
        return dt.date(day.year + 1, 1, 1)
    if precision in ("month", "season"):
        last = day.month if precision == "month" else _SEASON_LAST_MONTH[day.month]
        year = day.year + (1 if precision == "season" and day.month == 12 else 0)
        return dt.date(year + last // 12, last % 12 + 1, 1)
    return day + dt.timedelta(days=1)


__all__ = [
    "DATE_FIELDS",
    "FIELDS",
    "FIELD_NAMES",
    "LIST_FIELDS",
    "Field",
    "Records",
    "feature_fields",
    "period_end",
]
