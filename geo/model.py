"""Typed records of the curated data. Geometries are shapely objects in EPSG:4326."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from geo.dates import format_date, format_span
from geo.settings import NKAO_REGIONS


@dataclass(frozen=True)
class Source:
    """A citable source (sources.yaml)."""

    id: str
    title: str
    publisher: str
    url: str | None = None
    date: dt.date | None = None
    accessed: dt.date | None = None
    licence: str | None = None
    #: Why ``url`` is a copy (a mirror, proxy or repost) of another publisher's page
    #: rather than that page itself; required when ``url`` is on a mirror host
    #: (:data:`geo.settings.MIRROR_HOSTS`).
    mirror_reason: str | None = None

    def citation(self) -> str:
        """One-line human citation: publisher, 'title', date."""
        when = f", {format_date(self.date)}" if self.date else ""
        return f"{self.publisher}, '{self.title}'{when}"


@dataclass(frozen=True)
class Names:
    """Alternative names of one place (Latin-script forms plus native scripts)."""

    en: str
    hy: str | None = None
    az: str | None = None
    ru: str | None = None
    hy_native: str | None = None
    az_native: str | None = None
    ru_native: str | None = None
    alt: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        """Every distinct form, English first."""
        forms = [self.en, self.hy, self.az, self.ru, self.hy_native, self.az_native]
        forms += [self.ru_native, *self.alt]
        seen: list[str] = []
        for form in forms:
            if form and form not in seen:
                seen.append(form)
        return tuple(seen)


@dataclass(frozen=True)
class Provenance:
    """How sure a record is and where it comes from."""

    status: str
    sources: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Span:
    """A period ``[start, end)``; ``None`` means open on that side."""

    start: dt.date | None
    end: dt.date | None = None
    start_precision: str = "day"
    end_precision: str = "day"

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls in the period (start inclusive, end exclusive)."""
        after_start = self.start is None or self.start <= day
        before_end = self.end is None or day < self.end
        return after_start and before_end

    def describe(self) -> str:
        """The period as read by people, no finer than its precisions.

        >>> Span(dt.date(2020, 11, 10)).describe()
        'since 10 November 2020'
        """
        return format_span(self.start, self.end, self.start_precision, self.end_precision)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry (places.yaml)."""

    id: str
    kind: str
    lon: float
    lat: float
    names: Names
    provenance: Provenance
    #: The country the place is in (a ``countries`` boundary name), when recorded.
    country: str | None = None
    #: Why the point may fall outside that country's polygon (see data/SCHEMA.md).
    boundary_note: str | None = None
    #: A settlement recorded only so the ground reads at large scale (issue 21): drawn by
    #: the Ground group's villages layer, not among the towns (``places.yaml`` ``ground``).
    ground: bool = False


@dataclass(frozen=True)
class Strength:
    """How many troops a site holds, as its own sources state it (sites.yaml
    ``strength``): plain ``text`` such as "1,960 Russian peacekeepers" and ``sources``."""

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    """A military, peacekeeping or monitoring site (sites.yaml)."""

    id: str
    name: str
    kind: str
    operator: str
    geometry: BaseGeometry
    span: Span
    provenance: Provenance
    names: Names | None = None
    #: Holders (control.yaml) whose ground this area must not cover while it exists.
    not_held_by: tuple[str, ...] = ()
    #: Gazetteer places named in ``name`` (by their English form), written in the
    #: chosen naming convention where the name is shown (:func:`geo.naming.compose`).
    name_places: tuple[str, ...] = ()
    #: The strength of the force at the site where a source states it (issue 22).
    strength: Strength | None = None


@dataclass(frozen=True)
class ControlPeriod:
    """Who held an area during a period (control.yaml, or ``derived_from`` another file:
    the areas drawn from communities.yaml, :mod:`geo.communities`)."""

    id: str
    area_name: str
    holder: str
    geometry: BaseGeometry
    span: Span
    provenance: Provenance
    place: str | None = None
    derived_from: str | None = None


@dataclass(frozen=True)
class Event:
    """A dated event of the timeline (events.yaml); ``end`` is inclusive."""

    id: str
    title: str
    date: dt.date
    precision: str
    geometry: BaseGeometry
    provenance: Provenance
    quote: str = ""
    quote_source: str | None = None
    in_article: bool = False
    end: dt.date | None = None
    related: tuple[str, ...] = field(default_factory=tuple)
    #: Gazetteer places named in ``title`` (by their English form), written in the
    #: chosen naming convention where the title is shown (:func:`geo.naming.compose`).
    title_places: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """The date as read by people, no finer than its precision, with the end if any."""
        end = f" – {format_date(self.end)}" if self.end else ""
        return format_date(self.date, self.precision) + end


@dataclass(frozen=True)
class HeldPeriod:
    """Who held a community from ``span.start`` (communities.yaml ``held``); the span ends
    where the community's next period starts (exclusive; ``None``: still so on the last day).

    ``holder`` is a key of :data:`geo.settings.COMMUNITY_SIDES` (``unknown``: the sources read
    do not say who held it). ``latest_by``: the change happened on or before ``span.start``
    (the day itself is unknown). ``claim``: the one-sided claim the day rests on (such a
    period is ``approximate``, data/SCHEMA.md "Claims and facts"); ``quote``: words of a
    source.
    """

    holder: str
    span: Span
    provenance: Provenance
    latest_by: bool = False
    claim: str | None = None
    quote: str | None = None

    def describe(self) -> str:
        """The start as read by people, e.g. ``'since 8 May 1992'`` or ``'by 16 May 1992'``."""
        when = format_date(self.span.start, self.span.start_precision) if self.span.start else ""
        return f"{'by' if self.latest_by else 'since'} {when}".strip()


@dataclass(frozen=True)
class Community:
    """A village or town (communities.yaml) and the side holding it over time.

    ``lon``/``lat`` are EPSG:4326 (a gazetteer place's when ``place`` is set); ``held`` in
    date order; ``soviet_region`` one of :data:`geo.settings.NKAO_REGIONS` or
    :data:`geo.settings.DISTRICT_REGIONS`; ``provenance`` is that of the point and names.
    """

    id: str
    names: Names
    lon: float
    lat: float
    soviet_region: str
    held: tuple[HeldPeriod, ...]
    provenance: Provenance
    place: str | None = None

    @property
    def in_oblast(self) -> bool:
        """Whether the community was in the NKAO (its ground is drawn from the communities)."""
        return self.soviet_region in NKAO_REGIONS

    def held_on(self, day: dt.date) -> HeldPeriod | None:
        """The period in force on ``day``, or ``None`` before the first one."""
        index = self.held_index(day)
        return None if index is None else self.held[index]

    def held_index(self, day: dt.date) -> int | None:
        """The index in ``held`` of the period in force on ``day``, or ``None`` before
        the first one."""
        return next((i for i, p in enumerate(self.held) if p.span.contains(day)), None)


@dataclass(frozen=True)
class ApproximateLine:
    """The band along the line between the two holders' areas drawn from the communities
    (geo/communities.py): the true line may lie anywhere in it. ``geometry`` EPSG:4326."""

    id: str
    span: Span
    geometry: BaseGeometry
    provenance: Provenance


@dataclass(frozen=True)
class PublishedFigure:
    """A published figure of the area a side held (figures.yaml), to show and test beside
    the map's own (:mod:`geo.figures`).

    ``unit``: ``km2`` (the side's area), ``percent-of-oblast`` (its share of the former
    oblast), ``percent-of-day`` (its area as a share of its area on ``of_day``) or
    ``percent-of-oblast-gained`` (the oblast's share it gained since ``of_day``).
    ``scope``: ``whole`` (every area of the side) or ``oblast`` (inside the former oblast).
    ``span``: the days the figure describes.
    """

    id: str
    what: str
    holder: str
    scope: str
    unit: str
    value: float
    span: Span
    provenance: Provenance
    of_day: dt.date | None = None
    quote: str | None = None
# --- Ground: routes and named waters (issue 21) ------------------------------------------


@dataclass(frozen=True)
class Route:
    """A road or railway the story turns on (routes.yaml).

    ``geometry`` is a line (EPSG:4326) built by a recipe, usually ``path:`` through
    gazetteer places; ``span`` the days the route was in this use (its ``end`` may lie
    after the map's last day: it is then never reached on the map).
    """

    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    span: Span
    provenance: Provenance
    names: Names | None = None
    #: Gazetteer places named in ``name`` (by their English form), written in the chosen
    #: naming convention where the name is shown (:func:`geo.naming.compose`).
    name_places: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroundFeature:
    """One feature of ``data/ground.gpkg`` (rivers and lakes from GSHHG/WDBII).

    ``layer`` is ``rivers`` or ``lakes``; ``row`` its position in that layer; ``river_class``
    and ``class_name`` the WDBII class of a river (``None`` for a lake); ``area_km2`` a
    lake's geodesic area (``None`` for a river); ``geometry`` EPSG:4326. ``water`` is the id
    of the waters.yaml record naming it, with ``names`` (``None``: unnamed, as most are).
    """

    layer: str
    row: int
    river_class: int | None
    class_name: str | None
    area_km2: float | None
    geometry: BaseGeometry
    water: str | None = None
    names: Names | None = None


@dataclass(frozen=True)
class Water:
    """A name given to features of ``data/ground.gpkg`` (waters.yaml): the Aras, Lake
    Sevan. WDBII and GSHHG carry no names; this record says which features are the named
    water and cites where the name and the identification come from."""

    id: str
    layer: str
    names: Names
    provenance: Provenance


@dataclass(frozen=True)
class BoundaryName:
    """The names of a feature of ``data/boundaries.gpkg`` (boundary_names.yaml): a
    country, the oblast, a province. ``layer`` and ``feature`` (the English ``name`` of
    the row) say which feature; ``names`` hold its forms by language (a country has no
    point, so it is not a gazetteer place)."""

    id: str
    layer: str
    feature: str
    names: Names
    provenance: Provenance
