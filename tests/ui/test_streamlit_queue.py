"""The queue fix: a finished full run's fragment deltas survive the start of a fragment
run; an interrupted run's are still dropped (Streamlit's own behaviour)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui import streamlit_queue

FRAGMENT = "map-fragment"
Status = ForwardMsg.ScriptFinishedStatus


def delta(path: list[int], fragment_id: str = "") -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path[:] = path
    msg.delta.new_element.markdown.body = f"element at {path}"
    msg.delta.fragment_id = fragment_id
    return msg


def finished(status: int) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status  # type: ignore[assignment]
    return msg


def new_session() -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = "page"
    return msg


@pytest.fixture
def unpatched() -> Iterator[None]:
    """Streamlit's own ``clear`` (the app's runs in this process may have installed the
    fix already)."""
    current = ForwardMsgQueue.clear
    ForwardMsgQueue.clear = getattr(current, "__wrapped__", current)  # type: ignore[method-assign]
    yield
    ForwardMsgQueue.clear = current  # type: ignore[method-assign]


@pytest.fixture
def patched(unpatched: None) -> None:
    streamlit_queue.install()


def paths(queue: ForwardMsgQueue) -> list[object]:
    return [
        tuple(m.metadata.delta_path) if m.HasField("delta") else m.WhichOneof("type")
        for m in queue.flush()
    ]


def full_run_then_fragment_start() -> ForwardMsgQueue:
    """A full run that finished (its map in the fragment), unsent, then a fragment run
    starts: what the browser was sent when the presenter's map remounted."""
    queue = ForwardMsgQueue()
    run = [new_session(), delta([0, 0]), delta([0, 1], FRAGMENT), delta([0, 1, 0], FRAGMENT)]
    run += [delta([0, 2]), finished(Status.FINISHED_SUCCESSFULLY)]
    for msg in run:
        queue.enqueue(msg)
    queue.clear(retain_lifecycle_msgs=True, fragment_ids_this_run=[FRAGMENT])
    return queue


def test_streamlit_alone_drops_the_finished_runs_map(unpatched: None) -> None:
    """The race itself, without the fix: if this fails, Streamlit fixed it upstream and
    ``ui.streamlit_queue`` can go."""
    assert (0, 1, 0) not in paths(full_run_then_fragment_start())


def test_a_finished_full_runs_fragment_deltas_are_kept(patched: None) -> None:
    assert paths(full_run_then_fragment_start()) == [
        "new_session",
        (0, 0),
        (0, 1),
        (0, 1, 0),
        (0, 2),
        "script_finished",
    ]


def test_a_finished_fragment_runs_deltas_are_kept_with_its_end(patched: None) -> None:
    queue = ForwardMsgQueue()
    runs = [
        new_session(),
        delta([0, 1], FRAGMENT),
        finished(Status.FINISHED_FRAGMENT_RUN_SUCCESSFULLY),
    ]
    for msg in runs:
        queue.enqueue(msg)
    queue.clear(retain_lifecycle_msgs=True, fragment_ids_this_run=[FRAGMENT])
    kept = queue.flush()
    assert [m.WhichOneof("type") for m in kept] == ["new_session", "delta", "script_finished"]
    assert kept[-1].script_finished == Status.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


def test_an_unfinished_runs_fragment_deltas_are_still_dropped(patched: None) -> None:
    queue = ForwardMsgQueue()
    runs = [new_session(), delta([0, 0]), finished(Status.FINISHED_SUCCESSFULLY)]
    runs += [new_session(), delta([0, 1], FRAGMENT), delta([0, 2])]
    for msg in runs:
        queue.enqueue(msg)
    queue.clear(retain_lifecycle_msgs=True, fragment_ids_this_run=[FRAGMENT])
    # the first run's delta and end are kept; of the run after it, what is outside
    # the fragment is kept and the fragment's delta dropped, as Streamlit does
    assert paths(queue) == ["new_session", (0, 0), "script_finished", "new_session", (0, 2)]


def test_a_full_run_start_clears_as_before(patched: None) -> None:
    queue = ForwardMsgQueue()
    for msg in (new_session(), delta([0, 0]), finished(Status.FINISHED_SUCCESSFULLY)):
        queue.enqueue(msg)
    queue.clear(retain_lifecycle_msgs=True)  # a full run starts: the deltas are redrawn
    assert paths(queue) == ["new_session", "script_finished"]


def test_install_is_idempotent(patched: None) -> None:
    once = ForwardMsgQueue.clear
    streamlit_queue.install()
    assert ForwardMsgQueue.clear is once
    assert not hasattr(once.__wrapped__, "__wrapped__")  # wrapped once


def test_written_for_this_streamlit() -> None:
    release = ".".join(streamlit.__version__.split(".")[:2])
    assert release == streamlit_queue.STREAMLIT_VERSION, (
        f"ui/streamlit_queue.py was written against Streamlit {streamlit_queue.STREAMLIT_VERSION}, "
        f"this is {streamlit.__version__}: re-read ForwardMsgQueue.clear and the test above"
    )
