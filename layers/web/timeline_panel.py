"""The timeline beside the map: every event in date order, as escaped HTML, plus where
the map should fly to when an event is picked.

Pure: no Streamlit. All text from data passes through :func:`timeline_text`, which adds
to :func:`layers.web.html.escape_text` what a Markdown host needs: the card is one raw-HTML
block on a single line, so no data text can end the block (a blank line would) and let
the rest be read as Markdown; and colons become entities, so Streamlit's icon and emoji
short codes (``:material/home:``) never appear in the source it scans.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from geo.dataset import Dataset
from geo.model import Event
from geo.situation import in_date_order, in_force
from geo.user_layers import UserFeature, UserLayer
from layers.web.html import escape_text

#: Line breaks in data text: CommonMark ends lines at \n, \r and \r\n.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: Zoom used for events at a single point.
POINT_ZOOM = 10
#: Opacity of events after the chosen date ("not yet happened").
FUTURE_OPACITY = 0.45

_STATUS_COLOURS = {
    "confirmed": "#1b5e20",
    "reported": "#0d47a1",
    "proposed": "#b3261e",
    "approximate": "#8c6d46",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the timeline.

    ``html`` is escaped HTML (safe for ``unsafe_allow_html``);
    ``center`` is (lat, lon) in EPSG:4326 and ``zoom`` a Leaflet zoom level.
    """

    id: str
    date: dt.date
    html: str
    past: bool
    center: tuple[float, float]
    zoom: int


def fly_to(geometry: BaseGeometry) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and a zoom level that frames an EPSG:4326 geometry."""
    point = geometry.representative_point() if geometry.area else geometry.centroid
    min_x, min_y, max_x, max_y = geometry.bounds
    span = max(max_x - min_x, max_y - min_y)
    zoom = POINT_ZOOM if span < 0.01 else int(max(6, min(POINT_ZOOM, math.log2(360 / span) - 1)))
    return (round(point.y, 5), round(point.x, 5)), zoom


def timeline_entries(
    dataset: Dataset, day: dt.date, user_layers: Sequence[UserLayer] = ()
) -> list[TimelineEntry]:
    """All events in date order; those not yet in force on ``day`` are not ``past`` (greyed).

    The dated features of ``user_layers`` (the user's own) are merged in by date.
    """
    entries = []
    for event in in_date_order(dataset.events):
        citations = [dataset.source(s).citation() for s in event.provenance.sources]
        quoted_by = dataset.source(event.quote_source).citation() if event.quote_source else ""
        past = in_force(event, day)
        center, zoom = fly_to(event.geometry)
        entries.append(
            TimelineEntry(
                id=event.id,
                date=event.date,
                html=event_html(event, citations, quoted_by, past),
                past=past,
                center=center,
                zoom=zoom,
            )
        )
    mine = [user_entry(layer, f, day) for layer in user_layers for f in layer.features if f.date]
    return sorted(entries + mine, key=lambda entry: entry.date)  # stable: ties keep order


def user_entry(user_layer: UserLayer, feature: UserFeature, day: dt.date) -> TimelineEntry:
    """The timeline card of a dated feature of a user's layer."""
    assert feature.date is not None
    past = feature.date <= day
    badge = (
        "<span style='color:#555;border:1px solid #555;border-radius:3px;padding:0 3px;"
        f"font-size:0.8em'>your layer&#58; {timeline_text(user_layer.title)}</span>"
    )
    parts = [
        f"<div><b>{timeline_text(feature.describe_date())}</b> {badge}</div>",
        f"<div>{timeline_text(feature.name)}</div>",
        *(
            f"<div style='font-size:0.85em'><i>{timeline_text(name)}</i> {timeline_text(value)}"
            "</div>"
            for name, value in feature.details
        ),
    ]
    style = f"opacity:{1 if past else FUTURE_OPACITY};{'' if past else 'color:#777;'}"
    flag = "true" if past else "false"
    center, zoom = fly_to(feature.geometry)
    return TimelineEntry(
        id=f"{user_layer.id}-{feature.row}",
        date=feature.date,
        html=f"<div class='bm-event' data-past='{flag}' style='{style}'>{''.join(parts)}</div>",
        past=past,
        center=center,
        zoom=zoom,
    )


def timeline_text(text: object) -> str:
    """Escape data text for the timeline's raw-HTML block: :func:`escape_text`, line
    breaks as ``<br>`` (the block stays one line) and colons as ``&#58;``."""
    escaped = escape_text(text).replace(":", "&#58;")
    return _LINE_BREAK.sub("<br>", escaped)


def event_html(event: Event, citations: list[str], quoted_by: str, past: bool) -> str:
    """One timeline card: date, status, title, quote and its source, citations."""
    status = event.provenance.status
    colour = _STATUS_COLOURS.get(status, "#555555")
    badge = (
        f"<span style='color:{colour};border:1px solid {colour};border-radius:3px;"
        f"padding:0 3px;font-size:0.8em'>{timeline_text(status)}</span>"
    )
    in_article = (
        " <span style='font-size:0.8em'>· in the article</span>" if event.in_article else ""
    )
    parts = [
        f"<div><b>{timeline_text(event.describe())}</b> {badge}{in_article}</div>",
        f"<div>{timeline_text(event.title)}</div>",
    ]
    if event.quote:
        source = f" <span style='font-size:0.85em'>({timeline_text(quoted_by)})</span>"
        quote = timeline_text(event.quote)
        parts.append(f"<blockquote style='margin:2px 0 2px 8px'>“{quote}”{source}</blockquote>")
    if event.provenance.note:
        note = timeline_text(event.provenance.note)
        parts.append(f"<div style='font-size:0.85em'><i>Note:</i> {note}</div>")
    cited = "; ".join(timeline_text(c) for c in citations)
    parts.append(f"<div style='font-size:0.8em;color:#555'>Sources: {cited}</div>")
    style = f"opacity:{1 if past else FUTURE_OPACITY};{'' if past else 'color:#777;'}"
    flag = "true" if past else "false"
    return f"<div class='bm-event' data-past='{flag}' style='{style}'>{''.join(parts)}</div>"
