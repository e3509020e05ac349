"""One style definition for the web map (Folium/Leaflet) and the static export (matplotlib).

A :class:`Style` is written once; :func:`leaflet_style` and :func:`matplotlib_style` turn
it into each renderer's vocabulary. Approximate and proposed features get a dashed
outline and a light hatch (see :func:`for_status`) so their uncertainty is visible in
both; :func:`hatch_spec` describes that hatch for an SVG pattern on the web map.

The palette survives greyscale printing and the common colour-vision deficiencies: the
two holders of territory differ in lightness by at least :data:`HOLDER_LIGHTNESS_MARGIN`
(CIE L*, each fill composited over the land colour) and their hatches lean opposite ways
(``/`` and ``\\``); ``tests/layers/test_palette.py`` checks it by simulation (greyscale,
deuteranopia, protanopia).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

#: Statuses drawn as uncertain (dashed outline, hatched fill).
UNCERTAIN_STATUSES = ("approximate", "proposed")

#: Least difference in CIE L* between the fills of the two holders of territory (each
#: composited over the land colour), so that greyscale prints still tell them apart.
HOLDER_LIGHTNESS_MARGIN = 25.0
#: Least CIE76 colour difference between the two holder fills as seen with deuteranopia
#: or protanopia (Machado et al. 2009, severity 1).
HOLDER_CVD_MARGIN = 30.0
#: Least difference in CIE L* between an overlay drawn over a holder's ground (the
#: peacekeeping zone, HQ and corridor, the proposed deployment: :data:`OVERLAY_KEYS`) and
#: that ground, taking the overlay's ink that stands out most (its line or its casing):
#: the overlay must read in greyscale over the dark and the light holder alike (issue 22).
#: A dark line on a white casing keeps at least 39 over any ground.
OVERLAY_LIGHTNESS_MARGIN = 35.0
#: The styles drawn over the holders' ground that :data:`OVERLAY_LIGHTNESS_MARGIN` holds for.
OVERLAY_KEYS = ("peacekeeping-zone", "peacekeeping-hq", "corridor", "proposed-deployment")
#: Least difference in CIE L* between the fills of article and context events (so they
#: differ in greyscale too).
EVENT_LIGHTNESS_MARGIN = 20.0


@dataclass(frozen=True)
class Style:
    """Renderer-neutral look of a feature. Widths are in screen pixels (1 px = 0.75 pt)."""

    color: str
    weight: float = 1.5
    opacity: float = 1.0
    fill: str | None = None
    fill_opacity: float = 0.0
    dash: tuple[float, ...] | None = None
    hatch: str | None = None
    marker: str | None = None  # 'circle', 'square', 'star', 'triangle', 'diamond'
    radius: float = 6.0
    #: The hatch of an uncertain feature (a matplotlib hatch of one character: light;
    #: empty: never hatched). Hatching means uncertainty and nothing else.
    uncertain_hatch: str = "/"
    #: A point symbol drawn as an outline only, so the ground under it (who held it)
    #: stays readable (issue 22).
    hollow: bool = False
    #: A light halo drawn under the outline, line or symbol edge (an overlay keeps its
    #: contrast over the dark and the light holder alike, in colour and in greyscale).
    casing: str | None = None


def for_status(style: Style, status: str) -> Style:
    """The style for a feature of ``status``: uncertain ones are dashed and hatched.

    The fill keeps its colour and opacity (the lightness contrast between fills must
    survive); the hatch is the style's own ``uncertain_hatch``.
    """
    if status not in UNCERTAIN_STATUSES:
        return style
    return replace(style, dash=style.dash or (6.0, 4.0), hatch=style.hatch or style.uncertain_hatch)


#: Line angle in degrees (counter-clockwise from east) of each matplotlib hatch character.
HATCH_ANGLES: dict[str, tuple[float, ...]] = {
    "/": (45.0,),
    "\\": (135.0,),
    "x": (45.0, 135.0),
    "-": (0.0,),
    "|": (90.0,),
    "+": (0.0, 90.0),
}
#: Distance between hatch lines in screen pixels (matplotlib's density-1 hatch at 96 dpi).
HATCH_SPACING_PX = 8.0
#: Width of hatch lines in points, on paper and (as pixels / 0.75) on screen.
HATCH_WIDTH_PT = 0.6


@dataclass(frozen=True)
class HatchSpec:
    """A hatch for renderers without matplotlib's (an SVG ``<pattern>`` on the web map):
    line ``angles`` in degrees counter-clockwise from east, ``spacing_px`` between lines,
    line ``colour`` and ``width_px``."""

    angles: tuple[float, ...]
    spacing_px: float
    colour: str
    width_px: float


def hatch_spec(style: Style) -> HatchSpec | None:
    """The hatch of ``style`` (after :func:`for_status`) for an SVG pattern, or ``None``.

    >>> hatch_spec(style("control-azerbaijani", "approximate")).angles
    (135.0,)
    """
    if not style.hatch:
        return None
    angles = tuple(a for char in dict.fromkeys(style.hatch) for a in HATCH_ANGLES.get(char, ()))
    width = HATCH_WIDTH_PT / 0.75
    return HatchSpec(angles or (45.0,), HATCH_SPACING_PX, style.color, width)


def leaflet_style(style: Style) -> dict[str, Any]:
    """Leaflet path options (as Folium's ``style_function`` returns them)."""
    options: dict[str, Any] = {
        "color": style.color,
        "weight": style.weight,
        "opacity": style.opacity,
        "fillColor": style.fill or style.color,
        "fillOpacity": style.fill_opacity if style.fill else 0.0,
    }
    if style.dash:
        options["dashArray"] = " ".join(f"{v:g}" for v in style.dash)
    return options


_MARKERS = {"circle": "o", "square": "s", "star": "*", "triangle": "^", "diamond": "D"}


def matplotlib_style(style: Style, geom_type: str) -> dict[str, Any]:
    """Keyword arguments for GeoPandas/matplotlib plotting of ``geom_type`` geometries."""
    width_pt = style.weight * 0.75
    dashes: Any = "solid" if not style.dash else (0, tuple(v * 0.75 for v in style.dash))
    if geom_type in ("Point", "MultiPoint"):
        return {
            "marker": _MARKERS.get(style.marker or "circle", "o"),
            "color": "none" if style.hollow else style.fill or style.color,
            "edgecolor": style.color,
            "linewidth": width_pt,
            "markersize": (style.radius * 1.5) ** 2,
            "alpha": style.opacity,
        }
    if geom_type in ("LineString", "MultiLineString"):
        return {
            "color": style.color,
            "linewidth": width_pt,
            "linestyle": dashes,
            "alpha": style.opacity,
        }
    return {
        "facecolor": _rgba(style.fill, style.fill_opacity) if style.fill else "none",
        "edgecolor": _rgba(style.color, style.opacity),
        "linewidth": width_pt,
        "linestyle": dashes,
        "hatch": style.hatch,
        "hatch_linewidth": HATCH_WIDTH_PT,
    }


def composite(style: Style, under: str) -> str:
    """The colour of ``style``'s fill as drawn over ``under`` (``#rrggbb``), opaque.

    >>> composite(Style(color="#000000", fill="#ffffff", fill_opacity=0.5), "#000000")
    '#808080'
    """
    if not style.fill:
        return under
    top, bottom = _rgba(style.fill, 1.0), _rgba(under, 1.0)
    alpha = style.fill_opacity
    mixed = [alpha * a + (1 - alpha) * b for a, b in zip(top, bottom, strict=True)]
    return "#" + "".join(f"{round(v * 255):02x}" for v in mixed[:3])


def _rgba(hex_colour: str, alpha: float) -> tuple[float, float, float, float]:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, alpha)


# --- The palette: every style the map uses, by key. ------------------------------------

STYLES: dict[str, Style] = {
    "country": Style(color="#6b6b6b", weight=1.2, fill="#f2efe9", fill_opacity=0.0),
    "nakhchivan": Style(color="#3b6ea8", weight=1.6, fill="#3b6ea8", fill_opacity=0.06),
    "province": Style(color="#8c6d46", weight=1.0, dash=(2.0, 3.0)),
    "nkao": Style(color="#222222", weight=2.2),
    "district": Style(color="#555555", weight=1.0, dash=(4.0, 3.0)),
    "ceasefire-line": Style(color="#b3261e", weight=2.5, dash=(8.0, 4.0)),
    # The holders: dark warm vs light cool fill (L* 57 vs 87 over land) and opposite hatches.
    "control-armenian": Style(color="#7a3510", weight=0.8, fill="#a0491a", fill_opacity=0.7),
    "control-azerbaijani": Style(
        color="#1f6f80", weight=0.8, fill="#8fd0e0", fill_opacity=0.55, uncertain_hatch="\\"
    ),
    # Sites are hollow symbols on a white casing (issue 22): the ground under them, who
    # held it, stays readable; overlays keep a dark line on a white casing, so they stand
    # out over the dark and the light holder alike (tests/layers/test_palette.py).
    "base": Style(
        color="#8b0a1e", fill="#c8102e", marker="square", radius=7.0, weight=2.6,
        hollow=True, casing="#ffffff",
    ),
    "air-base": Style(
        color="#8b0a1e", fill="#c8102e", marker="triangle", radius=7.0, weight=2.6,
        hollow=True, casing="#ffffff",
    ),
    "proposed-deployment": Style(
        color="#a50d25",
        weight=2.0,
        fill="#c8102e",
        fill_opacity=0.25,
        dash=(6.0, 4.0),
        uncertain_hatch="x",
        casing="#ffffff",
    ),
    "peacekeeping-hq": Style(
        color="#3f2373", fill="#7b5ea7", marker="diamond", radius=7.0, weight=2.6,
        hollow=True, casing="#ffffff",
    ),
    "peacekeeping-zone": Style(
        color="#3f2373", weight=2.0, fill="#7b5ea7", fill_opacity=0.12, casing="#ffffff"
    ),
    "corridor": Style(
        color="#3f2373", weight=1.8, fill="#7b5ea7", fill_opacity=0.25, casing="#ffffff"
    ),
    "monitoring-centre": Style(
        color="#1b5e20", fill="#43a047", marker="star", radius=9.0, weight=2.2,
        hollow=True, casing="#ffffff",
    ),
    "exercise": Style(
        color="#0d47a1", fill="#1e88e5", marker="circle", radius=8.0, weight=2.4,
        hollow=True, casing="#ffffff",
    ),
    # After the article (issue 23). Told apart from the older sites by shape and lightness
    # in greyscale: a light star on dark edge (EU), hollow square and triangle (posts,
    # checkpoints) against the filled ones (bases), a thick line (routes).
    "eu-mission-base": Style(color="#003399", fill="#ffcc00", marker="star", radius=9.0),
    "eu-mission-area": Style(
        color="#003399", weight=1.5, fill="#6f8fd1", fill_opacity=0.15, uncertain_hatch="-"
    ),
    "border-post": Style(color="#1b5e20", fill="#ffffff", marker="square", radius=5.5, weight=2.2),
    "checkpoint": Style(color="#111111", fill="#ffffff", marker="triangle", radius=6.5, weight=2.2),
    "transit-route": Style(color="#e65100", weight=3.5),
    # Events: article events amber, context events white, apart in greyscale (L* 72 and
    # 100); on paper small numbered markers keyed to the timeline. The area or route of
    # an event is a dotted outline, never hatched (hatching means uncertainty only).
    "event": Style(color="#111111", fill="#e8a200", marker="circle", radius=6.0),
    "event-context": Style(color="#555555", fill="#ffffff", marker="circle", radius=5.0),
    "event-area": Style(color="#5c4300", weight=1.0, dash=(1.0, 2.5), uncertain_hatch=""),
    "event-context-area": Style(color="#707070", weight=0.9, dash=(1.0, 2.5), uncertain_hatch=""),
    # Earlier events counted per area where a map has too many to draw one by one.
    "event-earlier": Style(color="#555555", fill="#bdbdbd", marker="circle", radius=7.0),
    # Towns are rings: the holder's colour shows inside them (Shusha on 10 November 2020).
    "place": Style(
        color="#1a1a1a", fill="#333333", marker="circle", radius=2.8, weight=1.4, hollow=True
    ),
    "place-minor": Style(
        color="#3a3a3a", fill="#555555", marker="circle", radius=2.1, weight=1.0, hollow=True
    ),
    # Areas whose holder differs between two dates (layers.change_layer), one look per
    # direction; each differs from the others in lightness and hatch so the directions
    # still read apart in greyscale: dark with back-slashes, mid-tone with slashes,
    # light grey with dots (from no holder) or crosses (to no holder).
    "change-armenian-azerbaijani": Style(
        color="#0b3c49", weight=2.0, fill="#0b3c49", fill_opacity=0.35, hatch="\\\\\\"
    ),
    "change-azerbaijani-armenian": Style(
        color="#d9822b", weight=2.0, fill="#f0a04b", fill_opacity=0.35, hatch="///"
    ),
    "change-from-unmapped": Style(
        color="#6b6b6b", weight=1.6, fill="#9e9e9e", fill_opacity=0.25, hatch="..."
    ),
    "change-to-unmapped": Style(
        color="#6b6b6b", weight=1.6, fill="#9e9e9e", fill_opacity=0.25, hatch="xx"
    ),
    # Issue 21 (line): the band where the line of contact drawn from the communities is
    # uncertain (hatched: uncertainty), and the villages in the holders' colours.
    "approximate-line": Style(
        color="#3a3a3a", weight=0.8, dash=(3.0, 3.0), fill="#5a5a5a", fill_opacity=0.2, hatch="xx"
    ),
    # Villages: darker than the areas' fills (so a dot shows on either side's ground and in
    # greyscale, L* 31 and 55), with a white ring.
    "village-armenian": Style(color="#ffffff", fill="#7a3510", marker="circle", radius=3.4),
    "village-azerbaijani": Style(color="#ffffff", fill="#2a8fa6", marker="circle", radius=3.4),
    "village-unknown": Style(color="#555555", fill="#ffffff", marker="circle", radius=3.0),
    # The ground (issue 21): water in light blues (lighter than the state borders in grey),
    # roads near-black (dashed, as schematic lines are), the railway dotted, a railway out
    # of use a lighter dotted line.
    "lake": Style(color="#5b9bd5", weight=0.5, fill="#c6dcef", fill_opacity=1.0),
    "river": Style(color="#4a8bc9", weight=1.3),
    "river-minor": Style(color="#7fb1e0", weight=0.8),
    "road": Style(color="#2a1f17", weight=2.0),
    "railway": Style(color="#3c3c3c", weight=2.6, dash=(1.5, 2.2)),
    "former-railway": Style(color="#8c8c8c", weight=2.2, dash=(1.5, 2.2)),
    # Villages of the ground (no contested side, e.g. around Gyumri): small dark grey dots,
    # apart from the hollow minor places and the villages with a side.
    "village-ground": Style(color="#ffffff", fill="#4d4d4d", marker="circle", radius=2.6),
}

#: Colours of the user's own layers (layers.user_layer), one per uploaded file in turn;
#: distinct from every curated colour above.
USER_COLOURS: tuple[str, ...] = ("#e6007e", "#00897b", "#6d4c41", "#7cb342", "#5e35b1", "#f4511e")
for _index, _colour in enumerate(USER_COLOURS):
    STYLES[f"user-{_index}"] = Style(
        color=_colour, weight=2.0, fill=_colour, fill_opacity=0.25, marker="circle", radius=6.0
    )


@dataclass(frozen=True, kw_only=True)
class LabelStyle:
    """Look of a feature label on the paper map.

    ``placement``: ``centre`` (on the feature) or ``beside`` (a point: four positions are
    tried in turn). ``colour``: ``None`` takes the feature's palette colour. ``wrap``:
    characters a line (``None``: one line). Sizes in points.
    """

    placement: str
    fontsize: float
    colour: str | None
    weight: str = "normal"
    style: str = "normal"
    upper: bool = False
    wrap: int | None = None


#: Label looks by key (the ``look`` of a catalogue :class:`layers.catalog.Label`).
LABEL_STYLES: dict[str, LabelStyle] = {
    "country": LabelStyle(
        placement="centre", fontsize=8.5, colour="#9a9a9a", weight="bold", upper=True
    ),
    "area": LabelStyle(placement="centre", fontsize=5.8, colour="#4a4a4a", style="italic", wrap=26),
    # A region the story turns on (Nagorno-Karabakh, Syunik): larger than a district.
    "region": LabelStyle(
        placement="centre", fontsize=7.4, colour="#2b2b2b", weight="bold", style="italic", wrap=22
    ),
    "place": LabelStyle(placement="beside", fontsize=6.5, colour="#222222", wrap=30),
    "site": LabelStyle(placement="beside", fontsize=6.0, colour=None, weight="bold", wrap=30),
    # Issue 21 (line): names of villages, smaller than towns'.
    "village": LabelStyle(placement="beside", fontsize=5.2, colour="#333333", wrap=24),
    # the ground (issue 21)
    "water": LabelStyle(placement="beside", fontsize=6.0, colour="#2f6ea8", style="italic"),
    "water-area": LabelStyle(
        placement="centre", fontsize=6.0, colour="#2f6ea8", style="italic", wrap=14
    ),
    "route": LabelStyle(
        placement="beside", fontsize=5.6, colour="#2a1f17", style="italic", wrap=26
    ),
}


def change_style_key(from_holder: str, to_holder: str) -> str:
    """Palette key of an area that passed from ``from_holder`` to ``to_holder``.

    Holders are keys of ``geo.settings.HOLDERS`` or ``geo.change.UNMAPPED``
    (``'unmapped'``): from no holder is ``change-from-unmapped``, to no holder
    ``change-to-unmapped``, otherwise ``change-<from>-<to>``.
    """
    if from_holder == "unmapped":
        return "change-from-unmapped"
    if to_holder == "unmapped":
        return "change-to-unmapped"
    return f"change-{from_holder}-{to_holder}"


@functools.cache
def style(key: str, status: str = "confirmed") -> Style:
    """The palette style ``key`` adjusted for ``status`` (made once per key and status:
    :data:`STYLES` is complete at import and a :class:`Style` is immutable)."""
    return for_status(STYLES[key], status)
