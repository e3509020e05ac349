"""The date widgets' keys are stated once (:mod:`layers.web.date_widgets`): the app's
widgets and the map frame's date preview use the same ones."""

from __future__ import annotations

from layers.web import preview_frame
from layers.web.date_widgets import (
    DAY_INPUT,
    DAY_SLIDER,
    NEXT,
    PREV,
    SLIDER_BOX,
    selector,
)
from tests.app.helpers import run_app


def test_the_preview_script_finds_the_widgets_by_their_keys() -> None:
    script = preview_frame._PREVIEW_JS
    assert f'closest("{selector(DAY_INPUT)}")' in script  # Enter in the typed date
    assert f'closest("{selector(SLIDER_BOX)}")' in script  # arrow keys on the slider
    steps = f"{selector(PREV, 'button')}, {selector(NEXT, 'button')}"
    assert f'closest("{steps}")' in script
    assert f'button.closest("{selector(NEXT)}")' in script
    assert "@" not in script.split("bmPreview", 1)[1]  # every mark replaced


def test_the_app_draws_the_widgets_with_those_keys() -> None:
    """(The slider's container key, ``SLIDER_BOX``, is a class only a browser sees:
    ``tests/e2e/test_date_widgets.py``.)"""
    at = run_app(timeout=120)
    assert not at.exception
    day = at.slider(key=DAY_SLIDER).value
    assert at.text_input(key=DAY_INPUT).value == day.isoformat()
    assert at.button(key=PREV).label.endswith("Previous")
    assert at.button(key=NEXT).label.startswith("Next")
