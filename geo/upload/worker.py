"""The read of a user file in a worker process that a limit can stop.

Parsing, checking and repairing geometries is C code (json, expat, SQLite, GEOS) that a
Python thread cannot interrupt, so :func:`run_worker` runs it in a new Python
process (``posix_spawn``: no fork of the server, no inherited state) and kills it when
the wall-clock limit is reached. The limit counts from the moment the worker says it is
ready (its imports done, one byte on a pipe), within its own start limit
(:data:`~geo.upload.limits.START_SECONDS`): a loaded server's slow start does not eat a
small file's time. The bytes go in and the result comes out through
anonymous in-memory files (``memfd``): nothing touches the disk, and the result is JSON,
never pickle. Before it reads anything the worker limits itself: address space
(:data:`~geo.upload.limits.WORKER_MEMORY_BYTES`), CPU seconds, output size, open files,
no core file, an alarm a second after the start and read limits, and death with its parent
(``PR_SET_PDEATHSIG``), so it can outlive neither the limit nor the server. It closes
every file descriptor it inherited but its three in-memory files, and never imports
GDAL; the file's bytes are parsed only after it is ready. At most :data:`MAX_WORKERS` run at once.

Start-up costs about 0.17 s on the 2-core CI machine, 0.8 s when it is loaded (Python,
numpy, shapely; ``python -m bench.upload_attacks``).
"""

from __future__ import annotations

import gc
import json
import logging
import math
import os
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import DataError
from geo.upload.limits import Limits

logger = logging.getLogger(__name__)

#: The folder holding the ``geo`` package (put on the worker's ``sys.path``).
ROOT = Path(__file__).resolve().parents[2]
#: Largest result accepted from the worker, in bytes (its output file is capped too).
MAX_RESULT_BYTES = 64 * 1024 * 1024
#: Environment of the worker: no inherited variables (``-I`` ignores ``PYTHON*``), one
#: thread for numeric libraries, PROJ's network off.
WORKER_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
    "PROJ_NETWORK": "OFF",
}
#: Most workers running at once in this server process (one per core): a room of users
#: uploading at the same moment costs at most this many times the memory limit. A read
#: that finds no free slot within :data:`SLOT_WAIT_SECONDS` is refused, to try again.
MAX_WORKERS = max(1, os.cpu_count() or 1)
SLOT_WAIT_SECONDS = 0.5
_SLOTS = threading.BoundedSemaphore(MAX_WORKERS)
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from geo.upload.worker import child_main; child_main()"
)
_PROGRESS = "repairing row "
#: The worker's ready pipe (its descriptor 3) and what it writes there once.
_READY_FD = 3
_READY = b"r"


@dataclass(frozen=True)
class Outcome:
    """What a worker returned, and what it cost: wall-clock seconds from spawn to exit,
    and the peak resident memory of the worker process, in bytes (as it reported it, or
    as sampled before it was killed)."""

    result: dict[str, Any]
    seconds: float
    peak_bytes: int
    pid: int


def run_worker(data: bytes, name: str, kind: str, limits: Limits) -> Outcome:
    """Read ``data`` (named ``name``, of ``kind``) with
    :func:`geo.upload.read.read_plain` in a worker process bounded by ``limits``.

    The outcome's ``result`` is ``{"ok": True, "features": [...], "problems": [...]}``,
    or ``{"ok": False, "problems": [...]}`` for a file that cannot be used, a read
    stopped at a limit, a worker that failed, or no free worker slot (one line each).
    When this returns or raises, the worker has exited and been reaped.
    """
    if not _SLOTS.acquire(timeout=SLOT_WAIT_SECONDS):
        busy = f"{name}: not read: the server is reading other files; try again in a moment"
        return Outcome(result={"ok": False, "problems": [busy]}, seconds=0.0, peak_bytes=0, pid=0)
    try:
        return _run(data, name, kind, limits)
    finally:
        _SLOTS.release()


def _run(data: bytes, name: str, kind: str, limits: Limits) -> Outcome:
    header = json.dumps(
        {"name": name, "kind": kind, "limits": limits.to_json(), "parent": os.getpid()}
    ).encode()
    fds: list[int] = []
    ready_read, ready_write = os.pipe2(os.O_CLOEXEC)
    try:
        for label in ("upload-in", "upload-out", "upload-err"):
            fds.append(os.memfd_create(label, os.MFD_CLOEXEC))
        _write_all(fds[0], len(header).to_bytes(4, "big") + header + data)
        os.lseek(fds[0], 0, os.SEEK_SET)
        started = time.monotonic()
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-I", "-c", _BOOT, str(ROOT)],
            WORKER_ENV,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, fd, target)
                for target, fd in enumerate([*fds, ready_write])
            ],
            setsigmask=(),
            setsigdef=(signal.SIGALRM, signal.SIGXCPU, signal.SIGINT, signal.SIGTERM),
        )
        os.close(ready_write)
        ready_write = -1
        status, peak, ready = _wait(pid, ready_read, started, limits)
        seconds = time.monotonic() - started
        errors = _tail(fds[2], 64 * 1024)
        output = _result(fds[1]) if status is not None else None
    finally:
        for fd in [*fds, ready_read, ready_write]:
            if fd >= 0:
                os.close(fd)
    if output is None:
        if status is None and not ready:
            message = _not_started(name, limits)
        elif status is None:
            message = _stopped(name, limits, errors)
        else:
            logger.warning("upload worker for %r ended (%s): %s", name, status, errors[-4000:])
            message = _failed(name, status, limits)
        output = {"ok": False, "problems": [message]}
    peak = int(output.pop("peak_bytes", 0) or 0) or peak
    return Outcome(result=output, seconds=seconds, peak_bytes=peak, pid=pid)


def peak_memory(pid: int | str) -> int:
    """Peak resident memory of a running process, in bytes (``VmHWM``; 0 if unknown).

    ``wait4``'s ``ru_maxrss`` cannot be used: a process started by ``posix_spawn``
    (``vfork``) counts the parent's memory before its ``exec``."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _wait(pid: int, ready_fd: int, started: float, limits: Limits) -> tuple[int | None, int, bool]:
    """Wait for the worker: until ``limits.start_seconds`` after ``started`` for it to be
    ready (a byte on ``ready_fd``), then ``limits.seconds`` more; kill it at the deadline.
    Returns its wait status (``None`` when it was killed at the deadline, with its peak
    memory then, else 0) and whether it was ready; the worker is reaped in every case, an
    exception here included."""
    deadline = started + limits.start_seconds
    ready = False
    try:
        watch: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        watch = None
    ended: tuple[int, Any] | None = None
    peak = 0
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                ended = (status, 0)
                return status, 0, ready
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            waiting = [] if ready else [ready_fd]
            if watch is not None:
                waiting.append(watch)
                readable, _, _ = select.select(waiting, [], [], remaining)
            else:
                readable, _, _ = select.select(waiting, [], [], min(0.01, remaining))
            if not ready and ready_fd in readable:
                ready = os.read(ready_fd, 1) == _READY
                if ready:
                    deadline = time.monotonic() + limits.seconds
    finally:
        if watch is not None:
            os.close(watch)
        if ended is None:  # the deadline, or an exception while waiting: stop and reap
            peak = peak_memory(pid)
            os.kill(pid, signal.SIGKILL)
            os.wait4(pid, 0)
    return None, peak, ready


def _tail(fd: int, size: int) -> str:
    """The last ``size`` bytes of the worker's standard error, as text."""
    end = os.fstat(fd).st_size
    return os.pread(fd, size, max(0, end - size)).decode("utf-8", "replace")


def _result(fd: int) -> dict[str, Any] | None:
    size = os.fstat(fd).st_size
    if not 0 < size <= MAX_RESULT_BYTES:
        return None
    try:
        output = json.loads(os.pread(fd, size, 0))
    except ValueError:
        return None
    return output if isinstance(output, dict) else None


def _stopped(name: str, limits: Limits, errors: str) -> str:
    where = ""
    progress = [line for line in errors.splitlines() if line.startswith(_PROGRESS)]
    if progress:
        where = f" while {progress[-1]}"
    return (
        f"{name}: reading stopped at the time limit of {limits.seconds:g} s{where}; "
        "simplify or split the file (or try again if the server is busy)"
    )


def _not_started(name: str, limits: Limits) -> str:
    return (
        f"{name}: not read: the reader did not start within {limits.start_seconds:g} s "
        "(the server is busy); try again in a moment"
    )


def _failed(name: str, status: int | None, limits: Limits) -> str:
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return f"{name}: reading stopped: it used more than {limits.seconds:g} s of CPU"
        if number == signal.SIGALRM:
            return f"{name}: reading stopped at the time limit of {limits.seconds:g} s"
    return f"{name}: cannot be read (the reader failed; the server log says why)"


# --- the worker process ----------------------------------------------------------------


def child_main() -> None:
    """The worker: read the request from fd 0, write the JSON result to fd 1."""
    gc.disable()  # a short life: reference counting frees what it must
    raw = _read_request()
    size = int.from_bytes(raw[:4], "big")
    request = json.loads(raw[4 : 4 + size])
    data = raw[4 + size :]
    del raw
    _die_with(int(request["parent"]))
    limits = Limits.from_json(request["limits"])
    _limit_resources(limits)
    name = str(request["name"])
    from geo.upload.read import read_plain

    _write_all(_READY_FD, _READY)  # the read's time starts now (the parent's clock)
    os.close(_READY_FD)
    try:
        result: dict[str, Any] = {
            "ok": True,
            **read_plain(data, name, str(request["kind"]), limits, _progress),
        }
    except DataError as exc:
        result = {"ok": False, "problems": exc.problems}
    except MemoryError:
        result = {
            "ok": False,
            "problems": [
                f"{name}: reading needs more than {limits.memory_bytes // 2**20} MiB of "
                "memory, the limit; simplify or split the file"
            ],
        }
    result["peak_bytes"] = peak_memory("self")
    output = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
    _write_all(1, output)


def _read_request() -> bytes:
    os.closerange(_READY_FD + 1, 65536)  # nothing inherited but the four files
    chunks = []
    while chunk := os.read(0, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _die_with(parent: int) -> None:
    """Be killed when the process (thread) that started this one ends."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)


def _limit_resources(limits: Limits) -> None:
    import resource

    seconds = math.ceil(limits.seconds) + 1
    # SIGALRM's default action ends the process, C code or not
    signal.alarm(math.ceil(limits.start_seconds) + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_RESULT_BYTES, MAX_RESULT_BYTES))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _progress(row: int, vertices: int) -> None:
    """Say which row is being repaired (the parent quotes it if the time limit hits)."""
    os.write(2, f"{_PROGRESS}{row:,}'s geometry ({vertices:,} vertices)\n".encode())
