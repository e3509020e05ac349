"""The map legend as HTML, and the SVG symbols shared with the web map's point markers.

Renderer-neutral inputs (catalogue entries, palette styles); output is an HTML fragment
whose text passes through :func:`layers.web.html.escape_text`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from layers.catalog import GROUPS, LAYERS, LayerSpec, LegendEntry, runtime_specs
from layers.styles import UNCERTAIN_STATUSES, Style, for_status, leaflet_style, style
from layers.web.geojson import FROM_ZOOM_CLASS
from layers.web.html import escape_text

#: Sample look for the legend line explaining uncertain (dashed, lighter) features.
_UNCERTAIN = for_status(Style(color="#555555", fill="#999999", fill_opacity=0.35), "approximate")


def _shape_points(shape: str, r: float) -> list[tuple[float, float]]:
    """Vertices of ``shape`` of radius ``r`` centred on the origin (SVG y down)."""
    if shape == "square":
        return [(-r, -r), (r, -r), (r, r), (-r, r)]
    if shape == "triangle":
        return [(0.0, -r), (r, r * 0.8), (-r, r * 0.8)]
    if shape == "diamond":
        return [(0.0, -r), (r, 0.0), (0.0, r), (-r, 0.0)]
    points = []
    for i in range(10):  # star: alternate outer and inner radius
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi * i / 5 - math.pi / 2
        points.append((radius * math.cos(angle), radius * math.sin(angle)))
    return points


def _stroke(look: Style) -> str:
    dash = f" stroke-dasharray='{' '.join(f'{v:g}' for v in look.dash)}'" if look.dash else ""
    return f"stroke='{look.color}' stroke-width='{look.weight:g}'{dash}"


def marker_svg(look: Style) -> str:
    """A standalone SVG of the point symbol of ``look`` (its ``marker`` shape and radius)."""
    size = 2 * (look.radius + look.weight)
    half = size / 2
    shape = look.marker or "circle"
    fill = f"fill='{look.fill or look.color}' fill-opacity='0.9'"
    if shape == "circle":
        body = f"<circle cx='{half:g}' cy='{half:g}' r='{look.radius:g}' {fill} {_stroke(look)}/>"
    else:
        points = " ".join(
            f"{x + half:.1f},{y + half:.1f}" for x, y in _shape_points(shape, look.radius)
        )
        body = f"<polygon points='{points}' {fill} {_stroke(look)}/>"
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{size:g}' height='{size:g}' "
        f"viewBox='0 0 {size:g} {size:g}'>{body}</svg>"
    )


def swatch_svg(entry: LegendEntry) -> str:
    """A 28 x 16 px legend swatch for a catalogue legend entry."""
    return _swatch(style(entry.style_key), entry.shape)


def _swatch(look: Style, shape: str) -> str:
    if shape == "point":
        return marker_svg(look)
    if shape == "line":
        body = f"<line x1='1' y1='8' x2='27' y2='8' {_stroke(look)}/>"
    else:
        options = leaflet_style(look)
        body = (
            f"<rect x='1' y='2' width='26' height='12' fill='{options['fillColor']}' "
            f"fill-opacity='{max(options['fillOpacity'], 0.0):g}' {_stroke(look)}/>"
        )
    return f"<svg xmlns='http://www.w3.org/2000/svg' width='28' height='16'>{body}</svg>"


def legend_html(
    layer_ids: Iterable[str] | None = None,
    title: str = "Legend",
    *,
    extra: Sequence[tuple[str, Sequence[LegendEntry]]] = (),
) -> str:
    """Legend of the ``extra`` (group title, entries) pairs first (e.g. the change layer's
    legend), then of the given catalogue layers (all when ``None``) and of the runtime
    layers in force (the user's own, :func:`layers.catalog.runtime_layers`), grouped by
    layer group.

    Ends with a line explaining the dashed outline of approximate and proposed features.
    """
    runtime = runtime_specs()
    wanted = None if layer_ids is None else {*layer_ids, *(s.id for s in runtime)}
    entries = [
        entry
        for spec in (*LAYERS, *runtime)
        if wanted is None or spec.id in wanted
        for entry in spec.legend
    ]
    return _legend(entries, uncertain=True, title=title, extra=extra)


#: The legend of a layer the catalogue does not hold (such as the change layer of a
#: comparison): its group title and entries.
ExtraLegend = tuple[str, Sequence[LegendEntry]]


def drawn_legend_html(
    collections: Mapping[str, Mapping[str, Any]],
    title: str = "Legend",
    *,
    open_: bool = True,
    extra: Mapping[str, ExtraLegend] | None = None,
) -> str:
    """Legend of what ``collections`` draw: GeoJSON FeatureCollections by layer id whose
    features carry ``style_key`` and ``status`` properties (:mod:`layers.web.map`).

    A layer's entry is listed when one of its features has the entry's style (a layer
    with no feature that day has none); the line on dashed outlines only when a feature
    is approximate or proposed. Empty string when nothing is drawn. ``extra`` gives the
    legend of layers of ``collections`` the catalogue does not hold, by layer id: their
    drawn entries come first, under their own group title.

    >>> drawn_legend_html({spec.id: {"features": []} for spec in LAYERS})
    ''
    """
    drawn: dict[str, set[str]] = {}
    uncertain = False
    for layer_id, collection in collections.items():
        for feature in collection["features"]:
            props = feature["properties"]
            drawn.setdefault(layer_id, set()).add(props["style_key"])
            uncertain = uncertain or props["status"] in UNCERTAIN_STATUSES
    entries = [
        entry
        for spec in (*LAYERS, *runtime_specs())
        for entry in spec.legend
        if entry.style_key in drawn.get(spec.id, ())
    ]
    extra_groups = [
        (group_title, shown)
        for layer_id, (group_title, extra_entries) in (extra or {}).items()
        if (shown := [e for e in extra_entries if e.style_key in drawn.get(layer_id, ())])
    ]
    if not entries and not extra_groups:
        return ""
    return _legend(entries, uncertain=uncertain, title=title, open_=open_, extra=extra_groups)


def _legend(
    entries: list[LegendEntry],
    *,
    uncertain: bool,
    title: str,
    open_: bool = True,
    extra: Sequence[ExtraLegend] = (),
) -> str:
    """The legend box: the ``extra`` groups first, then ``entries`` by layer group."""
    specs: tuple[LayerSpec, ...] = (*LAYERS, *runtime_specs())
    by_group = {entry: spec.group for spec in specs for entry in spec.legend}
    parts = []
    for group_title, extra_entries in extra:
        parts.append(f"<div class='bm-legend-group'>{escape_text(group_title)}</div>")
        parts.extend(_legend_row(swatch_svg(e), e.label) for e in extra_entries)
    zooms = {e: z for spec in specs for e in spec.legend if (z := spec.min_zoom(e.style_key))}
    for group in dict.fromkeys((*GROUPS, *(spec.group for spec in specs))):
        shown = [e for e in entries if by_group[e] == group]
        if shown:
            # a group whose every row is drawn from some zoom on is hidden below the lowest
            lowest = min(zooms.get(e, 0) for e in shown)
            parts.append(
                f"<div class='bm-legend-group{_zoom_class(lowest)}'>{escape_text(group)}</div>"
            )
            parts.extend(
                _legend_row(swatch_svg(e), e.label, _zoom_class(zooms.get(e, 0))) for e in shown
            )
    if uncertain:
        parts.append(
            _legend_row(_swatch(_UNCERTAIN, "polygon"), "Approximate or proposed (dashed)")
        )
    return (
        f"<details class='bm-legend'{' open' if open_ else ''}><summary><b>"
        f"{escape_text(title)}</b></summary>{''.join(parts)}</details>"
    )


def _zoom_class(zoom: int) -> str:
    """The class (with a leading space) of a legend line of what the web map draws from
    ``zoom`` on (hidden below it, as the features are); empty for 0 (every zoom)."""
    return f" {FROM_ZOOM_CLASS}{zoom}" if zoom else ""


def _legend_row(swatch: str, label: str, zoom_class: str = "") -> str:
    return (
        f"<div class='bm-legend-row{zoom_class}' style='display:flex;align-items:center;gap:6px'>"
        f"<span style='display:inline-flex;width:28px;justify-content:center'>{swatch}</span>"
        f"<span>{escape_text(label)}</span></div>"
    )
