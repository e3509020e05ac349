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
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from shapely.geometry.base import BaseGeometry

from geo.dataset import Dataset
from geo.model import Event
from geo.naming import DEFAULT_CONVENTION
from geo.situation import in_date_order, in_force
from layers.features import composed
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
    title: str = ""


def fly_to(geometry: BaseGeometry) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and a zoom level that frames an EPSG:4326 geometry."""
    point = geometry.representative_point() if geometry.area else geometry.centroid
    min_x, min_y, max_x, max_y = geometry.bounds
    span = max(max_x - min_x, max_y - min_y)
    zoom = POINT_ZOOM if span < 0.01 else int(max(6, min(POINT_ZOOM, math.log2(360 / span) - 1)))
    return (round(point.y, 5), round(point.x, 5)), zoom


def timeline_entries(
    dataset: Dataset,
    day: dt.date,
    *,
    selected: str | None = None,
    convention: str = DEFAULT_CONVENTION,
) -> list[TimelineEntry]:
    """All events in date order; those not yet in force on ``day`` are not ``past``
    (greyed); the event ``selected`` (an id) is highlighted. Titles name places in
    ``convention``."""
    entries = []
    for event in in_date_order(dataset.events):
        title = composed(dataset, event.title, event.title_places, convention)
        citations = [dataset.source(s).citation() for s in event.provenance.sources]
        quoted_by = dataset.source(event.quote_source).citation() if event.quote_source else ""
        past = in_force(event, day)
        center, zoom = fly_to(event.geometry)
        entries.append(
            TimelineEntry(
                id=event.id,
                date=event.date,
                html=event_html(
                    event, citations, quoted_by, past, selected=event.id == selected, title=title
                ),
                past=past,
                center=center,
                zoom=zoom,
                title=title,
            )
        )
    return entries


def timeline_text(text: object) -> str:
    """Escape data text for the timeline's raw-HTML block: :func:`escape_text`, line
    breaks as ``<br>`` (the block stays one line) and colons as ``&#58;``."""
    escaped = escape_text(text).replace(":", "&#58;")
    return _LINE_BREAK.sub("<br>", escaped)


#: Look of the highlighted card (the event picked on the map, or the one playing).
SELECTED_STYLE = "outline:2px solid #d84315;outline-offset:2px;background:#fff3e0;"


def event_html(
    event: Event,
    citations: list[str],
    quoted_by: str,
    past: bool,
    *,
    selected: bool = False,
    title: str | None = None,
) -> str:
    """One timeline card: date, status, title (``event.title`` unless given), quote and
    its source, citations.

    The card carries ``data-event-id`` (found by :func:`scroll_script`) and, when
    ``selected``, the class ``bm-event-selected`` and a highlight."""
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
        f"<div>{timeline_text(event.title if title is None else title)}</div>",
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
    style += SELECTED_STYLE if selected else ""
    flag = "true" if past else "false"
    css = "bm-event bm-event-selected" if selected else "bm-event"
    ident = timeline_text(event.id)
    return (
        f"<div class='{css}' id='event-{ident}' data-event-id='{ident}' data-past='{flag}'"
        f" style='{style}'>{''.join(parts)}</div>"
    )


class Dated(Protocol):
    """Anything with an id and a date (events, timeline entries)."""

    @property
    def id(self) -> str: ...

    @property
    def date(self) -> dt.date: ...


def current_event(entries: Sequence[Dated], day: dt.date) -> str | None:
    """The id of the latest of ``entries`` (in date order) on or before ``day``: the
    event a playback is at."""
    before = [entry for entry in entries if entry.date <= day]
    return before[-1].id if before else None


#: Degrees within which a clicked marker's position is an event's point (about 10 m).
CLICK_TOLERANCE_DEG = 1e-4


def clicked_event(
    entries: Iterable[TimelineEntry], tooltip: object, at: tuple[float, float] | None = None
) -> str | None:
    """The event a click on the map hit, from what streamlit-folium reports.

    Only events on the map (``past``) count. ``tooltip`` is
    ``last_object_clicked_tooltip``, the text of the clicked feature's tooltip (an event's
    is its title); of several events with that title the one whose centre is nearest
    ``at`` wins. Failing that, ``at`` (``last_object_clicked``, (lat, lon); a marker
    reports its own position) on an event's point gives the latest event there: a
    place marker drawn over an event at the same town still finds it. None otherwise.
    """
    shown = [entry for entry in entries if entry.past]
    if isinstance(tooltip, str) and tooltip.strip():
        text = " ".join(tooltip.split())
        hits = [entry for entry in shown if " ".join(entry.title.split()) == text]
        if hits and at is not None:
            hits.sort(key=lambda e: (e.center[0] - at[0]) ** 2 + (e.center[1] - at[1]) ** 2)
        if hits:
            return hits[0].id
    if at is None:
        return None
    here = [
        entry
        for entry in shown
        if entry.zoom == POINT_ZOOM
        and abs(entry.center[0] - at[0]) <= CLICK_TOLERANCE_DEG
        and abs(entry.center[1] - at[1]) <= CLICK_TOLERANCE_DEG
    ]
    return here[-1].id if here else None


def scroll_script(event_id: str, nonce: int) -> str:
    """A page (for ``streamlit.components.v1.html``) whose script scrolls the timeline
    card of ``event_id`` to the middle of its scrolling container in the parent page.

    Only the nearest scrolling ancestor moves (never the page). ``nonce`` makes each
    request a different page, so Streamlit remounts it and the script runs again.
    """
    target = json.dumps(event_id).replace("<", "\\u003c")
    return (
        f"<script>/* {int(nonce)} */\n"
        "(function () {\n"
        f"  var id = {target}, tries = 0;\n"
        "  function scroll() {\n"
        "    var doc = window.parent.document, card = null;\n"
        "    doc.querySelectorAll('[data-event-id]').forEach(function (el) {\n"
        "      if (el.getAttribute('data-event-id') === id) { card = el; } });\n"
        "    if (!card) { if (tries++ < 40) { setTimeout(scroll, 50); } return; }\n"
        "    var box = card.parentElement;\n"
        "    while (box && !(box.scrollHeight > box.clientHeight + 1 &&\n"
        "        /(auto|scroll)/.test(window.parent.getComputedStyle(box).overflowY))) {\n"
        "      box = box.parentElement; }\n"
        "    if (!box) { return; }\n"
        "    var c = card.getBoundingClientRect(), b = box.getBoundingClientRect();\n"
        "    box.scrollTop += (c.top - b.top) - (b.height - Math.min(c.height, b.height)) / 2;\n"
        "  }\n"
        "  scroll();\n"
        "})();\n"
        "</script>"
    )
