"""The timeline cards' component: its data is the page's escaped cards, and its script
inserts no other markup (ids and labels go in as text)."""

from __future__ import annotations

import datetime as dt
import re

from geo.dataset import Dataset
from layers.web.timeline_cards import cards_data, cards_js
from layers.web.timeline_panel import timeline_page


def test_the_data_is_the_pages_cards_in_order(dataset: Dataset) -> None:
    page = timeline_page(dataset, dt.date(2020, 11, 10), selected="zangilan-taken-2020")
    data = cards_data(page.entries, ("zangilan-taken-2020", 3))
    assert data["cards"] == [[e.id, e.html, e.past] for e in page.entries]
    assert data["scroll"] == ["zangilan-taken-2020", 3]
    assert cards_data(page.entries)["scroll"] is None


def test_the_script_inserts_markup_only_from_a_cards_escaped_html() -> None:
    script = cards_js()
    sinks = re.findall(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment"
        r"|\beval\b|new Function|setAttribute\(\s*['\"]on",
        script,
    )
    assert sinks == ["innerHTML"]  # one place:
    assert re.search(r"item\.body\.innerHTML = html;", script)  # the card's escaped html
    assert "textContent = LABEL" in script and "dataset.pick = id" in script  # text only
