"""What the first run of a session sends before the map can be drawn (issue 25): the
folded text alternative holds no table until it is opened; in a browser, the timeline's
cards, the sidebar's panels and the key-date menu's widgets wait for the run the map's
first report asks for (ui.timeline); the key-date menu's widgets come when it is opened
(ui.folding, tests/app/test_folded_menus.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, run_app, timeline_cards
from ui.map_first import WAITING_KEY
from ui.text_alternative import EXPANDER_KEY


def test_the_folded_text_alternative_sends_no_table_until_opened() -> None:
    at = run_app()
    (section,) = [e for e in at.expander if e.label.startswith("What the map shows")]
    assert not section.table  # folded: nothing for the browser to lay out
    assert not section.caption  # nor its rows made
    at.session_state[EXPANDER_KEY] = True  # as the browser reports a click on it
    at.run()
    (section,) = [e for e in at.expander if e.label.startswith("What the map shows")]
    (table,) = section.table
    assert f"{len(table.value):,} rows" in section.caption[0].value
    assert len(table.value) > 100  # every holder, site and event of the day


def _cards(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("event:")]


def _sidebar_panels(at: AppTest) -> list[str]:
    return [e.label for e in at.sidebar.expander if e.label in ("Export", "Deck")]


def test_a_browsers_first_run_sends_the_map_and_leaves_the_rest_to_the_next_run() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["timezone"] = "Europe/Berlin"  # a browser's front end sends its time zone
    at.run()
    assert not at.exception
    assert at.get("component_instance")  # the map
    assert not _cards(at)
    assert "Loading the events…" in [c.value for c in at.caption]
    assert not _sidebar_panels(at)
    assert not at.sidebar.checkbox  # the layer panel
    assert "Loading the panels…" in [c.value for c in at.sidebar.caption]
    assert "Period" not in [s.label for s in at.selectbox]  # the key-date menu's widgets
    assert at.session_state[WAITING_KEY]  # for the map's report (or the box's timer)
    at.run()  # the run the map's first report asks for
    assert not _cards(at)  # in a browser the cards are one element:
    assert len(timeline_cards(at)) >= 20
    assert "Loading the events…" not in [c.value for c in at.caption]
    assert _sidebar_panels(at) == ["Export", "Deck"]
    assert "Loading the panels…" not in [c.value for c in at.sidebar.caption]
    layers = {c.key: c.value for c in at.sidebar.checkbox if c.key.startswith("layer:")}
    assert len(layers) > 10 and layers["layer:russian-bases"]  # the view's layers, kept
    assert "Period" not in [s.label for s in at.selectbox]  # folded: sent when opened
    assert WAITING_KEY not in at.session_state


def test_a_client_without_a_front_end_gets_the_whole_page_at_once() -> None:
    at = run_app()  # no browser context: nothing would ever report the map
    assert len(_cards(at)) >= 20
    assert _sidebar_panels(at) == ["Export", "Deck"]
    assert WAITING_KEY not in at.session_state


def _reporting_script() -> None:
    import streamlit as st

    from ui.map_first import WAITING_KEY, fill_if_waiting

    runs = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if runs == 1:
        st.session_state[WAITING_KEY] = True  # a first run, waiting
    else:
        fill_if_waiting()  # every later run: the map reports


def test_the_maps_report_asks_for_one_run_while_the_timeline_waits() -> None:
    at = AppTest.from_function(_reporting_script).run()
    assert at.session_state["runs"] == 1
    at.run()  # the report: it asks for one more run of the page, and only once
    assert at.session_state["runs"] == 3
    assert WAITING_KEY not in at.session_state
    at.run()
    assert at.session_state["runs"] == 4


def test_the_views_layers_and_names_from_the_address_survive_the_first_run() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["timezone"] = "UTC"
    at.query_params.update(date="2021-02-23", layers="russian-bases", names="az")
    at.run()
    assert not at.sidebar.checkbox and not at.sidebar.selectbox  # drawn by the next run
    at.run()
    layers = {c.key: c.value for c in at.sidebar.checkbox if c.key.startswith("layer:")}
    assert [key for key, on in layers.items() if on] == ["layer:russian-bases"]
    (names,) = [s for s in at.sidebar.selectbox if s.key == "convention"]
    assert names.value == "az"
    assert at.query_params["layers"] == "russian-bases"
