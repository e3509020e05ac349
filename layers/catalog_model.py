"""What a layer is: the types of the catalogue's entries (:mod:`layers.catalog` holds the
entries themselves and re-exports these names).

:class:`LayerSpec` is one layer; its ``source`` says where its features come from
(:class:`BoundarySource`, :class:`SiteSource`, ...; the ground's in
:mod:`layers.catalog_ground`), :class:`Label` how they are named, :class:`LegendEntry` its
legend lines and :class:`Validity` the days it is real.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from geo.user_layers import UserLayer
from layers.catalog_ground import Detail, GroundSource, RouteSource


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
    """The gazetteer's places (``places.yaml``) except districts: those the story names, or
    with ``ground=True`` only the settlements recorded for the ground (``ground: true``)."""

    dated: ClassVar[bool] = False
    ground: bool = False


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


@dataclass(frozen=True, kw_only=True)
class LayerSpec:
    """One toggleable layer (see the module docstring).

    ``draw_order``: stacking rank, low first (areas, then lines, then points), on the web
    map and, within each geometry type, on paper (so sites are drawn above events, and an
    event symbol that would cover a site symbol is moved aside). ``label``: ``None`` for a
    layer whose features are never labelled on paper (hover only on the web).
    ``valid``: the days the layer is drawn (``None``: every day); a layer with a validity
    changes with the date.

    ``land``: the layer's boundaries are the land drawn under every map (the offline
    basemap, the paper maps' locator inset); its labels stand on land no one's control
    area covers on maps of change. Exactly one layer, a :class:`BoundarySource`.
    ``frames_karabakh``: the layer outlines Nagorno-Karabakh, what the comparison and the
    animation are about: maps of change place its label first, and region maps show it in
    an inset when it is small on the page (:mod:`layers.framing`).
    ``names_regions``: the regions (layers labelled with role ``region``) its features
    stand on or pass through must be named (the proposed deployment and a corridor
    through Syunik name Syunik).
    ``subject``: its features in force are what a briefing is about: the default extent
    of a paper map fits them (:func:`layers.framing.subject_bounds`).
    ``event_markers``: its features are events, drawn on paper as small numbered markers
    keyed to the timeline (stacked events at one place share one marker).
    ``detail``: the scale from which (some of) its features are drawn (:class:`Detail`;
    ``()``: at every scale), read by the web map (:meth:`min_zoom`) and paper
    (:meth:`drawn_at_span`).
    """

    id: str
    title: str
    group: str
    description: str
    source: LayerSource
    draw_order: int
    legend: tuple[LegendEntry, ...]
    label: Label | None = None
    default_visible: bool = True
    valid: Validity | None = None
    land: bool = False
    frames_karabakh: bool = False
    names_regions: bool = False
    subject: bool = False
    event_markers: bool = False
    detail: tuple[Detail, ...] = ()

    def min_zoom(self, style_key: str) -> int | None:
        """The web map's zoom from which features in ``style_key`` are drawn (``None``:
        every zoom)."""
        zooms = [d.min_zoom for d in self.detail if d.applies_to(style_key)]
        return max(zooms) if zooms else None

    def drawn_at_span(self, style_key: str, span: float) -> bool:
        """Whether a paper map spanning ``span`` degrees (:func:`span_deg`) draws features
        in ``style_key``."""
        return all(span <= d.max_span_deg for d in self.detail if d.applies_to(style_key))

    @property
    def carries_holder(self) -> bool:
        """Whether the layer's features say who held an area (control periods): maps of
        change keep the land's labels off those areas."""
        return isinstance(self.source, ControlSource)

    @property
    def dated(self) -> bool:
        """Whether the layer's features change with the date."""
        return self.source.dated or self.valid is not None

    def drawn_on(self, day: dt.date) -> bool:
        """Whether the layer has features on ``day`` (its :attr:`valid` span)."""
        return self.valid is None or self.valid.contains(day)
