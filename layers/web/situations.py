"""A situation's map layers prepared once and shared by every session and every day that
has it: the cross-session caches of the web maps.

The records in force (control periods, sites, events) change on only a few dozen days of
the map's span, so the features of the layers that change with the date are the same on
every day between two changes. :func:`situation_identity` names what those features
depend on (the ids of the records in force, in order, and which dated layers are drawn
that day), without the date itself; :func:`situation_layers` keeps each situation's
features and their groups as Leaflet script (:mod:`layers.web.prepared`) under it, with
the data's version, the naming convention, the layer ids and the groups' place. The
layers that never change with the date are prepared once per naming
(:func:`fixed_layers`, :func:`fixed_scripts`), the change layer of a comparison once per
pair of days (:func:`change_layer`). :func:`map_layers` puts together what the main map
draws on a day.

Every cache is bounded (:class:`SharedCache`), keyed by what its values depend on, and
read-only once made: sessions share the values and never modify them. ``version`` names
the data a dataset was loaded from (the app's folder and files' stamp): other data, other
entries. The user's own layers (:func:`layers.user_layer.showing`) belong to a session
and are never cached.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from geo.change import Change, compare
from geo.dataset import Dataset
from geo.situation import Situation, state_at
from layers.briefing.view import View
from layers.catalog import LAYERS, check_layer_ids, layer
from layers.change_layer import change_features
from layers.features import layer_features, runtime_features
from layers.web.geojson import (
    EVENT_MARKER_LIMIT,
    FeatureCollection,
    feature_collection,
    feature_collections,
)
from layers.web.prepared import PreparedGroup, PreparedScript, groups, prepare_all

V = TypeVar("V")


class SharedCache(Generic[V]):
    """At most ``size`` values by key, shared by every session (thread-safe): the least
    recently used goes first, and a value asked for by several sessions at once is made
    once. A failure (an exception) is not kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._making: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``, kept."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = make()
            except BaseException:
                with self._lock:
                    self._making.pop(key, None)
                raise
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
                self._making.pop(key, None)
        return value

    def clear(self) -> None:
        """Forget every value (tests, benchmarks)."""
        with self._lock:
            self._values.clear()


#: What the dated layers of a situation depend on: (layer ids drawn that day, control
#: period ids, site ids, event ids, route ids, approximate-line ids, and the start of the
#: period each community is held in, ``None`` before its first), each in order.
SituationIdentity = tuple[
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[dt.date | None, ...],
]


def situation_identity(
    situation: Situation, layer_ids: Iterable[str], *, dataset: Dataset
) -> SituationIdentity:
    """The identity of ``situation`` (a day of ``dataset``) for the dated layers
    ``layer_ids``: two days with equal identities have equal features in those layers
    (same records in force, same layers within their validity, every community held by
    the same period). The date is not part of it.

    Feature frames are built from the records alone (see :mod:`layers.features`): a
    control period's area after overlaps are cut depends only on the periods in force.
    The villages (their side on the day) and the approximate line's band are not implied
    by the control periods: in 1991 and 1992 communities changed hands on days no control
    period starts or ends, and two such days once shared the first day's villages.
    """
    ids = check_layer_ids(tuple(layer_ids))
    drawn = tuple(i for i in ids if layer(i).drawn_on(situation.day))
    day = situation.day
    held = tuple(
        period.span.start if (period := community.held_on(day)) is not None else None
        for community in dataset.communities
    )
    return (
        drawn,
        tuple(period.id for period in situation.control),
        tuple(site.id for site in situation.sites),
        tuple(event.id for event in situation.events),
        tuple(route.id for route in situation.routes),
        tuple(line.id for line in situation.lines),
        held,
    )


def dated_collections(
    dataset: Dataset, situation: Situation, layer_ids: Iterable[str], convention: str
) -> dict[str, FeatureCollection]:
    """Map-ready features (:func:`layers.web.geojson.feature_collections`) of the catalogue
    layers ``layer_ids`` in ``situation``, in ``convention``: the same for every day
    with the same :func:`situation_identity` (never modified by the renderers, so safe to
    share between sessions). An events layer with more than :data:`EVENT_MARKER_LIMIT`
    events draws the latest ones and counts the earlier ones per area."""
    frames = layer_features(
        dataset, situation, layer_ids, convention, event_limit=EVENT_MARKER_LIMIT
    )
    return feature_collections(frames)


#: Situations kept prepared, for all sessions (the data has a few dozen situations; an
#: entry holds the dated layers' features and script, a few hundred KiB at most).
SITUATIONS_KEPT = 128
#: Fixed layers kept (per data version and naming), and their scripts (per place too).
FIXED_KEPT = 16
FIXED_SCRIPTS_KEPT = 32
#: Change layers of a comparison kept (per data version and pair of days).
CHANGES_KEPT = 32

#: A situation's dated layers: their map-ready features and their groups as script.
SituationLayers = tuple[dict[str, FeatureCollection], dict[str, PreparedScript]]

_SITUATIONS: SharedCache[SituationLayers] = SharedCache(SITUATIONS_KEPT)
_FIXED: SharedCache[dict[str, FeatureCollection]] = SharedCache(FIXED_KEPT)
_FIXED_SCRIPTS: SharedCache[dict[str, PreparedScript]] = SharedCache(FIXED_SCRIPTS_KEPT)
_CHANGES: SharedCache[tuple[Change, FeatureCollection]] = SharedCache(CHANGES_KEPT)


def clear() -> None:
    """Forget every prepared layer (tests, benchmarks; results never depend on it)."""
    for cache in (_SITUATIONS, _FIXED, _FIXED_SCRIPTS, _CHANGES):
        cache.clear()


def situation_layers(
    version: Hashable,
    dataset: Dataset,
    situation: Situation,
    layer_ids: tuple[str, ...],
    convention: str,
    *,
    pane: str | None = None,
    offset: int = 0,
) -> SituationLayers:
    """The dated catalogue layers ``layer_ids`` of ``situation`` in ``convention``,
    prepared once and shared by every session and every day with the same situation
    (:func:`situation_identity`). ``pane`` and ``offset`` place the groups as the
    comparison map wants them (:func:`layers.web.prepared.prepare_all`)."""
    identity = situation_identity(situation, layer_ids, dataset=dataset)

    def make() -> SituationLayers:
        collections = dated_collections(dataset, situation, layer_ids, convention)
        return collections, prepare_all(collections, pane=pane, offset=offset)

    return _SITUATIONS.get((version, identity, convention, layer_ids, pane, offset), make)


def fixed_layers(
    version: Hashable, dataset: Dataset, convention: str
) -> dict[str, FeatureCollection]:
    """Map-ready features of every layer that does not change with the date, in
    ``convention`` (shared, read-only: the web map never modifies them)."""

    def make() -> dict[str, FeatureCollection]:
        fixed = [spec.id for spec in LAYERS if not spec.dated]
        return feature_collections(layer_features(dataset, None, fixed, convention))

    return _FIXED.get((version, convention), make)


def fixed_scripts(
    version: Hashable,
    dataset: Dataset,
    convention: str,
    *,
    pane: str | None = None,
    offset: int = 0,
) -> dict[str, PreparedScript]:
    """The groups of :func:`fixed_layers` as script, in ``pane`` from ``offset``."""

    def make() -> dict[str, PreparedScript]:
        return prepare_all(fixed_layers(version, dataset, convention), pane=pane, offset=offset)

    return _FIXED_SCRIPTS.get((version, convention, pane, offset), make)


def change_layer(
    version: Hashable, dataset: Dataset, before: dt.date, after: dt.date
) -> tuple[Change, FeatureCollection]:
    """What changed between the two days (:func:`geo.change.compare`), and its change
    layer as map-ready features; :class:`~geo.errors.StateError` for unusable days."""

    def make() -> tuple[Change, FeatureCollection]:
        change = compare(dataset, before, after)
        return change, feature_collection(change_features(dataset, change))

    return _CHANGES.get((version, before, after), make)


def own_layers(day: dt.date) -> dict[str, FeatureCollection]:
    """The user's own layers in force on ``day`` (:func:`layers.user_layer.showing`; the
    session's, so never cached)."""
    return feature_collections(runtime_features(day))


@dataclass(frozen=True)
class MapLayers:
    """What the main map draws on a day: the map-ready ``collections`` of the view's
    layers (and the user's own), and the ``scripts`` of those prepared beforehand."""

    collections: dict[str, FeatureCollection]
    scripts: dict[str, PreparedScript]

    def groups(self) -> dict[str, PreparedGroup]:
        """The prepared groups, for ``layers.web.groups.feature_groups(prepared=...)``."""
        return groups(self.collections, self.scripts)


def map_layers(version: Hashable, dataset: Dataset, view: View) -> MapLayers:
    """The layers of ``view`` on its day: the fixed ones and the situation's dated ones
    from the shared caches, the user's own made for this session."""
    fixed = fixed_layers(version, dataset, view.convention)
    scripts = {k: v for k, v in fixed_scripts(version, dataset, view.convention).items()
               if k in view.layers}  # fmt: skip
    dated = tuple(layer_id for layer_id in view.layers if layer_id not in fixed)
    situation = state_at(dataset, view.day)
    day_layers, day_scripts = situation_layers(version, dataset, situation, dated, view.convention)
    collections = {k: v for k, v in fixed.items() if k in view.layers} | day_layers
    collections |= own_layers(view.day)
    return MapLayers(collections, scripts | day_scripts)
