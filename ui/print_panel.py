"""The print options and the export buttons of the sidebar.

Print options (title, subtitle, banner, producer, "as of", paper, orientation, PNG
resolution, greyscale) are widgets kept in the URL (:mod:`layers.briefing.print_options`). Every
export but the atlas is one download button whose file is built when clicked (Streamlit
runs ``data`` callables on click, on another thread) from the view on screen at that
moment (:class:`ui.view_sync.Screen`). The atlas takes longer: "Build the atlas" draws
it with a progress bar (page k of n) in a fragment, so the map and the timeline stay
usable; the finished file stays in the session, with its download button, until the
atlas is built again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from geo.dataset import Dataset
from geo.dates import format_date
from geo.errors import DataError, RecipeError, StateError
from geo.measure import Measurement
from geo.presets import presets_in
from geo.user_layers import UserLayer
from layers import exports
from layers.briefing.atlas import ATLAS_DATE_LABELS, ATLAS_DATES, MAX_ATLAS_DATES, AtlasChoice
from layers.briefing.print_options import (
    AS_OF_RANGE,
    MAX_DPI,
    MIN_DPI,
    ORIENTATIONS,
    PAPER_SIZES,
    PrintOptions,
    print_options_from_query,
)
from layers.web.html import escape_markdown
from ui.folding import unfolded
from ui.view_sync import Screen

logger = logging.getLogger("briefing.app")

#: Widget keys of the print options, by field of :class:`PrintOptions`.
KEYS = {
    "title": "print:title",
    "subtitle": "print:subtitle",
    "banner": "print:banner",
    "producer": "print:producer",
    "as_of": "print:as_of",
    "paper": "print:paper",
    "orientation": "print:orientation",
    "dpi": "print:dpi",
    "greyscale": "print:greyscale",
}
#: Session-state key of the last print options drawn (not a widget: Streamlit keeps it).
LAST_SHEET_KEY = "last_sheet"
#: Session-state key of the finished atlas: (file name, bytes).
ATLAS_KEY = "atlas_file"
#: Key of the Export panel (its state: open or not, :mod:`ui.folding`).
EXPORT_KEY = "export-panel"
#: Longest error text shown (the rest is in the server log).
MESSAGE_CHARS = 300


def init_print_state(params: dict[str, list[str]]) -> list[str]:
    """Set the print widgets from URL parameters; return messages on ignored values."""
    sheet, messages = print_options_from_query(params)
    state = st.session_state
    for name, key in KEYS.items():
        state[key] = getattr(sheet, name)
    return messages


def current_sheet() -> PrintOptions:
    """The print options the widgets describe (invalid text is refused by the widgets'
    own limits; a StateError here means a bug), kept as the last sheet drawn."""
    state = st.session_state
    sheet = PrintOptions(**{name: state[key] for name, key in KEYS.items()})
    state[LAST_SHEET_KEY] = sheet
    return sheet


def restore_print_state() -> None:
    """Set the print widgets from the last sheet drawn (after a data error: Streamlit
    dropped the state of the widgets the stopped runs did not draw, and the resolution
    would fall back to its minimum)."""
    sheet = st.session_state.get(LAST_SHEET_KEY)
    if isinstance(sheet, PrintOptions):
        for name, key in KEYS.items():
            st.session_state[key] = getattr(sheet, name)


def print_controls() -> None:
    """The print options, in a sidebar expander."""
    with st.sidebar.expander("Print options", expanded=False):
        st.caption("Used by every paper export (PNG, PDF, SVG, briefing, atlas).")
        st.text_input("Title", key=KEYS["title"], max_chars=160,
                      placeholder="South Caucasus: Russian military presence")  # fmt: skip
        st.text_input("Subtitle", key=KEYS["subtitle"], max_chars=160,
                      placeholder="default: the date and the place-name form")  # fmt: skip
        st.text_input(
            "Classification / handling banner", key=KEYS["banner"], max_chars=160,
            help="Printed at the top and bottom of each page; coloured by the marking it "
            "starts with (UNCLASSIFIED green, OFFICIAL / RESTRICTED purple, CONFIDENTIAL "
            "blue, SECRET red, TOP SECRET orange, anything else grey).",
        )  # fmt: skip
        st.text_input("Producer", key=KEYS["producer"], max_chars=160)
        st.date_input("Information as of", key=KEYS["as_of"], value=None, format="YYYY-MM-DD",
                      min_value=AS_OF_RANGE[0], max_value=AS_OF_RANGE[1])  # fmt: skip
        cols = st.columns(2)
        cols[0].selectbox("Paper", list(PAPER_SIZES), key=KEYS["paper"])
        cols[1].selectbox("Orientation", list(ORIENTATIONS), key=KEYS["orientation"])
        st.number_input("PNG resolution (dpi)", min_value=MIN_DPI, max_value=MAX_DPI,
                        step=25.0, key=KEYS["dpi"])  # fmt: skip
        st.checkbox("Greyscale", key=KEYS["greyscale"])


def export_panel(
    dataset: Dataset,
    live: Screen,
    measurement: Measurement | None,
    mine: tuple[UserLayer, ...] = (),
) -> None:
    """One download button per format (built on click), and the atlas with progress;
    the user's own layers ``mine`` go into every file.

    A file built on click that fails is not downloaded (the browser says so); the reason
    is shown here, in one line, on the page's next run (the traceback of an unexpected
    failure goes to the server log, never to the page)."""
    view, _ = live.snapshot()
    section = st.sidebar.expander("Export", key=EXPORT_KEY, on_change="rerun")
    with section:
        if not unfolded(section.open, keep=atlas_keys()):
            return  # folded: a browser is sent its buttons when it is opened
        st.caption("Exports show the map as on screen: extent, date, layers, names, "
                   "the measured distance and the print options.")  # fmt: skip
        failure = live.take_failure()
        if failure:
            st.error(escape_markdown(failure))
        for fmt, spec in exports.EXPORT_FORMATS.items():
            if fmt == "atlas-pdf" or fmt in exports.COMPARE_FORMATS + exports.SPAN_FORMATS:
                continue  # the atlas below; two dates: offered by the comparison mode
            st.download_button(
                spec.label,
                data=_builder(dataset, live, fmt, measurement, mine),
                file_name=exports.file_name(view, fmt),
                mime=spec.mime,
                key=f"download:{fmt}",
                on_click="ignore",
                icon=":material/download:",
                use_container_width=True,
            )
        atlas_controls(dataset, live, measurement, mine)


def _builder(
    dataset: Dataset,
    live: Screen,
    fmt: str,
    measurement: Measurement | None,
    mine: tuple[UserLayer, ...] = (),
) -> Callable[[], bytes]:
    """The export's bytes, built from the screen's view when the button is clicked; a
    failure is kept on the screen for :func:`export_panel` and raised (no file)."""
    label = exports.EXPORT_FORMATS[fmt].label

    def build() -> bytes:
        view, sheet = live.snapshot()
        options = exports.ExportOptions(sheet=sheet, measurement=measurement, user_layers=mine)
        try:
            return exports.export_bytes(dataset, view, fmt, options)
        except (DataError, StateError, RecipeError) as exc:
            live.update(failure=failure_line(label, str(exc)))
            raise
        except Exception as exc:  # last resort: any renderer failure, reported and logged
            logger.exception("export %s of %s failed", fmt, view.to_query())
            live.update(failure=failure_line(label, f"{type(exc).__name__}: {exc}"))
            raise

    return build


@st.fragment
def atlas_controls(
    dataset: Dataset,
    live: Screen,
    measurement: Measurement | None,
    mine: tuple[UserLayer, ...] = (),
) -> None:
    """Date range and choice of dates, 'Build the atlas' with progress, and its download.

    A fragment: building the atlas reruns (and greys) only this panel, not the page."""
    view, sheet = live.snapshot()
    st.markdown("**Atlas** (one page per date, identical maps merged)")
    covered = dataset.span
    offered = presets_in(covered)
    preset = st.selectbox("Preset range", list(offered), index=None, key="atlas:preset",
                          placeholder="From the first day to the map's day",
                          help="Named pairs of dates (geo/presets.py)")  # fmt: skip
    chosen = preset if isinstance(preset, str) and preset in offered else None
    state = st.session_state
    if chosen:  # the preset's days, in a range widget of its own
        key = f"atlas:range:preset:{list(offered).index(chosen)}"
        default = offered[chosen]
    else:
        key = state.get(ATLAS_PIN_KEY) or f"atlas:range:{view.day.isoformat()}"
        default = (covered.first, covered.clamp(view.day))
    span = st.date_input(
        "Dates from … to", value=default,
        min_value=covered.first, max_value=covered.last, key=key,
        format="YYYY-MM-DD",
    )  # fmt: skip
    days = [d for d in (span if isinstance(span, tuple) else (span,)) if d is not None]
    if not chosen and tuple(days) != default:
        state[ATLAS_PIN_KEY] = key  # the user chose a range: it no longer follows the date
    follows = not chosen and state.get(ATLAS_PIN_KEY) is None
    if days:
        chose = "the preset" if chosen else "the range you chose"
        until = "the date on screen" if follows else chose
        st.caption(
            escape_markdown(f"Pages from {format_date(days[0])} to {format_date(days[-1])} "
                            f"({until}).")
        )  # fmt: skip
    which = st.radio("Which dates", list(ATLAS_DATES), format_func=ATLAS_DATE_LABELS.__getitem__,
                     key="atlas:dates")  # fmt: skip
    st.caption(f"At most {MAX_ATLAS_DATES} pages: over decades, choose months or years.")
    step = st.number_input("N (days)", 1, 3660, 30, key="atlas:step",
                           disabled=which != "step")  # fmt: skip
    if st.button("Build the atlas (PDF)", key="atlas:build", use_container_width=True):
        first, last = (days[0], days[-1]) if days else (None, None)
        bar = st.progress(0.0, text="Preparing the atlas…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Atlas: page {done} of {total}")

        try:
            choice = AtlasChoice(first=first, last=last, dates=which, step_days=int(step))
            options = exports.ExportOptions(
                sheet=sheet,
                measurement=measurement,
                atlas=choice,
                progress=progress,
                user_layers=mine,
            )
            data = exports.export_bytes(dataset, view, "atlas-pdf", options)
        except (DataError, StateError, RecipeError) as exc:
            _error(str(exc))
        except Exception as exc:  # last resort: any renderer failure, reported and logged
            logger.exception("atlas of %s failed", view.to_query())
            _error(f"{type(exc).__name__}: {exc}")
        else:
            st.session_state[ATLAS_KEY] = (exports.file_name(view, "atlas-pdf"), data)
        bar.empty()
    finished = st.session_state.get(ATLAS_KEY)
    if finished:
        name, data = finished
        st.download_button(
            f"Download {name}", data, file_name=name, mime="application/pdf",
            key="download:atlas-pdf", on_click="ignore", icon=":material/download:",
            type="primary", use_container_width=True,
        )  # fmt: skip


#: Session-state key of the atlas range's widget once the user chose a range. Until
#: then the widget's key names the date on screen, so the range follows the date (issue
#: 24: the atlas kept the date of the session's first run).
ATLAS_PIN_KEY = "atlas:pinned"


def atlas_keys() -> tuple[str, ...]:
    """The atlas widgets' keys that hold the user's choices (kept while the Export panel
    is folded): the preset, the range once chosen (its widget's key), the dates and N."""
    pinned = st.session_state.get(ATLAS_PIN_KEY)
    chosen = st.session_state.get("atlas:preset")
    offered = [k for k in st.session_state if str(k).startswith("atlas:range:preset:")]
    ranges = ([pinned] if isinstance(pinned, str) else []) + (offered if chosen else [])
    return ("atlas:preset", *ranges, "atlas:dates", "atlas:step")


def failure_line(label: str, reason: str) -> str:
    """``export failed: <label>: <reason>`` in one line of at most :data:`MESSAGE_CHARS`
    characters of reason."""
    reason = " ".join(reason.split())
    if len(reason) > MESSAGE_CHARS:
        reason = reason[: MESSAGE_CHARS - 1] + "…"
    return f"export failed: {label}: {reason}"


def _error(reason: str) -> None:
    st.error(escape_markdown(failure_line("atlas", reason)))


__all__ = ["current_sheet", "export_panel", "init_print_state", "print_controls"]
