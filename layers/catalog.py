"""The catalogue of map layers: the one description of each layer.

A :class:`LayerSpec` says everything the app, the web map and the paper map need to
know about a layer: its title and group in the layer panel, where its features come
from (:class:`BoundarySource`, :class:`SiteSource`, ...; this also says whether it
changes with the date), its stacking rank on the web map, how its features are
labelled, and its legend entries with their palette styles (:mod:`layers.styles`); and
what a renderer must know of its part in the story: the land under every map
(:attr:`LayerSpec.land`), the frame of Karabakh (:attr:`LayerSpec.frames_karabakh`),
the holder of territory (:attr:`LayerSpec.carries_holder`), labels that are essential,
kept on slides or minor (:class:`Label`). Renderers read these fields; none of them
names a layer id. Adding a layer is one entry in :data:`LAYERS` (see "Adding a layer" in
``data/SCHEMA.md``).

>>> layer("control").source.dated
True
>>> [spec.id for spec in LAYERS if spec.label and spec.label.permanent_on_web]
['countries', 'places', 'nkao', 'districts', 'villages']
>>> LAND.id, LAND_BOUNDARIES, [s.id for s in LAYERS if s.carries_holder]
('countries', 'countries', ['control'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from geo.errors import StateError

# the types of the entries (catalog_model.py) and the ground's pieces (catalog_ground.py),
# kept in their own modules for length; re-exported
from layers.catalog_ground import MAJOR_RIVER_CLASSES as MAJOR_RIVER_CLASSES
from layers.catalog_ground import Detail as Detail
from layers.catalog_ground import GroundSource as GroundSource
from layers.catalog_ground import RouteSource as RouteSource
from layers.catalog_ground import span_deg as span_deg
from layers.catalog_model import BoundarySource as BoundarySource
from layers.catalog_model import CommunitySource as CommunitySource
from layers.catalog_model import ControlSource as ControlSource
from layers.catalog_model import EventSource as EventSource
from layers.catalog_model import Label as Label
from layers.catalog_model import LayerSource as LayerSource
from layers.catalog_model import LayerSpec as LayerSpec
from layers.catalog_model import LegendEntry as LegendEntry
from layers.catalog_model import PlaceSource as PlaceSource
from layers.catalog_model import SiteSource as SiteSource
from layers.catalog_model import UserSource as UserSource

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry
from layers.catalog_model import Validity as Validity

GROUPS: tuple[str, ...] = (
    "Borders & places",
    "Territory & control",
    "Military sites",
    "Missions & borders",
    "Events",
    "Ground",  # rivers, lakes, roads and railways (issue 21)
)

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        id="countries",
        title="State borders",
        group="Borders & places",
        description="Armenia, Azerbaijan, Georgia, Turkey, Iran and Russia (Natural Earth 1:10m).",
        source=BoundarySource(layer="countries", style_key="country"),
        draw_order=50,
        label=Label(
            priority=10, look="country", essential=True, permanent_on_web=True, on_slides=True
        ),
        legend=(LegendEntry(label="State border", style_key="country", shape="line"),),
        land=True,
    ),
    LayerSpec(
        id="nakhchivan",
        title="Nakhchivan exclave",
        group="Borders & places",
        description=(
            "The Nakhchivan Autonomous Republic of Azerbaijan (union of its Natural Earth rayons)."
        ),
        source=BoundarySource(layer="nakhchivan", style_key="nakhchivan"),
        draw_order=20,
        label=None,
        legend=(
            LegendEntry(label="Nakhchivan (Azerbaijan)", style_key="nakhchivan", shape="polygon"),
        ),
    ),
    LayerSpec(
        id="provinces",
        title="Shirak and Syunik provinces",
        group="Borders & places",
        description=(
            "Armenian provinces of the Gyumri base (Shirak) and of the proposed deployment "
            "(Syunik)."
        ),
        source=BoundarySource(layer="provinces", style_key="province"),
        draw_order=60,
        label=Label(priority=35, look="region", must_show="region"),
        legend=(LegendEntry(label="Armenian province", style_key="province", shape="line"),),
    ),
    LayerSpec(
        id="places",
        title="Towns and cities",
        group="Borders & places",
        description="Gazetteer places, labelled in the chosen naming convention.",
        source=PlaceSource(),
        draw_order=140,
        label=Label(
            priority=70,
            look="place",
            permanent_on_web=True,
            on_slides=True,
            minor_styles=("place-minor",),
            must_show="changed",
        ),
        legend=(
            LegendEntry(label="Town or city", style_key="place", shape="point"),
            LegendEntry(
                label="Village, airport or border point", style_key="place-minor", shape="point"
            ),
        ),
    ),
    LayerSpec(
        id="nkao",
        title="Nagorno-Karabakh (1991 oblast)",
        group="Territory & control",
        description=(
            "Boundary of the Nagorno-Karabakh Autonomous Oblast as of 1991 (Natural Earth)."
        ),
        source=BoundarySource(layer="nkao", style_key="nkao"),
        draw_order=80,
        label=Label(
            priority=20, look="region", essential=True, permanent_on_web=True, must_show="always"
        ),
        legend=(LegendEntry(label="Nagorno-Karabakh AO, 1991", style_key="nkao", shape="line"),),
        frames_karabakh=True,
    ),
    LayerSpec(
        id="districts",
        title="The seven surrounding districts",
        group="Territory & control",
        description="Aghdam, Fuzuli, Jabrayil, Zangilan, Qubadli, Lachin and Kalbajar districts.",
        source=BoundarySource(layer="districts", style_key="district", names_prefix="district-"),
        draw_order=70,
        label=Label(priority=30, look="area", essential=True, permanent_on_web=True),
        legend=(LegendEntry(label="Surrounding district", style_key="district", shape="line"),),
    ),
    LayerSpec(
        id="ceasefire-line",
        title="1994 ceasefire line",
        group="Territory & control",
        description=(
            "Line of contact fixed by the May 1994 ceasefire; it held until the war of autumn 2020."
        ),
        source=BoundarySource(layer="ceasefire_line", style_key="ceasefire-line"),
        draw_order=90,
        label=None,
        valid=Validity(
            start=dt.date(1994, 5, 12),
            end=dt.date(2020, 11, 10),
            note=(
                "From the 1994 ceasefire (event ceasefire-1994-in-force, 12 May 1994) until "
                "the trilateral statement took effect (event article-ceasefire-signed: in "
                "force from 10 November 2020), which replaced it as the line of contact."
            ),
        ),
        legend=(
            LegendEntry(label="Ceasefire line, 1994", style_key="ceasefire-line", shape="line"),
        ),
    ),
    LayerSpec(
        id="control",
        title="Who held what on the date",
        group="Territory & control",
        description="Areas held by Armenian or Azerbaijani forces on the chosen date.",
        source=ControlSource(),
        draw_order=10,
        label=None,
        subject=True,
        legend=(
            LegendEntry(
                label="Held by Armenian forces", style_key="control-armenian", shape="polygon"
            ),
            LegendEntry(
                label="Held by Azerbaijan", style_key="control-azerbaijani", shape="polygon"
            ),
            # Issue 21 (line): the band where the line drawn from the communities is uncertain.
            LegendEntry(
                label="Line of contact: uncertain band",
                style_key="approximate-line",
                shape="polygon",
            ),
        ),
    ),
    # Issue 21 (line): the communities with their side on the date.
    LayerSpec(
        id="villages",
        title="Villages and their side",
        group="Territory & control",
        description=(
            "Villages and towns of the former oblast and the Lachin corridor with the side "
            "holding each on the date (communities.yaml); drawn when zoomed in."
        ),
        source=CommunitySource(),
        draw_order=135,
        label=Label(
            priority=75,
            look="village",
            permanent_on_web=True,
            minor_styles=("village-armenian", "village-azerbaijani", "village-unknown"),
        ),
        legend=(
            LegendEntry(
                label="Village held by Armenian forces", style_key="village-armenian", shape="point"
            ),
            LegendEntry(
                label="Village held by Azerbaijan", style_key="village-azerbaijani", shape="point"
            ),
            LegendEntry(
                label="Village, side not known that day", style_key="village-unknown", shape="point"
            ),
        ),
        # Karabakh scale: from zoom 9 on screen, on paper up to about 300 km across
        detail=(Detail(min_zoom=9, max_span_deg=2.7),),
    ),
    LayerSpec(
        id="russian-bases",
        title="Russian military bases",
        group="Military sites",
        description="The 102nd Military Base in Gyumri and its air base at Erebuni, Yerevan.",
        source=SiteSource(kinds=("base", "air-base")),
        draw_order=110,
        label=Label(priority=50, look="site", must_show="in-force"),
        subject=True,
        legend=(
            LegendEntry(label="Russian military base", style_key="base", shape="point"),
            LegendEntry(label="Russian air base", style_key="air-base", shape="point"),
        ),
    ),
    LayerSpec(
        id="proposed-deployment",
        title="Proposed eastern deployment",
        group="Military sites",
        description="Russian unit discussed for Syunik near the border with Azerbaijan (proposed, "
        "no exact place named).",
        source=SiteSource(kinds=("proposed-deployment",)),
        draw_order=30,
        label=Label(priority=48, look="site", must_show="in-force"),
        names_regions=True,
        subject=True,
        legend=(
            LegendEntry(
                label="Proposed deployment area", style_key="proposed-deployment", shape="polygon"
            ),
        ),
    ),
    LayerSpec(
        id="peacekeeping",
        title="Russian peacekeepers",
        group="Military sites",
        description=(
            "Peacekeeping headquarters, zone and Lachin corridor under the 10 November 2020 "
            "statement."
        ),
        source=SiteSource(kinds=("peacekeeping-hq", "peacekeeping-zone", "corridor")),
        draw_order=40,
        label=Label(priority=40, look="site", essential=True, must_show="in-force"),
        names_regions=True,
        subject=True,
        legend=(
            LegendEntry(label="Peacekeeping HQ", style_key="peacekeeping-hq", shape="point"),
            LegendEntry(
                label="Peacekeeping zone (schematic)",
                style_key="peacekeeping-zone",
                shape="polygon",
            ),
            LegendEntry(label="Lachin corridor (schematic)", style_key="corridor", shape="polygon"),
        ),
    ),
    LayerSpec(
        id="monitoring",
        title="Russian-Turkish monitoring centre",
        group="Military sites",
        description="Joint ceasefire monitoring centre in Aghdam district.",
        source=SiteSource(kinds=("monitoring-centre",)),
        draw_order=120,
        label=Label(priority=45, look="site", essential=True, must_show="in-force"),
        subject=True,
        legend=(
            LegendEntry(label="Monitoring centre", style_key="monitoring-centre", shape="point"),
        ),
    ),
    LayerSpec(
        id="exercise",
        title="Azerbaijani-Turkish exercise",
        group="Military sites",
        description="Site of the joint exercise the article mentions.",
        source=SiteSource(kinds=("exercise",)),
        draw_order=130,
        label=Label(priority=60, look="site", must_show="in-force"),
        subject=True,
        legend=(LegendEntry(label="Joint exercise", style_key="exercise", shape="point"),),
    ),
    # After the article (issue 23): missions, border posts, checkpoints and transit routes.
    # Empty until sites.yaml holds records of these kinds; the legend shows only what is drawn.
    LayerSpec(
        id="eu-mission",
        title="EU monitoring mission",
        group="Missions & borders",
        description="Bases and patrol area of the EU monitoring mission on Armenia's borders.",
        source=SiteSource(kinds=("eu-mission-base", "eu-mission-area")),
        draw_order=35,
        label=Label(priority=47, look="site"),
        legend=(
            LegendEntry(label="EU mission base", style_key="eu-mission-base", shape="point"),
            LegendEntry(label="EU mission area", style_key="eu-mission-area", shape="polygon"),
        ),
    ),
    LayerSpec(
        id="border-guards",
        title="Russian border guards",
        group="Missions & borders",
        description="Posts of the Russian border guards on Armenia's borders.",
        source=SiteSource(kinds=("border-post",)),
        draw_order=115,
        # No names on paper: the detachments sit on towns (Gyumri, under the 102nd base)
        # whose names matter more; the legend and the popups name them.
        label=None,
        legend=(LegendEntry(label="Border-guard post", style_key="border-post", shape="point"),),
    ),
    LayerSpec(
        id="checkpoints",
        title="Checkpoints",
        group="Missions & borders",
        description="Checkpoints on roads and borders (who holds each: its popup).",
        source=SiteSource(kinds=("checkpoint",)),
        draw_order=125,
        label=Label(priority=58, look="site"),
        legend=(LegendEntry(label="Checkpoint", style_key="checkpoint", shape="point"),),
    ),
    LayerSpec(
        id="transit-routes",
        title="Transit routes",
        group="Missions & borders",
        description="Transit routes agreed or proposed across the region (dashed: proposed).",
        source=SiteSource(kinds=("transit-route",)),
        draw_order=85,
        label=Label(priority=65, look="site"),
        legend=(LegendEntry(label="Transit route", style_key="transit-route", shape="line"),),
    ),
    LayerSpec(
        id="events",
        title="Events up to the date",
        group="Events",
        description=(
            "Events of the article (filled) and context events (hollow) up to the chosen date."
        ),
        source=EventSource(),
        draw_order=100,
        label=None,
        event_markers=True,
        legend=(
            LegendEntry(
                label="Event in the article (numbered)",
                style_key="event",
                shape="point",
            ),
            LegendEntry(
                label="Context event (numbered)",
                style_key="event-context",
                shape="point",
            ),
            LegendEntry(
                label="Area or route of an event in the article",
                style_key="event-area",
                shape="polygon",
            ),
            LegendEntry(
                label="Area or route of a context event",
                style_key="event-context-area",
                shape="polygon",
            ),
            LegendEntry(
                label="Earlier events, counted per area", style_key="event-earlier", shape="point"
            ),
        ),
    ),
    # --- Ground: rivers, lakes, roads and railways (issue 21) ---------------------------
    LayerSpec(
        id="lakes",
        title="Lakes",
        group="Ground",
        description="Lakes of GSHHG 2.3.7 (Lake Sevan named).",
        source=GroundSource(layer="lakes"),
        draw_order=8,
        label=Label(priority=75, look="water-area"),
        legend=(LegendEntry(label="Lake", style_key="lake", shape="polygon"),),
    ),
    LayerSpec(
        id="rivers",
        title="Rivers",
        group="Ground",
        description=(
            "Rivers of the CIA World Data Bank II in GSHHG 2.3.7 (the Aras named); minor "
            "rivers from zoom 9. It has no river around Lachin, Goris or Karabakh."
        ),
        source=GroundSource(layer="rivers"),
        draw_order=46,
        label=Label(priority=78, look="water"),
        legend=(
            LegendEntry(label="River", style_key="river", shape="line"),
            LegendEntry(label="Minor river", style_key="river-minor", shape="line"),
        ),
        detail=(Detail(min_zoom=9, max_span_deg=2.5, styles=("river-minor",)),),
    ),
    LayerSpec(
        id="roads",
        title="Roads the story turns on",
        group="Ground",
        description=(
            "The road through Lachin (the Lachin corridor from November 2020) and the M2 "
            "through Syunik to Kapan, Meghri and Iran; schematic lines, from zoom 8."
        ),
        source=RouteSource(kinds=("road",)),
        draw_order=55,
        label=Label(priority=65, look="route"),
        legend=(LegendEntry(label="Road (towns joined straight)", style_key="road", shape="line"),),
        detail=(Detail(min_zoom=8, max_span_deg=4.5),),
    ),
    LayerSpec(
        id="railways",
        title="Railway along the Aras",
        group="Ground",
        description=(
            "The Soviet railway Yeraskh-Julfa-Meghri-Horadiz, in service until the 1990s, "
            "then out of use; schematic, from zoom 8."
        ),
        source=RouteSource(kinds=("railway", "former-railway")),
        draw_order=54,
        label=Label(priority=68, look="route"),
        legend=(
            LegendEntry(label="Railway", style_key="railway", shape="line"),
            LegendEntry(label="Railway out of use", style_key="former-railway", shape="line"),
        ),
        detail=(Detail(min_zoom=8, max_span_deg=4.5),),
    ),
)

LAYER_IDS: tuple[str, ...] = tuple(spec.id for spec in LAYERS)
DEFAULT_VISIBLE: tuple[str, ...] = tuple(spec.id for spec in LAYERS if spec.default_visible)
#: Layer ids in web-map stacking order.
DRAW_ORDER: tuple[str, ...] = tuple(s.id for s in sorted(LAYERS, key=lambda s: s.draw_order))
#: Labelled layer ids, in label priority order (placed first, whatever the drawing order).
LABEL_ORDER: tuple[str, ...] = tuple(
    s.id
    for s in sorted((s for s in LAYERS if s.label), key=lambda s: s.label.priority)  # type: ignore[union-attr]
)


def label_order() -> tuple[str, ...]:
    """:data:`LABEL_ORDER` with the labelled runtime layers in force (the user's own,
    :func:`runtime_layers`), all in label priority order."""
    extra = [s for s in runtime_specs() if s.label is not None]
    if not extra:
        return LABEL_ORDER
    specs = [layer(i) for i in LABEL_ORDER] + extra
    return tuple(s.id for s in sorted(specs, key=lambda s: s.label.priority))  # type: ignore[union-attr]


#: The web map's zoom thresholds of :attr:`LayerSpec.detail` (CSS classes follow them).
MIN_ZOOMS: tuple[int, ...] = tuple(sorted({d.min_zoom for s in LAYERS for d in s.detail}))
#: Palette styles of minor features (:attr:`Label.minor_styles` of every layer).
MINOR_STYLES: tuple[str, ...] = tuple(
    key for s in LAYERS if s.label for key in s.label.minor_styles
)


def _land() -> tuple[LayerSpec, str]:
    """The one layer with :attr:`LayerSpec.land` and its layer of the boundaries."""
    lands = [spec for spec in LAYERS if spec.land]
    if len(lands) != 1 or not isinstance(lands[0].source, BoundarySource):
        raise StateError(f"the catalogue needs one land layer of the boundaries: {lands}")
    return lands[0], lands[0].source.layer


#: The land drawn under every map: its catalogue entry, and its layer of
#: ``data/boundaries.gpkg`` (``Dataset.boundaries`` key).
LAND, LAND_BOUNDARIES = _land()


#: Layers built at runtime (the user's own, :mod:`layers.user_layer`) in force in the
#: current context only: a context variable, so sessions of the app (threads) never see
#: each other's layers.
_RUNTIME: ContextVar[tuple[LayerSpec, ...]] = ContextVar("runtime_layers", default=())


@contextmanager
def runtime_layers(specs: tuple[LayerSpec, ...]) -> Iterator[None]:
    """Within the block, :func:`layer` and :func:`runtime_specs` also know ``specs``."""
    token = _RUNTIME.set(specs)
    try:
        yield
    finally:
        _RUNTIME.reset(token)


def runtime_specs() -> tuple[LayerSpec, ...]:
    """The runtime layers of the current context (see :func:`runtime_layers`)."""
    return _RUNTIME.get()


def find(layer_id: str) -> LayerSpec | None:
    """The catalogue entry ``layer_id`` (or a runtime layer's), or ``None`` for a layer
    derived elsewhere (such as the change layer of a comparison, which brings its own look
    and legend)."""
    return next((spec for spec in (*LAYERS, *_RUNTIME.get()) if spec.id == layer_id), None)


def shapes_where(
    frames: Mapping[str, gpd.GeoDataFrame], role: Callable[[LayerSpec], bool]
) -> list[BaseGeometry]:
    """The non-empty geometries of the frames (any CRS, as given) whose catalogue entry
    has ``role`` (e.g. ``lambda spec: spec.frames_karabakh``); layers the catalogue does
    not know are skipped."""
    return [
        geometry
        for layer_id, frame in frames.items()
        if (spec := find(layer_id)) is not None and role(spec)
        for geometry in frame.geometry
        if geometry is not None and not geometry.is_empty
    ]


def layer(layer_id: str) -> LayerSpec:
    """The catalogue entry ``layer_id`` (or a runtime layer's); :class:`StateError` if
    unknown."""
    spec = find(layer_id)
    if spec is None:
        raise StateError(f"unknown layer {layer_id!r} (known: {', '.join(LAYER_IDS)})")
    return spec


def check_layer_ids(layer_ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validate layer ids, returning them in catalogue order.

    >>> check_layer_ids(["events", "countries"])
    ('countries', 'events')
    """
    unknown = [i for i in layer_ids if i not in LAYER_IDS]
    if unknown:
        raise StateError(f"unknown layers {unknown} (known: {', '.join(LAYER_IDS)})")
    return tuple(i for i in LAYER_IDS if i in layer_ids)
