"""Briefing decks: the file format and its validation, editing, PPTX and PDF handout."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from geo import io as geo_io
from geo.dataset import Dataset, load_dataset
from geo.errors import DataError, StateError
from layers import deck_export
from layers.briefing import deck as dk
from layers.briefing import deck_file as df
from layers.briefing.view import View
from layers.paper import deck_files, slide_notes, slides
from tests.conftest import MakeDataDir

HOSTILE = ("{{7*7}}", "<script>alert(1)</script>", "$x^2$", ":red[x]", "${alert(1)}")
HOSTILE_TEXT = " ".join(HOSTILE) + "\n\n# heading"

GOOD = """\
title: A small deck
classification: FOR TRAINING ONLY
slides:
  - title: First
    view:
      date: 2020-11-10
      bounds: [45.0, 39.5, 47.0, 41.0]
      layers: [countries, events]
    highlight: [ev-one]
    points:
      - text: Something happened.
        events: [ev-one]
      - A plain point.
  - title: Second
    view: {date: 2021-01-01, layers: []}
"""

BAD = """\
classification: [not, text]
slides:
  - title: First
    view:
      date: 2020-13-45
      layers: [countries, contrl]
    points:
      - text: Rests on a missing event.
        events: [ev-one, no-such-event]
  - view:
      date: 2020-11-10
      names: dual
      names: en
    highlight: ev-one
  - title: 42
    view: {date: 2020-11-10, bounds: [1, 2, 3]}
    points: [{text: fine, evnets: [ev-one]}]
"""


@pytest.fixture
def small(make_data_dir: MakeDataDir) -> Dataset:
    """The synthetic data: one event, ``ev-one`` (9 November 2020)."""
    return load_dataset(make_data_dir())


def write(tmp_path: Path, text: str, name: str = "deck.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- Format and validation -----------------------------------------------------------


def test_a_deck_file_loads_into_slides_with_views_and_points(
    tmp_path: Path, small: Dataset
) -> None:
    deck = df.load_deck(write(tmp_path, GOOD), small)
    assert deck.title == "A small deck"
    assert deck.classification == "FOR TRAINING ONLY"
    first, second = deck.slides
    assert first.view == View(
        day=dt.date(2020, 11, 10),
        layers=("countries", "events"),
        bounds=(45.0, 39.5, 47.0, 41.0),
        title="First",
    )
    assert [p.text for p in first.points] == ["Something happened.", "A plain point."]
    assert first.points[0].events == ("ev-one",) and first.points[1].events == ()
    assert first.highlight == ("ev-one",) and first.events == ("ev-one",)
    assert second.view.layers == () and second.points == ()


def test_every_problem_is_reported_once_with_file_line_slide_and_field(
    tmp_path: Path, small: Dataset
) -> None:
    with pytest.raises(DataError) as caught:
        df.load_deck(write(tmp_path, BAD, "bad.yaml"), small)
    problems = caught.value.problems
    expected = [
        ("bad.yaml: line 1, field 'title': is required", ""),
        ("bad.yaml: line 1, field 'classification': must be non-empty text", "['not', 'text']"),
        ("bad.yaml: line 5, slide 1, field 'view.date': must be an ISO date", "2020-13-45"),
        ("bad.yaml: line 6, slide 1, field 'view.layers': unknown layer id 'contrl'", ""),
        ("bad.yaml: line 9, slide 1, field 'points[1].events': unknown event id", "no-such"),
        ("bad.yaml: line 10, slide 2, field 'title': is required", ""),
        ("bad.yaml: line 13, slide 2, field 'view.names': duplicate key", ""),
        ("bad.yaml: line 14, slide 2, field 'highlight': must be a list", "'ev-one'"),
        ("bad.yaml: line 15, slide 3, field 'title': must be non-empty text", "42"),
        ("bad.yaml: line 16, slide 3, field 'view.bounds': must be [min lon", "[1, 2, 3]"),
        ("bad.yaml: line 17, slide 3, field 'points[1].evnets': is not a known field", ""),
    ]
    for start, quoted in expected:
        matching = [p for p in problems if p.startswith(start)]
        assert len(matching) == 1, (start, problems)
        assert quoted in matching[0]
    assert len(problems) == len(expected), problems
    assert f"{len(expected)} problems" in str(caught.value)


def test_highlighting_an_event_after_the_slides_date_is_an_error(
    tmp_path: Path, small: Dataset
) -> None:
    text = GOOD.replace("date: 2020-11-10", "date: 2020-11-01")
    with pytest.raises(DataError) as caught:
        df.load_deck(write(tmp_path, text), small)
    assert caught.value.problems == [
        "deck.yaml: line 9, slide 1, field 'highlight': event 'ev-one' begins on 2020-11-09, "
        "after the slide's date 2020-11-01"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- title: a list\n", "a deck is a mapping with title and slides (got a list)"),
        ("", "a deck is a mapping with title and slides (got nothing)"),
        ("title: x\nslides: []\n", "line 2, field 'slides': must hold at least one slide"),
        ("title: &a x\nslides: *a\n", "line 2: not valid YAML (aliases"),
        ("title: x\nslides: [\n", "not valid YAML"),
        ("title: 'a\x07b'\nslides: []\n", "not valid YAML"),
        ('title: "a\\x07b"\nslides: [{title: t, view: {date: 2020-01-01}}]\n', "control"),
        ("title: x\nslides:\n  - title: t\n    view: {date: 1850-01-01}\n", "outside the map"),
    ],
)
def test_broken_deck_files_name_the_problem(
    tmp_path: Path, small: Dataset, text: str, message: str
) -> None:
    with pytest.raises(DataError) as caught:
        df.load_deck(write(tmp_path, text), small)
    assert any(message in p for p in caught.value.problems), caught.value.problems


def test_a_deck_file_over_the_size_cap_is_refused_unread(tmp_path: Path, small: Dataset) -> None:
    text = GOOD + "#" * df.MAX_DECK_BYTES
    with pytest.raises(DataError, match="larger than the limit"):
        df.load_deck(write(tmp_path, text), small)
    with pytest.raises(DataError, match="larger than the limit"):
        df.deck_from_bytes(text.encode(), "upload.yaml", small)
    with pytest.raises(DataError, match="not UTF-8"):
        df.deck_from_bytes(b"title: \xff\n", "upload.yaml", small)


def test_a_saved_deck_loads_again_as_the_same_deck(tmp_path: Path, small: Dataset) -> None:
    deck = df.load_deck(write(tmp_path, GOOD), small)
    hostile = dk.add_slide(
        deck,
        dk.Slide(
            view=View(
                day=dt.date(2021, 2, 23), bounds=(44.1, 39.25, 46.3333, 40.9), title=HOSTILE_TEXT
            ),
            points=(dk.TalkingPoint(HOSTILE_TEXT + "\n'quoted' \"twice\" – ü", ("ev-one",)),),
            compare=dk.Comparison(dt.date(2020, 9, 27), dt.date(2021, 2, 23)),
        ),
    )
    path = df.save_deck(hostile, tmp_path / "out" / "saved.yaml")
    assert df.load_deck(path, small) == hostile
    assert df.deck_from_text(df.deck_to_yaml(hostile), "again.yaml", small) == hostile
    assert [p.name for p in path.parent.iterdir()] == ["saved.yaml"]  # no temporary left


def test_the_article_deck_saved_and_loaded_gives_the_same_slides(
    tmp_path: Path, dataset: Dataset
) -> None:
    deck = df.load_deck(df.ARTICLE_DECK, dataset)
    again = df.load_deck(df.save_deck(deck, tmp_path / "article.yaml"), dataset)
    assert again == deck


def test_the_article_deck_rests_every_point_on_events_of_the_article(dataset: Dataset) -> None:
    deck = df.load_deck(df.ARTICLE_DECK, dataset)
    assert 6 <= len(deck.slides) <= 8
    events = {e.id: e for e in dataset.events}
    assert all(point.events for slide in deck.slides for point in slide.points)
    cited = {e for slide in deck.slides for e in slide.events}
    in_article = {e for e in cited if events[e].in_article}
    assert len(in_article) == len([e for e in events.values() if e.in_article])
    assert all(slide.highlight for slide in deck.slides)


def test_the_article_deck_attributes_what_the_sources_contradict(dataset: Dataset) -> None:
    """Issue 21: the article's "Armenia ceded ... seven districts" is the article's claim
    (only Aghdam, Kalbajar and Lachin were handed over), and "wedged between Azerbaijan and
    Nakhchivan" belongs to the opposition's call for a second base, not the Gyumri unit."""
    deck = df.load_deck(df.ARTICLE_DECK, dataset)
    points = [point for slide in deck.slides for point in slide.points]
    ceded = [p for p in points if "ceded" in p.text]
    assert ceded, "no talking point mentions the article's claim any more"
    for point in ceded:
        assert point.text.startswith("The article says"), point.text
        assert "only Aghdam, Kalbajar and Lachin" in point.text
    wedged = [p for p in points if "wedged" in p.text]
    assert wedged
    assert all(p.events[0] == "article-opposition-second-base" for p in wedged)
    assert all("article-unit-redeployment-considered" not in p.events for p in wedged)


def test_editing_returns_new_decks(small: Dataset, tmp_path: Path) -> None:
    deck = df.load_deck(write(tmp_path, GOOD), small)
    third = dk.slide_from_view(View(day=dt.date(2021, 2, 23)), "Third")
    added = dk.add_slide(deck, third)
    assert [s.title for s in added.slides] == ["First", "Second", "Third"]
    moved = dk.move_slide(added, 2, 0)
    assert [s.title for s in moved.slides] == ["Third", "First", "Second"]
    removed = dk.remove_slide(moved, 1)
    assert [s.title for s in removed.slides] == ["Third", "Second"]
    edited = dk.edit_slide(removed, 1, title="  Renamed ", points=[dk.TalkingPoint("Say it.")])
    assert edited.slides[1].title == "Renamed" and edited.slides[1].points[0].text == "Say it."
    assert edited.slides[1].view.day == deck.slides[1].view.day
    assert [s.title for s in deck.slides] == ["First", "Second"]  # the original is unchanged
    with pytest.raises(StateError):
        dk.remove_slide(deck, 5)
    with pytest.raises(StateError):
        dk.edit_slide(deck, 0, title=" ")


def test_the_data_loader_and_its_stamp_ignore_the_decks_folder(
    make_data_dir: MakeDataDir,
) -> None:
    folder = make_data_dir()
    stamp = geo_io.folder_stamp(folder)
    (folder / "decks").mkdir()
    (folder / "decks" / "article.yaml").write_text("title: [broken\n", encoding="utf-8")
    assert geo_io.folder_stamp(folder) == stamp
    assert load_dataset(folder).events


def test_an_atomic_write_that_fails_leaves_the_previous_file(tmp_path: Path) -> None:
    path = geo_io.write_bytes(tmp_path / "deck.yaml", b"old")
    with pytest.raises(TypeError):
        geo_io.write_bytes(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.yaml"]


# --- Exports -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article_pptx(dataset: Dataset) -> tuple[dk.Deck, bytes]:
    """The article's deck and its PPTX, rendered once for the module."""
    deck = df.load_deck(df.ARTICLE_DECK, dataset)
    return deck, deck_files.deck_pptx(dataset, deck)


def test_fit_picture_keeps_the_aspect_inside_the_frame() -> None:
    assert slides.fit_picture((2000, 1000), (1, 1, 4, 4)) == (1, 2, 4, 2)
    assert slides.fit_picture((1000, 2000), (0, 0, 4, 4)) == (1, 0, 2, 4)


def test_the_pptx_has_a_titled_16_9_slide_per_deck_slide_with_one_unstretched_picture(
    article_pptx: tuple[dk.Deck, bytes],
) -> None:
    deck, data = article_pptx
    presentation = Presentation(io.BytesIO(data))
    width, height = presentation.slide_width, presentation.slide_height
    assert width is not None and height is not None
    assert width / height == pytest.approx(16 / 9, rel=1e-3)
    assert len(presentation.slides) == len(deck.slides) + 1  # the cover first (issue 22)
    for page, slide in zip(list(presentation.slides)[1:], deck.slides, strict=True):
        assert page.shapes.title is not None
        assert " ".join(page.shapes.title.text.split()) == slide.title
        pictures = [s for s in page.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1
        picture = pictures[0]
        with Image.open(io.BytesIO(picture.image.blob)) as image:
            pixels = image.size
        assert picture.width / picture.height == pytest.approx(pixels[0] / pixels[1], rel=0.01)
        assert picture.crop_left == picture.crop_right == picture.crop_top == 0
        assert picture.left >= 0 and picture.left + picture.width <= width
        assert picture.top >= 0 and picture.top + picture.height <= height
        assert pixels[0] / (picture.width / Emu(914400)) >= 140  # about 150 px per inch
        texts = "\n".join(s.text_frame.text for s in page.shapes if s.has_text_frame)
        assert f"Situation on {slide.view.day.day} " in texts
        assert "Sources: Warsaw Institute Foundation, 23 February 2021" in texts


def test_the_speaker_notes_hold_the_points_quotes_and_full_citations(
    article_pptx: tuple[dk.Deck, bytes], dataset: Dataset
) -> None:
    deck, data = article_pptx
    presentation = Presentation(io.BytesIO(data))
    events = {e.id: e for e in dataset.events}
    for page, slide in zip(list(presentation.slides)[1:], deck.slides, strict=True):
        notes = page.notes_slide.notes_text_frame.text
        for point in slide.points:
            assert point.text in notes
        for event_id in slide.events:
            event = events[event_id]
            if event.quote:
                assert f"“{event.quote}”" in notes
            for source_id in event.provenance.sources:
                source = dataset.source(source_id)
                assert slide_notes.full_citation(source) in notes
        assert "https://warsawinstitute.org/" in notes


def test_the_classification_banner_is_on_top_and_bottom_of_every_slide(
    small: Dataset, tmp_path: Path
) -> None:
    deck = df.load_deck(write(tmp_path, GOOD), small)
    presentation = Presentation(io.BytesIO(deck_files.deck_pptx(small, deck)))
    for page in presentation.slides:
        banners = [s for s in page.shapes if s.name == "Classification banner"]
        assert [b.text_frame.text for b in banners] == ["FOR TRAINING ONLY"] * 2
        assert {b.top for b in banners} == {0, presentation.slide_height - banners[1].height}


@pytest.fixture
def hostile_deck(small: Dataset) -> dk.Deck:
    return dk.Deck(
        title="Deck " + HOSTILE_TEXT,
        classification="SECRET {{7*7}}",
        slides=(
            dk.Slide(
                view=View(day=dt.date(2020, 11, 10), title="Slide " + HOSTILE_TEXT),
                points=(dk.TalkingPoint("Point " + HOSTILE_TEXT, ("ev-one",)),),
                highlight=("ev-one",),
            ),
        ),
    )


def test_hostile_text_is_literal_in_the_pptx_text_and_notes(
    small: Dataset, hostile_deck: dk.Deck
) -> None:
    presentation = Presentation(io.BytesIO(deck_files.deck_pptx(small, hostile_deck)))
    page = presentation.slides[1]  # after the cover
    texts = "\n".join(s.text_frame.text for s in page.shapes if s.has_text_frame)
    notes = page.notes_slide.notes_text_frame.text
    assert " ".join(("Slide " + HOSTILE_TEXT).split()) in " ".join(texts.split())
    assert "Point " + HOSTILE_TEXT in notes
    assert "SECRET {{7*7}}" in texts and "49" not in texts


def test_hostile_text_is_literal_in_the_handout(small: Dataset, hostile_deck: dk.Deck) -> None:
    reader = PdfReader(io.BytesIO(deck_files.handout_pdf(small, hostile_deck)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for token in HOSTILE:
        assert token in text, token
    assert "# heading" in text
    assert "SECRET {{7*7}}" in text


def test_the_handout_has_a_page_per_slide_with_its_notes(small: Dataset, tmp_path: Path) -> None:
    deck = df.load_deck(write(tmp_path, GOOD), small)
    reader = PdfReader(io.BytesIO(deck_files.handout_pdf(small, deck)))
    texts = [page.extract_text() for page in reader.pages]
    starts = [t for t in texts if "notes continued" not in t]
    assert len(starts) == 2  # one page per slide (its notes may go on to another)
    first = "\n".join(texts[: texts.index(starts[1])])
    assert "Slide 1 of 2" in first and "Talking points" in first
    assert "Something happened." in first and "“It happened.”" in first
    assert "Somebody, 'A page'. https://example.org/a" in first
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert height > width  # portrait


def test_long_notes_continue_on_a_second_handout_page(small: Dataset) -> None:
    points = tuple(dk.TalkingPoint(f"Point {n}. " + "word " * 300, ("ev-one",)) for n in range(6))
    deck = dk.Deck(title="Long", slides=(dk.Slide(View(day=dt.date(2021, 1, 1)), points),))
    reader = PdfReader(io.BytesIO(deck_files.handout_pdf(small, deck)))
    assert len(reader.pages) >= 2
    assert "notes continued" in reader.pages[1].extract_text()
    assert "Point 5." in "".join(p.extract_text() for p in reader.pages)


def test_the_cli_writes_a_deck_and_reports_a_broken_one(
    tmp_path: Path, make_data_dir: MakeDataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_data_dir()
    deck_path = write(tmp_path, GOOD)
    out = tmp_path / "brief.pptx"
    args = ["--deck", str(deck_path), "--out", str(out), "--data-dir", str(folder)]
    assert deck_export.main(args) == 0
    assert len(Presentation(str(out)).slides) == 3  # the cover and the two slides
    assert "2 slides" in capsys.readouterr().out
    broken = write(tmp_path, BAD, "bad.yaml")
    handout = tmp_path / "handout.pdf"
    args = ["--deck", str(broken), "--out", str(handout), "--data-dir", str(folder)]
    assert deck_export.main(args) == 1
    assert "bad.yaml: line 5, slide 1, field 'view.date'" in capsys.readouterr().err
    assert not handout.exists()


def test_deck_text_is_normalised_like_data_text() -> None:
    """U+FEFF and bidi marks in a deck (file, upload or editor) are removed, as in data
    files: matplotlib's PDF backend fails on U+FEFF (issue 8, item 2)."""
    point = dk.TalkingPoint("\ufeffRussia\u200b deployed\u202e peacekeepers\u200e.")
    assert point.text == "Russia deployed peacekeepers."
    slide = dk.Slide(View(title="Ko\u0308ln \ufeff"), points=(point,))
    assert slide.title == "Köln"
    assert dk.Deck("\u200bDeck", (slide,), classification="\ufeffSECRET").classification == "SECRET"


def test_the_pptx_opens_with_a_cover_and_numbers_every_slide(
    article_pptx: tuple[dk.Deck, bytes],
) -> None:
    """Issue 22: a cover slide (title, dates, subject), then on every slide its number,
    its key judgement as a visible line, one title size and a source line of 14 pt or
    more (11 pt could not be read when projected)."""
    deck, data = article_pptx
    pages = list(Presentation(io.BytesIO(data)).slides)
    cover, rest = pages[0], pages[1:]
    cover_text = " ".join(
        " ".join(s.text_frame.text.split()) for s in cover.shapes if s.has_text_frame
    )
    assert deck.title in cover_text
    assert "Situations from " in cover_text and f"{len(deck.slides)} slides" in cover_text
    assert not [s for s in cover.shapes if s.shape_type == 13]  # no map on the cover
    count = len(deck.slides)
    title_sizes: set[int] = set()
    for number, (page, slide) in enumerate(zip(rest, deck.slides, strict=True), start=1):
        boxes = [s for s in page.shapes if s.has_text_frame]
        texts = [" ".join(s.text_frame.text.split()) for s in boxes]
        assert f"{number} / {count}" in texts
        if slide.key_judgement:
            body = [t for s, t in zip(boxes, texts, strict=True) if s != page.shapes.title]
            assert any(slide.key_judgement[:40] in t for t in body), slide.title
        (source,) = [s for s, t in zip(boxes, texts, strict=True) if t.startswith("Sources:")]
        sizes = [r.font.size for p in source.text_frame.paragraphs for r in p.runs]
        assert sizes and all(size is not None and size.pt >= 14 for size in sizes)
        title = page.shapes.title
        assert title is not None
        title_sizes |= {
            r.font.size for p in title.text_frame.paragraphs for r in p.runs if r.font.size
        }
    assert len(title_sizes) == 1  # one title size, never auto-shrunk
    assert any(slide.key_judgement for slide in deck.slides)
