"""The deck panel and presentation mode, driven headless with AppTest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from geo.dataset import Dataset
from layers.briefing import deck as dk
from layers.briefing import deck_file as df
from layers.web.html import WORD_JOINER
from layers.web.present import fly_to_bounds
from tests.app.helpers import APP, map_args
from ui.deck import PRESENTATION_MAP_HEIGHT as MAP_HEIGHT
from ui.deck import PRESENTATION_MAP_WIDTH

ARTICLE_DAY = dt.date(2021, 2, 23)
HOSTILE_TITLE = ":red[boo] **bold** $x^2$ <b>x</b> ![i](https://example.invalid/t.png)"



@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MemoryMediaFileStorage]]:
    """Every in-memory media store AppTest creates (one per run), to read downloads."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    yield stores


def run_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=90).run()


def with_article_deck() -> AppTest:
    at = run_app()
    at.button(key="deck_article").click().run()
    assert not at.exception
    return at


def session_deck(at: AppTest) -> dk.Deck:
    deck: dk.Deck = at.session_state["deck"]
    return deck


def titles(at: AppTest) -> list[str]:
    return [slide.title for slide in session_deck(at).slides]



def shown(at: AppTest) -> str:
    """Every Markdown text on the page, word joiners removed."""
    return "\n".join(m.value for m in at.markdown).replace(WORD_JOINER, "")


def downloaded(at: AppTest, stores: list[MemoryMediaFileStorage], key: str) -> bytes:
    """The bytes behind the download button ``key`` of the last run."""
    name = at.download_button(key=key).proto.url.rsplit("/", 1)[-1]
    return bytes(stores[-1].get_file(name).content)


def test_the_current_view_is_added_as_a_slide_with_points_and_highlights(
    dataset: Dataset,
) -> None:
    at = run_app()
    assert session_deck(at).slides == ()
    at.text_input(key="deck_new_title").input("The article's day")
    at.text_area(key="deck_new_points").input("First point.\n\nSecond point.")
    at.multiselect(key="deck_new_highlight").select("monitoring-centre-opened")
    at.button(key="deck_add").click().run()
    assert not at.exception
    (slide,) = session_deck(at).slides
    assert slide.title == "The article's day"
    assert slide.view.day == ARTICLE_DAY
    assert [p.text for p in slide.points] == ["First point.", "Second point."]
    assert slide.highlight == ("monitoring-centre-opened",)
    assert "The article's day" in shown(at)
    assert at.text_input(key="deck_new_title").value == ""  # the form is cleared
    # Without a title the slide is named after its date.
    at.slider(key="day_slider").set_value(dt.date(2020, 11, 10)).run()
    at.button(key="deck_add").click().run()
    assert titles(at) == ["The article's day", "Situation on 10 November 2020"]
    assert session_deck(at).slides[1].view.day == dt.date(2020, 11, 10)


def test_the_new_slide_keeps_the_layers_shown(dataset: Dataset) -> None:
    at = run_app()
    at.checkbox(key="layer:control").uncheck().run()
    at.button(key="deck_add").click().run()
    (slide,) = session_deck(at).slides
    assert "control" not in slide.view.layers and "russian-bases" in slide.view.layers


def test_slides_are_reordered_deleted_and_edited(dataset: Dataset) -> None:
    at = with_article_deck()
    original = titles(at)
    assert len(original) == 7
    at.button(key="deck_down:0").click().run()
    assert titles(at) == [original[1], original[0], *original[2:]]
    at.button(key="deck_up:1").click().run()
    assert titles(at) == original
    at.button(key="deck_delete:1").click().run()
    assert titles(at) == [original[0], *original[2:]]
    first = session_deck(at).slides[0]
    at.button(key="deck_edit:0").click().run()
    assert at.text_input(key="deck_edit_title").value == first.title
    kept = first.points[0].text
    at.text_input(key="deck_edit_title").input("Before the war")
    at.text_area(key="deck_edit_points").input(f"{kept}\nA new point.")
    at.button(key="deck_save").click().run()
    assert not at.exception
    edited = session_deck(at).slides[0]
    assert edited.title == "Before the war"
    assert [p.text for p in edited.points] == [kept, "A new point."]
    assert edited.points[0].events == first.points[0].events  # unchanged point keeps events
    assert edited.points[1].events == ()
    assert edited.view == replace(first.view, title="Before the war")
    assert edited.highlight == first.highlight
    assert at.session_state["deck_editing"] is None  # the editor is closed
    assert "deck_edit_title" not in [w.key for w in at.text_input]


def test_a_slide_cannot_highlight_an_event_after_its_date(dataset: Dataset) -> None:
    at = with_article_deck()
    before = session_deck(at)
    assert before.slides[2].highlight  # events of November 2020
    at.slider(key="day_slider").set_value(dt.date(2000, 1, 1)).run()
    at.button(key="deck_edit:2").click().run()
    at.checkbox(key="deck_edit_view").check()
    at.button(key="deck_save").click().run()
    assert not at.exception
    assert session_deck(at) == before
    assert "Cannot save the slide" in shown(at) + " ".join(c.value for c in at.caption)


def test_a_deck_saved_from_the_app_loads_again_as_the_same_slides(
    dataset: Dataset, media: list[MemoryMediaFileStorage]
) -> None:
    at = with_article_deck()
    at.button(key="deck_delete:6").click().run()
    at.button(key="deck_add").click().run()  # a slide made in the app
    before = session_deck(at)
    data = downloaded(at, media, "deck_download")
    assert df.deck_from_bytes(data, "deck.yaml", dataset) == before
    at.button(key="deck_empty").click().run()
    assert session_deck(at).slides == ()
    at.file_uploader(key="deck_upload").set_value(("deck.yaml", data, "application/yaml")).run()
    assert not at.exception and not at.error
    assert session_deck(at) == before


BAD_DECK = b"""\
title: Broken
slides:
  - title: One
    view: {date: 2020-13-01, layers: [countries, unicorns]}
  - title: Two
    view: {date: 2020-11-10}
    points:
      - text: Rests on nothing known.
        events: [no-such-event]
"""


def test_a_bad_deck_file_lists_every_problem_and_the_app_goes_on(dataset: Dataset) -> None:
    at = with_article_deck()
    before = session_deck(at)
    at.file_uploader(key="deck_upload").set_value(("bad.yaml", BAD_DECK, "text/yaml")).run()
    assert not at.exception
    (error,) = at.error
    assert "3 problems" in error.value
    listing = "\n".join(c.value for c in at.code)
    assert "bad.yaml: line 4, slide 1, field 'view.date'" in listing
    assert "bad.yaml: line 4, slide 1, field 'view.layers': unknown layer id 'unicorns'" in listing
    assert "bad.yaml: line 9, slide 2, field 'points[1].events'" in listing
    assert session_deck(at) == before  # the deck in use is kept
    at.slider(key="day_slider").set_value(dt.date(2020, 9, 26)).run()  # the app still works
    assert not at.exception and at.get("component_instance")
    assert "aghdam-district-armenian" in map_args(at)["feature_group"]


def test_an_oversized_deck_file_is_refused(dataset: Dataset) -> None:
    at = run_app()
    big = b"#" * (df.MAX_DECK_BYTES + 10)
    at.file_uploader(key="deck_upload").set_value(("huge.yaml", big, "text/yaml")).run()
    assert not at.exception
    assert "huge.yaml: larger than the limit" in at.code[0].value
    assert session_deck(at).slides == ()


def test_presentation_steps_through_slides_changing_date_title_and_view(
    dataset: Dataset,
) -> None:
    at = with_article_deck()
    slides = session_deck(at).slides
    at.button(key="deck_present").click().run()
    assert not at.exception
    assert f"### {slides[0].title[:4]}" in shown(at)
    assert "1 / 7" in shown(at)
    first = map_args(at)
    assert not at.get("slider")  # no date controls while presenting
    at.button(key="deck_next").click().run()
    second = map_args(at)
    assert "2 / 7" in shown(at) and slides[1].title.split(":")[0] in shown(at)
    assert at.session_state["day_slider"] == slides[1].view.day
    assert at.query_params["date"] == slides[1].view.day.isoformat()
    assert second["key"] == first["key"]  # the same map: flown, not remounted
    assert second["feature_group"] != first["feature_group"]
    assert second["center"] is not None
    assert at.checkbox(key="layer:events").value  # the slide's layers are shown
    at.button(key="deck_next").click().run()
    third = map_args(at)
    assert "3 / 7" in shown(at)
    assert at.checkbox(key="layer:peacekeeping").value
    assert not at.checkbox(key="layer:events").value
    centre, zoom = fly_to_bounds(slides[2].view.bounds, PRESENTATION_MAP_WIDTH, MAP_HEIGHT)
    assert third["center"] == list(centre) != second["center"] and third["zoom"] == zoom
    assert third["key"] == first["key"]
    at.button(key="deck_prev").click().run()
    at.button(key="deck_prev").click().run()
    assert "1 / 7" in shown(at)
    assert at.session_state["day_slider"] == slides[0].view.day
    at.toggle(key="deck_notes").set_value(True).run()
    assert "Talking points".upper() in shown(at).upper() and "Sources" in shown(at)
    at.button(key="deck_exit").click().run()
    assert not at.exception
    assert at.slider(key="day_slider").value == slides[0].view.day  # the app keeps the view


def test_a_hostile_slide_title_shows_literally(dataset: Dataset) -> None:
    at = run_app()
    at.text_input(key="deck_new_title").input(HOSTILE_TITLE)
    at.text_area(key="deck_new_points").input("<script>alert(1)</script> :material/home:")
    at.button(key="deck_add").click().run()
    assert session_deck(at).slides[0].title == HOSTILE_TITLE
    at.button(key="deck_present").click().run()
    at.toggle(key="deck_notes").set_value(True).run()
    assert not at.exception
    text = shown(at)
    assert "\\:red\\[boo\\] \\*\\*bold\\*\\* \\$x^2\\$ \\<b\\>x\\</b\\>" in text
    assert ":red[" not in text and "**bold**" not in text and "![i](" not in text
    assert "\\<script\\>" in text and "<script>" not in text
    assert not any(":material/" in m.value for m in at.markdown)


def test_the_deck_after_the_article_is_offered_beside_the_article_s(dataset: Dataset) -> None:
    at = run_app()
    at.button(key="deck_after_the_article").click().run()
    assert not at.exception
    after = session_deck(at)
    assert after.title == "After the article: Russian forces in Armenia, 2021 to today"
    assert len(after.slides) >= 6 and after == df.load_deck(df.AFTER_DECK, dataset)
    assert "After the article" in shown(at) and "7 slides" in shown(at)
    at.button(key="deck_present").click().run()
    at.button(key="deck_next").click().run()
    assert not at.exception
    assert at.session_state["day_slider"] == after.slides[1].view.day  # a day after 2021
    assert after.slides[1].view.day.year == 2023
    at.button(key="deck_exit").click().run()
    at.button(key="deck_article").click().run()  # the article's deck is still there
    assert session_deck(at).title != after.title and len(session_deck(at).slides) == 7
