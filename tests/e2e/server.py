"""Start ``streamlit run server.py`` (the app and its tile route, as ``make run``) on a free
port and find Debian's Chromium.

Shared by the browser tests (tests/e2e/conftest.py) and the benchmark (bench/).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium (Debian package), if installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy at {url} in {timeout} s")


@contextlib.contextmanager
def streamlit_server(
    log_path: Path,
    data_dir: Path | None = None,
    environ: dict[str, str] | None = None,
    *,
    today: str | None = None,
) -> Iterator[str]:
    """Run the app (committed data unless ``data_dir`` is given, default settings, no
    basemap of the user's own unless ``environ`` names one; "today" fixed to ``today``,
    YYYY-MM-DD, when given: ``$BRIEFING_TODAY``) and yield its base URL."""
    port = _free_port()
    dropped = (
        "BRIEFING_DATA_DIR",
        "BRIEFING_BASEMAP",
        "BRIEFING_BASEMAP_ATTRIBUTION",
        "BRIEFING_TODAY",
        "BRIEFING_FIRST_MAP",
    )
    env = {k: v for k, v in os.environ.items() if k not in dropped} | (environ or {})
    if data_dir is not None:
        env["BRIEFING_DATA_DIR"] = str(data_dir)
    if today is not None:
        env["BRIEFING_TODAY"] = today
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    # No source watcher (as `make serve`): the tests never edit the code, and watching the
    # checkout while pytest and Chromium write beside it overflowed inotify under load.
    command += ["--server.fileWatcherType", "none"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
