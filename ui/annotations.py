"""The view's annotations in the session: what the map reports the user drew, the sidebar
panel (list, edit, undo, clear, GeoJSON download and upload).

The annotations are ``st.session_state[ANNOTATIONS_KEY]`` (a tuple of
:class:`layers.briefing.annotations.Annotation`), part of the view the app shows, writes
into the URL (``ann=``, while short enough) and exports. The map's tool reports the whole
drawing through streamlit-folium's ``all_drawings`` (:func:`take_drawings`, called with
the map's value); it is checked like a file and a refused drawing is sent back as it was.
An upload goes through the bounded user-file reader
(:func:`layers.briefing.annotations.read_annotation_file`). Every label reaches the page
through :func:`layers.web.html.escape_markdown` or a widget's plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from geo.errors import DataError
from layers.briefing import annotations as model
from layers.briefing.annotations import Annotation, annotations_from_features
from layers.web.html import escape_markdown

#: Session-state keys: the annotations, their earlier states (undo), the last drawing
#: the map reported, the revision sent to the map, and a one-line message.
ANNOTATIONS_KEY = "annotations"
HISTORY_KEY = "annotations_history"
SEEN_KEY = "annotations_seen"
REVISION_KEY = "annotations_revision"
MESSAGE_KEY = "annotations_message"
UPLOAD_COUNT_KEY = "annotations_upload_count"
#: Earlier states kept for Undo.
UNDO_STEPS = 30
#: What the map component must return for :func:`take_drawings`.
RETURNED_OBJECTS = ["all_drawings"]


def current() -> tuple[Annotation, ...]:
    """The session's annotations."""
    value: tuple[Annotation, ...] = st.session_state.get(ANNOTATIONS_KEY, ())
    return value


def revision() -> int:
    """The revision of what the map was last sent (see :func:`take_drawings`)."""
    return int(st.session_state.get(REVISION_KEY, 0))


def put(annotations: tuple[Annotation, ...], message: str | None = None) -> None:
    """Make ``annotations`` the session's, keeping the previous state for Undo."""
    state = st.session_state
    before = current()
    if annotations != before:
        history: list[tuple[Annotation, ...]] = state.setdefault(HISTORY_KEY, [])
        history.append(before)
        del history[:-UNDO_STEPS]
    state[ANNOTATIONS_KEY] = annotations
    state[MESSAGE_KEY] = message


def restore(annotations: tuple[Annotation, ...]) -> None:
    """Set the annotations from a URL, a slide or Back/Forward (no Undo step). The map is
    sent them anew (a new revision): it may show another drawing than the one it was
    last sent (a drawing reported just before a Back step)."""
    st.session_state[ANNOTATIONS_KEY] = annotations
    st.session_state[REVISION_KEY] = revision() + 1


def take_drawings(value: Mapping[str, Any] | None) -> bool:
    """Take the drawing the map reported (``all_drawings`` of the component's value);
    True when the session's annotations changed. A drawing that fails the checks is
    refused with a message, and the map is sent the session's annotations again."""
    drawings = value.get("all_drawings") if value else None
    if not isinstance(drawings, list):
        return False  # nothing drawn since the map was mounted
    state = st.session_state
    if state.get(SEEN_KEY) == drawings:
        return False  # a rerun repeats the last report
    state[SEEN_KEY] = drawings
    try:
        drawn = annotations_from_features(drawings, "the drawing")
    except DataError as exc:
        state[MESSAGE_KEY] = "Not kept: " + "; ".join(exc.problems[:3])
        state[REVISION_KEY] = revision() + 1
        return True
    if drawn == current():
        return False
    put(drawn)
    return True


# --- the panel --------------------------------------------------------------------------


def _undo() -> None:
    history: list[tuple[Annotation, ...]] = st.session_state.get(HISTORY_KEY, [])
    if history:
        st.session_state[ANNOTATIONS_KEY] = history.pop()
        st.session_state[MESSAGE_KEY] = "Undone."


def _clear() -> None:
    put((), "Cleared.")


def _delete(index: int) -> None:
    drawn = list(current())
    if 0 <= index < len(drawn):
        del drawn[index]
        put(tuple(drawn), f"Deleted annotation {index + 1}.")


def _apply(index: int) -> None:
    """The edit form: label and colour of annotation ``index``."""
    state = st.session_state
    drawn = list(current())
    if not 0 <= index < len(drawn):
        return
    feature = drawn[index].feature()
    feature["properties"] |= {
        "label": state.get("annotation_label", ""),
        "colour": state.get("annotation_colour", drawn[index].colour),
    }
    try:
        (edited,) = annotations_from_features([feature], f"annotation {index + 1}")
    except DataError as exc:
        state[MESSAGE_KEY] = "Not changed: " + "; ".join(exc.problems[:3])
        return
    drawn[index] = edited
    put(tuple(drawn), f"Changed annotation {index + 1}.")


def _pick() -> None:
    """A new annotation picked for editing: fill the form with it."""
    state = st.session_state
    index = state.get("annotation_pick")
    drawn = current()
    if isinstance(index, int) and 0 <= index < len(drawn):
        state["annotation_label"] = drawn[index].label
        state["annotation_colour"] = drawn[index].colour


def _upload() -> None:
    state = st.session_state
    key = f"annotations_upload:{state.get(UPLOAD_COUNT_KEY, 0)}"
    file = state.get(key)
    if file is None:
        return
    data = file.read(model.MAX_FILE_BYTES + 1)  # never more than the cap plus one byte
    try:
        loaded = model.read_annotation_file(data, str(file.name))
    except DataError as exc:
        state[MESSAGE_KEY] = None
        state["annotations_problems"] = exc.problems
    else:
        state["annotations_problems"] = None
        put(loaded, f"Loaded {len(loaded)} annotation{'s' if len(loaded) != 1 else ''}.")
    state[UPLOAD_COUNT_KEY] = state.get(UPLOAD_COUNT_KEY, 0) + 1


def annotation_panel() -> None:
    """The sidebar's "Annotations" expander: what is drawn (also a text list of it), an
    edit form, Undo, Clear, and the GeoJSON file both ways."""
    state = st.session_state
    drawn = current()
    problems = state.get("annotations_problems")
    with st.sidebar.expander(f"Annotations ({len(drawn)})", expanded=bool(problems)):
        st.caption(
            "Draw with the tools at the map's top left (click to add points, double-click "
            "to finish; from the keyboard: a tool, then Enter adds the map's centre). "
            "Annotations are kept with the view: in the address, decks and every export."
        )
        if state.get(MESSAGE_KEY):
            st.caption(escape_markdown(state[MESSAGE_KEY]))
        for number, annotation in enumerate(drawn, start=1):
            st.markdown(escape_markdown(f"{number}. {annotation.describe()}"))
        if drawn:
            options = list(range(len(drawn)))
            if state.get("annotation_pick") not in options:
                state["annotation_pick"] = 0
            picked = drawn[state["annotation_pick"]]
            if state.get("annotation_form_of") != picked:  # changed on the map, or new
                state["annotation_form_of"] = picked
                _pick()
            st.selectbox("Edit annotation", options, key="annotation_pick", on_change=_pick,
                         format_func=lambda i: f"{i + 1}. {drawn[i].describe()}")  # fmt: skip
            st.text_input("Label", key="annotation_label", max_chars=model.MAX_LABEL_CHARS)
            st.selectbox("Colour", list(model.PALETTE), key="annotation_colour")
            row = st.container(horizontal=True)
            index = state["annotation_pick"]
            row.button("Apply", key="annotation_apply", on_click=_apply, args=(index,))
            row.button("Delete", key="annotation_delete", on_click=_delete, args=(index,))
        row = st.container(horizontal=True)
        row.button("Undo", key="annotation_undo", on_click=_undo,
                   disabled=not state.get(HISTORY_KEY))  # fmt: skip
        row.button("Clear all", key="annotation_clear", on_click=_clear, disabled=not drawn)
        if drawn:
            st.download_button(
                "Download annotations (GeoJSON)",
                model.geojson_text(drawn).encode("utf-8"),
                file_name="annotations.geojson",
                mime="application/geo+json",
                key="annotation_download",
            )
        st.file_uploader(
            "Open annotations (GeoJSON)",
            type=["geojson", "json"],
            key=f"annotations_upload:{state.get(UPLOAD_COUNT_KEY, 0)}",
            on_change=_upload,
            help=(
                f"Properties kind, label, colour; at most {model.MAX_ANNOTATIONS} annotations "
                f"and {model.MAX_FILE_BYTES // 1024} KB; read as data, kept in this session."
            ),
        )
        if problems:
            st.error("The annotation file cannot be used:")
            st.code("\n".join(problems), language=None, wrap_lines=True)  # verbatim
