"""What the first run of a session sends before the map can be drawn (issue 25): the
folded text alternative holds no table until it is opened."""

from __future__ import annotations

from tests.app.helpers import run_app
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
