"""A fix for a race in Streamlit's outgoing message queue that remounts the map.

Streamlit sends a session's messages from a queue that the server flushes now and
then. When a fragment run starts, the queue is cleared of that fragment's unsent
deltas (``ForwardMsgQueue.clear(retain_lifecycle_msgs=True, fragment_ids_this_run=…)``,
streamlit PR 9381), so that an interrupted earlier run of the fragment leaves nothing
behind. But the clear also drops the fragment's deltas of a *full* run that has already
finished, while keeping that run's ``script_finished`` (FINISHED_SUCCESSFULLY). The
browser then ends the full run without the fragment's elements, removes them as stale,
and draws them again from the fragment run: the map's iframe is remounted.

It happens when the map reports its bounds (a fragment rerun) while a full run is
under way and the server is slow to flush, e.g. a presenter collapses the sidebar and
presses the right arrow at once on a busy machine: the slide changes and the map
flickers back to its base view (seen in ``tests/e2e/test_deck_presentation.py`` about
one run in three under load; the websocket trace showed the full run's map block
missing before its ``script_finished``).

:func:`install` keeps every message up to the end of the last completed run in the queue
(FINISHED_SUCCESSFULLY, or FINISHED_FRAGMENT_RUN_SUCCESSFULLY for a fragment run: a
completed run's deltas are its final state and must reach the browser with its end, which
then clears stale elements consistently) and lets Streamlit clear the rest as before.
One case keeps more than Streamlit would: the partial deltas of a fragment run
preempted by another fragment's scoped rerun (``st.rerun(scope="fragment")`` of a
*different* fragment; this app only reruns a fragment from inside itself) stay until
that fragment runs again, as any partial output flushed mid-run does.
Streamlit's own method stays reachable as ``ForwardMsgQueue.clear.__wrapped__``. Checked
against :data:`STREAMLIT_VERSION`; a test fails on another version so that whoever
upgrades re-reads Streamlit's ``clear``.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

#: The Streamlit release whose ``ForwardMsgQueue.clear`` this was written against.
STREAMLIT_VERSION = "1.67"

#: How a run that completed ends: a full run, a fragment run.
_FINISHED = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


def _last_finished_run(queue: list[ForwardMsg]) -> int:
    """Index of the last message that ends a completed run, or -1."""
    for index in range(len(queue) - 1, -1, -1):
        msg = queue[index]
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished in _FINISHED:
            return index
    return -1


def install() -> None:
    """Patch ``ForwardMsgQueue.clear`` once (idempotent; the patch is process-wide)."""
    original = ForwardMsgQueue.clear
    if getattr(original, "_keeps_finished_runs", False):
        return

    @wraps(original)
    def clear(
        self: ForwardMsgQueue,
        retain_lifecycle_msgs: bool = False,
        fragment_ids_this_run: list[str] | None = None,
    ) -> None:
        queue: list[ForwardMsg] = self._queue
        cut = _last_finished_run(queue) if fragment_ids_this_run is not None else -1
        if not retain_lifecycle_msgs or cut < 0:
            original(self, retain_lifecycle_msgs, fragment_ids_this_run)
            return
        finished, self._queue = queue[: cut + 1], queue[cut + 1 :]
        original(self, retain_lifecycle_msgs, fragment_ids_this_run)
        self._queue = finished + self._queue

    marked: Any = clear
    marked._keeps_finished_runs = True
    ForwardMsgQueue.clear = marked  # type: ignore[method-assign]
