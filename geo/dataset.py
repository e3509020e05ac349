"""Load and validate every data file at once into a :class:`Dataset`.

All problems across all files are collected and raised once as
:class:`geo.errors.DataError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd

from geo import io, settings
from geo._validate import RecordChecker, check_unique_ids
from geo.errors import DataError, RecipeError
from geo.model import ControlPeriod, Event, Names, Place, Site, Source
from geo.naming import name_span
from geo.recipes import RecipeContext, build_geometry

#: Layers (and columns) that data/boundaries.gpkg must provide.
BOUNDARY_LAYERS: dict[str, tuple[str, ...]] = {
    "countries": ("name",),
    "nakhchivan": ("name",),
    "nkao": ("name",),
    "districts": ("name",),
    "district_parts": ("district", "side"),
    "ceasefire_line": ("name",),
    "provinces": ("name",),
}

_COMMON = ("id", "status", "sources", "note")
_SPAN = ("start", "end", "start_precision", "end_precision")
_SITE_FIELDS = (
    *(*_COMMON, *_SPAN, "name", "names", "name_places"),
    *("kind", "operator", "geometry", "not_held_by"),
)
_CONTROL_FIELDS = (*_COMMON, *_SPAN, "area_name", "place", "holder", "geometry")
_EVENT_FIELDS = (
    *_COMMON,
    *("title", "date", "precision", "end", "quote", "quote_source"),
    *("in_article", "geometry", "related", "title_places"),
)

R = TypeVar("R")


@dataclass(frozen=True)
class Dataset:
    """Everything the map shows, validated. Geometries are EPSG:4326."""

    boundaries: Mapping[str, gpd.GeoDataFrame]
    sources: Mapping[str, Source]
    places: Mapping[str, Place]
    sites: tuple[Site, ...]
    control: tuple[ControlPeriod, ...]
    events: tuple[Event, ...]

    def source(self, source_id: str) -> Source:
        """The source with this id (ids are validated at load time)."""
        return self.sources[source_id]


def load_dataset(data_dir: Path = settings.DATA_DIR) -> Dataset:
    """Read and validate every file in ``data_dir``.

    Raises
    ------
    DataError
        Listing every problem found, each naming file, line, record id and field.
    """
    problems: list[str] = []
    boundaries = _load_boundaries(data_dir / settings.BOUNDARIES_FILE, problems)
    sources = _by_id(_parse(data_dir, settings.SOURCES_FILE, _source, problems))
    places = _by_id(_parse(data_dir, settings.PLACES_FILE, lambda c: _place(c, sources), problems))
    context = RecipeContext(boundaries=boundaries, places=places)
    sites = _parse(data_dir, settings.SITES_FILE, lambda c: _site(c, sources, context), problems)
    control = _parse(
        data_dir, settings.CONTROL_FILE, lambda c: _control(c, sources, context), problems
    )
    events = _parse(data_dir, settings.EVENTS_FILE, lambda c: _event(c, sources, context), problems)
    problems.extend(
        f"{settings.SOURCES_FILE}: the source {source_id!r} is required (every map cites it)"
        for source_id in settings.REQUIRED_SOURCE_IDS
        if sources and source_id not in sources
    )
    _check_control_overlaps(control, problems)
    _check_related(events, {s.id for s in sites} | {c.id for c in control}, problems)
    if problems:
        raise DataError(problems)
    return Dataset(
        boundaries=boundaries,
        sources=sources,
        places=places,
        sites=tuple(sites),
        control=tuple(control),
        events=tuple(sorted(events, key=lambda e: (e.date, e.id))),
    )


def _load_boundaries(path: Path, problems: list[str]) -> dict[str, gpd.GeoDataFrame]:
    try:
        layers = io.read_boundaries(path)
    except DataError as exc:
        problems.extend(exc.problems)
        return {}
    for name, columns in BOUNDARY_LAYERS.items():
        if name not in layers:
            problems.append(f"{path.name}: layer {name!r} is missing")
            continue
        missing = [c for c in columns if c not in layers[name].columns]
        if missing:
            problems.append(f"{path.name}: layer {name!r} lacks columns {missing}")
    return layers


def _parse(
    data_dir: Path,
    file: str,
    build: Callable[[RecordChecker], R],
    problems: list[str],
) -> list[R]:
    try:
        raw = io.read_records(data_dir / file)
    except DataError as exc:
        problems.extend(exc.problems)
        return []
    checkers = [RecordChecker(file, record, problems) for record in raw]
    built = [build(checker) for checker in checkers]
    check_unique_ids(file, ((c.line, c.id) for c in checkers if c.id), problems)
    return built


def _by_id(records: list[Any]) -> dict[str, Any]:
    return {record.id: record for record in records}


def _geometry(check: RecordChecker, context: RecipeContext, field: str = "geometry") -> Any:
    try:
        return build_geometry(check.record.get(field), context)
    except RecipeError as exc:
        check.problem(field, str(exc))
        return None


def _source(check: RecordChecker) -> Source:
    check.unknown_fields(("id", "title", "publisher", "url", "date", "accessed", "licence"))
    return Source(
        id=check.slug(),
        title=check.text("title") or "",
        publisher=check.text("publisher") or "",
        url=check.text("url", required=False),
        date=check.date("date", required=False),
        accessed=check.date("accessed", required=False),
        licence=check.text("licence", required=False),
    )


def _place(check: RecordChecker, sources: Mapping[str, Source]) -> Place:
    check.unknown_fields((*_COMMON, "kind", "lon", "lat", "names", "country", "boundary_note"))
    country = check.text("country", required=False)
    boundary_note = check.text("boundary_note", required=False)
    if boundary_note is not None and country is None:
        check.problem("boundary_note", "needs 'country': the country the label uses")
    return Place(
        id=check.slug(),
        kind=check.choice("kind", settings.PLACE_KINDS),
        lon=check.number("lon", -180.0, 180.0),
        lat=check.number("lat", -90.0, 90.0),
        names=check.names() or Names(en=check.id or "?"),
        provenance=check.provenance(sources),
        country=country,
        boundary_note=boundary_note,
    )


def _site(check: RecordChecker, sources: Mapping[str, Source], ctx: RecipeContext) -> Site:
    check.unknown_fields(_SITE_FIELDS)
    name = check.text("name") or ""
    return Site(
        id=check.slug(),
        name=name,
        name_places=_named_places(check, "name_places", name, ctx),
        names=check.names(required=False),
        kind=check.choice("kind", settings.SITE_KINDS),
        operator=check.text("operator") or "",
        geometry=_geometry(check, ctx),
        span=check.span(start_required=False),
        provenance=check.provenance(sources),
        not_held_by=_holders(check, "not_held_by"),
    )


def _named_places(
    check: RecordChecker, field: str, text: str, ctx: RecipeContext
) -> tuple[str, ...]:
    """Place ids whose English form occurs in ``text`` (see :func:`geo.naming.compose`)."""
    place_ids = check.text_list(field)
    for place_id in place_ids:
        place = ctx.places.get(place_id)
        if place is None:
            check.problem(field, f"unknown place id {place_id!r} (not in places.yaml)")
        elif name_span(text, place.names.en) is None:
            check.problem(field, f"{place.names.en!r} (place {place_id!r}) is not in {text!r}")
    return place_ids


def _holders(check: RecordChecker, field: str) -> tuple[str, ...]:
    holders = check.text_list(field)
    for holder in holders:
        if holder not in settings.HOLDERS:
            check.problem(field, f"must list holders of {settings.HOLDERS} (got {holder!r})")
    return holders


def _control(
    check: RecordChecker, sources: Mapping[str, Source], ctx: RecipeContext
) -> ControlPeriod:
    check.unknown_fields(_CONTROL_FIELDS)
    place = check.text("place", required=False)
    if place is not None and place not in ctx.places:
        check.problem("place", f"unknown place id {place!r} (not in places.yaml)")
    return ControlPeriod(
        id=check.slug(),
        area_name=check.text("area_name") or "",
        place=place,
        holder=check.choice("holder", settings.HOLDERS),
        geometry=_geometry(check, ctx),
        span=check.span(start_required=True),
        provenance=check.provenance(sources),
    )


def _event(check: RecordChecker, sources: Mapping[str, Source], ctx: RecipeContext) -> Event:
    check.unknown_fields(_EVENT_FIELDS)
    date = check.date("date")
    end = check.date("end", required=False)
    if date is not None and end is not None and end < date:
        check.problem("end", f"must not be before date {date} (got {end})")
    quote = check.record.get("quote") or ""
    if not isinstance(quote, str):
        check.problem("quote", f"must be text (got {quote!r})")
        quote = ""
    quote_source = check.text("quote_source", required=bool(quote))
    if quote_source is not None and quote_source not in sources:
        check.problem("quote_source", f"unknown source id {quote_source!r}")
    title = check.text("title") or ""
    return Event(
        id=check.slug(),
        title=title,
        date=date or settings.FIRST_DATE,
        precision=check.choice("precision", settings.PRECISIONS),
        geometry=_geometry(check, ctx),
        provenance=check.provenance(sources),
        quote=quote.strip(),
        quote_source=quote_source,
        in_article=check.flag("in_article"),
        end=end,
        related=check.text_list("related"),
        title_places=_named_places(check, "title_places", title, ctx),
    )


def _check_control_overlaps(periods: list[ControlPeriod], problems: list[str]) -> None:
    by_area: dict[str, list[ControlPeriod]] = {}
    for period in periods:
        by_area.setdefault(period.area_name, []).append(period)
    for area, group in by_area.items():
        ordered = sorted(group, key=lambda p: p.span.start or settings.FIRST_DATE)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.span.end is None or (
                later.span.start is not None and later.span.start < earlier.span.end
            ):
                problems.append(
                    f"{settings.CONTROL_FILE}: records {earlier.id!r} and {later.id!r}, "
                    f"field 'start': periods of {area!r} overlap"
                )


def _check_related(events: list[Event], known: set[str], problems: list[str]) -> None:
    for event in events:
        for related in event.related:
            if related not in known:
                problems.append(
                    f"{settings.EVENTS_FILE}: record {event.id!r}, field 'related': "
                    f"unknown site or control id {related!r}"
                )
