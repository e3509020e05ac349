"""Features drawn from the communities (issue 21): the villages layer
(:class:`layers.catalog.CommunitySource`) and the approximate-line bands the control layer
draws with the areas (:class:`geo.model.ApproximateLine`).

Each function yields :class:`layers.features.Feature` records (EPSG:4326, plain text; see
:mod:`layers.features` for the fields). A village's style says its side on the day
(``village-armenian``, ``village-azerbaijani``, ``village-unknown``); its popup says since
when, on what claim, with the quote and the sources of that period and of its point.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from shapely.geometry import Point

from geo import settings
from geo.dataset import Dataset
from geo.model import Community, HeldPeriod, Names
from geo.naming import alternatives, label
from geo.situation import Situation
from layers.features import Feature

#: Palette key of a village by its side on the day (``None``: no period yet).
SIDE_STYLES: dict[str | None, str] = {
    "armenian": "village-armenian",
    "azerbaijani": "village-azerbaijani",
    "unknown": "village-unknown",
    None: "village-unknown",
}
#: How a side is written in popups.
SIDE_WORDS = {
    "armenian": "Armenian forces",
    "azerbaijani": "Azerbaijan",
    "unknown": "not known (the sources read do not say)",
}
#: Palette key of the approximate-line band.
LINE_STYLE = "approximate-line"
_STATUS_NOTE = {
    "approximate": "approximate: dated or placed schematically",
    "proposed": "proposed: not (yet) real",
}


def village_features(
    layer_id: str, dataset: Dataset, situation: Situation, convention: str
) -> Iterator[Feature]:
    """One point per community with its side on ``situation.day``."""
    for community in dataset.communities:
        period = community.held_on(situation.day)
        sources = _sources(community, period)
        yield Feature(
            id=f"village-{community.id}",
            layer=layer_id,
            style_key=SIDE_STYLES[period.holder if period else None],
            status=period.provenance.status if period else community.provenance.status,
            label=label(community.names, convention),
            details=tuple(_details(community, period, convention)),
            source_ids=sources,
            citations=tuple(dataset.source(s).citation() for s in sources),
            names=community.names,
            geometry=Point(community.lon, community.lat),
        )


def _sources(community: Community, period: HeldPeriod | None) -> tuple[str, ...]:
    """The period's sources, then those of the point (each once)."""
    held = period.provenance.sources if period else ()
    return tuple(dict.fromkeys((*held, *community.provenance.sources)))


def _details(
    community: Community, period: HeldPeriod | None, convention: str
) -> Iterable[tuple[str, str]]:
    if period is None:
        first = community.held[0].span.start if community.held else None
        when = f" before {first.isoformat()}" if first else ""
        yield ("Held by", f"no record{when}")
    else:
        yield ("Held by", f"{SIDE_WORDS[period.holder]}, {period.describe()}")
        if period.claim:
            yield ("Dated by", f"{period.claim} (a claim)")
        if period.quote:
            yield ("Quote", f"“{period.quote}”")
        before = _before(community, period)
        if before:
            yield ("Before", before)
        yield ("Status", _STATUS_NOTE.get(period.provenance.status, period.provenance.status))
        if period.provenance.note:
            yield ("Note", period.provenance.note)
    yield ("Soviet region", _region(community.soviet_region))
    yield from _names(community.names, convention)
    if community.provenance.note:
        yield ("Point", community.provenance.note)


def _before(community: Community, period: HeldPeriod) -> str:
    index = community.held.index(period)
    if index == 0:
        return ""
    earlier = community.held[index - 1]
    return f"{SIDE_WORDS[earlier.holder]}, {earlier.describe()}"


def _region(region: str) -> str:
    if region in settings.NKAO_REGIONS:
        return f"{region.title()} raion of the Nagorno-Karabakh Autonomous Oblast"
    return f"{region.replace('-district', '').title()} district (outside the oblast)"


def _names(names: Names, convention: str) -> Iterable[tuple[str, str]]:
    others = alternatives(names, convention)
    if others:
        yield ("Also known as", ", ".join(others))


def line_features(layer_id: str, dataset: Dataset, situation: Situation) -> Iterator[Feature]:
    """The approximate-line bands in force on the day, for the control layer."""
    for line in situation.lines:
        sources = line.provenance.sources
        yield Feature(
            id=line.id,
            layer=layer_id,
            style_key=LINE_STYLE,
            status=line.provenance.status,
            label="Approximate line of contact",
            details=(
                ("Shows", "where the line between the two sides is uncertain"),
                ("Period", line.span.describe()),
                ("Status", _STATUS_NOTE.get(line.provenance.status, line.provenance.status)),
                ("Note", line.provenance.note or ""),
            ),
            source_ids=sources,
            citations=tuple(dataset.source(s).citation() for s in sources),
            names=None,
            geometry=line.geometry,
        )
