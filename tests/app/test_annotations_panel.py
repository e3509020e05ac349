"""The session's annotations (issue 24): what the map reports drawn is checked and kept,
a refused drawing is sent back as it was, the sidebar lists them as escaped text, edits,
undoes and clears them; the app writes them into the URL and restores them from it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from layers.briefing.annotations import encode_query
from tests.app.helpers import map_args, run_app
from tests.layers.test_annotations import ARROW, CALLOUT, PKF


def _script() -> None:
    import streamlit as st

    from ui import annotations as annotations_ui

    annotations_ui.take_drawings(st.session_state.get("reported"))
    annotations_ui.annotation_panel()


def panel(reported: object = None) -> AppTest:
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["reported"] = {"all_drawings": reported}
    return at.run()


def test_a_reported_drawing_is_kept_listed_edited_and_undone() -> None:
    hostile = "**bold** :red[x] $x^2$ <b>tag</b>"
    drawn = [ARROW.feature(), {**CALLOUT.feature(), "properties": {
        **CALLOUT.properties(), "label": hostile}}]  # fmt: skip
    at = panel(drawn)
    assert not at.exception
    kept = at.session_state["annotations"]
    assert [a.kind for a in kept] == ["arrow", "callout"] and kept[1].label == hostile
    listed = [m.value for m in at.markdown]
    assert any("\\*\\*bold\\*\\*" in m and "\\<b\\>" in m for m in listed)  # escaped
    at.text_input(key="annotation_label").input("Advance east")
    at.button(key="annotation_apply").click().run()
    assert at.session_state["annotations"][0].label == "Advance east"
    at.button(key="annotation_undo").click().run()
    assert at.session_state["annotations"][0].label == ARROW.label
    at.button(key="annotation_clear").click().run()
    assert at.session_state["annotations"] == ()


def test_a_drawing_that_fails_the_checks_is_refused_and_sent_back() -> None:
    bad = {**CALLOUT.feature(), "properties": {**CALLOUT.properties(), "colour": "teal"}}
    at = panel([bad])
    assert "annotations" not in at.session_state  # nothing kept
    assert at.session_state["annotations_revision"] == 1  # the map is sent them again
    assert "feature 1, field 'colour'" in at.session_state["annotations_message"]


def test_the_app_restores_annotations_from_the_url_and_sends_them_to_the_map() -> None:
    at = run_app({"date": "2020-11-10", "ann": encode_query((ARROW, CALLOUT)) or ""})
    assert not at.exception and not at.warning
    assert at.session_state["annotations"] == (ARROW, CALLOUT)
    script = map_args(at)["feature_group"]
    assert "bmAnnotations" in script and "Russian peacekeepers" in script.replace("\\u0026", "&")
    assert PKF.replace("~", "") in " ".join(m.value for m in at.markdown).replace("\\", "")
