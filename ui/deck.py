"""The deck panel and the presentation mode of the app (widgets only).

The deck lives in the session (``st.session_state``) and nowhere else: it starts empty
or from a committed deck (the article's, ``data/decks/article.yaml``, or the story after it,
``data/decks/after-the-article.yaml``), is edited here (add the current
view as a slide, reorder, delete, edit title, talking points and highlighted events),
downloaded and uploaded as YAML (:mod:`layers.briefing.deck` validates and caps an upload; nothing
is ever written to ``data/``), and exported as PPTX or handout PDF on click
(:mod:`layers.paper.slides`).

Presentation mode shows one slide at a time: its title, a large map at the slide's view
and date, the slide counter and, on demand, the notes. Changing slide sets the app's view
widgets (date, layers, names, basemap) and flies the live map to the slide's extent:
the map component keeps its key and is never remounted. Arrow keys and PageUp/PageDown
click the Previous/Next buttons (a small script; Streamlit has no key handler).

Every text from a deck or the data reaches the page through
:func:`layers.web.html.escape_markdown` or ``st.code``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import streamlit as st

from geo.dataset import Dataset
from geo.dates import format_date
from geo.errors import DataError, StateError
from geo.model import Event
from layers.briefing.deck import (
    Deck,
    Slide,
    TalkingPoint,
    add_slide,
    check_events,
    edit_slide,
    move_slide,
    remove_slide,
    slide_from_view,
)
from layers.briefing.deck_file import (
    ARTICLE_DECK,
    COMMITTED_DECKS,
    MAX_DECK_BYTES,
    deck_from_bytes,
    deck_to_yaml,
    load_deck,
)
from layers.briefing.view import View
from layers.catalog import LAYERS
from layers.paper.deck_files import DECK_FORMATS, deck_bytes
from layers.paper.slide_notes import notes_lines, slide_notes
from layers.web.html import escape_markdown
from layers.web.present import fly_to_bounds
from ui import annotations as annotations_ui
from ui.dates import set_day
from ui.folding import unfolded

logger = logging.getLogger("briefing.deck")

#: Session-state keys: the deck, the slide shown, presenting or not, the slide being
#: edited, the problems of the last upload and a one-line message of the panel.
DECK_KEY = "deck"
INDEX_KEY = "deck_index"
PRESENTING_KEY = "presenting"
EDITING_KEY = "deck_editing"
PROBLEMS_KEY = "deck_problems"
MESSAGE_KEY = "deck_message"
#: Key of the Deck panel (its state: open or not, :mod:`ui.folding`).
PANEL_KEY = "deck-panel"
#: The panel's widgets holding what the user typed or chose (kept while it is folded).
FORM_KEYS = ("deck_new_title", "deck_new_points", "deck_new_highlight", "deck_edit_title",
             "deck_edit_points", "deck_edit_highlight", "deck_edit_view")  # fmt: skip
#: Title of a new, empty deck.
EMPTY_TITLE = "Briefing deck"
#: Height of the map in presentation mode (px), and the width assumed when choosing the
#: zoom level of a slide's extent (the map is as wide as the page; this is a narrow one).
PRESENTATION_MAP_HEIGHT = 520
PRESENTATION_MAP_WIDTH = 960
#: Longest error text shown for a failed export (the rest is in the server log).
MESSAGE_CHARS = 300

#: Arrow keys and PageUp/PageDown (what presentation clickers send) click the Previous
#: and Next buttons, unless the user is typing. Constant text: no data goes in.
KEYS_SCRIPT = """<script>
(() => {
  const doc = window.document;
  if (doc.__bmDeckKeys) { doc.removeEventListener("keydown", doc.__bmDeckKeys); }
  const keys = {ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev"};
  doc.__bmDeckKeys = (event) => {
    const which = keys[event.key];
    const target = event.target;
    const typing = target && (target.isContentEditable ||
      ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    if (!which || typing || event.altKey || event.ctrlKey || event.metaKey) { return; }
    const buttons = doc.querySelectorAll(".st-key-deck_" + which + " button");
    const button = [...buttons].find((b) => b.offsetParent !== null);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  };
  doc.addEventListener("keydown", doc.__bmDeckKeys);
})();
</script>"""


# --- state ---------------------------------------------------------------------------


def deck() -> Deck:
    """The session's deck (empty at first)."""
    state = st.session_state
    if DECK_KEY not in state:
        state[DECK_KEY] = Deck(title=EMPTY_TITLE)
    current: Deck = state[DECK_KEY]
    return current


def presenting() -> bool:
    """Whether presentation mode is on. While it is, the date is the slide's: call this
    before the view is read (the date widgets are not drawn, so nothing else holds it)."""
    state = st.session_state
    slides = deck().slides
    if not state.get(PRESENTING_KEY) or not slides:
        state[PRESENTING_KEY] = False
        return False
    index = min(state.get(INDEX_KEY, 0), len(slides) - 1)
    state[INDEX_KEY] = index
    set_day(slides[index].view.day)
    return True


def show_view(view: View) -> None:
    """Set the app's view widgets to ``view`` and fly the map to its extent.

    The app's ``bounds`` stay as they are: the base map is fitted to them, and
    streamlit-folium keys the map component by a hash of the base map's script, so new
    bounds would remount the map. The extent is reached by flying (centre and zoom).
    """
    state = st.session_state
    set_day(view.day)
    for spec in LAYERS:
        state[f"layer:{spec.id}"] = spec.id in view.layers
    state.update(convention=view.convention, basemap=view.basemap)
    annotations_ui.restore(view.annotations)
    state["fly"] = fly_to_bounds(view.bounds, PRESENTATION_MAP_WIDTH, PRESENTATION_MAP_HEIGHT)


def _set_deck(new: Deck, message: str | None = None) -> None:
    st.session_state[DECK_KEY] = new
    st.session_state[MESSAGE_KEY] = message


# --- callbacks -----------------------------------------------------------------------


def on_start(dataset: Dataset | None, path: Path = ARTICLE_DECK) -> None:
    """Start from the committed deck at ``path`` (``dataset`` given; the article's by
    default) or from an empty deck."""
    st.session_state.update({EDITING_KEY: None, PROBLEMS_KEY: None})
    if dataset is None:
        _set_deck(Deck(title=EMPTY_TITLE), "Started an empty deck.")
        return
    try:
        started = load_deck(path, dataset)
    except DataError as exc:
        st.session_state.update({PROBLEMS_KEY: exc.problems, PANEL_KEY: True})  # shown open
        return
    _set_deck(started, f"Loaded the deck {started.title!r} ({len(started.slides)} slides).")


def points_from_text(text: str, old: Sequence[TalkingPoint] = ()) -> list[TalkingPoint]:
    """Talking points from a text area, one per non-blank line; a line equal to an old
    point keeps the events that point rests on."""
    events = {point.text: point.events for point in old}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [TalkingPoint(line, events.get(line, ())) for line in lines]


def _check(slide: Slide, events: Mapping[str, Event]) -> None:
    """:class:`StateError` if ``slide`` highlights an event after its date."""
    problems = check_events(slide, events)
    if problems:
        raise StateError("; ".join(problems))


def on_screen(view: View) -> View:
    """``view`` with the extent the map shows now: a pan or zoom reruns only the map's
    fragment (:mod:`ui.view_sync`), so a view drawn into a callback's arguments may hold
    an older extent; the session's ``bounds`` is the latest."""
    return replace(view, bounds=st.session_state.get("bounds", view.bounds))


def on_add(view: View, events: Mapping[str, Event]) -> None:
    """Add ``view`` (at the extent on screen) as a slide with the title, points and
    highlights typed."""
    state = st.session_state
    view = on_screen(view)
    title = state.get("deck_new_title", "").strip() or f"Situation on {format_date(view.day)}"
    try:
        slide = slide_from_view(view, title)
        slide = replace(
            slide,
            points=tuple(points_from_text(state.get("deck_new_points", ""))),
            highlight=tuple(state.get("deck_new_highlight", [])),
        )
        _check(slide, events)
        _set_deck(add_slide(deck(), slide), f"Added slide {len(deck().slides) + 1}.")
    except StateError as exc:
        state[MESSAGE_KEY] = f"Cannot add the slide: {exc}"
        return
    state.update(deck_new_title="", deck_new_points="", deck_new_highlight=[])


def on_move(index: int, to: int) -> None:
    """Move slide ``index`` to ``to`` (0-based)."""
    _set_deck(move_slide(deck(), index, to))
    st.session_state[EDITING_KEY] = None


def on_delete(index: int) -> None:
    """Delete slide ``index``."""
    _set_deck(remove_slide(deck(), index), f"Deleted slide {index + 1}.")
    st.session_state[EDITING_KEY] = None


def on_edit(index: int) -> None:
    """Open slide ``index`` in the editor, filled with its title, points and highlights."""
    slide = deck().slides[index]
    st.session_state.update(
        {
            EDITING_KEY: index,
            "deck_edit_title": slide.title,
            "deck_edit_points": "\n".join(point.text for point in slide.points),
            "deck_edit_highlight": list(slide.highlight),
            "deck_edit_view": False,
        }
    )


def on_save(index: int, view: View, events: Mapping[str, Event]) -> None:
    """Save the editor into slide ``index`` (and the current view, when asked)."""
    state = st.session_state
    slide = deck().slides[index]
    new_view = on_screen(view) if state.get("deck_edit_view") else slide.view
    try:
        edited = edit_slide(
            deck(),
            index,
            title=state.get("deck_edit_title", "").strip() or slide.title,
            points=points_from_text(state.get("deck_edit_points", ""), slide.points),
            view=new_view,
        )
        highlight = tuple(state.get("deck_edit_highlight", []))
        slides = list(edited.slides)
        slides[index] = replace(slides[index], highlight=highlight)
        _check(slides[index], events)
        _set_deck(replace(edited, slides=tuple(slides)), f"Saved slide {index + 1}.")
    except StateError as exc:
        state[MESSAGE_KEY] = f"Cannot save the slide: {exc}"
        return
    state[EDITING_KEY] = None


def on_cancel() -> None:
    """Close the editor without saving."""
    st.session_state[EDITING_KEY] = None


def on_upload(dataset: Dataset) -> None:
    """Replace the deck by the uploaded file, or list its problems (deck unchanged)."""
    state = st.session_state
    uploaded = state.get("deck_upload")
    if uploaded is None:  # the file was removed from the uploader
        state[PROBLEMS_KEY] = None
        return
    data = uploaded.read(MAX_DECK_BYTES + 1)  # never more than the cap plus one byte
    try:
        loaded = deck_from_bytes(data, uploaded.name, dataset)
    except DataError as exc:
        state.update({PROBLEMS_KEY: exc.problems, MESSAGE_KEY: None, PANEL_KEY: True})
        return
    state[PROBLEMS_KEY] = None
    state[EDITING_KEY] = None
    _set_deck(loaded, f"Loaded {uploaded.name} ({len(loaded.slides)} slides).")


def on_present(index: int) -> None:
    """Start presenting at slide ``index``."""
    state = st.session_state
    state.update({PRESENTING_KEY: True, INDEX_KEY: index, "playing": False})
    show_view(deck().slides[index].view)


def on_step(step: int) -> None:
    """Go ``step`` slides forward (or back), staying within the deck."""
    slides = deck().slides
    index = max(0, min(len(slides) - 1, st.session_state.get(INDEX_KEY, 0) + step))
    st.session_state[INDEX_KEY] = index
    show_view(slides[index].view)


def on_exit() -> None:
    """Leave presentation mode; the app keeps the last slide's view."""
    slides = deck().slides
    st.session_state[PRESENTING_KEY] = False
    if slides:
        set_day(slides[min(st.session_state.get(INDEX_KEY, 0), len(slides) - 1)].view.day)


# --- the panel -----------------------------------------------------------------------


def event_label(event: Event) -> str:
    """``9 November 2020 – Title`` (shown as plain text in selection widgets)."""
    return f"{event.describe()} – {event.title}"


def deck_panel(dataset: Dataset, view: View) -> None:
    """The sidebar's "Deck" expander: build, edit, save, load, export and present."""
    state = st.session_state
    current = deck()
    section = st.sidebar.expander("Deck", key=PANEL_KEY, on_change="rerun")
    with section:
        if not unfolded(section.open, keep=FORM_KEYS):
            return  # folded: a browser is sent its widgets when it is opened
        events = {event.id: event for event in dataset.events}  # only when unfolded
        cols = st.columns(len(COMMITTED_DECKS) + 1)
        for col, (label, path) in zip(cols, COMMITTED_DECKS.items(), strict=False):
            key = "deck_article" if path == ARTICLE_DECK else f"deck_{path.stem.replace('-', '_')}"
            col.button(label, key=key, on_click=on_start, args=(dataset, path),
                       help=f"Start from data/decks/{path.name}")  # fmt: skip
        cols[-1].button("Empty deck", key="deck_empty", on_click=on_start, args=(None,))
        if state.get(MESSAGE_KEY):
            st.caption(escape_markdown(state[MESSAGE_KEY]))
        _slide_list(current)
        if state.get(EDITING_KEY) is not None and state[EDITING_KEY] < len(current.slides):
            _editor(state[EDITING_KEY], view, events)
        _add_form(view, events)
        _files(dataset, current)


def _slide_list(current: Deck) -> None:
    st.markdown(f"**{escape_markdown(current.title)}** · {len(current.slides)} slides")
    last = len(current.slides) - 1
    for index, slide in enumerate(current.slides):
        day = format_date(slide.view.day)
        st.markdown(f"{index + 1}\\. {escape_markdown(slide.title)}  \n*{escape_markdown(day)}*")
        row = st.container(horizontal=True, gap="xxsmall")
        row.button("↑", key=f"deck_up:{index}", on_click=on_move, args=(index, index - 1),
                   disabled=index == 0, help="Move up")  # fmt: skip
        row.button("↓", key=f"deck_down:{index}", on_click=on_move, args=(index, index + 1),
                   disabled=index == last, help="Move down")  # fmt: skip
        row.button("✎", key=f"deck_edit:{index}", on_click=on_edit, args=(index,),
                   help="Edit title, notes and highlights")  # fmt: skip
        row.button("✕", key=f"deck_delete:{index}", on_click=on_delete, args=(index,),
                   help="Delete")  # fmt: skip
        row.button("▶", key=f"deck_present:{index}", on_click=on_present, args=(index,),
                   help="Present from this slide")  # fmt: skip


#: Events a slide offers to highlight: the latest ones begun by its date (a menu of
#: 10,000 events would be sent with every date change and unusable).
HIGHLIGHT_CHOICES = 200


def highlight_options(
    events: dict[str, Event], view: View, kept: Sequence[str] = ()
) -> list[str]:
    """Ids of the :data:`HIGHLIGHT_CHOICES` latest events begun by the view's date (a
    slide highlights no later one), in date order, with the ``kept`` ones (already
    highlighted) among them wherever they are."""
    begun = [e for e in sorted(events.values(), key=lambda e: e.date) if e.date <= view.day]
    latest = {e.id for e in begun[-HIGHLIGHT_CHOICES:]}
    return [e.id for e in begun if e.id in latest or e.id in kept]


def _editor(index: int, view: View, events: dict[str, Event]) -> None:
    slide = deck().slides[index]
    st.markdown(f"**Edit slide {index + 1}**")
    st.text_input("Title", key="deck_edit_title", max_chars=160)
    st.text_area("Talking points (one per line)", key="deck_edit_points")
    options = highlight_options(events, slide.view, slide.highlight)
    st.multiselect("Highlighted events", options, key="deck_edit_highlight",
                   format_func=lambda i: event_label(events[i]))  # fmt: skip
    st.checkbox("Replace its map with the current view", key="deck_edit_view")
    cols = st.columns(2)
    cols[0].button("Save", key="deck_save", on_click=on_save, args=(index, view, events),
                   type="primary")  # fmt: skip
    cols[1].button("Cancel", key="deck_cancel", on_click=on_cancel)


def _add_form(view: View, events: dict[str, Event]) -> None:
    st.markdown("**Add the current view as a slide**")
    st.text_input("Slide title", key="deck_new_title", max_chars=160,
                  placeholder=f"Situation on {format_date(view.day)}")  # fmt: skip
    st.text_area("Talking points (one per line)", key="deck_new_points")
    options = highlight_options(events, view)
    state = st.session_state
    state["deck_new_highlight"] = [i for i in state.get("deck_new_highlight", []) if i in options]
    st.multiselect("Highlighted events", options, key="deck_new_highlight",
                   format_func=lambda i: event_label(events[i]))  # fmt: skip
    st.button("Add slide", key="deck_add", on_click=on_add, args=(view, events), type="primary")


def _files(dataset: Dataset, current: Deck) -> None:
    state = st.session_state
    st.markdown("**Deck file**")
    if current.slides:
        st.download_button("Download the deck (YAML)", deck_to_yaml(current).encode("utf-8"),
                           file_name="deck.yaml", mime="application/yaml",
                           key="deck_download")  # fmt: skip
    st.file_uploader(
        "Open a deck file",
        type=["yaml", "yml"],
        key="deck_upload",
        on_change=on_upload,
        args=(dataset,),
        help=f"Validated against the data; at most {MAX_DECK_BYTES // 1024} KB. "
        "It stays in this session and is never saved on the server.",
    )
    problems = state.get(PROBLEMS_KEY)
    if problems:
        count = len(problems)
        st.error(f"The deck file cannot be used: {count} problem{'s' if count != 1 else ''}.")
        st.code("\n".join(problems), language=None, wrap_lines=True)  # shown verbatim
    if not current.slides:
        return
    st.markdown("**Export**")
    for fmt, (label, mime, extension) in DECK_FORMATS.items():
        if st.button(f"Prepare {label}", key=f"deck_prepare:{fmt}"):
            data = _exported(dataset, current, fmt)
            if data is not None:
                st.download_button(f"Download {label}", data, file_name=f"deck.{extension}",
                                   mime=mime, key=f"deck_file:{fmt}")  # fmt: skip
    st.button("▶ Present", key="deck_present", on_click=on_present, args=(0,), type="primary")


def _exported(dataset: Dataset, current: Deck, fmt: str) -> bytes | None:
    """The deck as ``fmt``, or None after a one-line error (traceback to the log)."""
    try:
        return deck_bytes(dataset, current, fmt)
    except (DataError, StateError) as exc:
        reason = str(exc)
    except Exception as exc:  # last resort: any renderer failure, reported and logged
        logger.exception("deck export %s failed", fmt)
        reason = f"{type(exc).__name__}: {exc}"
    reason = " ".join(reason.split())
    if len(reason) > MESSAGE_CHARS:
        reason = reason[: MESSAGE_CHARS - 1] + "…"
    st.error(escape_markdown(f"export failed: {reason}"))
    return None


# --- presentation mode ---------------------------------------------------------------


def presentation(dataset: Dataset, draw_map: Callable[[int], None]) -> None:
    """One slide: title, counter and buttons, the map (``draw_map(height)``), notes on
    demand. The layout is the same for every slide, so the map is never remounted."""
    slides = deck().slides
    index = st.session_state[INDEX_KEY]
    slide = slides[index]
    head = st.columns([6, 0.8, 1, 1, 1.1, 0.8], vertical_alignment="center")
    with head[0]:
        st.markdown(f"### {escape_markdown(slide.title)}")
        st.caption(escape_markdown(f"Situation on {format_date(slide.view.day)}"))
    head[1].markdown(f"**{index + 1} / {len(slides)}**")
    head[2].button("◀ Back", key="deck_prev", on_click=on_step, args=(-1,),
                   disabled=index == 0, width="stretch")  # fmt: skip
    head[3].button("Next ▶", key="deck_next", on_click=on_step, args=(1,),
                   disabled=index == len(slides) - 1, width="stretch")  # fmt: skip
    head[4].toggle("Notes", key="deck_notes")
    head[5].button("Exit", key="deck_exit", on_click=on_exit, width="stretch")
    draw_map(PRESENTATION_MAP_HEIGHT)
    with st.container():
        if st.session_state.get("deck_notes"):
            for kind, text in notes_lines(slide_notes(dataset, slide)):
                shown = escape_markdown(text)
                if kind in ("heading", "point"):
                    st.markdown(f"**{shown}**" if kind == "heading" else shown)
                else:  # quotes, events, sources, credit
                    st.caption(shown)
    st.html(KEYS_SCRIPT, unsafe_allow_javascript=True)
