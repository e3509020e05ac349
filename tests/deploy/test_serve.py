"""``make serve``: two replicas behind HAProxy, sticky sessions, a replica lost.

Starts real processes (two ``streamlit run app.py`` and Debian's ``haproxy``) on loopback
ports; skipped, with the reason printed, where haproxy is not installed. The tests run in
file order and share one cluster: the last one stops a replica.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest

from deploy.serve import Cluster, cluster, haproxy_path, is_healthy
from deploy.warmup import Session
from tests.async_run import run_async

pytestmark = [pytest.mark.e2e, pytest.mark.deploy]

#: Seconds HAProxy may take to see a stopped replica (checks every 1 s, down after 2).
MARK_DOWN_WITHIN = 10.0


@pytest.fixture(scope="module")
def served() -> Iterator[Cluster]:
    """Two replicas behind the proxy, on free loopback ports (committed data)."""
    if haproxy_path() is None:
        pytest.skip("haproxy not found (apt-get install haproxy): deploy tests skipped")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_DATA_DIR"}
    with cluster(2, env=env) as running:
        yield running


def get(url: str, cookie: str | None = None) -> tuple[int, Message, str]:
    """Status, headers and body of a GET, sending ``cookie`` if given."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status, reply.headers, reply.read().decode("utf-8")


def replica_of(headers: Message) -> str:
    """The replica that answered, as the proxy names it."""
    return str(headers["X-Replica"])


#: The statuses of :func:`open_session`'s two runs: the page, then the date's fragment.
RUNS = "FINISHED_SUCCESSFULLY/FINISHED_FRAGMENT_RUN_SUCCESSFULLY"


def open_session(url: str, cookie: str | None = None) -> tuple[str, str, list[str]]:
    """Open a Streamlit session through the proxy, load the page and change the date:
    the replica that served the websocket, the two runs' statuses (the date change
    reruns the date's fragment, app.py ``map_page``) and any exceptions."""

    async def drive() -> tuple[str, str, list[str]]:
        async with Session(url, cookie=cookie, timeout=60) as session:
            loaded = await session.load()
            changed = await session.set_date(dt.date(2020, 11, 15))
            replica = session.response_headers.get("x-replica", "")
            statuses = f"{loaded.status}/{changed.status}"
            return replica, statuses, loaded.exceptions + changed.exceptions

    return run_async(drive)


def test_both_replicas_serve_the_app_through_the_proxy(served: Cluster) -> None:
    assert all(is_healthy(replica.url) for replica in served.replicas)
    assert served.replica_states() == {"r1": "UP", "r2": "UP"}
    seen = set()
    for _ in range(4):  # new visitors (no cookie) are spread over the replicas
        status, headers, body = get(f"{served.url}/")
        assert status == 200
        assert '<div id="root">' in body
        assert f"SERVERID={replica_of(headers)}" in headers["Set-Cookie"]
        seen.add(replica_of(headers))
    assert seen == {"r1", "r2"}
    assert get(f"{served.url}/_stcore/health")[0] == 200


@pytest.mark.parametrize("replica", ["r1", "r2"])
def test_a_session_sticks_to_its_replica(served: Cluster, replica: str) -> None:
    cookie = f"SERVERID={replica}"
    answered = {replica_of(get(f"{served.url}/", cookie)[1]) for _ in range(5)}
    assert answered == {replica}
    # The page's websocket carries the cookie too, so the session opens on that replica
    # and the script runs there (websocket upgrade through the proxy).
    assert open_session(served.url, cookie) == (replica, RUNS, [])


def test_new_sessions_work_after_a_replica_is_lost(served: Cluster) -> None:
    lost, kept = served.replicas
    lost.process.terminate()
    lost.process.wait(timeout=15)
    # Straight away, a request that would have gone to the lost replica is redispatched.
    assert replica_of(get(f"{served.url}/", f"SERVERID={lost.name}")[1]) == kept.name
    # The health check takes it out of the rotation: every new visitor goes to the other.
    deadline = time.monotonic() + MARK_DOWN_WITHIN
    while served.replica_states()[lost.name] != "DOWN" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert served.replica_states() == {lost.name: "DOWN", kept.name: "UP"}
    assert {replica_of(get(f"{served.url}/")[1]) for _ in range(4)} == {kept.name}
    assert open_session(served.url) == (kept.name, RUNS, [])
