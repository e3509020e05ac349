"""The hostile-strings fixture (issue 8): text that would become code, markup, maths, a
link, an outside request or a broken file if any output treated data as anything but
text, and a copy of ``data/`` with it written into every free-text field.

:func:`build_hostile_data` copies the committed data folder and rewrites every
free-text field of every data file (and of the first slides of the article's deck) as
``<original> <payload>``: ids, dates, geometry recipes, kinds, holders and countries
stay as they are, so the copy loads, every layer has features and records stay
distinguishable; equal texts stay equal (control periods of one area share an
``area_name``); in communities.yaml the names, notes and each held period's claim, quote
and note. Notes and quotes, and every third source title, also carry the
10,000-character string. Source URLs alternate between a ``javascript:`` URL and an
``https://example.invalid`` one. A site of every kind of :data:`geo.settings.SITE_KINDS`
that the data does not hold yet (the EU mission, border posts, checkpoints, transit
routes, ...) is added, made up and marked so (:func:`missing_kinds`), so that every layer
of the catalogue draws hostile text.

Annotations (issue 24) carry :data:`ANNOTATION_LABEL`: the first slide of the deck
holds one of each kind, and the views of the export tests draw
:func:`hostile_annotations`.

The tests of every output (tests/test_hostile_outputs.py, tests/app/test_hostile_app.py,
tests/e2e/test_hostile_browser.py) use the session fixtures of tests/conftest.py built
on this module.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from geo import settings
from geo.naming import name_span
from geo.text import clean_text

#: Each piece is hostile to at least one output: Jinja (``{{``, ``{%``, ``{#``), JavaScript
#: template literals (``${``, backticks), HTML (a live image with an onerror handler, the
#: end of a script block), URLs, matplotlib/Streamlit maths, Markdown (a blank line then a
#: heading, a link, an outside image), Streamlit directives and icons. ``invisible`` is
#: one word with a byte-order mark, a zero-width space, a left-to-right and a
#: right-to-left override mark inside: load-time normalisation removes them.
JINJA = "{{7*7}}"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
MATHS = "$x^2$"
INVISIBLE = "in\ufeffvis\u200bi\u200ebl\u202ee"
HEADING = "\n\n# heading"
LINK = "[link](https://example.invalid)"
IMAGE = "![i](https://example.invalid/p.gif)"
OUTSIDE_URL = "https://example.invalid/page"
PIECES: tuple[str, ...] = (
    JINJA,
    "{% raw %}",
    "{#",
    "${alert(1)}",
    "`tick`",
    IMG,
    SCRIPT,
    JS_URL,
    MATHS,
    INVISIBLE,
    HEADING,
    "\n\n" + LINK,
    IMAGE,
    ":red[x]",
    ":material/home:",
)
#: All pieces in one string (about 200 characters).
PAYLOAD = " ".join(PIECES)
#: A 10,000-character string: words of hostile text, and one unbroken 2,000-character run.
LONG = ("{{7*7}} <b>bold</b> $x^2$ " * 320 + "W" * 2000)[:10_000]
#: Spreadsheet formulas: notes start with the first, operators with the second (the CSV
#: export must neutralise them).
FORMULA = '=HYPERLINK("https://example.invalid","x")'
AT_FORMULA = "@SUM(1+1)"
#: What the payload reads as after loading (normalised, invisible marks removed).
CLEAN_PAYLOAD = clean_text(PAYLOAD)
#: Deck titles may hold at most 160 characters: the pieces that fit.
DECK_TITLE_PAYLOAD = " ".join((JINJA, "{#", "${alert(1)}", IMG, MATHS, ":red[x]", INVISIBLE))

#: An annotation label (issue 24; one line of at most 200 characters): the pieces that
#: fit, after a spreadsheet formula (the CSV export must neutralise it).
ANNOTATION_LABEL = " ".join(
    (FORMULA, JINJA, "{% raw %}", "{#", "${alert(1)}", "`tick`", IMG, SCRIPT, MATHS, INVISIBLE,
     ":red[x]")
)  # fmt: skip
#: What it reads as once checked (invisible marks removed).
CLEAN_ANNOTATION_LABEL = clean_text(ANNOTATION_LABEL)
#: Annotations of every kind with the hostile label, as a deck slide writes them.
ANNOTATIONS: tuple[dict[str, Any], ...] = (
    {"kind": "callout", "label": ANNOTATION_LABEL, "colour": "blue",
     "coordinates": [[46.75, 39.82], [46.2, 40.3]]},
    {"kind": "arrow", "label": ANNOTATION_LABEL, "colour": "red", "curved": True,
     "coordinates": [[46.5, 39.6], [46.75, 39.76], [46.9, 39.8]]},
    {"kind": "text", "label": ANNOTATION_LABEL, "coordinates": [45.0, 40.2]},
    {"kind": "line", "label": ANNOTATION_LABEL, "colour": "green",
     "coordinates": [[45.5, 39.0], [46.0, 39.2]]},
    {"kind": "area", "label": ANNOTATION_LABEL, "colour": "orange",
     "coordinates": [[[46.3, 39.5], [46.6, 39.5], [46.6, 39.7], [46.3, 39.5]]]},
    {"kind": "point", "label": ANNOTATION_LABEL, "symbol": "star", "colour": "black",
     "coordinates": [43.84, 40.79]},
)  # fmt: skip


def hostile_annotations() -> tuple[Any, ...]:
    """:data:`ANNOTATIONS` as checked annotations (every kind, the hostile label)."""
    from layers.briefing.annotations import KINDS, annotations_from_features

    features = [
        {"properties": {k: v for k, v in a.items() if k != "coordinates"},
         "geometry": {"type": KINDS[a["kind"]], "coordinates": a["coordinates"]}}
        for a in ANNOTATIONS
    ]  # fmt: skip
    return annotations_from_features(features)


#: Free-text fields of each data file (data/SCHEMA.md); ``names`` means every form.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "sources": ("title", "publisher", "licence", "mirror_reason"),
    "places": ("names", "note", "boundary_note"),
    "sites": ("name", "names", "operator", "note"),  # and strength.text (_rewrite)
    "control": ("area_name", "note"),
    "events": ("title", "quote", "note"),
    "communities": ("names", "note"),
    "figures": ("what", "quote", "note"),
    # the ground (issue 21)
    "routes": ("name", "names", "note"),
    "waters": ("names", "note"),
    # names of countries, the oblast and provinces (issue 22); `feature` is a key
    "boundary_names": ("names", "note"),
}
#: Free-text fields of each held period of communities.yaml (``held``).
HELD_TEXT_FIELDS = ("claim", "quote", "note")
#: Formulas put before the text of these fields.
_LEADS = {"note": FORMULA, "operator": AT_FORMULA}
#: Fields that also get the 10,000-character string.
LONG_FIELDS = ("note", "quote")


class _Dumper(yaml.SafeDumper):
    """Writes every record in full (data files may not use anchors or aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def hostile(text: str, *, long: bool = False, lead: str = "") -> str:
    """``text`` followed by the payload (and the long string), after ``lead``."""
    return f"{lead}{text} {PAYLOAD}" + (f" {LONG}" if long else "")


def _rewrite_names(names: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [hostile(a) for a in value] if key == "alt" else hostile(value)
        for key, value in names.items()
    }


#: Text fields that name places by their English form (``title_places``/``name_places``,
#: data/SCHEMA.md): the hostile copy names them by their hostile English form.
_NAMED_PLACES = {"title": "title_places", "name": "name_places"}


def _rewrite(
    file: str, index: int, record: dict[str, Any], place_en: dict[str, str]
) -> dict[str, Any]:
    out = dict(record)
    for field in TEXT_FIELDS[file]:
        value = out.get(field)
        if isinstance(value, str):
            for place_id in record.get(_NAMED_PLACES.get(field, ""), ()):
                span = name_span(value, place_en[place_id])
                if span is not None:
                    value = value[: span[0]] + hostile(place_en[place_id]) + value[span[1] :]
        if field == "names" and isinstance(value, dict):
            out[field] = _rewrite_names(value)
        elif isinstance(value, str):
            long_title = file == "sources" and field == "title" and index % 3 == 0
            long = field in LONG_FIELDS or long_title
            out[field] = hostile(value, long=long, lead=_LEADS.get(field, ""))
        elif field == "note":  # every record gets a hostile note
            out[field] = hostile("Note.", long=True, lead=FORMULA)
    strength = out.get("strength")
    if file == "sites" and isinstance(strength, dict):  # a site's strength (issue 22)
        out["strength"] = dict(strength, text=hostile(str(strength["text"])))
    if file == "sources":
        out["url"] = JS_URL if index % 2 == 0 else f"{OUTSIDE_URL}/{record['id']}"
    if file == "communities":
        out["held"] = [_rewrite_held(p, long=i == 0) for i, p in enumerate(record["held"])]
    if file == "events" and not out.get("quote"):  # a quote needs its source
        out["quote"] = hostile("Quote.", long=True)
        out["quote_source"] = record["sources"][0]
    return out


def _rewrite_held(period: dict[str, Any], *, long: bool) -> dict[str, Any]:
    """A held period with the payload in its text fields (every one gets a note); the
    10,000-character string only where ``long`` (the first period of each community: with
    it in every period the file would pass the 5 MiB limit of a data file)."""
    out = dict(period)
    for field in HELD_TEXT_FIELDS:
        value = out.get(field)
        if isinstance(value, str):
            is_long = long and field in LONG_FIELDS
            out[field] = hostile(value, long=is_long, lead=_LEADS.get(field, ""))
    if "note" not in out:
        out["note"] = hostile("Note.", long=long, lead=FORMULA)
    return out


#: Slides of the article's deck kept in the hostile copy (the first has talking points
#: quoting events, the second a comparison): every slide renders a map twice (PPTX and
#: handout), so the rest would only add minutes.
DECK_SLIDES = 2


def _rewrite_deck(deck: dict[str, Any]) -> dict[str, Any]:
    out = dict(deck, title=f"Deck {DECK_TITLE_PAYLOAD}")
    out["classification"] = f"Banner {DECK_TITLE_PAYLOAD}"
    slides = []
    for number, slide in enumerate(deck["slides"][:DECK_SLIDES], start=1):
        points = [
            dict(p, text=hostile(p["text"])) if isinstance(p, dict) else hostile(p)
            for p in slide.get("points", [])
        ]
        drawn = {"annotations": list(ANNOTATIONS)} if number == 1 else {}
        slides.append(
            dict(slide, title=f"{number} {DECK_TITLE_PAYLOAD}", points=points, **drawn)
        )
    out["slides"] = slides
    return out


#: Where the made-up sites of :func:`missing_kinds` stand: two gazetteer places.
_SITE_PLACES = ("goris", "kapan")


def _on_article_day(site: dict[str, Any]) -> bool:
    day = settings.ARTICLE_DATE.isoformat()
    return str(site.get("start") or "") <= day < str(site.get("end") or "9999")


def missing_kinds(sites: list[dict[str, Any]], source_id: str) -> list[dict[str, Any]]:
    """A made-up site (on :data:`_SITE_PLACES`, from 1992 on, status ``approximate``) of
    every kind of :data:`geo.settings.SITE_KINDS` no record of ``sites`` has on the
    article's day (the exports of the hostile copy show that day; the EU mission and the
    checkpoint of the story after it come later)."""
    held = {site["kind"] for site in sites if _on_article_day(site)}
    first, second = _SITE_PLACES
    areas = ("eu-mission-area", "peacekeeping-zone", "corridor", "proposed-deployment")
    shapes: dict[str, dict[str, Any]] = {"transit-route": {"path": [first, second]}}
    shapes |= {kind: {"place": first, "buffer_km": 8} for kind in areas}
    return [
        {
            "id": f"hostile-{kind}",
            "name": f"Made-up {kind}",
            "kind": kind,
            "operator": "Nobody",
            "geometry": shapes.get(kind, {"place": second}),
            "start": "1992-01-01",
            "status": "approximate",
            "sources": [source_id],
            "note": "Made up for the hostile-strings tests: not a fact.",
        }
        for kind in settings.SITE_KINDS
        if kind not in held
    ]


def build_hostile_data(source: Path, target: Path) -> Path:
    """Copy the data folder ``source`` to ``target`` with the payload in every free-text
    field (see the module docstring); returns ``target``."""
    shutil.copytree(source, target)
    places = yaml.safe_load((source / "places.yaml").read_text(encoding="utf-8"))
    place_en = {p["id"]: p["names"]["en"] for p in places}
    for file in TEXT_FIELDS:
        path = target / f"{file}.yaml"
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
        if file == "sites":
            records += missing_kinds(records, records[0]["sources"][0])
        rewritten = [_rewrite(file, i, r, place_en) for i, r in enumerate(records)]
        path.write_text(_dump(rewritten), encoding="utf-8")
    deck_path = target / "decks" / "article.yaml"
    deck = yaml.safe_load(deck_path.read_text(encoding="utf-8"))
    deck_path.write_text(_dump(_rewrite_deck(deck)), encoding="utf-8")
    return target


def _dump(document: Any) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
