"""A situation's map layers prepared once and shared by every session and every day that
has it: the cross-session caches of the web maps.

The records in force (control periods, sites, events) change on only a few dozen days of
the map's span, so the features of the layers that change with the date are the same on
every day between two changes, and most layers change on few of those days. Each dated
layer is prepared under its own identity (:func:`layers.feature_inputs.layer_identity`:
the records in force it draws, whether it is drawn that day), without the date itself:
:func:`situation_layers` keeps each layer's features and its group as Leaflet script
(:mod:`layers.web.prepared`) under it, with the data's version, the naming convention and
the group's place, so a day where only the events changed prepares only the events.
:func:`situation_identity` names a day's whole set (a playback's situations). A dated
layer's features are made from its own frame alone: no dated layer has area labels,
whose anchors are placed among all the frames at once
(:func:`layers.web.geojson.feature_collections`). The layers that never change with the
date are prepared once per naming (:func:`fixed_layers`, :func:`fixed_scripts`), the
change layer of a comparison once per pair of days (:func:`change_layer`).
:func:`map_layers` puts together what the main map draws on a day.

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
from layers.event_counts import every_record_rows
from layers.event_index import event_index
from layers.feature_inputs import layer_identity
from layers.features import layer_features, layer_rows, runtime_features
from layers.web.geojson import (
    EVENT_MARKER_LIMIT,
    FeatureCollection,
    feature_collection,
    feature_collections,
    record_features,
)
from layers.web.prepared import (
    POSITION,
    PreparedGroup,
    PreparedScript,
    groups,
    prepare,
    prepare_all,
)

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

    def peek(self, key: Hashable) -> V | None:
        """The value kept for ``key``, or None: nothing is made, nothing marked used (the
        date preview's plan asks which situations are prepared, :mod:`layers.web.date_preview`)."""
        with self._lock:
            return self._values.get(key)

    def clear(self) -> None:
        """Forget every value (tests, benchmarks)."""
        with self._lock:
            self._values.clear()


#: What the dated layers of a situation depend on: each layer id with its identity on the
#: day (:func:`layers.feature_inputs.layer_identity`), in the order asked for.
SituationIdentity = tuple[tuple[str, Hashable], ...]


def situation_identity(
    situation: Situation, layer_ids: Iterable[str], *, dataset: Dataset
) -> SituationIdentity:
    """The identity of ``situation`` (a day of ``dataset``) for the dated layers
    ``layer_ids``: each layer's own identity (:func:`layers.feature_inputs.layer_identity`:
    the records in force it draws, whether it is drawn that day). Two days with equal
    identities have equal features in those layers; the date is not part of it. Each
    layer is prepared and shared under its own identity (:func:`situation_layers`); this
    one names a day's whole set (a playback's situations, :mod:`layers.web.day_plan`).

    Feature frames are built from the records alone (see :mod:`layers.features`): a
    control period's area after overlaps are cut depends only on the periods in force.
    The villages (their side on the day) and the approximate line's band are not implied
    by the control periods: in 1991 and 1992 communities changed hands on days no control
    period starts or ends, and two such days once shared the first day's villages.
    """
    ids = check_layer_ids(tuple(layer_ids))
    return tuple((i, layer_identity(dataset, situation, layer(i))) for i in ids)


def dated_collections(
    dataset: Dataset, situation: Situation, layer_ids: Iterable[str], convention: str
) -> dict[str, FeatureCollection]:
    """Map-ready features (:func:`layers.web.geojson.feature_collections`) of the catalogue
    layers ``layer_ids`` in ``situation``, in ``convention``: the same for every day
    with the same :func:`situation_identity` (never modified by the renderers, so safe to
    share between sessions). An events layer with more than :data:`EVENT_MARKER_LIMIT`
    events draws the latest ones and counts the earlier ones per area."""
    ids = check_layer_ids(tuple(layer_ids))
    records = {i for i in ids if _drawn_from_records(i)}
    frames = layer_features(
        dataset, situation, [i for i in ids if i not in records], convention,
        event_limit=EVENT_MARKER_LIMIT,
    )  # fmt: skip
    collections = feature_collections(frames)
    for layer_id in records:  # no frame: the same features from the records (issue 25)
        _every_feature_made(dataset, layer_id, convention)
        rows = layer_rows(
            dataset, situation, layer(layer_id), convention, event_limit=EVENT_MARKER_LIMIT
        )
        collections[layer_id] = {"type": "FeatureCollection", "features": record_features(rows)}
    return {layer_id: collections[layer_id] for layer_id in ids}


def _every_feature_made(dataset: Dataset, layer_id: str, convention: str) -> None:
    """The GeoJSON of every event and control area the layer can draw made once per
    dataset and naming (:func:`layers.event_counts.every_record_rows`), before a day asks
    for them: at 10,000 events a day far from the last one met 500 events and hundreds
    of areas not drawn before (issue 25)."""
    index = event_index(dataset)
    index.once(
        ("geojson", layer_id, convention),
        lambda: len(record_features(every_record_rows(dataset, layer(layer_id), convention))),
    )


def _drawn_from_records(layer_id: str) -> bool:
    """Whether the layer's features are made from its records without a frame: a layer
    not labelled permanently on the web map (only those get label anchors, placed among
    all the frames at once), e.g. the events and the control areas."""
    label = layer(layer_id).label
    return label is None or not label.permanent_on_web


#: Identities kept prepared per dated layer, for all sessions (the data has a few dozen
#: situations; an entry holds one layer's features and script, a few hundred KiB at most).
SITUATIONS_KEPT = 128
#: Fixed layers kept (per data version and naming), and their scripts (per place too).
FIXED_KEPT = 16
FIXED_SCRIPTS_KEPT = 32
#: Change layers of a comparison kept (per data version and pair of days).
CHANGES_KEPT = 32

#: A situation's dated layers: their map-ready features and their groups as script.
SituationLayers = tuple[dict[str, FeatureCollection], dict[str, PreparedScript]]
#: One dated layer prepared: its map-ready features and its group as script.
LayerEntry = tuple[FeatureCollection, PreparedScript]


class LayerCaches:
    """One :class:`SharedCache` of :data:`SITUATIONS_KEPT` entries per layer id, made
    when first asked for: a layer that changes every day (the events) never pushes out
    the entries of one that rarely changes (the villages)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._caches: dict[str, SharedCache[LayerEntry]] = {}
        self._lock = threading.Lock()

    def of(self, layer_id: str) -> SharedCache[LayerEntry]:
        """The cache of ``layer_id``."""
        with self._lock:
            return self._caches.setdefault(layer_id, SharedCache(self.size))

    def clear(self) -> None:
        """Forget every value (tests, benchmarks)."""
        with self._lock:
            for cache in self._caches.values():
                cache.clear()


_LAYERS = LayerCaches(SITUATIONS_KEPT)
_FIXED: SharedCache[dict[str, FeatureCollection]] = SharedCache(FIXED_KEPT)
_FIXED_SCRIPTS: SharedCache[dict[str, PreparedScript]] = SharedCache(FIXED_SCRIPTS_KEPT)
_CHANGES: SharedCache[tuple[Change, FeatureCollection]] = SharedCache(CHANGES_KEPT)


def clear() -> None:
    """Forget every prepared layer (tests, benchmarks; results never depend on it)."""
    _LAYERS.clear()
    for cache in (_FIXED, _FIXED_SCRIPTS, _CHANGES):
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
    """The dated catalogue layers ``layer_ids`` of ``situation`` in ``convention``, each
    prepared once and shared by every session and every day with the same identity of
    that layer (:func:`layers.feature_inputs.layer_identity`): a day where only the
    events differ prepares only the events. ``pane`` and ``offset`` place the groups as
    the comparison map wants them (:func:`layers.web.prepared.prepare_all`)."""
    collections: dict[str, FeatureCollection] = {}
    scripts: dict[str, PreparedScript] = {}
    for layer_id in check_layer_ids(layer_ids):
        identity = layer_identity(dataset, situation, layer(layer_id))

        def make(layer_id: str = layer_id) -> LayerEntry:
            data = dated_collections(dataset, situation, (layer_id,), convention)[layer_id]
            return data, prepare(layer_id, data, pane=pane, at=POSITION[layer_id] + offset)

        key = _layer_key(version, identity, convention, pane, offset)
        collections[layer_id], scripts[layer_id] = _LAYERS.of(layer_id).get(key, make)
    return collections, scripts


def _layer_key(
    version: Hashable, identity: Hashable, convention: str, pane: str | None, offset: int
) -> Hashable:
    """A prepared layer's key in :data:`_LAYERS` (what :func:`situation_layers` stores
    and :func:`prepared_layer` asks for)."""
    return (version, identity, convention, pane, offset)


def prepared_layer(
    version: Hashable, identity: Hashable, layer_id: str, convention: str
) -> LayerEntry | None:
    """The main map's entry of the dated layer ``layer_id`` with ``identity`` (its part of
    :func:`situation_identity`) if :func:`situation_layers` has prepared it, else None."""
    return _LAYERS.of(layer_id).peek(_layer_key(version, identity, convention, None, 0))


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
