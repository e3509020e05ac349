"""What each layer's features read from a day: a layer's identity on a day.

:func:`layers.features.features` draws a layer from the records its catalogue ``source``
names; :func:`layer_identity` names exactly those records as they are on a day, so two
days with equal identities of a layer draw the same features in it (in one naming
convention, from one dataset), whatever else differs between them. The web map prepares
and shares each dated layer under its own identity (:mod:`layers.web.situations`): a date
change prepares again only the layers whose records changed, not the villages because an
event began.

Keep this beside :func:`layers.features.features`: a record a layer's features read and
its identity leaves out would give a day another day's features (1991-92: communities
changed hands on days no control period starts or ends). The test over the data's change
days (``tests/layers/test_feature_inputs.py``) draws every dated layer on both sides of
every change day and fails for an identity that misses an input.
"""

from __future__ import annotations

from collections.abc import Hashable

from geo.dataset import Dataset
from geo.situation import Situation
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
)

#: The identity of a layer on a day it draws nothing (outside its validity).
OFF: tuple[str] = ("off",)
#: The identity of a layer with fixed records on a day it is drawn (a boundary drawn for
#: a span of days: the 1994 ceasefire line).
ON: tuple[str] = ("on",)


def layer_identity(dataset: Dataset, situation: Situation, spec: LayerSpec) -> Hashable:
    """What the features of the layer ``spec`` read on ``situation.day`` (a day of
    ``dataset``), without the day itself: the ids of the records in force that it draws,
    in order, and for the villages the period each community is held in (its index in
    ``held``; ``None`` before the first). A layer drawn from no dated record (a user's
    layer) is named by its day.

    >>> import datetime as dt
    >>> from geo.dataset import load_dataset
    >>> from geo.situation import state_at
    >>> from layers.catalog import LAYERS
    >>> data = load_dataset()
    >>> bases = next(s for s in LAYERS if getattr(s.source, "kinds", ()) == ("base", "air-base"))
    >>> layer_identity(data, state_at(data, dt.date(2021, 2, 23)), bases)
    ('site', ('russian-102nd-base', 'erebuni-air-base'))
    """
    day = situation.day
    if not spec.drawn_on(day):
        return OFF
    source = spec.source
    if isinstance(source, BoundarySource | PlaceSource | GroundSource):
        return ON
    if isinstance(source, ControlSource):  # the areas, then the approximate-line bands
        control = tuple(period.id for period in situation.control)
        return "periods", control, tuple(line.id for line in situation.lines)
    if isinstance(source, CommunitySource):
        return "held", tuple(community.held_index(day) for community in dataset.communities)
    if isinstance(source, SiteSource):
        sites = situation.sites
        return "site", tuple(site.id for site in sites if site.kind in source.kinds)
    if isinstance(source, RouteSource):
        routes = situation.routes
        return "route", tuple(route.id for route in routes if route.kind in source.kinds)
    if isinstance(source, EventSource):
        return "begun", tuple(event.id for event in situation.events)
    return "day", day  # the user's own layers: never shared between days

