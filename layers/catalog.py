"""The catalogue of map layers: id, title, group, description, default visibility, legend.

Renderer-neutral: the web map, the layer panel and the static export all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.errors import StateError


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a label drawn with palette style ``style_key`` as ``shape``."""

    label: str
    style_key: str
    shape: str  # 'polygon', 'line' or 'point'


@dataclass(frozen=True)
class LayerSpec:
    """One toggleable layer. ``dated`` layers change with the date control."""

    id: str
    title: str
    group: str
    description: str
    default_visible: bool
    dated: bool
    legend: tuple[LegendEntry, ...]


GROUPS: tuple[str, ...] = ("Borders & places", "Territory & control", "Military sites", "Events")

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        "countries",
        "State borders",
        "Borders & places",
        "Armenia, Azerbaijan, Georgia, Turkey, Iran and Russia (Natural Earth 1:10m).",
        True,
        False,
        (LegendEntry("State border", "country", "line"),),
    ),
    LayerSpec(
        "nakhchivan",
        "Nakhchivan exclave",
        "Borders & places",
        "The Nakhchivan Autonomous Republic of Azerbaijan (union of its Natural Earth rayons).",
        True,
        False,
        (LegendEntry("Nakhchivan (Azerbaijan)", "nakhchivan", "polygon"),),
    ),
    LayerSpec(
        "provinces",
        "Shirak and Syunik provinces",
        "Borders & places",
        "Armenian provinces of the Gyumri base (Shirak) and of the proposed deployment (Syunik).",
        True,
        False,
        (LegendEntry("Armenian province", "province", "line"),),
    ),
    LayerSpec(
        "places",
        "Towns and cities",
        "Borders & places",
        "Gazetteer places, labelled in the chosen naming convention.",
        True,
        False,
        (
            LegendEntry("Town or city", "place", "point"),
            LegendEntry("Village, airport or border point", "place-minor", "point"),
        ),
    ),
    LayerSpec(
        "nkao",
        "Nagorno-Karabakh (1991 oblast)",
        "Territory & control",
        "Boundary of the Nagorno-Karabakh Autonomous Oblast as of 1991 (Natural Earth).",
        True,
        False,
        (LegendEntry("Nagorno-Karabakh AO, 1991", "nkao", "line"),),
    ),
    LayerSpec(
        "districts",
        "The seven surrounding districts",
        "Territory & control",
        "Aghdam, Fuzuli, Jabrayil, Zangilan, Qubadli, Lachin and Kalbajar districts.",
        True,
        False,
        (LegendEntry("Surrounding district", "district", "line"),),
    ),
    LayerSpec(
        "ceasefire-line",
        "1994 ceasefire line",
        "Territory & control",
        "Line of contact fixed by the May 1994 ceasefire; it held until the war of autumn 2020.",
        True,
        False,
        (LegendEntry("Ceasefire line, 1994", "ceasefire-line", "line"),),
    ),
    LayerSpec(
        "control",
        "Who held what on the date",
        "Territory & control",
        "Areas held by Armenian or Azerbaijani forces on the chosen date.",
        True,
        True,
        (
            LegendEntry("Held by Armenian forces", "control-armenian", "polygon"),
            LegendEntry("Held by Azerbaijan", "control-azerbaijani", "polygon"),
        ),
    ),
    LayerSpec(
        "russian-bases",
        "Russian military bases",
        "Military sites",
        "The 102nd Military Base in Gyumri and its air base at Erebuni, Yerevan.",
        True,
        True,
        (
            LegendEntry("Russian military base", "base", "point"),
            LegendEntry("Russian air base", "air-base", "point"),
        ),
    ),
    LayerSpec(
        "proposed-deployment",
        "Proposed eastern deployment",
        "Military sites",
        "Russian unit discussed for Syunik near the border with Azerbaijan (proposed, "
        "no exact place named).",
        True,
        True,
        (LegendEntry("Proposed deployment area", "proposed-deployment", "polygon"),),
    ),
    LayerSpec(
        "peacekeeping",
        "Russian peacekeepers",
        "Military sites",
        "Peacekeeping headquarters, zone and Lachin corridor under the 10 November 2020 statement.",
        True,
        True,
        (
            LegendEntry("Peacekeeping HQ", "peacekeeping-hq", "point"),
            LegendEntry("Peacekeeping zone (schematic)", "peacekeeping-zone", "polygon"),
            LegendEntry("Lachin corridor (schematic)", "corridor", "polygon"),
        ),
    ),
    LayerSpec(
        "monitoring",
        "Russian-Turkish monitoring centre",
        "Military sites",
        "Joint ceasefire monitoring centre in Aghdam district.",
        True,
        True,
        (LegendEntry("Monitoring centre", "monitoring-centre", "point"),),
    ),
    LayerSpec(
        "exercise",
        "Azerbaijani-Turkish exercise",
        "Military sites",
        "Site of the joint exercise the article mentions.",
        True,
        True,
        (LegendEntry("Joint exercise", "exercise", "point"),),
    ),
    LayerSpec(
        "events",
        "Events up to the date",
        "Events",
        "Events of the article (filled) and context events (hollow) up to the chosen date.",
        True,
        True,
        (
            LegendEntry("Event in the article", "event", "point"),
            LegendEntry("Context event", "event-context", "point"),
        ),
    ),
)

LAYER_IDS: tuple[str, ...] = tuple(layer.id for layer in LAYERS)
DEFAULT_VISIBLE: tuple[str, ...] = tuple(layer.id for layer in LAYERS if layer.default_visible)

#: Site kinds (sites.yaml) drawn by each site layer.
SITE_LAYERS: dict[str, tuple[str, ...]] = {
    "russian-bases": ("base", "air-base"),
    "proposed-deployment": ("proposed-deployment",),
    "peacekeeping": ("peacekeeping-hq", "peacekeeping-zone", "corridor"),
    "monitoring": ("monitoring-centre",),
    "exercise": ("exercise",),
}


def layer(layer_id: str) -> LayerSpec:
    """The catalogue entry ``layer_id``; :class:`StateError` if unknown."""
    for spec in LAYERS:
        if spec.id == layer_id:
            return spec
    raise StateError(f"unknown layer {layer_id!r} (known: {', '.join(LAYER_IDS)})")


def check_layer_ids(layer_ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validate layer ids, returning them in catalogue order."""
    unknown = [i for i in layer_ids if i not in LAYER_IDS]
    if unknown:
        raise StateError(f"unknown layers {unknown} (known: {', '.join(LAYER_IDS)})")
    return tuple(i for i in LAYER_IDS if i in layer_ids)
