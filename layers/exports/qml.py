"""QGIS styles (QML) from the one style definition of :mod:`layers.styles`.

:func:`layer_qml` gives the QML of one GIS table (:mod:`layers.exports.gis`): a categorized
renderer on ``style_key`` and certainty, so approximate and proposed features keep their
hatching and dashed outlines in QGIS. The GeoPackage export stores it in the
``layer_styles`` table QGIS reads (:func:`geo.io.write_layer_styles`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from layers.catalog import layer
from layers.styles import UNCERTAIN_STATUSES, Style, style

QGIS_VERSION = "3.34.0"

#: QGIS expression of a feature's category: its style key, plus a mark when uncertain.
CATEGORY_EXPRESSION = (
    "\"style_key\" || CASE WHEN \"status\" IN ('approximate', 'proposed') "
    "THEN ' (uncertain)' ELSE '' END"
)
UNCERTAIN_MARK = " (uncertain)"

#: matplotlib hatch character -> QGIS (Qt) brush style.
_BRUSHES = {
    "/": "b_diagonal",
    "\\": "f_diagonal",
    "x": "diagonal_x",
    "+": "cross",
    "-": "horizontal",
    "|": "vertical",
}
_MARKERS = {
    "circle": "circle",
    "square": "square",
    "star": "star",
    "triangle": "triangle",
    "diamond": "diamond",
}


def qgis_colour(hex_colour: str, alpha: float = 1.0) -> str:
    """``#c8102e`` -> ``200,16,46,255`` (QGIS colour text)."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(alpha * 255)}"


def layer_qml(layer_id: str, family: str, style_keys: Iterable[str]) -> str:
    """The QML of a table of catalogue layer ``layer_id`` holding ``family`` geometries
    (``points``, ``lines`` or ``areas``) with the palette keys ``style_keys``.

    Categories: the layer's legend keys of that shape or present in the table, then any
    others present, each certain and uncertain (approximate or proposed), labelled with
    the legend's words.
    """
    shape = {"points": "point", "lines": "line", "areas": "polygon"}[family]
    present = set(style_keys)
    entries = [e for e in layer(layer_id).legend if e.shape == shape or e.style_key in present]
    legend = {entry.style_key: entry.label for entry in entries}
    keys = list(legend) + sorted(present - set(legend))
    qgis = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology")
    renderer = ET.SubElement(
        qgis,
        "renderer-v2",
        type="categorizedSymbol",
        attr=CATEGORY_EXPRESSION,
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for index, (key, uncertain) in enumerate((k, u) for k in keys for u in (False, True)):
        text = legend.get(key, key.replace("-", " "))
        ET.SubElement(
            categories,
            "category",
            render="true",
            symbol=str(index),
            value=key + (UNCERTAIN_MARK if uncertain else ""),
            label=text + (" (approximate or proposed)" if uncertain else ""),
        )
        look = style(key, UNCERTAIN_STATUSES[0] if uncertain else "confirmed")
        symbols.append(_symbol(str(index), family, look))
    ET.indent(qgis)
    body = ET.tostring(qgis, encoding="unicode")
    return f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{body}\n"


def _symbol(name: str, family: str, look: Style) -> ET.Element:
    kind = {"points": "marker", "lines": "line", "areas": "fill"}[family]
    symbol = ET.Element(
        "symbol", type=kind, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    if family == "points":
        _layer(symbol, "SimpleMarker", _marker(look))
    elif family == "lines":
        _layer(symbol, "SimpleLine", _line(look))
    else:
        fill = qgis_colour(look.fill, look.fill_opacity) if look.fill else "0,0,0,0"
        _layer(symbol, "SimpleFill", {"color": fill, "style": "solid", "outline_style": "no"})
        if look.hatch:
            hatch = {
                "color": qgis_colour(look.color, look.opacity),
                "style": _BRUSHES.get(look.hatch[0], "b_diagonal"),
                "outline_style": "no",
            }
            _layer(symbol, "SimpleFill", hatch)
        _layer(symbol, "SimpleLine", _line(look))
    return symbol


def _marker(look: Style) -> dict[str, str]:
    return {
        "name": _MARKERS.get(look.marker or "circle", "circle"),
        "color": qgis_colour(look.fill or look.color, look.opacity),
        "outline_color": qgis_colour(look.color, look.opacity),
        "outline_style": "solid",
        "outline_width": f"{look.weight:g}",
        "outline_width_unit": "Pixel",
        "size": f"{look.radius * 2:g}",
        "size_unit": "Pixel",
    }


def _line(look: Style) -> dict[str, str]:
    options = {
        "line_color": qgis_colour(look.color, look.opacity),
        "line_width": f"{look.weight:g}",
        "line_width_unit": "Pixel",
        "line_style": "solid",
        "capstyle": "round",
        "joinstyle": "round",
        "use_custom_dash": "0",
    }
    if look.dash:
        options |= {
            "use_custom_dash": "1",
            "customdash": ";".join(f"{v:g}" for v in look.dash),
            "customdash_unit": "Pixel",
        }
    return options


def _layer(symbol: ET.Element, cls: str, options: dict[str, str]) -> None:
    attributes = {"class": cls, "enabled": "1", "pass": "0", "locked": "0"}
    element = ET.SubElement(symbol, "layer", attributes)
    mapping = ET.SubElement(element, "Option", type="Map")
    for key, value in options.items():
        ET.SubElement(mapping, "Option", type="QString", name=key, value=value)
