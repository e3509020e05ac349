"""Features of each catalogue layer, ready for either renderer.

The core's typed records (:class:`geo.situation.Situation`, the gazetteer, the
boundaries) become :class:`Feature` records here, and frames once, at the edge
(:func:`layer_features`). Every frame returned is EPSG:4326 with the columns of
:data:`FEATURE_COLUMNS` plus ``geometry``:

``id``
    stable feature id.
``layer``
    catalogue layer id.
``style_key``
    palette key in :data:`layers.styles.STYLES`.
``status``
    confirmed / reported / proposed / approximate.
``label``
    the name in the chosen naming convention (plain text, not escaped).
``details``
    ``(field, value)`` pairs of plain text for popups.
``source_ids``
    ids of the feature's records in ``sources.yaml``.
``citations``
    the human citations of those sources, in the same order (plain text).

and then :data:`EXTRA_COLUMNS`:

``names``
    the :class:`geo.model.Names` of the feature where the data records them, else ``None``
    (the GIS exports read it).

Which records a layer draws is its catalogue ``source`` (:mod:`layers.catalog`); no
layer id is named here. Text is plain; :mod:`layers.web.html` escapes it for HTML.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.boundary_records import boundary_records
from geo.dataset import Dataset
from geo.errors import StateError
from geo.model import ControlPeriod, Event, Names, Route, Site
from geo.naming import alternatives, compose, label, language_label
from geo.situation import Situation, state_at
from layers.briefing.view import View
from layers.catalog import (
    BoundarySource,
    CommunitySource,
    ControlSource,
    EventSource,
    GroundSource,
    LayerSpec,
    PlaceSource,
    RouteSource,
    SiteSource,
    UserSource,
    check_layer_ids,
    layer,
    runtime_specs,
)
from layers.event_index import event_index

if TYPE_CHECKING:
    import geopandas as gpd

#: Gazetteer kinds drawn as towns and cities; the others are minor places.
MAJOR_PLACE_KINDS = ("city", "town")
#: Gazetteer kinds that name a boundary feature (a district, province, region or
#: country, whose names the boundary layers take), not a point on the map.
BOUNDARY_PLACE_KINDS = settings.BOUNDARY_NAME_KINDS

Details = tuple[tuple[str, str], ...]

_HOLDERS = {"armenian": "Armenian forces", "azerbaijani": "Azerbaijan"}
_STATUS_NOTE = {
    "approximate": "approximate: drawn schematically",
    "proposed": "proposed: not (yet) real",
}


@dataclass(frozen=True, kw_only=True)
class Feature:
    """One feature of a layer (see the module docstring for the fields)."""

    id: str
    layer: str
    style_key: str
    status: str
    label: str
    details: Details
    source_ids: tuple[str, ...]
    citations: tuple[str, ...]
    names: Names | None
    geometry: BaseGeometry


#: Columns after :data:`FEATURE_COLUMNS`, before ``geometry`` (not plain text).
EXTRA_COLUMNS = ("names",)
FEATURE_COLUMNS = tuple(
    f.name for f in fields(Feature) if f.name not in ("geometry", *EXTRA_COLUMNS)
)


def layer_features(
    dataset: Dataset,
    situation: Situation | None,
    layer_ids: Iterable[str],
    convention: str,
    *,
    event_limit: int | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Frames (see module docstring) for each requested layer, in catalogue order.

    ``situation`` may be ``None`` when no layer that changes with the date is asked for.
    With ``event_limit``, an events layer holding more events draws only the latest
    ``event_limit`` one by one and counts the earlier ones per area
    (:func:`earlier_event_counts`, first in its frame): for an interactive map; exports
    leave it out and get every event.
    """
    frames = {}
    for layer_id in check_layer_ids(tuple(layer_ids)):
        spec = layer(layer_id)
        frames[layer_id] = feature_frame(
            layer_rows(dataset, situation, spec, convention, event_limit=event_limit)
        )
    return frames


def layer_rows(
    dataset: Dataset,
    situation: Situation | None,
    spec: LayerSpec,
    convention: str,
    *,
    event_limit: int | None = None,
) -> list[Feature]:
    """The features of one layer of :func:`layer_features`, as records (the events layer
    with ``event_limit`` from the per-dataset counts, :mod:`layers.event_counts`)."""
    if event_limit is not None and isinstance(spec.source, EventSource):
        if situation is not None:
            from layers.event_counts import day_event_rows  # imports this module

            rows = day_event_rows(dataset, situation, spec, convention, event_limit)
            if rows is not None:
                return rows
        return latest_events(features(dataset, situation, spec, convention), event_limit)
    return features(dataset, situation, spec, convention)


def latest_events(rows: list[Feature], limit: int) -> list[Feature]:
    """Event features (in date order) as they are when at most ``limit``; else the counts
    of all but the latest ``limit`` (:func:`earlier_event_counts`) followed by those."""
    if len(rows) <= limit:
        return rows
    split = len(rows) - limit
    return [*earlier_event_counts(rows[:split]), *rows[split:]]


def view_features(
    dataset: Dataset,
    view: View,
    situation: Situation | None = None,
    *,
    fixed: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Frames of the view's layers on its day, in its naming convention, then those of
    the runtime layers in force (the user's own, :func:`layers.catalog.runtime_layers`).

    Pass ``situation`` (``state_at(dataset, view.day)``) when the caller needs it too;
    ``fixed``: frames of :func:`fixed_frames` taken instead of built again (many days).
    """
    fixed = fixed or {}
    rows = view_feature_rows(dataset, view, situation, skip=tuple(fixed))
    return {i: fixed[i] if i in fixed else feature_frame(r) for i, r in rows.items()}


def fixed_frames(dataset: Dataset, view: View) -> dict[str, gpd.GeoDataFrame]:
    """Frames of the view's layers that never change with the date (boundaries, places,
    ground), shared by :func:`view_features` between days: never change them in place."""
    ids = [i for i in check_layer_ids(tuple(view.layers)) if not layer(i).dated]
    return {i: feature_frame(features(dataset, None, layer(i), view.convention)) for i in ids}


def view_feature_rows(
    dataset: Dataset, view: View, situation: Situation | None = None, *, skip: tuple[str, ...] = ()
) -> dict[str, list[Feature]]:
    """The features of :func:`view_features` as records, without frames (no pandas: the
    command line's data exports need none, issue 15); the layers ``skip`` left empty."""
    if situation is None and any(layer(i).dated for i in view.layers if i not in skip):
        situation = state_at(dataset, view.day)
    ids = check_layer_ids(tuple(view.layers))
    rows = {i: [] if i in skip else features(dataset, situation, layer(i), view.convention)
            for i in ids}  # fmt: skip
    return rows | runtime_feature_rows(view.day)


def runtime_features(day: dt.date) -> dict[str, gpd.GeoDataFrame]:
    """Frames of the runtime layers in force (:func:`layers.catalog.runtime_layers`) on ``day``."""
    return {layer_id: feature_frame(rows) for layer_id, rows in runtime_feature_rows(day).items()}


def runtime_feature_rows(day: dt.date) -> dict[str, list[Feature]]:
    """The features of :func:`runtime_features`, as records."""
    return {
        spec.id: user_features(spec.id, spec.source, day)
        for spec in runtime_specs()
        if isinstance(spec.source, UserSource)
    }


def features(
    dataset: Dataset, situation: Situation | None, spec: LayerSpec, convention: str
) -> list[Feature]:
    """The features of one catalogue layer, from the records its ``source`` names.

    None on a day outside the layer's validity (:attr:`layers.catalog.LayerSpec.valid`).
    """
    source = spec.source
    if spec.valid is not None:
        if situation is None:
            raise StateError(f"layer {spec.id!r} changes with the date: a situation is needed")
        if not spec.drawn_on(situation.day):
            return []
    if isinstance(source, BoundarySource):
        return list(_boundary_features(spec.id, source, dataset, convention))
    if isinstance(source, PlaceSource):
        return list(_place_features(spec.id, source, dataset, convention))
    if isinstance(source, GroundSource):
        from layers.ground_features import ground_features  # imports this module

        return list(ground_features(spec.id, source, dataset, convention))
    if situation is None:
        raise StateError(f"layer {spec.id!r} changes with the date: a situation is needed")
    if isinstance(source, UserSource):
        return user_features(spec.id, source, situation.day)
    if isinstance(source, ControlSource):
        from layers.community_features import line_features

        areas = _control_features(spec.id, dataset, situation, convention)
        return [*areas, *line_features(spec.id, dataset, situation)]
    if isinstance(source, CommunitySource):
        from layers.community_features import village_features

        return list(village_features(spec.id, dataset, situation, convention))
    if isinstance(source, SiteSource):
        return list(_site_features(spec.id, source, dataset, situation, convention))
    if isinstance(source, RouteSource):
        from layers.ground_features import route_features

        return list(route_features(spec.id, source, dataset, situation, convention))
    return list(_event_features(spec.id, dataset, situation, convention))


def feature_frame(rows: list[Feature]) -> gpd.GeoDataFrame:
    """Features as a frame (EPSG:4326) with the columns of the module docstring."""
    import geopandas as gpd
    import pandas as pd

    columns = [*FEATURE_COLUMNS, *EXTRA_COLUMNS, "geometry"]
    table = pd.DataFrame([[getattr(r, c) for c in columns] for r in rows], columns=columns)
    return gpd.GeoDataFrame(table, geometry="geometry", crs=settings.CRS)


def frame_rows(frame: gpd.GeoDataFrame) -> Iterator[Any]:
    """The rows of ``frame`` as ``frame.itertuples(index=False)`` gives them (named tuples,
    one field a column), with the row type made once per set of columns: pandas makes a
    new named-tuple class on every call (a few milliseconds, a dozen times a paper map)."""
    row = _row_type(tuple(str(c) for c in frame.columns))
    columns = (frame.iloc[:, k] for k in range(len(frame.columns)))
    return map(row._make, zip(*columns, strict=True))


@functools.lru_cache(maxsize=64)
def _row_type(columns: tuple[str, ...]) -> Any:
    return collections.namedtuple("Pandas", columns, rename=True)


def citations_of(dataset: Dataset, source_ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dataset.source(s).citation() for s in source_ids)


def name_details(names: Names | None, convention: str) -> list[tuple[str, str]]:
    if names is None:
        return []
    others = alternatives(names, convention)
    return [("Also known as", ", ".join(others))] if others else []


def provenance_details(status: str, note: str | None) -> list[tuple[str, str]]:
    details = [("Status", _STATUS_NOTE.get(status, status))]
    if note:
        details.append(("Note", note))
    return details


def composed(dataset: Dataset, text: str, place_ids: Iterable[str], convention: str) -> str:
    """A site name or event title with the places it names (``name_places`` /
    ``title_places``) written in ``convention`` (:func:`geo.naming.compose`)."""
    places = [dataset.places[i].names for i in place_ids if i in dataset.places]
    return compose(text, places, convention)


def record_label(dataset: Dataset, record: Site | Route, convention: str) -> str:
    """The map label of a site or route: its own names in ``convention`` where it has
    them, else its name with the places it names written in ``convention``."""
    if record.names:
        return label(record.names, convention)
    return composed(dataset, record.name, record.name_places, convention)


def _place_names(dataset: Dataset, place_id: str | None) -> Names | None:
    place = dataset.places.get(place_id) if place_id else None
    return place.names if place else None


def _boundary_features(
    layer_id: str, source: BoundarySource, dataset: Dataset, convention: str
) -> Iterator[Feature]:
    for index, row in enumerate(boundary_records(dataset.boundaries, source.layer)):
        english = row.name
        place_id = f"{source.names_prefix}{english.lower()}" if source.names_prefix else None
        named = dataset.boundary_names.get((source.layer, english))  # issue 22
        names = named.names if named else _place_names(dataset, place_id) or Names(en=english)
        shown = language_label(names, convention) if named else label(names, convention)
        others = [form for form in names.all() if form != shown]
        also = [("Also known as", ", ".join(others))] if named and others else []
        details = [("Layer", layer_id.replace("-", " ")), *also]
        if not named:
            details += name_details(names, convention)
        source_ids: tuple[str, ...] = (settings.NATURAL_EARTH_SOURCE_ID,)
        if named:  # where the names come from
            source_ids += tuple(s for s in named.provenance.sources if s not in source_ids)
        if row.area_km2 is not None:
            details.append(("Area", f"{row.area_km2:,.0f} km²"))
        yield Feature(
            id=f"{layer_id}-{index}",
            layer=layer_id,
            style_key=source.style_key,
            status="confirmed",
            label=shown,
            details=tuple(details),
            source_ids=source_ids,
            citations=citations_of(dataset, source_ids),
            names=names,
            geometry=row.geometry,
        )


def place_feature_id(place_id: str) -> str:
    """The feature id of a gazetteer place on the map.

    >>> place_feature_id("shusha")
    'place-shusha'
    """
    return f"place-{place_id}"


def _place_features(
    layer_id: str, source: PlaceSource, dataset: Dataset, convention: str
) -> Iterator[Feature]:
    for place in dataset.places.values():
        if place.kind in BOUNDARY_PLACE_KINDS or place.ground != source.ground:
            continue
        minor = "village-ground" if place.ground else "place-minor"
        yield Feature(
            id=place_feature_id(place.id),
            layer=layer_id,
            style_key="place" if place.kind in MAJOR_PLACE_KINDS else minor,
            status=place.provenance.status,
            label=label(place.names, convention),
            details=(
                ("Kind", place.kind),
                *name_details(place.names, convention),
                *provenance_details(place.provenance.status, place.provenance.note),
            ),
            source_ids=place.provenance.sources,
            citations=citations_of(dataset, place.provenance.sources),
            names=place.names,
            geometry=Point(place.lon, place.lat),
        )


def _control_features(
    layer_id: str, dataset: Dataset, situation: Situation, convention: str
) -> Iterator[Feature]:
    """Each period's feature made once per dataset and naming, kept by id while the day's
    record is the same object (an area cut by another is a new record)."""
    made: dict[str, tuple[ControlPeriod, Feature]]
    made = event_index(dataset).once(("period-features", layer_id, convention), dict)
    for period in situation.control:
        held = made.get(period.id)
        if held is None or held[0] is not period:
            feature = _control_feature(layer_id, dataset, period, convention)
            held = made[period.id] = (period, feature)
        yield held[1]


def _control_feature(
    layer_id: str, dataset: Dataset, period: ControlPeriod, convention: str
) -> Feature:
    provenance = period.provenance
    names = _place_names(dataset, period.place)
    return Feature(
        id=period.id,
        layer=layer_id,
        style_key=f"control-{period.holder}",
        status=provenance.status,
        label=period.area_name,
        details=(
            ("Held by", _HOLDERS[period.holder]),
            ("Period", period.span.describe()),
            *name_details(names, convention),
            *provenance_details(provenance.status, provenance.note),
        ),
        source_ids=provenance.sources,
        citations=citations_of(dataset, provenance.sources),
        names=names,
        geometry=period.geometry,
    )


def _site_features(
    layer_id: str, source: SiteSource, dataset: Dataset, situation: Situation, convention: str
) -> Iterator[Feature]:
    for site in situation.sites:
        if site.kind not in source.kinds:
            continue
        provenance = site.provenance
        yield Feature(
            id=site.id,
            layer=layer_id,
            style_key=site.kind,
            status=provenance.status,
            label=record_label(dataset, site, convention),
            details=(
                ("Kind", site.kind.replace("-", " ")),
                ("Operator", site.operator),
                ("Period", site.span.describe()),
                *_strength_details(dataset, site),
                *name_details(site.names, convention),
                *provenance_details(provenance.status, provenance.note),
            ),
            source_ids=provenance.sources,
            citations=citations_of(dataset, provenance.sources),
            names=site.names,
            geometry=site.geometry,
        )


def _strength_details(dataset: Dataset, site: Site) -> list[tuple[str, str]]:
    """``("Strength", "1,960 Russian peacekeepers (Publisher)")`` where the site records one."""
    if site.strength is None:
        return []
    cited = (dataset.source(s).publisher for s in site.strength.sources)
    publishers = "; ".join(dict.fromkeys(cited))
    return [("Strength", f"{site.strength.text} ({publishers})")]


def _event_features(
    layer_id: str, dataset: Dataset, situation: Situation, convention: str
) -> Iterator[Feature]:
    """The features of the situation's events, each made once per dataset and naming
    convention (:mod:`layers.event_index`) and reused by every later date."""
    index = event_index(dataset)
    made = index.per_event(
        ("feature", layer_id, convention),
        lambda event: _event_feature(layer_id, dataset, event, convention),
    )
    for event in situation.events:
        position = index.positions.get(event.id)
        if position is not None and index.events[position] is event:
            yield made[position]
        else:  # an event that is not the dataset's own record: made afresh
            yield _event_feature(layer_id, dataset, event, convention)


def event_style_key(event: Event) -> str:
    """Palette key of an event: article or context event, a point or an area (a line or
    an area is drawn as a dotted outline: ``event-area``, ``event-context-area``)."""
    key = "event" if event.in_article else "event-context"
    return key if event.geometry.geom_type in ("Point", "MultiPoint") else f"{key}-area"


def _event_feature(layer_id: str, dataset: Dataset, event: Event, convention: str) -> Feature:
    provenance = event.provenance
    details = [("Date", event.describe())]
    if event.quote:
        details.append(("Quote", f"“{event.quote}”"))
    details += provenance_details(provenance.status, provenance.note)
    return Feature(
        id=event.id,
        layer=layer_id,
        style_key=event_style_key(event),
        status=provenance.status,
        label=composed(dataset, event.title, event.title_places, convention),
        details=tuple(details),
        source_ids=provenance.sources,
        citations=citations_of(dataset, provenance.sources),
        names=None,
        geometry=event.geometry,
    )


#: Side of the grid squares in which :func:`earlier_event_counts` counts events, degrees.
EVENT_CELL_DEG = 0.25
#: Style of such a count on the map (a legend entry of the events layer).
EARLIER_EVENTS_STYLE = "event-earlier"
#: Statuses from most to least certain: a count takes its least certain event's.
_CERTAINTY = ("confirmed", "reported", "approximate", "proposed")


def earlier_event_counts(rows: list[Feature], cell_deg: float = EVENT_CELL_DEG) -> list[Feature]:
    """Event features (of one layer) counted per grid square of ``cell_deg`` degrees: one
    point feature per square holding any, at the square's centre, saying how many events
    it holds, between which dates, and citing their sources.

    ``rows`` come in date order (as :func:`features` gives them). For a map with more
    events than it can draw one by one: it draws the latest ones and these counts for the
    earlier ones (:func:`latest_events`). A count's status is the least certain of its
    events'.
    """
    centres = shapely.centroid(np.array([row.geometry for row in rows], dtype=object))
    columns = np.floor(shapely.get_x(centres) / cell_deg)
    lines = np.floor(shapely.get_y(centres) / cell_deg)
    cells: dict[tuple[int, int], list[Feature]] = {}
    for column, line, row in zip(columns.tolist(), lines.tolist(), rows, strict=True):
        if math.isfinite(column) and math.isfinite(line):  # not an empty geometry
            cells.setdefault((int(column), int(line)), []).append(row)
    counts = []
    for (column, line), held in sorted(cells.items()):
        statuses = {row.status for row in held}
        status = max(statuses, key=lambda s: _CERTAINTY.index(s) if s in _CERTAINTY else 9)
        sources = tuple(dict.fromkeys(chain.from_iterable(r.source_ids for r in held)))
        cited = tuple(dict.fromkeys(chain.from_iterable(r.citations for r in held)))
        point = Point((column + 0.5) * cell_deg, (line + 0.5) * cell_deg)
        square = f"{column}-{line}"
        counts.append(earlier_count(held, square, status, cell_deg, sources, cited, point))
    return counts


def earlier_count(held: Sequence[Feature], square: str, status: str, cell_deg: float,
                  sources: tuple[str, ...], cited: tuple[str, ...], point: Point) -> Feature:
    """The count of the earlier events ``held`` (date order) in grid square ``square`` at
    ``point``: the one writer of a count (also :class:`layers.event_counts.EarlierCounts`)."""
    events = f"{len(held):,} earlier event{'s' if len(held) != 1 else ''}"
    first, last = (dict(held[i].details).get("Date", "") for i in (0, -1))
    details = (
        ("Events", f"{events} here, not drawn one by one (all are in the timeline)"),
        ("Dates", first if first == last else f"{first} to {last}"),
        ("Latest", held[-1].label),
        ("Area", f"the {cell_deg:g}° square around this point"),
        *provenance_details(status, None),
    )
    return Feature(id=f"{held[0].layer}-earlier-{square}", layer=held[0].layer, names=None,
                   style_key=EARLIER_EVENTS_STYLE, status=status, label=f"{events} in this area",
                   details=details, source_ids=sources, citations=cited, geometry=point)


def user_features(layer_id: str, source: UserSource, day: dt.date) -> list[Feature]:
    """The features of a user's layer shown on ``day`` (undated ones always).

    Status ``reported``: the analyst's own data, not checked against the sources; the
    citation names the file and row.
    """
    user_layer = source.user_layer
    citation = f"Your file '{user_layer.title}' ({user_layer.file_format}; not checked here)"
    rows = []
    for feature in user_layer.in_force(day):
        details: list[tuple[str, str]] = [("Layer", user_layer.title)]
        if feature.date is not None:
            details.append(("Date", feature.describe_date()))
        details += [*feature.details, ("Source", f"your file, row {feature.row}")]
        rows.append(
            Feature(
                id=f"{layer_id}-{feature.row}",
                layer=layer_id,
                style_key=source.style_key,
                status="reported",
                label=user_layer.label_of(feature) or feature.name,
                details=tuple(details),
                source_ids=(),
                citations=(citation,),
                names=None,
                geometry=feature.geometry,
            )
        )
    return rows
