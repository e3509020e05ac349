"""Briefing decks: an ordered list of slides, each a saved map view with its talking points.

The model (:class:`Deck`, :class:`Slide`, :class:`TalkingPoint`, :class:`Comparison`)
and its editing functions (:func:`add_slide`, :func:`move_slide`, :func:`remove_slide`,
:func:`edit_slide`), which return new decks, for the app's deck editor. Every title and
talking point is normalised like data text and checked against the limits below. A deck
is stored as a human-editable YAML file, read, validated and written by
:mod:`layers.briefing.deck_file` (its docstring shows the format); exports write its
text as literal text (see :mod:`layers.paper.slides`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from geo.dates import check_plausible
from geo.errors import StateError
from geo.model import Event
from geo.text import clean_text
from layers.briefing.view import View

#: Limits of a deck (a deck file and an upload are held to the same ones).
MAX_SLIDES = 40
MAX_POINTS = 12
MAX_TITLE_CHARS = 160
MAX_TEXT_CHARS = 2000
MAX_EVENTS = 20
#: Longest key judgement of a slide (one line on the slide at 16 pt).
MAX_JUDGEMENT_CHARS = 200

#: Characters that text may not hold: control characters other than tab and newline
#: (they cannot be written to PPTX or PDF text).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0d-\x1f\x7f]")


# --- The model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A before/after pair of days (``before < after``) shown side by side or swiped.

    The comparison view is not drawn yet: exports draw the slide's own day and say which
    day it is compared with.
    """

    before: dt.date
    after: dt.date

    def __post_init__(self) -> None:
        check_plausible(self.before)
        check_plausible(self.after)
        if not self.before < self.after:
            raise StateError(f"before {self.before} must be earlier than after {self.after}")


@dataclass(frozen=True)
class TalkingPoint:
    """One talking point (plain text) and the ids of the events it rests on."""

    text: str
    events: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _clean(self.text, "talking point", MAX_TEXT_CHARS))
        object.__setattr__(self, "events", tuple(dict.fromkeys(self.events)))


@dataclass(frozen=True)
class Slide:
    """A saved map state and what to say about it.

    ``view`` is the map (its ``title`` is the slide's title); ``highlight`` are event ids
    ringed on the map; ``points`` the talking points; ``compare`` an optional before/after
    pair for the comparison feature.
    """

    view: View
    points: tuple[TalkingPoint, ...] = ()
    highlight: tuple[str, ...] = ()
    compare: Comparison | None = None
    #: The key judgement of the slide, one line shown on it (issue 22); empty: the
    #: first sentence of its first talking point (:attr:`key_judgement`).
    judgement: str = ""

    def __post_init__(self) -> None:
        title = _clean(self.view.title, "slide title", MAX_TITLE_CHARS)
        object.__setattr__(self, "view", replace(self.view, title=title))
        object.__setattr__(self, "highlight", tuple(dict.fromkeys(self.highlight)))
        if self.judgement:
            judgement = _clean(self.judgement, "key judgement", MAX_JUDGEMENT_CHARS)
            object.__setattr__(self, "judgement", judgement)

    @property
    def key_judgement(self) -> str:
        """The judgement shown on the slide: its own, else the first sentence of its first
        talking point, else ''."""
        if self.judgement or not self.points:
            return self.judgement
        first = self.points[0].text
        end = re.search(r"[.!?](\s|$)", first)
        return first[: end.start() + 1] if end else first

    @property
    def title(self) -> str:
        """The slide's title (the view's)."""
        return self.view.title

    @property
    def events(self) -> tuple[str, ...]:
        """Ids of the events the slide rests on: its points' events, then highlighted
        ones, each once, in order of first mention."""
        ids = [e for point in self.points for e in point.events]
        return tuple(dict.fromkeys([*ids, *self.highlight]))


@dataclass(frozen=True)
class Deck:
    """An ordered list of slides with a title and an optional classification banner."""

    title: str
    slides: tuple[Slide, ...] = field(default_factory=tuple)
    classification: str | None = None
    #: Who produced the deck, shown on its cover slide (issue 22).
    producer: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", _clean(self.title, "deck title", MAX_TITLE_CHARS))
        if self.classification is not None:
            banner = _clean(self.classification, "classification", MAX_TITLE_CHARS)
            object.__setattr__(self, "classification", banner)
        if self.producer is not None:
            producer = _clean(self.producer, "producer", MAX_TITLE_CHARS)
            object.__setattr__(self, "producer", producer)
        if len(self.slides) > MAX_SLIDES:
            raise StateError(f"a deck holds at most {MAX_SLIDES} slides")


def _clean(text: str, what: str, limit: int) -> str:
    """``text`` normalised like data text (:func:`geo.text.clean_text`: NFC, invisible
    format characters such as U+FEFF removed) and stripped; :class:`StateError` if empty,
    too long or holding control characters."""
    if CONTROL_CHARACTERS.search(text.strip()):
        raise StateError(f"the {what} holds control characters")
    cleaned = clean_text(text).strip()
    if not cleaned:
        raise StateError(f"the {what} must not be empty")
    if len(cleaned) > limit:
        raise StateError(f"the {what} is longer than {limit} characters")
    return cleaned


def check_events(slide: Slide, events: Mapping[str, Event]) -> list[str]:
    """Problems with the event ids of ``slide`` (unknown, or highlighted before they
    begin), as plain-text messages."""
    problems = [f"unknown event id {e!r}" for e in slide.events if e not in events]
    problems += [
        f"event {e!r} begins on {events[e].date}, after the slide's date {slide.view.day}"
        for e in slide.highlight
        if e in events and events[e].date > slide.view.day
    ]
    return problems


# --- Editing (pure: each returns a new deck) ------------------------------------------


def slide_from_view(view: View, title: str | None = None) -> Slide:
    """A new slide showing ``view`` (titled ``title`` or the view's title)."""
    return Slide(view=replace(view, title=title) if title else view)


def add_slide(deck: Deck, slide: Slide, index: int | None = None) -> Deck:
    """``deck`` with ``slide`` inserted before ``index`` (appended by default)."""
    slides = list(deck.slides)
    slides.insert(len(slides) if index is None else index, slide)
    return replace(deck, slides=tuple(slides))


def remove_slide(deck: Deck, index: int) -> Deck:
    """``deck`` without slide ``index`` (0-based)."""
    _check_index(deck, index)
    return replace(deck, slides=deck.slides[:index] + deck.slides[index + 1 :])


def move_slide(deck: Deck, index: int, to: int) -> Deck:
    """``deck`` with slide ``index`` moved to position ``to`` (both 0-based)."""
    _check_index(deck, index)
    _check_index(deck, to)
    slides = list(deck.slides)
    slides.insert(to, slides.pop(index))
    return replace(deck, slides=tuple(slides))


def edit_slide(
    deck: Deck,
    index: int,
    *,
    title: str | None = None,
    points: Iterable[TalkingPoint] | None = None,
    view: View | None = None,
) -> Deck:
    """``deck`` with slide ``index`` retitled, given new talking points or a new view
    (the slide keeps its title when only the view changes)."""
    _check_index(deck, index)
    slide = deck.slides[index]
    new_view = replace(view or slide.view, title=title or slide.title)
    new_points = slide.points if points is None else tuple(points)
    changed = replace(slide, view=new_view, points=new_points)
    return replace(deck, slides=(*deck.slides[:index], changed, *deck.slides[index + 1 :]))


def _check_index(deck: Deck, index: int) -> None:
    if not 0 <= index < len(deck.slides):
        raise StateError(f"no slide {index + 1} (the deck has {len(deck.slides)})")
