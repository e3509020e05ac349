"""KML for Google Earth of a view's GIS tables (built with fastkml).

One Folder per table of :func:`layers.exports.gis.gis_tables` (its ``id`` is the table name),
one Placemark per feature named by its label in the view's naming convention. Styles
come from :mod:`layers.styles` (KML has no dashes or hatching: uncertain features are
lighter, and their description says so). A Placemark's description is HTML built by
:func:`layers.web.html.popup_html`, so every data string is escaped before the XML writer
escapes it again; the balloon shows the description only, never the raw name. Control
periods and sites carry a TimeSpan for Google Earth's time slider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pygeoif
from fastkml import (
    KML,
    BalloonStyle,
    Data,
    Document,
    ExtendedData,
    Folder,
    IconStyle,
    KmlDateTime,
    LabelStyle,
    LineStyle,
    Placemark,
    PolyStyle,
    Style,
    StyleUrl,
    TimeSpan,
)
from fastkml.enums import DateTimeResolution

from geo import settings
from geo.dataset import Dataset
from layers import styles
from layers.briefing.annotations import PALETTE, Annotation
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import View
from layers.catalog import ControlSource, SiteSource, layer
from layers.exports import annotation_tables
from layers.exports.gis import family_of, gis_rows, layer_of, tables_of, text_value, view_record
from layers.web.html import escape_text, popup_html

#: Google Earth's own round icon (tinted by the style's colour).
ICON = "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
#: Coordinate decimals (about 0.1 m).
PRECISION = 6

_RESOLUTIONS = {
    "year": DateTimeResolution.year,
    "season": DateTimeResolution.year_month,
    "month": DateTimeResolution.year_month,
    "day": DateTimeResolution.date,
}
_HOLDERS = settings.HOLDER_LABELS  # the words for each holder, in one place


def kml_colour(hex_colour: str, alpha: float = 1.0) -> str:
    """``#c8102e`` at ``alpha`` -> KML ``aabbggrr``."""
    value = hex_colour.lstrip("#").lower()
    return f"{round(alpha * 255):02x}{value[4:6]}{value[2:4]}{value[0:2]}"


def style_id(style_key: str, status: str) -> str:
    """The KML style id of a palette key and status (``base``, ``base-uncertain``)."""
    return f"{style_key}-uncertain" if status in styles.UNCERTAIN_STATUSES else style_key


def kml_text(dataset: Dataset, view: View, sheet: PrintOptions | None = None) -> str:
    """The KML document of ``view`` (see the module docstring), carrying the marking of
    ``sheet``: its banner before the document's name, the marking line first in its
    description, and ``banner``, ``as_of``, ``producer`` and ``marking`` as the
    document's ExtendedData."""
    rows = gis_rows(dataset, view)
    tables = tables_of(rows)
    record = view_record(dataset, view, rows, sheet)
    used: dict[str, tuple[str, str]] = {}
    folders = []
    for name, table in tables.items():
        rows = table.to_dict("records")
        for row in rows:
            key, status = row["style_key"], row["status"]
            used.setdefault(style_id(key, status), (key, status))
        spec = layer(layer_of(name))
        folders.append(
            Folder(
                id=name,
                name=f"{spec.title} ({family_of(name)})",
                description=escape_text(spec.description),
                features=[_placemark(name, row) for row in rows],
            )
        )
    marking = [
        Data(name=key, value=str(record[key]), display_name=key.replace("_", " "))
        for key in ("marking", "banner", "as_of", "producer")
    ]
    banner = str(record["banner"])
    if view.annotations:  # the user's drawing: its own folder and styles
        folders.append(_annotation_folder(view.annotations))
    colours = sorted({a.colour for a in view.annotations})
    document = Document(
        name=f"{banner} | {view.title}" if banner else view.title,
        description=_document_html(record),
        extended_data=ExtendedData(elements=marking),
        styles=[_style(sid, *used[sid]) for sid in sorted(used)]
        + [_annotation_style(colour) for colour in colours],
        features=folders,
    )
    body = KML(features=[document]).to_string(prettyprint=True, precision=PRECISION)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'


def _document_html(record: Mapping[str, Any]) -> str:
    lines = [
        ("Marking", record["marking"]),
        ("Date", record["date"]),
        ("Naming", record["naming"]),
        ("Layers", ", ".join(record["layers"])),
        ("Extent", ", ".join(f"{v:g}" for v in record["bounds"])),
        ("Made by", record["generator"]),
    ]
    cited = [f"{s['citation']} {s['url'] or ''}".strip() for s in record["sources"]]
    return popup_html(str(record["title"]), lines, cited, inline_styles=True)


def _placemark(table: str, row: Mapping[str, Any]) -> Placemark:
    details = [("Table", table), ("Status", row["status"])]
    optional = [
        ("Kind", "kind"),
        ("Held by", "holder"),
        ("Operator", "operator"),
        ("Period", "period"),
        ("Start", "start"),
        ("End (exclusive)", "end"),
        ("Note", "note"),
        ("Quote", "quote"),
    ]
    for title, field in optional:
        value = text_value(field, row[field])
        if value:
            details.append((title, _HOLDERS.get(value, value) if field == "holder" else value))
    details.append(("Source ids", text_value("source_ids", row["source_ids"]) or ""))
    return Placemark(
        id=row["id"],
        name=row["label"],
        description=popup_html(row["label"], details, row["sources"], inline_styles=True),
        style_url=StyleUrl(url=f"#{style_id(row['style_key'], row['status'])}"),
        times=_time_span(row) if _has_period(row["layer"]) else None,
        geometry=pygeoif.shape(row["geometry"]),
    )


def _annotation_folder(annotations: Sequence[Annotation]) -> Folder:
    """One placemark per annotation, named by its label (escaped by the XML writer), its
    kind and colour in the description (escaped by :func:`popup_html`)."""
    marks = []
    for number, annotation in enumerate(annotations, start=1):
        title = annotation_tables.placemark_title(annotation)
        details = [("Kind", annotation.kind), ("Colour", annotation.colour)]
        marks.append(
            Placemark(
                id=f"annotation-{number}",
                name=title,
                description=popup_html(title, details, [], inline_styles=True),
                style_url=StyleUrl(url=f"#annotation-{annotation.colour}"),
                geometry=pygeoif.shape(annotation.geometry()),  # type: ignore[arg-type]
            )
        )
    return Folder(id="annotations", name="Annotations", description="What the user drew.",
                  features=marks)  # fmt: skip


def _annotation_style(colour: str) -> Style:
    hex_colour = PALETTE[colour]
    return Style(
        id=f"annotation-{colour}",
        styles=[
            IconStyle(color=kml_colour(hex_colour), scale=0.9, icon_href=ICON),
            LabelStyle(scale=0.9),
            LineStyle(color=kml_colour(hex_colour), width=3),
            PolyStyle(color=kml_colour(hex_colour, 0.2), fill=True, outline=True),
            BalloonStyle(text="$[description]"),
        ],
    )


def _has_period(layer_id: str) -> bool:
    """Whether the layer's records have a period (control periods and sites)."""
    return isinstance(layer(layer_id).source, ControlSource | SiteSource)


def _time_span(row: Mapping[str, Any]) -> TimeSpan | None:
    start, end = (_date(row[f]) for f in ("start", "end"))
    if start is None and end is None:
        return None
    return TimeSpan(
        begin=KmlDateTime(start, _RESOLUTIONS[row["date_precision"]]) if start else None,
        end=KmlDateTime(end, _RESOLUTIONS[row["end_precision"]]) if end else None,
    )


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _style(sid: str, style_key: str, status: str) -> Style:
    look = styles.style(style_key, status)
    fill = look.fill or look.color
    return Style(
        id=sid,
        styles=[
            IconStyle(color=kml_colour(fill, look.opacity), scale=look.radius / 6, icon_href=ICON),
            LabelStyle(scale=0.8),
            LineStyle(color=kml_colour(look.color, look.opacity), width=look.weight),
            PolyStyle(
                color=kml_colour(fill, look.fill_opacity if look.fill else 0.0),
                fill=bool(look.fill),
                outline=True,
            ),
            BalloonStyle(text="$[description]"),
        ],
    )
