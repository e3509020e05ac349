"""The timeline beside the map: every event in date order, as escaped HTML, plus where
the map should fly to when an event is picked.

Pure: no Streamlit. All text from data passes through :func:`timeline_text`, which adds
to :func:`layers.web.html.escape_text` what a Markdown host needs: the card is one raw-HTML
block on a single line, so no data text can end the block (a blank line would) and let
the rest be read as Markdown; and colons become entities, so Streamlit's icon and emoji
short codes (``:material/home:``) never appear in the source it scans.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from shapely.geometry.base import BaseGeometry

from geo.dataset import Dataset
from geo.model import Event
from geo.naming import DEFAULT_CONVENTION
from geo.situation import in_force
from geo.user_layers import UserFeature, UserLayer
from layers.event_index import event_index
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
    user_layers: Sequence[UserLayer] = (),
    *,
    selected: str | None = None,
    convention: str = DEFAULT_CONVENTION,
) -> list[TimelineEntry]:
    """All events in date order; those not yet in force on ``day`` are not ``past``
    (greyed); the event ``selected`` (an id) is highlighted. Titles name places in
    ``convention``. The dated features of ``user_layers`` (the user's own) are merged in
    by date. (The app shows a page of them: :func:`timeline_page`.)
    """
    items = _items(dataset, user_layers)
    return [_entry(dataset, item, day, selected, convention) for item in items]


#: Cards the timeline shows at once; with more, :func:`timeline_page` gives a window.
PAGE_SIZE = 50


@dataclass(frozen=True)
class TimelinePage:
    """A window of the timeline: ``entries`` are entries ``start`` to ``start +
    len(entries) - 1`` (0-based) of the ``total`` of :func:`timeline_entries`."""

    entries: list[TimelineEntry]
    start: int
    total: int

    @property
    def earlier(self) -> int:
        """Entries before the window."""
        return self.start

    @property
    def later(self) -> int:
        """Entries after the window."""
        return self.total - self.start - len(self.entries)

    def caption(self) -> str:
        """``Showing 41–90 of 10,000``."""
        last = self.start + len(self.entries)
        return f"Showing {self.start + 1:,}–{last:,} of {self.total:,}"


def timeline_page(
    dataset: Dataset,
    day: dt.date,
    user_layers: Sequence[UserLayer] = (),
    *,
    selected: str | None = None,
    focus: str | None = None,
    shift: int = 0,
    size: int = PAGE_SIZE,
    convention: str = DEFAULT_CONVENTION,
) -> TimelinePage:
    """At most ``size`` entries of :func:`timeline_entries`, around the entry ``focus``
    (an id; e.g. the event picked on the map) or, without it, around ``day``'s latest
    entry: that entry in the middle of the window, ``shift`` windows later (negative:
    earlier; a window is clamped to the timeline before it is shifted). Only the entries
    shown are built.
    """
    items = _items(dataset, user_layers)
    total = len(items)
    ids = [_item_id(item) for item in items] if focus is not None else []
    if focus is not None and focus in ids:
        anchor = ids.index(focus)
    else:
        anchor = max(0, bisect.bisect_right([item[0] for item in items], day) - 1)
    last_start = max(0, total - size)
    start = min(max(0, anchor - size // 2), last_start)  # the window of the anchor
    start = min(max(0, start + shift * size), last_start)
    shown = items[start : start + size]
    entries = [_entry(dataset, item, day, selected, convention) for item in shown]
    return TimelinePage(entries=entries, start=start, total=total)


#: One line of the timeline before it is built: its date and its record.
_Item = tuple[dt.date, Event | tuple[UserLayer, UserFeature]]


def _items(dataset: Dataset, user_layers: Sequence[UserLayer]) -> list[_Item]:
    """Events in date order (indexed once per dataset) with the user's dated features
    merged in by date (after the events of the same date, in their layers' order)."""
    events: list[_Item] = [(event.date, event) for event in event_index(dataset).events]
    mine: list[_Item] = sorted(
        ((f.date, (layer, f)) for layer in user_layers for f in layer.features if f.date),
        key=lambda item: item[0],
    )
    if not mine:
        return events
    return list(heapq.merge(events, mine, key=lambda item: item[0]))


def _item_id(item: _Item) -> str:
    record = item[1]
    if isinstance(record, Event):
        return record.id
    user_layer, feature = record
    return f"{user_layer.id}-{feature.row}"


def _entry(
    dataset: Dataset, item: _Item, day: dt.date, selected: str | None, convention: str
) -> TimelineEntry:
    record = item[1]
    if not isinstance(record, Event):
        return user_entry(*record, day)
    event = record
    title = composed(dataset, event.title, event.title_places, convention)
    citations = [dataset.source(s).citation() for s in event.provenance.sources]
    quoted_by = dataset.source(event.quote_source).citation() if event.quote_source else ""
    past = in_force(event, day)
    center, zoom = fly_to(event.geometry)
    return TimelineEntry(
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


def click_targets(
    dataset: Dataset, day: dt.date, *, convention: str = DEFAULT_CONVENTION
) -> Sequence[TimelineEntry]:
    """The events begun by ``day`` as :func:`clicked_event` needs them (id, title,
    centre; no card HTML), in date order; made once per dataset and naming convention."""
    index = event_index(dataset)
    targets = index.per_event(("click-target", convention), partial(_target, dataset, convention))
    return targets[: index.begun(day)]


def _target(dataset: Dataset, convention: str, event: Event) -> TimelineEntry:
    center, zoom = fly_to(event.geometry)
    title = composed(dataset, event.title, event.title_places, convention)
    return TimelineEntry(event.id, event.date, "", True, center, zoom, title)


def playing_event(dataset: Dataset, day: dt.date) -> str | None:
    """The id of the latest event begun by ``day`` (:func:`current_event` of the
    dataset's events, by bisection)."""
    index = event_index(dataset)
    begun = index.begun(day)
    return index.events[begun - 1].id if begun else None


def now_card(dataset: Dataset, day: dt.date, convention: str = DEFAULT_CONVENTION) -> str:
    """The short card of the latest event begun by ``day`` (the one a playback is at),
    escaped HTML for the map (date and status, title); empty if none has begun."""
    event_id = playing_event(dataset, day)
    if event_id is None:
        return ""
    event = next(e for e in event_index(dataset).events if e.id == event_id)
    title = composed(dataset, event.title, event.title_places, convention)
    status = escape_text(event.provenance.status)
    return (
        f"<div class='bm-now-date'>{escape_text(event.describe())} · {status}</div>"
        f"<div>{escape_text(title)}</div>"
    )


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

    The card carries ``data-event-id`` (the cards' component scrolls to it) and, when
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
