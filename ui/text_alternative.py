"""Under the map: what the map shows on the day, as a table (the map's text alternative,
issue 24; :func:`layers.map_text.map_text_rows`). Every cell passes through
:func:`layers.web.html.escape_markdown` (``st.table`` reads Markdown in cells)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.dataset import Dataset
from geo.dates import format_date
from layers.briefing.view import View
from layers.map_text import COLUMNS, map_text_rows
from layers.web.html import escape_markdown

#: Key of the folded section (its state: open or not).
EXPANDER_KEY = "map_text"


def text_alternative(dataset: Dataset, view: View) -> None:
    """A folded section holding the table of what the map shows on ``view.day``.

    The table is sent only while the section is open (opening it reruns the date's
    fragment): folded, its 170-odd rows cost the browser more than the whole map before
    the map could be drawn (``python -m bench.first_map``, issue 25), and its rows are
    made only then (at 10,000 events, a third of a date change's server time)."""
    title = f"What the map shows on {format_date(view.day)} (as text)"
    with st.expander(title, expanded=False, key=EXPANDER_KEY, on_change="rerun") as section:
        if not section.open:
            return
        rows = map_text_rows(dataset, view)
        st.caption(f"{len(rows):,} rows: each area held, site and event drawn on the day.")
        if not rows:
            st.caption("Nothing that changes with the date is drawn.")
            return
        frame = pd.DataFrame(
            [[escape_markdown(v) for v in (r.layer, r.name, r.status, r.detail)] for r in rows],
            columns=list(COLUMNS),
        )
        st.table(frame, hide_index=True)
