"""The parts a catalogue entry (:class:`layers.catalog.LayerSpec`) is made of: where a
layer's features come from (:class:`BoundarySource`, :class:`SiteSource`, ...), how they
are labelled (:class:`Label`), a legend line (:class:`LegendEntry`) and the days a layer
is drawn (:class:`Validity`). Re-exported by :mod:`layers.catalog`, where the entries are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from geo.user_layers import UserLayer
from layers.catalog_ground import GroundSource, RouteSource


@dataclass(frozen=True, kw_only=True)
class LegendEntry:
    """One legend line: a label drawn with palette style ``style_key`` as ``shape``."""

    label: str
    style_key: str
    shape: str  # 'polygon', 'line' or 'point'


# --- Where a layer's features come from ------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BoundarySource:
    """Every feature of ``layer`` of ``data/boundaries.gpkg``, drawn with ``style_key``.

    ``names_prefix`` + the lower-cased English name is the gazetteer id giving a
    feature's alternative names (e.g. ``district-`` + ``lachin``: Lachin / Berdzor).
    """

    dated: ClassVar[bool] = False
    layer: str
    style_key: str
    names_prefix: str | None = None


@dataclass(frozen=True, kw_only=True)
class PlaceSource:
    """The gazetteer's places (``places.yaml``) except districts."""

    dated: ClassVar[bool] = False


@dataclass(frozen=True, kw_only=True)
class ControlSource:
    """The control periods (``control.yaml``) in force on the day."""

    dated: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class SiteSource:
    """The sites (``sites.yaml``) of ``kinds`` in force on the day."""

    dated: ClassVar[bool] = True
    kinds: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class EventSource:
    """The events (``events.yaml``) begun by the day."""

    dated: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class CommunitySource:
    """The communities (``communities.yaml``) with the side holding each on the day."""

    dated: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class UserSource:
    """The features of a user's uploaded file (:mod:`geo.user_layers`) shown by the day."""

    dated: ClassVar[bool] = True
    user_layer: UserLayer
    style_key: str


LayerSource = (
    BoundarySource
    | PlaceSource
    | ControlSource
    | SiteSource
    | EventSource
    | CommunitySource
    | UserSource
    | GroundSource
    | RouteSource
)


@dataclass(frozen=True, kw_only=True)
class Label:
    """How a layer's features are labelled.

    ``priority``: labels are placed by importance, lowest number first, whatever the
    drawing order; a later label must keep clear of earlier ones (on paper; on the web
    map, permanent labels after every zoom and pan, see :mod:`layers.web.overlay`).
    ``essential``: the label is always placed on paper (other positions, a smaller size,
    then a leader line before overlapping anything); other labels that find no free
    position are left out. ``look``: a key of :data:`layers.styles.LABEL_STYLES`.
    ``permanent_on_web``: the web map shows the label always (else on hover, as for
    every layer). ``on_slides``: a slide (large type, few labels) keeps this layer's
    labels; the legend names the rest. ``minor_styles``: palette styles of the layer's
    minor features, whose labels the web map hides when zoomed out and slides leave off.

    ``must_show``: when a feature's name is part of the story and must appear on every
    map, slide and screen that draws it (:func:`layers.story.must_show`; placed before all
    other labels, never left out, at most a short leader line from its symbol):
    ``always``; ``changed`` (a place whose holder changed near the date or between the
    compared dates, and the story's key places, :data:`geo.settings.KEY_PLACES`);
    ``in-force`` (a site in force, with its sourced strength); ``region`` (a region a
    feature of a :attr:`LayerSpec.names_regions` layer stands on or passes through).
    Empty: the label yields to those.
    """

    priority: int
    look: str
    essential: bool = False
    permanent_on_web: bool = False
    on_slides: bool = False
    minor_styles: tuple[str, ...] = ()
    must_show: str = ""


@dataclass(frozen=True, kw_only=True)
class Validity:
    """The days a layer is drawn: from ``start`` (inclusive) to ``end`` (exclusive; ``None``:
    to the end of the map's span). ``note`` says which records of the data set the dates."""

    start: dt.date
    end: dt.date | None = None
    note: str = ""

    def contains(self, day: dt.date) -> bool:
        """Whether the layer is drawn on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)
