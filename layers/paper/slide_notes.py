"""The speaker notes of a slide (:class:`SlideNotes`): its talking points with the
quotes and numbered sources of the events they rest on, the events highlighted on the
map, full citations and the map credit; as ``(kind, text)`` lines
(:func:`notes_lines`), from which the PPTX notes and the handout are written. Plain
text throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.model import Event, Source
from layers.briefing.deck import Slide
from layers.features import view_features
from layers.paper import page as kit
from layers.story import event_numbers


@dataclass(frozen=True)
class Evidence:
    """One event a talking point rests on: its date and title, its quote (empty for
    context events) and the numbers of its sources in :attr:`SlideNotes.sources`;
    ``again`` when an earlier point of the slide already quoted it."""

    when: str
    title: str
    quote: str
    quote_ref: int | None
    refs: tuple[int, ...]
    again: bool = False


@dataclass(frozen=True)
class PointNotes:
    """A talking point and the evidence it rests on."""

    text: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class SlideNotes:
    """What the speaker notes and the handout say about one slide (plain text).

    ``sources`` are full citations, numbered from 1 in order of first use;
    ``map_credit`` credits the boundaries and the publishers of the features drawn.
    """

    points: tuple[PointNotes, ...]
    highlighted: tuple[Evidence, ...]
    sources: tuple[str, ...]
    map_credit: str
    #: The slide's key judgement (shown on it, issue 22).
    judgement: str = ""
    #: The numbered event markers on the map: ``"3 · 8 May 1992 – Armenian forces take
    #: Shusha"``, in number order (the numbers of :func:`layers.story.event_numbers`).
    on_map: tuple[str, ...] = ()


def full_citation(source: Source) -> str:
    """``Publisher, 'Title', 23 February 2021. https://...`` (URL when known)."""
    return source.citation() + (f". {source.url}" if source.url else "")


def event_when(event: Event) -> str:
    """The event's date in its precision, with its end when it is a span."""
    end = f" – {format_date(event.end)}" if event.end else ""
    return format_date(event.date, event.precision) + end


def slide_notes(
    dataset: Dataset, slide: Slide, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> SlideNotes:
    """The notes of ``slide``: points with their events' quotes and source numbers, the
    highlighted events, the numbered full citations and the map credit.

    ``frames`` are the slide's layer frames (:func:`layers.features.view_features`);
    computed when not given.
    """
    frames = view_features(dataset, slide.view) if frames is None else frames
    events = {event.id: event for event in dataset.events}
    numbers: dict[str, int] = {}
    seen: set[str] = set()

    def ref(source_id: str) -> int:
        return numbers.setdefault(source_id, len(numbers) + 1)

    def evidence(event: Event) -> Evidence:
        quote_ref = ref(event.quote_source) if event.quote and event.quote_source else None
        refs = tuple(ref(s) for s in event.provenance.sources)
        again = event.id in seen
        seen.add(event.id)
        quote = "" if again else event.quote
        return Evidence(event_when(event), event.title, quote, quote_ref, refs, again)

    points = tuple(
        PointNotes(point.text, tuple(evidence(events[e]) for e in point.events if e in events))
        for point in slide.points
    )
    highlighted = tuple(evidence(events[e]) for e in slide.highlight if e in events)
    sources = tuple(full_citation(dataset.source(s)) for s in numbers)
    marked = event_numbers(frames)
    on_map = tuple(
        f"{number} · {event_when(events[e])} – {events[e].title}"
        for e, number in sorted(marked.items(), key=lambda item: item[1])
        if e in events
    )
    return SlideNotes(
        points, highlighted, sources, map_credit(dataset, frames), slide.key_judgement, on_map
    )


def map_credit(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> str:
    """Boundaries credit and the publishers of the features drawn, one line."""
    publishers = dict.fromkeys(
        s.publisher
        for s in kit.cited_sources(dataset, frames)
        if s.id not in settings.REQUIRED_SOURCE_IDS
    )
    drawn = f" Features drawn from: {'; '.join(publishers)}." if publishers else ""
    return f"{kit.NATURAL_EARTH_CREDIT}.{drawn}"


def _refs(numbers: Sequence[int]) -> str:
    return "[" + ", ".join(str(n) for n in numbers) + "]"


def notes_lines(notes: SlideNotes) -> list[tuple[str, str]]:
    """The notes as ``(kind, text)`` lines: ``heading``, ``point``, ``quote``, ``event``,
    ``source`` or ``credit``; the PPTX notes and the handout are written from them."""
    lines: list[tuple[str, str]] = []
    if notes.judgement:
        lines += [("heading", "Key judgement"), ("point", notes.judgement)]
    if notes.points:
        lines.append(("heading", "Talking points"))
    for number, point in enumerate(notes.points, start=1):
        lines.append(("point", f"{number}. {point.text}"))
        for item in point.evidence:
            if item.quote:
                lines.append(("quote", f"“{item.quote}” {_refs([item.quote_ref or 0])}"))
            above = " (see above)" if item.again else ""
            lines.append(("event", f"{item.when} – {item.title}{above} {_refs(item.refs)}"))
    if notes.highlighted:
        lines.append(("heading", "Highlighted on the map"))
        lines += [("event", f"{i.when} – {i.title} {_refs(i.refs)}") for i in notes.highlighted]
    if notes.on_map:
        lines.append(("heading", "Events on the map (numbers as on the markers)"))
        lines += [("event", line) for line in notes.on_map]
    if notes.sources:
        lines.append(("heading", "Sources"))
        lines += [("source", f"[{n}] {text}") for n, text in enumerate(notes.sources, start=1)]
    lines.append(("heading", "Map"))
    lines.append(("credit", notes.map_credit))
    return lines


def notes_text(notes: SlideNotes) -> str:
    """The speaker notes as plain text (headings in capitals, blank line before each)."""
    parts: list[str] = []
    for kind, text in notes_lines(notes):
        if kind == "heading":
            parts.append(("\n" if parts else "") + text.upper())
        else:
            parts.append("    " + text if kind in ("quote", "event") else text)
    return "\n".join(parts)


