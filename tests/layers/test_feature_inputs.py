"""Each dated layer's identity on a day (layers.feature_inputs) names everything its
features read: over the committed data, on both sides of every day a record of any kind
begins or ends, two days with equal identities of a layer draw the same group script
(the text the map's frame runs), so the shared per-layer caches never give a day another
day's layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator

import pytest

from geo.dataset import Dataset
from geo.situation import Situation, key_dates, state_at
from layers.catalog import LAYERS, LayerSpec, layer
from layers.feature_inputs import OFF, layer_identity
from layers.features import Feature, features, layer_features
from layers.web.geojson import EVENT_MARKER_LIMIT, feature_collections
from layers.web.prepared import prepare

DATED = tuple(spec.id for spec in LAYERS if spec.dated)
Identity = Callable[[Dataset, Situation, LayerSpec], Hashable]


def change_days(dataset: Dataset) -> list[dt.date]:
    """Every day a record of any kind begins or ends (control periods, sites, events,
    routes: the key dates; communities changing hands; line bands; layers' validity),
    with the day before each, within the data's span."""
    firsts = set(key_dates(dataset))
    firsts |= {period.span.start for c in dataset.communities for period in c.held}
    firsts |= {d for line in dataset.lines for d in (line.span.start, line.span.end)}
    firsts |= {d for s in LAYERS if s.valid for d in (s.valid.start, s.valid.end)}
    days = {d + dt.timedelta(days=n) for d in firsts if d is not None for n in (-1, 0)}
    span = dataset.span
    return sorted(d for d in days if span.first <= d <= span.last)


def mismatches(dataset: Dataset, identity: Identity, layer_ids: tuple[str, ...]) -> Iterator[str]:
    """``layer_id day other`` for each pair of change days whose identities of the layer
    are equal but whose group scripts differ (a script is made once per distinct set of
    feature records: the same records make the same script)."""
    first_of: dict[tuple[str, Hashable], tuple[dt.date, str]] = {}
    made: dict[str, list[tuple[list[Feature], str]]] = {i: [] for i in layer_ids}
    for day in change_days(dataset):
        situation = state_at(dataset, day)
        for layer_id in layer_ids:
            script = _script(dataset, situation, layer_id, made[layer_id])
            seen = first_of.setdefault((layer_id, identity(dataset, situation, layer(layer_id))),
                                       (day, script))  # fmt: skip
            if seen[1] != script:
                yield f"{layer_id} {seen[0]} {day}"


def _script(
    dataset: Dataset, situation: Situation, layer_id: str, made: list[tuple[list[Feature], str]]
) -> str:
    """The layer's group script on the day, as the map's shared caches prepare it."""
    rows = features(dataset, situation, layer(layer_id), "en")
    for earlier, script in made:
        if earlier == rows:
            return script
    frames = layer_features(dataset, situation, (layer_id,), "en", event_limit=EVENT_MARKER_LIMIT)
    script = prepare(layer_id, feature_collections(frames)[layer_id]).body
    made.append((rows, script))
    return script


def test_equal_identities_of_a_layer_draw_the_same_group_script(dataset: Dataset) -> None:
    assert len(change_days(dataset)) > 100
    assert list(mismatches(dataset, layer_identity, DATED)) == []


def _without(kind: str, position: int) -> Identity:
    """``layer_identity`` with its input at ``position`` left out for the layers of
    ``kind``."""

    def identity(dataset: Dataset, situation: Situation, spec: LayerSpec) -> Hashable:
        found = layer_identity(dataset, situation, spec)
        if found == OFF or not isinstance(found, tuple) or found[0] != kind:
            return found
        return found[:position] + found[position + 1 :]

    return identity


@pytest.mark.parametrize(
    ("kind", "position", "layer_id"),
    [("periods", 1, "control"), ("held", 1, "villages"), ("site", 1, "peacekeeping"),
     ("route", 1, "roads"), ("begun", 1, "events")],
)  # fmt: skip
def test_an_identity_missing_an_input_is_caught(
    dataset: Dataset, kind: str, position: int, layer_id: str
) -> None:
    """The test above fails for an identity that leaves out what a layer reads: the
    control periods, the villages' periods, the sites, the roads or the events. (The
    control layer's line bands change on the committed data only on days its periods
    change too, so leaving them out is not seen here; they stay in its identity.)"""
    assert list(mismatches(dataset, _without(kind, position), (layer_id,)))
