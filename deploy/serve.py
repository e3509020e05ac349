"""Run N ``streamlit run app.py`` replicas behind HAProxy with session affinity.

``make serve REPLICAS=2`` (or ``python -m deploy.serve --replicas 2``) starts the replicas
on free loopback ports, writes the proxy's configuration from ``haproxy.cfg.template`` into
a temporary run folder (with the replicas' logs), starts Debian's ``haproxy`` in front of
them, waits until every replica and the proxy answer ``/_stcore/health``, prints the URL,
and stops everything on Ctrl-C or SIGTERM. Everything binds to 127.0.0.1 unless
``--bind`` says otherwise.

Why a proxy with stickiness: a Streamlit session (its widgets, ``st.session_state``,
uploads) lives in the memory of the process that opened it, so every request of one
browser must reach the same replica. The proxy's cookie ``SERVERID`` does that.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("haproxy.cfg.template")
#: Default address: loopback only. Serving a team means binding the proxy to a LAN address.
LOOPBACK = "127.0.0.1"
#: Seconds to wait for a replica or the proxy to answer its health check.
START_TIMEOUT = 90.0
#: The proxy's stats socket, in the run folder.
SOCKET = "haproxy.sock"
#: Seconds a stopped process gets to exit before it is killed.
STOP_TIMEOUT = 10.0


def haproxy_path() -> str | None:
    """Debian's ``haproxy`` (``apt-get install haproxy``), if installed."""
    found = shutil.which("haproxy")
    if found:
        return found
    return "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").is_file() else None


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on at the moment (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def check_port_free(host: str, port: int) -> None:
    """Raise a clear error if something already listens on ``host``:``port``."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise RuntimeError(f"{host}:{port} is in use; choose another --port") from exc


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether ``url``/_stcore/health answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], timeout: float = START_TIMEOUT
) -> None:
    """Wait until ``url`` is healthy; raise if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        if is_healthy(url):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{url} was not healthy after {timeout:g} s")


def render_config(
    replica_ports: list[int], *, bind: str, port: int, socket_path: Path, maxconn: int = 2048
) -> str:
    """The HAProxy configuration for replicas ``r1..rN`` on the given loopback ports, with
    its stats socket (read-only) at ``socket_path``."""
    servers = "\n".join(
        f"    server r{i} {LOOPBACK}:{p} check cookie r{i}"
        for i, p in enumerate(replica_ports, start=1)
    )
    template = string.Template(TEMPLATE.read_text(encoding="utf-8"))
    return template.substitute(
        bind=bind, port=port, maxconn=maxconn, servers=servers, socket=socket_path
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process`` (SIGTERM), and kill it if it lingers."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Replica:
    """One ``streamlit run app.py`` process on a loopback port."""

    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


@dataclass
class Cluster:
    """Running replicas and, when there is one, the proxy in front of them."""

    url: str
    replicas: list[Replica]
    run_dir: Path
    proxy: subprocess.Popen[bytes] | None = None

    def replica_states(self) -> dict[str, str]:
        """The proxy's view of each replica from its stats socket: ``UP``, ``DOWN``, or
        ``MAINT``, without the transition count (``UP 1/2`` = up, one check failed)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.run_dir / SOCKET))
            sock.sendall(b"show stat\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        lines = b"".join(chunks).decode("utf-8").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        names = {r.name for r in self.replicas}
        return {row["svname"]: row["status"].split()[0] for row in rows if row["svname"] in names}

    def server_pids(self) -> list[int]:
        """Process ids of the live Streamlit replicas (for memory figures)."""
        return [r.process.pid for r in self.replicas if r.process.poll() is None]


def start_replica(name: str, run_dir: Path, env: dict[str, str]) -> Replica:
    """Start ``streamlit run server.py`` (the app and its tile route) on a free loopback
    port (log in ``run_dir``)."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", LOOPBACK]
    command += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with (run_dir / f"{name}.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    return Replica(name, port, process)


@contextlib.contextmanager
def cluster(
    replicas: int,
    *,
    proxy: bool = True,
    bind: str = LOOPBACK,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """Start ``replicas`` Streamlit processes and (``proxy=True``) HAProxy in front of
    them on ``bind``:``port`` (a free port if ``None``); yield when all are healthy; stop
    them all on exit. Without a proxy there must be one replica, served directly."""
    if not proxy and replicas != 1:
        raise ValueError("without a proxy only one replica can be served")
    haproxy = haproxy_path() if proxy else None
    if proxy and haproxy is None:
        raise RuntimeError("haproxy not found (apt-get install haproxy)")
    if proxy and port is not None:
        check_port_free(bind, port)
    environment = dict(os.environ if env is None else env)
    with tempfile.TemporaryDirectory(prefix="briefing-serve-") as folder:
        run_dir = Path(folder)
        started: list[Replica] = []
        front: subprocess.Popen[bytes] | None = None
        try:
            for index in range(1, replicas + 1):
                started.append(start_replica(f"r{index}", run_dir, environment))
            for replica in started:
                wait_healthy(replica.url, replica.process)
            if haproxy is None:
                yield Cluster(started[0].url, started, run_dir)
                return
            front_port = port if port is not None else free_port(bind)
            config = run_dir / "haproxy.cfg"
            ports = [r.port for r in started]
            text = render_config(ports, bind=bind, port=front_port, socket_path=run_dir / SOCKET)
            config.write_text(text, encoding="utf-8")
            subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
            with (run_dir / "haproxy.log").open("wb") as log:
                front = subprocess.Popen(
                    [haproxy, "-db", "-f", str(config)], stdout=log, stderr=log
                )
            url = f"http://{bind}:{front_port}"
            wait_healthy(url, front)
            if front.poll() is not None:
                raise RuntimeError(f"haproxy exited with {front.returncode}")
            yield Cluster(url, started, run_dir, proxy=front)
        finally:
            if front is not None:
                stop(front)
            for replica in started:
                stop(replica.process)


def say(line: str, stream: TextIO = sys.stdout) -> None:
    """Write one line to the console now."""
    stream.write(line + "\n")
    stream.flush()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Serve until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    parser.add_argument(
        "--bind", default=LOOPBACK, help="the proxy's address (default 127.0.0.1: this machine)"
    )
    parser.add_argument(
        "--no-warm", dest="warm", action="store_false",
        help="do not fill each replica's caches before serving (default: warm them)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: ignored in background jobs
        signal.signal(signum, _raise_interrupt)
    try:
        with cluster(args.replicas, bind=args.bind, port=args.port) as running:
            for replica in running.replicas:
                say(f"{replica.name}: {replica.url} (pid {replica.process.pid})")
            if args.warm:
                from deploy.warmup import warm  # the client, loaded only to warm

                for replica in running.replicas:
                    say(f"{replica.name} warmed in {warm(replica.url):.1f} s (every key date)")
            say(f"Serving {args.replicas} replicas at {running.url} (Ctrl-C stops)")
            while all(r.process.poll() is None for r in running.replicas):
                time.sleep(1)
            for replica in running.replicas:
                if replica.process.poll() is not None:
                    log = (running.run_dir / f"{replica.name}.log").read_text(errors="replace")
                    say(f"{replica.name} exited; the end of its log:\n{log[-2000:]}", sys.stderr)
            sys.exit(1)
    except KeyboardInterrupt:
        say("stopped")


if __name__ == "__main__":
    main()
