"""AppTest with the script compiled once, as the server does.

Streamlit's server keeps one ``ScriptCache`` for its life: a rerun executes the compiled
script. AppTest makes a new ``ScriptCache`` for every run, so each timed run also parsed,
rewrote ("magic") and compiled ``app.py`` again: 20-45 ms of a run on the 2-core machine
that no user's date change pays. :func:`share_script_cache` makes AppTest's runs share one
cache, so the benchmark's server timings are the server's.
"""

from __future__ import annotations

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import app_test, local_script_runner

_SHARED = ScriptCache()


def share_script_cache() -> None:
    """Make every AppTest run in this process use one script cache (idempotent)."""
    for module in (app_test, local_script_runner):
        setattr(module, "ScriptCache", lambda: _SHARED)  # noqa: B010 (not exported)
