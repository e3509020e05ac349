"""Say so when Streamlit ignores a whole query string.

Streamlit drops a query string of more than 1,000 parameters or 512 KiB before the app
runs (``sanitize_query_string``, logged on the server only): the app then sees no
parameter at all and could not warn, while one unknown parameter gets a warning.
:func:`install` wraps Streamlit's function so that a dropped query string becomes the one
parameter :data:`layers.briefing.view.DROPPED_KEY`, which
:func:`layers.briefing.view.view_from_query` reports. The wrapper is process-wide and
holds no per-user state; Streamlit's own function stays reachable as ``__wrapped__``. It
takes effect from the app's first run in the process (a session opened before it still
loses the query string silently).
"""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from streamlit.runtime import app_session
from streamlit.runtime.state import query_params

from layers.briefing.view import DROPPED_KEY


def install() -> None:
    """Wrap ``sanitize_query_string`` where Streamlit calls it (idempotent)."""
    original = query_params.sanitize_query_string
    if getattr(original, "_marks_dropped", False):
        return

    @wraps(original)
    def sanitize(query_string: str) -> str:
        kept = original(query_string)
        if query_string and not kept:
            count = query_string.count("&") + 1
            return urlencode({DROPPED_KEY: f"{count}:{len(query_string)}"})
        return kept

    marked: Any = sanitize
    marked._marks_dropped = True
    query_params.sanitize_query_string = marked
    app_session.sanitize_query_string = marked  # type: ignore[attr-defined]
