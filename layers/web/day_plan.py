"""A playback by day, prepared on the server: the range's days, each day's situation and
date stamp, and each situation's dated groups as scripts the map's frame fetches.

The frame steps through the days on its own timer (:mod:`layers.web.playback`): it
writes each day's date stamp and swaps the dated groups only where the situation
changes. So the server says once, when the playback starts, which situation every day
has (:func:`day_keys`: days between two changes share a key, the digest of
:func:`layers.web.situations.situation_identity`) and hands over each situation's dated
groups by content key (``register(script) -> key``, the store behind the app's route
``/briefing-groups/<key>.js``): the frame fetches a situation's groups a few days before
it is due and runs them on its day.

A situation's groups are the very scripts the map gets on a date change (the shared
caches of :mod:`layers.web.situations`), so the groups the frame shows when the playback
stops are those the server sends for that day: nothing is drawn again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from geo.dataset import Dataset
from geo.situation import Situation, check_day_pair, key_dates, state_at
from layers.briefing.view import View
from layers.catalog import check_layer_ids, layer
from layers.web.annotations import js_string
from layers.web.groups import date_stamp
from layers.web.legend import drawn_legend_html
from layers.web.situations import (
    SITUATIONS_KEPT,
    fixed_layers,
    own_layers,
    situation_identity,
    situation_layers,
)
from layers.web.timeline_panel import now_card

#: The longest playback (days): ten years, about 6 minutes at 10 days a second; the
#: frame is sent every day's stamp at the start.
MAX_DAYS = 3_660
#: The most situations one playback steps through: the shared caches keep
#: :data:`layers.web.situations.SITUATIONS_KEPT` identities of each dated layer (a
#: situation has at most one of each), and a playback must not push out the situations
#: it is about to show.
MAX_SITUATIONS = SITUATIONS_KEPT // 2


@dataclass(frozen=True)
class DayKey:
    """A day of a playback and its situation's key (days with equal keys draw the same
    dated layers)."""

    day: dt.date
    key: str


def change_days(dataset: Dataset, layer_ids: Iterable[str]) -> tuple[dt.date, ...]:
    """Sorted days on which the dated layers ``layer_ids`` may change: the data's key
    dates (:func:`geo.situation.key_dates`) and the first and first-after days of each
    layer's validity."""
    days = set(key_dates(dataset))
    for layer_id in check_layer_ids(tuple(layer_ids)):
        valid = layer(layer_id).valid
        if valid is not None:
            days.update(d for d in (valid.start, valid.end) if d is not None)
    return tuple(sorted(days))


def identity_key(identity: Hashable) -> str:
    """A short digest naming a situation identity (equal identities, equal keys).

    >>> identity_key(((), ("a",))) == identity_key(((), ("a",)))
    True
    """
    return hashlib.blake2b(repr(identity).encode("utf-8"), digest_size=8).hexdigest()


def segments(
    dataset: Dataset, start: dt.date, end: dt.date, layer_ids: Iterable[str]
) -> list[tuple[dt.date, Situation]]:
    """The days in ``[start, end]`` on which the situation of ``layer_ids`` may change
    (``start`` first), each with its situation; every day until the next one has the
    same. :class:`~geo.errors.StateError` for days outside the span or in the wrong order."""
    check_day_pair(start, end, dataset.span, words=("start", "end"))
    ids = tuple(layer_ids)
    firsts = [start, *(d for d in change_days(dataset, ids) if start < d <= end)]
    return [(day, state_at(dataset, day)) for day in firsts]


def day_keys(
    dataset: Dataset, start: dt.date, end: dt.date, layer_ids: Iterable[str]
) -> tuple[DayKey, ...]:
    """Every day from ``start`` to ``end`` with the key of its situation for the dated
    layers ``layer_ids`` (:func:`identity_key` of
    :func:`layers.web.situations.situation_identity`)."""
    ids = tuple(layer_ids)
    found = segments(dataset, start, end, ids)
    result: list[DayKey] = []
    for index, (first, situation) in enumerate(found):
        last = found[index + 1][0] - dt.timedelta(days=1) if index + 1 < len(found) else end
        key = identity_key(situation_identity(situation, ids, dataset=dataset))
        count = (last - first).days + 1
        result.extend(DayKey(first + dt.timedelta(days=n), key) for n in range(count))
    return tuple(result)


@dataclass(frozen=True)
class DayPlan:
    """What the map's frame is sent to play ``start`` to ``end`` day by day.

    ``days``: per day its ISO date, date stamp (plain text) and the index of its
    situation in ``situations``; each situation: its dated groups as ``(position, key)``
    (its position in the groups handed to st_folium, and the key of its script:
    :attr:`layers.web.prepared.PreparedScript.key`, the store's and the frame's),
    the index of its legend in ``legends`` (escaped HTML; a few legends serve many
    situations) and the card of the latest event begun (escaped HTML).
    ``cut``: the playback stops before the end asked for (:data:`MAX_DAYS`,
    :data:`MAX_SITUATIONS`)."""

    start: dt.date
    end: dt.date
    days: tuple[tuple[str, str, int], ...]
    situations: tuple[tuple[tuple[tuple[int, str], ...], int, str], ...]
    legends: tuple[str, ...] = ()
    cut: bool = False

    def payload(self, plan_id: str, speed: float, *, route: str, ahead: int) -> str:
        """The plan as a JavaScript string literal of JSON (every character a template or
        HTML host could read escaped: :func:`layers.web.annotations.js_string`), for the
        frame's ``JSON.parse``: the plan's id, the days a second, the route prefix of the
        groups' scripts and how many days ahead to fetch them."""
        data = {
            "id": plan_id,
            "speed": float(speed),
            "route": route,
            "ahead": int(ahead),
            "days": [list(day) for day in self.days],
            "situations": [
                {"groups": [list(g) for g in groups], "legend": legend, "now": now}
                for groups, legend, now in self.situations
            ],
            "legends": list(self.legends),
        }
        return js_string(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def day_plan(
    version: Hashable,
    dataset: Dataset,
    view: View,
    end: dt.date,
    *,
    register: Callable[[str], str],
) -> DayPlan:
    """The plan of a playback of ``view`` (its layers, naming, the user's own layers as
    on its day) from its day to ``end``, each situation's dated groups registered
    (``register(script) -> key``). Cut short where it would pass :data:`MAX_DAYS` days or
    :data:`MAX_SITUATIONS` situations."""
    start = view.day
    cut = (end - start).days + 1 > MAX_DAYS
    if cut:
        end = start + dt.timedelta(days=MAX_DAYS - 1)
    fixed = fixed_layers(version, dataset, view.convention)
    dated = tuple(i for i in view.layers if i not in fixed)
    shown_fixed = {k: v for k, v in fixed.items() if k in view.layers} | own_layers(start)
    found = segments(dataset, start, end, dated)
    index: dict[Hashable, int] = {}
    situations: list[tuple[tuple[tuple[int, str], ...], int, str]] = []
    legends: dict[str, int] = {}
    days: list[tuple[str, str, int]] = []
    for number, (first, situation) in enumerate(found):
        identity = situation_identity(situation, dated, dataset=dataset)
        if identity not in index:
            if len(index) == MAX_SITUATIONS:
                cut, end = True, first - dt.timedelta(days=1)
                break
            index[identity] = len(situations)
            collections, scripts = situation_layers(
                version, dataset, situation, dated, view.convention
            )
            # the group's own script, under the key the frame's kept groups use
            groups = tuple(sorted((s.index, register(s.body)) for s in scripts.values()))
            legend = legends.setdefault(drawn_legend_html(shown_fixed | collections), len(legends))
            situations.append((groups, legend, now_card(dataset, first, view.convention)))
        last = found[number + 1][0] - dt.timedelta(days=1) if number + 1 < len(found) else end
        for n in range((last - first).days + 1):
            day = first + dt.timedelta(days=n)
            days.append((day.isoformat(), date_stamp(day), index[identity]))
    return DayPlan(start, end, tuple(days), tuple(situations), tuple(legends), cut)
