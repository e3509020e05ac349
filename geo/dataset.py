"""Load and validate every data file at once into a :class:`Dataset`.

All problems across all files are collected and raised once as
:class:`geo.errors.DataError`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from geo import io, settings
from geo._validate import RECORD_DAYS, RecordChecker, check_unique_ids, mirror_host, shown
from geo.boundary_names import boundary_name, by_feature
from geo.communities import CommunityAreas, community_areas
from geo.community_records import community
from geo.dates import DaySpan
from geo.errors import DataError, RecipeError
from geo.figure_records import published_figure
from geo.ground_records import load_ground, named_ground
from geo.model import (
    ApproximateLine,
    BoundaryName,
    Community,
    ControlPeriod,
    Event,
    GroundFeature,
    Names,
    Place,
    PublishedFigure,
    Route,
    Site,
    Source,
    Span,
    Water,
)
from geo.naming import name_span
from geo.recipes import RecipeContext, build_geometry
from geo.recorded_days import RecordedDays as RecordedDays
from geo.recorded_days import recorded_days as recorded_days
from geo.strength_records import site_strength

if TYPE_CHECKING:
    import geopandas as gpd

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
    *("kind", "operator", "geometry", "not_held_by", "strength"),
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
    """Everything the map shows, validated. Geometries are EPSG:4326.

    ``control`` holds the periods of control.yaml, then those drawn from the communities
    (:mod:`geo.communities`); ``lines`` the approximate-line bands drawn with them.
    """

    boundaries: Mapping[str, gpd.GeoDataFrame]
    sources: Mapping[str, Source]
    places: Mapping[str, Place]
    sites: tuple[Site, ...]
    control: tuple[ControlPeriod, ...]
    events: tuple[Event, ...]
    communities: tuple[Community, ...] = ()
    lines: tuple[ApproximateLine, ...] = ()
    figures: tuple[PublishedFigure, ...] = ()
    #: Roads and railways (routes.yaml), in data order.
    routes: tuple[Route, ...] = ()
    #: Rivers and lakes of ground.gpkg by layer (``rivers``, ``lakes``), as records, named
    #: where waters.yaml names them; empty without the file.
    ground: Mapping[str, tuple[GroundFeature, ...]] = field(default_factory=dict)
    #: The names of waters (waters.yaml) by id.
    waters: Mapping[str, Water] = field(default_factory=dict)
    #: Names of countries, the oblast and provinces by language (boundary_names.yaml),
    #: keyed by (boundary layer, English name of the feature); issue 22.
    boundary_names: Mapping[tuple[str, str], BoundaryName] = field(default_factory=dict)

    def source(self, source_id: str) -> Source:
        """The source with this id (ids are validated at load time)."""
        return self.sources[source_id]

    @cached_property
    def events_in_date_order(self) -> tuple[Event, ...]:
        """The events sorted by date, then id (the timeline's order), sorted once: the
        events begun by a day are a prefix of it (:attr:`event_dates`)."""
        return tuple(sorted(self.events, key=lambda e: (e.date, e.id)))

    @cached_property
    def event_dates(self) -> tuple[dt.date, ...]:
        """The date of each event of :attr:`events_in_date_order`, for bisection."""
        return tuple(event.date for event in self.events_in_date_order)

    @cached_property
    def recorded(self) -> RecordedDays:
        """The first and last days the records name, and whether any period is open."""
        return recorded_days(self.sites, self.control, self.events, self.communities)

    @property
    def span(self) -> DaySpan:
        """The days the map covers: from the first dated record to the last one, and on
        to :func:`geo.settings.today` while any period is open (no ``end``)."""
        return self.recorded.span(settings.today())

    @property
    def default_day(self) -> dt.date:
        """The day a map shows unless told otherwise: the article's date
        (:data:`geo.settings.ARTICLE_DATE`), or the nearest day of the span."""
        return self.span.clamp(settings.ARTICLE_DATE)


def load_dataset(data_dir: Path = settings.DATA_DIR) -> Dataset:
    """Read and validate every file in ``data_dir``.

    Raises
    ------
    DataError
        Listing every problem found, each naming file, line, record id and field.
    """
    files = _Files(data_dir)
    boundaries = _load_boundaries(data_dir / settings.BOUNDARIES_FILE, files)
    loaded_sources = files.parse(settings.SOURCES_FILE, _source)
    sources = _by_id(loaded_sources.records)
    refs = _Refs(
        sources=sources if loaded_sources.parsed else None,
        context=None,
    )
    loaded_places = files.parse(settings.PLACES_FILE, lambda c: _place(c, refs))
    places = _by_id(loaded_places.records)
    communities = files.parse(
        settings.COMMUNITIES_FILE,
        lambda c: community(c, places if loaded_places.parsed else None, refs.sources),
    )
    areas = CommunityAreas((), ())
    if loaded_places.parsed and boundaries is not None:
        if communities.parsed:
            areas = community_areas(communities.records, boundaries, sources)
        held = areas.held if communities.parsed else None
        context = RecipeContext(
            boundaries=boundaries,
            places=places,
            held=held,
            communities=_by_id(communities.records),
        )
        refs = _Refs(refs.sources, context)
    sites = files.parse(settings.SITES_FILE, lambda c: _site(c, refs))
    control = files.parse(settings.CONTROL_FILE, lambda c: _control(c, refs))
    events = files.parse(settings.EVENTS_FILE, lambda c: _event(c, refs))
    figures = files.parse(settings.FIGURES_FILE, lambda c: published_figure(c, refs.sources))
    routes = files.parse_optional(settings.ROUTES_FILE, lambda c: _route(c, refs))
    ground = load_ground(data_dir / settings.GROUND_FILE, files.broken, files.problems)
    waters = files.parse_optional(settings.WATERS_FILE, lambda c: _water(c, refs, ground))
    named_bounds = files.parse_optional(
        settings.BOUNDARY_NAMES_FILE, lambda c: boundary_name(c, refs.sources, boundaries)
    )
    problems = files.problems
    bound_names = by_feature(named_bounds.records, named_bounds.lines, problems)
    problems.extend(
        f"{settings.SOURCES_FILE}: the source {source_id!r} is required (every map cites it)"
        for source_id in settings.REQUIRED_SOURCE_IDS
        if sources and source_id not in sources
    )
    _check_control_overlaps(control, problems)
    _check_community_points(communities, problems)
    if sites.parsed and control.parsed and communities.parsed:
        known = {s.id for s in sites.records} | {c.id for c in control.records}
        _check_related(events, known | {c.id for c in communities.records}, problems)
    named = named_ground(ground or {}, waters.records, problems)
    if named and sources and settings.GSHHG_SOURCE_ID not in sources:
        problems.append(
            f"{settings.SOURCES_FILE}: the source {settings.GSHHG_SOURCE_ID!r} is required "
            f"(every river and lake of {settings.GROUND_FILE} cites it)"
        )
    if files.broken or problems:
        raise DataError([*files.broken, *problems])  # root causes first
    return Dataset(
        boundaries=boundaries or {},
        sources=sources,
        places=places,
        sites=tuple(sites.records),
        control=(*control.records, *areas.periods),
        events=tuple(sorted(events.records, key=lambda e: (e.date, e.id))),
        communities=tuple(communities.records),
        lines=areas.lines,
        figures=tuple(figures.records),
        routes=tuple(routes.records),
        ground=named,
        waters=_by_id([water for water, _ in waters.records]),
        boundary_names=bound_names,
    )


@dataclass(frozen=True)
class _Loaded(Generic[R]):
    """The records built from one file, the line of each id, and whether it parsed."""

    records: list[R]
    lines: dict[str, int | None]
    parsed: bool


@dataclass(frozen=True)
class _Refs:
    """What records of later files may refer to. ``None`` stands for a file that did not
    parse: references into it are not checked, so its one root cause is not repeated as
    dozens of "unknown id" problems."""

    sources: Mapping[str, Source] | None
    context: RecipeContext | None


class _Files:
    """Parses the data files of one folder, keeping file-level failures (unreadable or
    unparsable files: root causes) apart from record problems."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.broken: list[str] = []
        self.problems: list[str] = []

    def parse(self, file: str, build: Callable[[RecordChecker], R]) -> _Loaded[R]:
        try:
            raw = io.read_records(self.data_dir / file)
        except DataError as exc:
            self.broken.extend(exc.problems)
            return _Loaded([], {}, parsed=False)
        checkers = [RecordChecker(file, record, self.problems) for record in raw]
        built = [build(checker) for checker in checkers]
        check_unique_ids(file, ((c.line, c.id) for c in checkers if c.id), self.problems)
        lines: dict[str, int | None] = {}
        for checker in checkers:
            if checker.id is not None:
                lines.setdefault(checker.id, checker.line)
        return _Loaded(built, lines, parsed=True)

    def parse_optional(self, file: str, build: Callable[[RecordChecker], R]) -> _Loaded[R]:
        """:meth:`parse` of a file the data may lack (no records then)."""
        if not (self.data_dir / file).exists():
            return _Loaded([], {}, parsed=True)
        return self.parse(file, build)


def _load_boundaries(path: Path, files: _Files) -> dict[str, gpd.GeoDataFrame] | None:
    """The boundary layers, or None when the GeoPackage cannot be read."""
    problems = files.problems
    try:
        layers = io.read_boundaries(path)
    except DataError as exc:
        files.broken.extend(exc.problems)
        return None
    for name, columns in BOUNDARY_LAYERS.items():
        if name not in layers:
            problems.append(f"{path.name}: layer {name!r} is missing")
            continue
        missing = [c for c in columns if c not in layers[name].columns]
        if missing:
            problems.append(f"{path.name}: layer {name!r} lacks columns {missing}")
    return layers


def _by_id(records: list[Any]) -> dict[str, Any]:
    return {record.id: record for record in records}


def _geometry(check: RecordChecker, refs: _Refs, field: str = "geometry") -> Any:
    if refs.context is None:  # places.yaml or boundaries.gpkg is broken: not checkable
        return None
    try:
        return build_geometry(check.record.get(field), refs.context)
    except RecipeError as exc:
        check.problem(field, str(exc))
        return None


def _source(check: RecordChecker) -> Source:
    fields = ("id", "title", "publisher", "url", "date", "accessed", "licence", "mirror_reason")
    check.unknown_fields(fields)
    url = check.text("url", required=False)
    mirror_reason = check.text("mirror_reason", required=False)
    host = mirror_host(url)
    if host is not None and not check.has("mirror_reason"):
        check.problem(
            "mirror_reason",
            f"is required: the url is on {host!r}, a host that copies other publishers' "
            "pages; cite the original page, or say why the copy is cited",
        )
    return Source(
        id=check.slug(),
        title=check.text("title") or "",
        publisher=check.text("publisher") or "",
        url=url,
        date=check.date("date", required=False, within=_source_days()),
        accessed=check.date("accessed", required=False, within=_source_days()),
        licence=check.text("licence", required=False),
        mirror_reason=mirror_reason,
    )


def _source_days() -> tuple[dt.date, dt.date]:
    """Sources may be published after the map's last day, but not in the future."""
    return settings.EARLIEST_SOURCE_DATE, dt.date.today()


def _place(check: RecordChecker, refs: _Refs) -> Place:
    check.unknown_fields(
        (*_COMMON, "kind", "lon", "lat", "names", "country", "boundary_note", "ground")
    )
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
        provenance=check.provenance(refs.sources),
        country=country,
        boundary_note=boundary_note,
        ground=check.flag("ground"),
    )


def _site(check: RecordChecker, refs: _Refs) -> Site:
    check.unknown_fields(_SITE_FIELDS)
    name = check.text("name") or ""
    return Site(
        id=check.slug(),
        name=name,
        name_places=_named_places(check, "name_places", name, refs),
        names=check.names(required=False),
        kind=check.choice("kind", settings.SITE_KINDS),
        operator=check.text("operator") or "",
        geometry=_geometry(check, refs),
        span=check.span(start_required=False),
        provenance=check.provenance(refs.sources),
        not_held_by=_holders(check, "not_held_by"),
        strength=site_strength(check, refs.sources),
    )


def _named_places(check: RecordChecker, field: str, text: str, refs: _Refs) -> tuple[str, ...]:
    """Place ids whose English form occurs in ``text`` (see :func:`geo.naming.compose`);
    not checked against the places when places.yaml did not parse (see :class:`_Refs`)."""
    place_ids = check.text_list(field)
    if refs.context is None:
        return place_ids
    for place_id in place_ids:
        place = refs.context.places.get(place_id)
        if place is None:
            check.problem(field, f"unknown place id {shown(place_id)} (not in places.yaml)")
        elif name_span(text, place.names.en) is None:
            where = f"(place {shown(place_id)}) is not in {shown(text)}"
            check.problem(field, f"{shown(place.names.en)} {where}")
    return place_ids


def _holders(check: RecordChecker, field: str) -> tuple[str, ...]:
    holders = check.text_list(field)
    for holder in holders:
        if holder not in settings.HOLDERS:
            check.problem(field, f"must list holders of {settings.HOLDERS} (got {shown(holder)})")
    return holders


def _control(check: RecordChecker, refs: _Refs) -> ControlPeriod:
    check.unknown_fields(_CONTROL_FIELDS)
    place = check.text("place", required=False)
    if place is not None and refs.context is not None and place not in refs.context.places:
        check.problem("place", f"unknown place id {place!r} (not in places.yaml)")
    return ControlPeriod(
        id=check.slug(),
        area_name=check.text("area_name") or "",
        place=place,
        holder=check.choice("holder", settings.HOLDERS),
        geometry=_geometry(check, refs),
        span=check.span(start_required=True),
        provenance=check.provenance(refs.sources),
    )


def _event(check: RecordChecker, refs: _Refs) -> Event:
    check.unknown_fields(_EVENT_FIELDS)
    date = check.date("date", within=RECORD_DAYS)
    end = check.date("end", required=False, within=RECORD_DAYS)
    if date is not None and end is not None and end < date:
        check.problem("end", f"must not be before date {date} (got {end})")
    quote = check.record.get("quote") or ""
    if not isinstance(quote, str):
        check.problem("quote", f"must be text (got {shown(quote)})")
        quote = ""
    quote_source = check.text("quote_source", required=bool(quote))
    sources = refs.sources
    if quote_source is not None and sources is not None and quote_source not in sources:
        check.problem("quote_source", f"unknown source id {shown(quote_source)}")
    title = check.text("title") or ""
    return Event(
        id=check.slug(),
        title=title,
        date=date or settings.ARTICLE_DATE,  # a problem was recorded
        precision=check.choice("precision", settings.PRECISIONS),
        geometry=_geometry(check, refs),
        provenance=check.provenance(refs.sources),
        quote=quote.strip(),
        quote_source=quote_source,
        in_article=check.flag("in_article"),
        end=end,
        related=check.text_list("related"),
        title_places=_named_places(check, "title_places", title, refs),
    )


def _check_control_overlaps(periods: _Loaded[ControlPeriod], problems: list[str]) -> None:
    by_area: dict[str, list[ControlPeriod]] = {}
    for period in periods.records:
        by_area.setdefault(period.area_name, []).append(period)
    for area, group in by_area.items():
        ordered = sorted(group, key=lambda p: p.span.start or dt.date.min)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.span.end is None or (
                later.span.start is not None and later.span.start < earlier.span.end
            ):
                until = f"lasts until {earlier.span.end}" if earlier.span.end else "has no end"
                problems.append(
                    f"{settings.CONTROL_FILE}: line {periods.lines.get(later.id)}, "
                    f"record {later.id!r}, field 'start': the periods of {area!r} overlap "
                    f"({earlier.id!r} at line {periods.lines.get(earlier.id)} {until})"
                )


def _check_related(events: _Loaded[Event], known: set[str], problems: list[str]) -> None:
    for event in events.records:
        for related in event.related:
            if related not in known:
                problems.append(
                    f"{settings.EVENTS_FILE}: line {events.lines.get(event.id)}, "
                    f"record {event.id!r}, field 'related': "
                    f"unknown site, control or community id {shown(related)}"
                )


def _check_community_points(communities: _Loaded[Community], problems: list[str]) -> None:
    """Two communities of the oblast may not share a point: each has a cell of its own."""
    seen: dict[tuple[float, float], str] = {}
    for record in communities.records:
        if not record.in_oblast:
            continue
        point = (round(record.lon, 4), round(record.lat, 4))  # about 10 m
        if point in seen:
            problems.append(
                f"{settings.COMMUNITIES_FILE}: line {communities.lines.get(record.id)}, "
                f"record {record.id!r}, field 'lon': the point of {seen[point]!r} "
                "(two communities of the oblast need two points)"
            )
        seen.setdefault(point, record.id)


# --- Ground: routes, rivers and lakes, named waters (issue 21) ---------------------------

_ROUTE_FIELDS = (*_COMMON, *_SPAN, "name", "names", "name_places", "kind", "geometry")
_WATER_FIELDS = (*_COMMON, "layer", "match", "at", "names")
_LINE_TYPES = ("LineString", "MultiLineString")


def _route(check: RecordChecker, refs: _Refs) -> Route:
    """A route: ``start`` and ``end`` within the records' bounds (a route's days do not
    widen the map's span; a use that ended after the span's last day is never reached)."""
    check.unknown_fields(_ROUTE_FIELDS)
    name = check.text("name") or ""
    geometry = _geometry(check, refs)
    if geometry is not None and geometry.geom_type not in _LINE_TYPES:
        check.problem("geometry", f"must build a line, e.g. path: (got a {geometry.geom_type})")
    start = check.date("start", required=False, within=RECORD_DAYS)
    end = check.date("end", required=False, within=RECORD_DAYS)
    if start is not None and end is not None and end <= start:
        check.problem("end", f"must be after start {start} (got {end})")
    return Route(
        id=check.slug(),
        name=name,
        name_places=_named_places(check, "name_places", name, refs),
        names=check.names(required=False),
        kind=check.choice("kind", settings.ROUTE_KINDS),
        geometry=geometry,
        span=Span(
            start=start,
            end=end,
            start_precision=check.choice("start_precision", settings.PRECISIONS, "day"),
            end_precision=check.choice("end_precision", settings.PRECISIONS, "day"),
        ),
        provenance=check.provenance(refs.sources),
    )


def _water(
    check: RecordChecker, refs: _Refs, ground: Mapping[str, tuple[GroundFeature, ...]] | None
) -> tuple[Water, tuple[int, ...]]:
    """A water's name and the rows of its ``layer`` it names: those whose columns equal
    ``match`` and whose geometry meets the recipe ``at`` (see data/SCHEMA.md)."""
    check.unknown_fields(_WATER_FIELDS)
    layer = check.choice("layer", tuple(settings.GROUND_LAYERS))
    water = Water(
        id=check.slug(),
        layer=layer,
        names=check.names() or Names(en=check.id or "?"),
        provenance=check.provenance(refs.sources),
    )
    match = check.record.get("match") or {}
    if not isinstance(match, Mapping):
        check.problem("match", f"must be a mapping of column: value (got {shown(match)})")
        match = {}
    at = _geometry(check, refs, "at")
    if ground is None or refs.context is None or at is None:
        return water, ()  # ground.gpkg, places.yaml or the recipe is broken: not checkable
    if not ground:
        check.problem("layer", f"names features of {settings.GROUND_FILE}, which is missing")
        return water, ()
    columns = {"class": "river_class", "class_name": "class_name", "area_km2": "area_km2"}
    unknown = sorted(str(c) for c in match if c not in columns)
    if unknown:
        check.problem("match", f"unknown columns {unknown} (known: {sorted(columns)})")
        return water, ()
    rows = tuple(
        feature.row
        for feature in ground.get(layer, ())
        if all(getattr(feature, columns[c]) == v for c, v in match.items())
        and feature.geometry.intersects(at)
    )
    if not rows:
        check.problem("at", f"no feature of layer {layer!r} matching {dict(match)} meets it")
    return water, rows
