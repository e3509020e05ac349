"""The sidebar panel "Your layers": the user's own files, read and held in the session.

Files are read by :func:`geo.user_layers.read_user_layer` (in a worker process bounded in
time and memory, see :mod:`geo.upload`) and kept in ``st.session_state`` only (never
written to disk, gone with the session). A refused file is one line per problem. Every text
from a file reaches the page through Streamlit's plain-text paths (``st.code``) or
:func:`layers.web.html.escape_markdown`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from geo.dates import DaySpan
from geo.errors import DataError
from geo.text import clean_text
from geo.user_layers import (
    FORMATS,
    MAX_TITLE_CHARS,
    MAX_UPLOAD_BYTES,
    NAME_FIELD,
    UserLayer,
    read_user_layer,
    screenful,
)
from layers.user_layer import COLOUR_NAMES
from layers.web.html import escape_markdown

#: Session-state keys: the layers by id (in upload order), the files that could not be
#: used with their problems, and a counter that renews the uploader (emptying it).
LAYERS_KEY = "user_layers"
FAILED_KEY = "user_layer_failures"
UPLOADER_COUNT_KEY = "user_upload_count"
#: Most layers a session holds at once.
MAX_LAYERS = 8


def uploader_key() -> str:
    """Key of the current file uploader widget."""
    return f"user_upload:{st.session_state.get(UPLOADER_COUNT_KEY, 0)}"


def your_layers(span: DaySpan | None = None) -> tuple[UserLayer, ...]:
    """Draw the panel and return the session's layers in upload order; a feature dated
    outside ``span`` (the data's) is noted with the file's problems."""
    state = st.session_state
    layers: dict[str, UserLayer] = state.setdefault(LAYERS_KEY, {})
    st.sidebar.header("Your layers")
    st.sidebar.file_uploader(
        "Add your own events or areas",
        type=sorted(FORMATS),
        accept_multiple_files=True,
        key=uploader_key(),
        on_change=_read_uploads,
        args=(span,),
        help=(
            f"GeoJSON, GeoPackage, KML or CSV (latitude/longitude columns), up to "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MiB ({MAX_UPLOAD_BYTES:,} bytes); read as "
            "data within time and memory limits, kept for this session only."
        ),
    )
    for name, problems in state.get(FAILED_KEY, {}).items():
        st.sidebar.error(escape_markdown(f"{name} could not be used:"))
        st.sidebar.code("\n".join(problems), language=None, wrap_lines=True)
    shown = []
    for index, layer in enumerate(list(layers.values())):
        shown.append(_layer_row(layer, index))
    return tuple(shown)


def _looks(layer: UserLayer, index: int) -> UserLayer:
    """``layer`` with the name, colour and label field chosen in its panel."""
    state = st.session_state
    name = clean_text(str(state.get(f"user_name:{layer.id}", ""))).strip()[:MAX_TITLE_CHARS]
    colour = state.get(f"user_colour:{layer.id}", index % len(COLOUR_NAMES))
    field = state.get(f"user_label:{layer.id}")
    return replace(
        layer,
        title=name or layer.title,
        colour=colour if isinstance(colour, int) else None,
        label_field=field if field in layer.fields() else None,
    )


def _layer_row(layer: UserLayer, index: int) -> UserLayer:
    """The layer's box: what it holds, its problems, its name, colour and label field
    (kept with the session; applied to the map, legends and every export), Remove."""
    dated = sum(f.date is not None for f in layer.features)
    box = st.sidebar.container(border=True)
    box.markdown(
        escape_markdown(
            f"{layer.title} ({layer.file_format}): {len(layer.features)} "
            f"feature{'s' if len(layer.features) != 1 else ''}, {dated} dated"
        )
    )
    if layer.problems:
        count = len(layer.problems)
        box.caption(f"{count} problem{'s' if count != 1 else ''} found reading it:")
        box.code("\n".join(layer.shown_problems()), language=None, wrap_lines=True)
    state = st.session_state
    state.setdefault(f"user_name:{layer.id}", layer.title)
    state.setdefault(f"user_colour:{layer.id}", index % len(COLOUR_NAMES))
    box.text_input("Name", key=f"user_name:{layer.id}", max_chars=MAX_TITLE_CHARS)
    box.selectbox("Colour", list(range(len(COLOUR_NAMES))), key=f"user_colour:{layer.id}",
                  format_func=COLOUR_NAMES.__getitem__)  # fmt: skip
    fields = [None, *layer.fields()]
    box.selectbox(
        "Labels on the map", fields, key=f"user_label:{layer.id}",
        format_func=lambda f: "none" if f is None else ("the name" if f == NAME_FIELD else f),
        help="The field whose value labels each feature on the map and in exports.",
    )  # fmt: skip
    box.button("Remove", key=f"remove:{layer.id}", on_click=_remove, args=(layer.id,))
    return _looks(layer, index)


def _remove(layer_id: str) -> None:
    st.session_state[LAYERS_KEY].pop(layer_id, None)


def _read_uploads(span: DaySpan | None) -> None:
    """Read the files just uploaded into the session's layers, then empty the uploader."""
    state = st.session_state
    files: list[Any] = state.get(uploader_key()) or []
    layers: dict[str, UserLayer] = state.setdefault(LAYERS_KEY, {})
    failed: dict[str, list[str]] = {}
    for file in files:
        name = str(file.name)
        if len(layers) >= MAX_LAYERS:
            failed[name] = [f"at most {MAX_LAYERS} layers at once: remove one first"]
            continue
        if file.size > MAX_UPLOAD_BYTES:  # before reading the bytes
            failed[name] = [f"{file.size:,} bytes is over the limit of {MAX_UPLOAD_BYTES:,}"]
            continue
        try:
            layer = read_user_layer(file.getvalue(), name, span=span)
        except DataError as exc:
            failed[name] = screenful(exc.problems)
            continue
        layers[layer.id] = layer
    state[FAILED_KEY] = failed
    state[UPLOADER_COUNT_KEY] = state.get(UPLOADER_COUNT_KEY, 0) + 1
