"""The date row's menus and the sidebar's Export and Deck panels send a browser their
widgets only while open (issue 25, ui.folding): a date change lays out their buttons
alone. Opening one draws its widgets; what the user chose in them is kept while folded;
a client without a front end gets every widget, as before."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, run_app, timeline_cards
from ui.dates import BY_DAY_MENU_KEY, MENU_KEY, STEP_KEY
from ui.day_playback import UNTIL_KEY
from ui.deck import PANEL_KEY
from ui.print_panel import EXPORT_KEY


def _browser() -> AppTest:
    """A browser's session after its first page is filled (the run the map's report asks
    for)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["timezone"] = "Europe/Berlin"  # a browser's front end sends its time zone
    at.run()
    at.run()
    assert not at.exception
    return at


def _labels(at: AppTest) -> set[str]:
    widgets = [*at.selectbox, *at.button, *at.text_input, *at.button_group, *at.date_input]
    return {w.label for w in widgets}


def _date_change(at: AppTest, day: dt.date) -> None:
    at.slider(key="day_slider").set_value(day).run()
    assert not at.exception


def _downloads(at: AppTest) -> list[str]:
    return [b.key for b in at.get("download_button") if b.key]


def test_folded_menus_and_panels_send_a_browser_no_widgets_on_a_date_change() -> None:
    at = _browser()
    _date_change(at, dt.date(2020, 11, 10))
    labels = _labels(at)
    for folded in ("Period", "Key date", "Until", "Play by day", "Preset range", "Add slide",
                   "Empty deck"):  # fmt: skip
        assert folded not in labels
    assert not _downloads(at)
    assert [e.label for e in at.sidebar.expander if e.label in ("Export", "Deck")] == [
        "Export",
        "Deck",
    ]  # the panels themselves are there, folded
    assert {"◀ Previous", "Next ▶", "Play"} <= labels  # the row's own buttons
    assert len(timeline_cards(at)) >= 20  # the timeline's cards, one element


def test_opening_a_menu_or_panel_draws_its_widgets() -> None:
    at = _browser()
    for key in (MENU_KEY, BY_DAY_MENU_KEY, EXPORT_KEY, PANEL_KEY):
        at.session_state[key] = True  # as the browser reports a click on it
    at.run()
    assert not at.exception
    labels = _labels(at)
    for shown in ("Period", "Until", "Play by day", "Preset range", "Add slide"):
        assert shown in labels
    assert "download:pdf" in _downloads(at)


def test_what_the_user_chose_in_a_menu_is_kept_while_it_is_folded() -> None:
    at = _browser()
    at.session_state[MENU_KEY] = True
    at.session_state[BY_DAY_MENU_KEY] = True
    at.session_state[PANEL_KEY] = True
    at.run()
    at.button_group(key=STEP_KEY).set_value("year").run()
    at.text_input(key=UNTIL_KEY).input("2020-12-31").run()
    at.text_input(key="deck_new_title").input("Half-typed title").run()
    for key in (MENU_KEY, BY_DAY_MENU_KEY, PANEL_KEY):
        at.session_state[key] = False  # folded again
    at.run()
    _date_change(at, dt.date(2020, 11, 10))
    _date_change(at, dt.date(2020, 11, 12))
    assert "Period" not in _labels(at)
    at.button(key="next").click().run()  # steps by the unit chosen in the folded menu
    assert at.slider(key="day_slider").value == dt.date(2021, 11, 12)
    _date_change(at, dt.date(2020, 11, 12))
    for key in (MENU_KEY, BY_DAY_MENU_KEY, PANEL_KEY):
        at.session_state[key] = True
    at.run()
    assert at.button_group(key=STEP_KEY).value == "year"
    assert at.text_input(key=UNTIL_KEY).value == "2020-12-31"
    assert at.text_input(key="deck_new_title").value == "Half-typed title"


def test_a_client_without_a_front_end_gets_every_widget() -> None:
    at = run_app()
    labels = _labels(at)
    for shown in ("Period", "Until", "Play by day", "Preset range", "Add slide"):
        assert shown in labels
    assert "download:pdf" in _downloads(at)
