"""The file of a briefing deck: YAML, read, validated and written.

A deck (:mod:`layers.briefing.deck`) is stored as a human-editable YAML file
(``data/decks/article.yaml`` is the article's deck)::

    title: Russian troops in the South Caucasus
    classification: UNCLASSIFIED            # optional: a banner on every slide and page
    producer: Briefing cell                 # optional: on the cover slide
    slides:
      - title: 10 November 2020 - the ceasefire and the peacekeepers
        judgement: Russian troops now stand between the sides.   # optional: one line shown
        view:                                # a layers.briefing.view.View
          date: 2020-11-10
          bounds: [45.4, 38.9, 47.6, 40.5]   # min lon, min lat, max lon, max lat
          layers: [countries, nkao, control, peacekeeping]   # [] = none; omitted = default
          names: dual                        # optional (dual, en, hy, az, ru)
          basemap: vector                    # optional (vector, osm)
        compare: {before: 2020-09-26, after: 2020-12-01}    # optional before/after pair
        highlight: [article-peacekeepers-deployed]          # event ids ringed on the map
        annotations:                         # optional: drawn on the slide's map
          - kind: callout                    # arrow, callout, text, line, area, point
            label: ~1,960 Russian peacekeepers
            colour: blue                     # black, red, blue, green, orange
            coordinates: [[46.75, 39.82], [46.2, 40.3]]   # GeoJSON coordinates of the kind
        points:                              # talking points (speaker notes)
          - text: Russia deployed its peacekeepers under the 9 November deal.
            events: [article-peacekeepers-deployed]          # what the point rests on
          - A point resting on no event can be plain text.

Annotations have the properties of :mod:`layers.briefing.annotations` (``kind``,
``label``, ``colour``, ``curved``, ``symbol``) and the ``coordinates`` of their GeoJSON
geometry. Event ids come from ``data/events.yaml``; quotes and sources are taken from those events,
never typed into the deck. Loading validates everything and raises one
:class:`~geo.errors.DataError` listing each problem with file, line, slide and field.
Text from a deck is data: exports write it as literal text (see :mod:`layers.paper.slides`).

The deck itself is :mod:`layers.briefing.deck`. :func:`deck_from_bytes` reads an
uploaded deck and :func:`deck_to_yaml` gives the text to download. Nothing here touches
the disk except :func:`load_deck` and :func:`save_deck`, through :mod:`geo.io`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from geo import io, settings
from geo._validate import RecordChecker
from geo.dataset import Dataset
from geo.dates import DaySpan
from geo.errors import DataError, StateError
from geo.model import Event
from geo.naming import CONVENTIONS, DEFAULT_CONVENTION
from layers.briefing.annotations import KINDS, Annotation, annotations_from_features
from layers.briefing.deck import (
    CONTROL_CHARACTERS,
    MAX_EVENTS,
    MAX_JUDGEMENT_CHARS,
    MAX_POINTS,
    MAX_SLIDES,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    Comparison,
    Deck,
    Slide,
    TalkingPoint,
    check_events,
)
from layers.briefing.view import BASEMAPS, DEFAULT_BASEMAP, DEFAULT_BOUNDS, View, check_bounds
from layers.catalog import DEFAULT_VISIBLE, LAYER_IDS

#: Folder of the committed decks, and the article's deck.
DECKS_DIR: Path = settings.DATA_DIR / "decks"
ARTICLE_DECK: Path = DECKS_DIR / "article.yaml"
#: The deck of the story after the article (issue 23): 2021 to today.
AFTER_DECK: Path = DECKS_DIR / "after-the-article.yaml"
#: The committed decks the app offers, by the words of their button: the article's first.
COMMITTED_DECKS: dict[str, Path] = {
    "Article deck": ARTICLE_DECK,
    "After the article": AFTER_DECK,
}

#: Largest deck file (an upload is held to the same).
MAX_DECK_BYTES = 256 * 1024

_DECK_FIELDS = ("title", "classification", "producer", "slides")
_SLIDE_FIELDS = ("title", "judgement", "view", "compare", "highlight", "points", "annotations")
_ANNOTATION_FIELDS = ("kind", "label", "colour", "curved", "symbol", "coordinates")
_VIEW_FIELDS = ("date", "bounds", "layers", "names", "basemap")
_POINT_FIELDS = ("text", "events")
_COMPARE_FIELDS = ("before", "after")
_META_KEYS = (io.FIELD_LINES_KEY, io.DUPLICATES_KEY)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- Reading and validation ----------------------------------------------------------


class _Checker(RecordChecker):
    """A :class:`RecordChecker` for one mapping of a deck: messages read
    ``file: line L, slide N, field 'view.date': ...``, ``L`` being the field's own line."""

    def __init__(
        self,
        file: str,
        record: Mapping[str, Any],
        problems: list[str],
        *,
        slide: int | None = None,
        prefix: str = "",
    ) -> None:
        super().__init__(file, record, problems)
        lines = record.get(io.FIELD_LINES_KEY)
        self.field_lines: Mapping[str, int] = lines if isinstance(lines, dict) else {}
        self.slide = slide
        self.prefix = prefix
        for line, key in record.get(io.DUPLICATES_KEY) or ():
            self.problems.append(f"{self._where(key, line)}: duplicate key (given again)")

    def where(self, field: str | None = None) -> str:
        line = self.field_lines.get(field, self.line) if field is not None else self.line
        return self._where(field, line)

    def _where(self, field: str | None, line: int | None) -> str:
        parts = [] if line is None else [f"line {line}"]
        if self.slide is not None:
            parts.append(f"slide {self.slide}")
        if field is not None:
            parts.append(f"field {self.prefix + field!r}")
        return f"{self.file}: {', '.join(parts)}" if parts else self.file

    def bounded_text(self, field: str, limit: int, *, required: bool = True) -> str | None:
        """A non-empty text field of at most ``limit`` characters, without control
        characters."""
        value = self.text(field, required=required)
        if value is None:
            return None
        if len(value) > limit:
            self.problem(field, f"is longer than {limit} characters ({len(value)})")
            return None
        if CONTROL_CHARACTERS.search(value):
            self.problem(field, "holds control characters (only tab and newline are allowed)")
            return None
        return value

    def sequence(self, field: str, *, required: bool = False) -> list[Any] | None:
        """A list field (``None`` when absent or not a list)."""
        value = self.record.get(field)
        if value is None:
            if required:
                self.problem(field, "is required (a list)")
            return None
        if not isinstance(value, list):
            self.problem(field, f"must be a list (got {_shown(value)})")
            return None
        return value

    def ids(self, field: str, known: Mapping[str, Any], what: str) -> tuple[str, ...]:
        """A list of ids, each one of ``known``."""
        value = self.sequence(field) or []
        if len(value) > MAX_EVENTS:
            self.problem(field, f"lists more than {MAX_EVENTS} ids")
        ids: list[str] = []
        for item in value[:MAX_EVENTS]:
            if not isinstance(item, str):
                self.problem(field, f"must be a list of {what} ids (got {_shown(item)})")
            elif item not in known:
                self.problem(field, f"unknown {what} id {item!r} (not in {_ORIGIN[what]})")
            else:
                ids.append(item)
        return tuple(ids)

    def sub(self, field: str, value: Any, *, prefix: str) -> _Checker:
        """A checker of the nested mapping ``value`` found at ``field``."""
        record = value if isinstance(value, dict) else {io.LINE_KEY: self.field_lines.get(field)}
        return _Checker(self.file, record, self.problems, slide=self.slide, prefix=prefix)

    def unknown_fields(self, allowed: Iterable[str]) -> None:
        """Flag fields the deck format does not know (usually typos)."""
        extra = sorted(set(self.record) - {*allowed, io.LINE_KEY, *_META_KEYS}, key=str)
        for name in extra:
            self.problem(str(name), "is not a known field (see layers/briefing/deck_file.py)")


_ORIGIN = {"event": "events.yaml"}


def _shown(value: Any) -> str:
    """A short repr of a bad value for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_deck(document: Any, file: str, dataset: Dataset) -> Deck:
    """Validate a parsed deck document (see :func:`geo.io.parse_document`) into a
    :class:`Deck`.

    Raises
    ------
    DataError
        Listing every problem, each naming ``file``, the line, the slide (1-based) and
        the field (``view.date``, ``points[2].events``, ...).
    """
    problems: list[str] = []
    if not isinstance(document, dict):
        got = "nothing" if document is None else f"a {type(document).__name__}"
        raise DataError([f"{file}: a deck is a mapping with title and slides (got {got})"])
    check = _Checker(file, document, problems)
    check.unknown_fields(_DECK_FIELDS)
    title = check.bounded_text("title", MAX_TITLE_CHARS)
    classification = check.bounded_text("classification", MAX_TITLE_CHARS, required=False)
    producer = check.bounded_text("producer", MAX_TITLE_CHARS, required=False)
    raw_slides = check.sequence("slides", required=True) or []
    if not raw_slides and check.has("slides"):
        check.problem("slides", "must hold at least one slide")
    if len(raw_slides) > MAX_SLIDES:
        check.problem("slides", f"holds {len(raw_slides)} slides (at most {MAX_SLIDES})")
    events = {event.id: event for event in dataset.events}
    slides = [
        _slide(check, number, raw, events, dataset.span)
        for number, raw in enumerate(raw_slides[:MAX_SLIDES], start=1)
    ]
    if problems:
        raise DataError(problems)
    assert title is not None
    built = [slide for slide in slides if slide is not None]
    return Deck(
        title=title, slides=tuple(built), classification=classification, producer=producer
    )


def _slide(
    deck_check: _Checker, number: int, raw: Any, events: Mapping[str, Event], span: DaySpan
) -> Slide | None:
    line = deck_check.field_lines.get("slides")
    if not isinstance(raw, dict):
        deck_check.problems.append(
            f"{deck_check.file}: line {line}, slide {number}: must be a mapping with title "
            f"and view (got {_shown(raw)})"
        )
        return None
    check = _Checker(deck_check.file, raw, deck_check.problems, slide=number)
    before = len(check.problems)
    check.unknown_fields(_SLIDE_FIELDS)
    title = check.bounded_text("title", MAX_TITLE_CHARS)
    judgement = check.bounded_text("judgement", MAX_JUDGEMENT_CHARS, required=False)
    view = _view(check, title or "untitled", span)
    compare = _compare(check, span)
    highlight = check.ids("highlight", events, "event")
    points = _points(check, events)
    drawn = _annotations(check)
    if len(check.problems) > before or view is None:
        return None
    view = replace(view, annotations=drawn)
    slide = Slide(
        view=view, points=points, highlight=highlight, compare=compare,
        judgement=judgement or "",
    )  # fmt: skip
    for message in check_events(slide, events):
        check.problem("highlight", message)
    return slide if len(check.problems) == before else None


def _view(slide: _Checker, title: str, span: DaySpan) -> View | None:
    raw = slide.record.get("view")
    if not isinstance(raw, dict):
        shown = "is required" if raw is None else f"got {_shown(raw)}"
        slide.problem("view", f"must be a mapping with date, bounds and layers ({shown})")
        return None
    check = slide.sub("view", raw, prefix="view.")
    before = len(check.problems)
    check.unknown_fields(_VIEW_FIELDS)
    day = _day(check, "date", span, required=True)
    bounds = _bounds(check)
    layers = _layers(check)
    convention = check.choice("names", tuple(CONVENTIONS), DEFAULT_CONVENTION)
    basemap = check.choice("basemap", tuple(BASEMAPS), DEFAULT_BASEMAP)
    if len(check.problems) > before or day is None:
        return None
    return View(
        day=day,
        layers=layers,
        convention=convention,
        bounds=bounds,
        basemap=basemap,
        title=title,
    )


def _day(check: _Checker, field: str, span: DaySpan, *, required: bool) -> dt.date | None:
    """A day of the data's ``span`` (a slide's date must be one the data covers)."""
    day = check.date(field, required=required)
    if day is None:
        return None
    try:
        return span.check(day)
    except StateError as exc:
        check.problem(field, str(exc))
        return None


def _bounds(check: _Checker) -> tuple[float, float, float, float]:
    value = check.record.get("bounds")
    if value is None:
        return DEFAULT_BOUNDS
    numbers = value if isinstance(value, list) else []
    good = [
        float(v)
        for v in numbers
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    if len(numbers) != 4 or len(good) != 4:
        shown = _shown(value)
        check.problem("bounds", f"must be [min lon, min lat, max lon, max lat] (got {shown})")
        return DEFAULT_BOUNDS
    bounds = (good[0], good[1], good[2], good[3])
    try:
        return check_bounds(bounds)
    except StateError as exc:
        check.problem("bounds", str(exc))
        return DEFAULT_BOUNDS


def _layers(check: _Checker) -> tuple[str, ...]:
    value = check.record.get("layers")
    if value is None:
        return DEFAULT_VISIBLE
    if not isinstance(value, list):
        check.problem("layers", f"must be a list of layer ids, [] for none (got {_shown(value)})")
        return DEFAULT_VISIBLE
    for item in value:
        if item not in LAYER_IDS:
            known = ", ".join(LAYER_IDS)
            check.problem("layers", f"unknown layer id {_shown(item)} (known: {known})")
    return tuple(i for i in LAYER_IDS if i in value)


def _compare(slide: _Checker, span: DaySpan) -> Comparison | None:
    raw = slide.record.get("compare")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        slide.problem("compare", f"must be a mapping with before and after (got {_shown(raw)})")
        return None
    check = slide.sub("compare", raw, prefix="compare.")
    check.unknown_fields(_COMPARE_FIELDS)
    before = _day(check, "before", span, required=True)
    after = _day(check, "after", span, required=True)
    if before is None or after is None:
        return None
    if not before < after:
        check.problem("after", f"must be later than before {before} (got {after})")
        return None
    return Comparison(before=before, after=after)


def _points(slide: _Checker, events: Mapping[str, Event]) -> tuple[TalkingPoint, ...]:
    raw = slide.sequence("points") or []
    if len(raw) > MAX_POINTS:
        slide.problem("points", f"holds {len(raw)} talking points (at most {MAX_POINTS})")
    points: list[TalkingPoint] = []
    for index, item in enumerate(raw[:MAX_POINTS], start=1):
        if isinstance(item, str):
            text = _Checker(
                slide.file,
                {"text": item, io.LINE_KEY: slide.field_lines.get("points")},
                slide.problems,
                slide=slide.slide,
                prefix=f"points[{index}].",
            ).bounded_text("text", MAX_TEXT_CHARS)
            if text is not None:
                points.append(TalkingPoint(text))
            continue
        if not isinstance(item, dict):
            shown = _shown(item)
            slide.problem(f"points[{index}]", f"must be text or a mapping (got {shown})")
            continue
        check = slide.sub("points", item, prefix=f"points[{index}].")
        check.unknown_fields(_POINT_FIELDS)
        text = check.bounded_text("text", MAX_TEXT_CHARS)
        ids = check.ids("events", events, "event")
        if text is not None:
            points.append(TalkingPoint(text, ids))
    return tuple(points)


def _annotations(slide: _Checker) -> tuple[Annotation, ...]:
    """The slide's ``annotations`` (see the module docstring), every problem listed."""
    raw = slide.sequence("annotations") or []
    features = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            features.append(item)  # reported by the check below
            continue
        check = slide.sub("annotations", item, prefix=f"annotations[{index}].")
        check.unknown_fields(_ANNOTATION_FIELDS)
        kind = item.get("kind")
        geometry = {"type": KINDS.get(kind, "") if isinstance(kind, str) else "",
                    "coordinates": item.get("coordinates")}  # fmt: skip
        properties = {k: v for k, v in item.items() if k in _ANNOTATION_FIELDS[:-1]}
        features.append({"properties": properties, "geometry": geometry})
    try:
        return annotations_from_features(features, slide.where("annotations"))
    except DataError as exc:
        slide.problems.extend(exc.problems)
        return ()


def deck_from_text(text: str, name: str, dataset: Dataset) -> Deck:
    """Parse and validate a deck given as text (``name`` is used in messages)."""
    return parse_deck(io.parse_document(text, name), name, dataset)


def deck_from_bytes(data: bytes, name: str, dataset: Dataset) -> Deck:
    """Parse and validate an uploaded deck (at most :data:`MAX_DECK_BYTES`, UTF-8)."""
    return deck_from_text(io.decode_text(data, name, max_bytes=MAX_DECK_BYTES), name, dataset)


def load_deck(path: Path, dataset: Dataset) -> Deck:
    """Read and validate the deck file at ``path`` against ``dataset``'s events.

    Raises
    ------
    DataError
        Listing every problem with file, line, slide and field.
    """
    document = io.read_document(path, max_bytes=MAX_DECK_BYTES)
    return parse_deck(document, path.name, dataset)


# --- Writing -------------------------------------------------------------------------


def deck_document(deck: Deck) -> dict[str, Any]:
    """The plain mapping of ``deck`` as written to YAML (every view field explicit)."""
    document: dict[str, Any] = {"title": deck.title}
    if deck.classification is not None:
        document["classification"] = deck.classification
    if deck.producer is not None:
        document["producer"] = deck.producer
    document["slides"] = [_slide_document(slide) for slide in deck.slides]
    return document


def _slide_document(slide: Slide) -> dict[str, Any]:
    view = slide.view
    document: dict[str, Any] = {"title": slide.title}
    if slide.judgement:
        document["judgement"] = slide.judgement
    document |= {
        "view": {
            "date": view.day,
            "bounds": list(view.bounds),
            "layers": list(view.layers),
            "names": view.convention,
            "basemap": view.basemap,
        },
    }
    if slide.compare is not None:
        document["compare"] = {"before": slide.compare.before, "after": slide.compare.after}
    if slide.highlight:
        document["highlight"] = list(slide.highlight)
    if view.annotations:
        document["annotations"] = [
            {**a.properties(), "coordinates": a.geometry()["coordinates"]} for a in view.annotations
        ]
    if slide.points:
        document["points"] = [
            {"text": p.text, "events": list(p.events)} if p.events else p.text for p in slide.points
        ]
    return document


class _Dumper(yaml.SafeDumper):
    """Block style, with short lists of ids and numbers on one line."""


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    flow = all(
        (isinstance(i, int | float) and not isinstance(i, bool))
        or (isinstance(i, str) and _SLUG.match(i))
        for i in items
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(list, _represent_list)

HEADER = (
    "# A briefing deck (format: layers/briefing/deck_file.py;"
    " export: python -m layers.deck_export).\n"
    "# Event ids are those of data/events.yaml; quotes and sources come from the events.\n"
)


def deck_to_yaml(deck: Deck) -> str:
    """``deck`` as YAML text; :func:`deck_from_text` of it gives ``deck`` again."""
    body = yaml.dump(
        deck_document(deck),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )
    return HEADER + body


def save_deck(deck: Deck, path: Path) -> Path:
    """Write ``deck`` to ``path`` as YAML, atomically (see :func:`geo.io.write_bytes`)."""
    return io.write_bytes(path, deck_to_yaml(deck).encode("utf-8"))
