"""Streamlit's rendering of a keyed widget: the selectors of
:mod:`layers.web.date_widgets` (class ``st-key-<key>``), which the map frame's date
preview and the browser tests use, each find their one widget on the app page. Fails if
a Streamlit release renders a widget's key otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from layers.web.date_widgets import DAY_INPUT, SELECTORS, SLIDER_BOX, key_class
from tests.e2e.test_browser import TIMEOUT_MS, page

pytestmark = pytest.mark.e2e
__all__ = ["page"]  # the fixture, imported for this module's tests


def test_every_date_selector_finds_its_one_widget(page: Any) -> None:
    for name, selector in SELECTORS.items():
        found = page.locator(selector)
        expect(found, name).to_have_count(1, timeout=TIMEOUT_MS)
        expect(found, name).to_be_visible()
    # the key class is on the widget's own element (the slider's: on its container)
    assert page.locator(f".{key_class(DAY_INPUT)} [data-testid='stTextInput']").count() == 1
    assert page.locator(f".{key_class(SLIDER_BOX)} [data-testid='stSlider']").count() == 1
    expect(page.locator(SELECTORS["prev"])).to_contain_text("Previous")
    expect(page.locator(SELECTORS["next"])).to_contain_text("Next")
