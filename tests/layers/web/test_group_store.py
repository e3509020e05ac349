"""The store of kept groups' scripts and the route serving them (issue 25, "send only what
changed"): keys, bounds, malformed and unknown keys, headers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette

from layers.web import group_store, prepared
from layers.web.group_route import group_routes
from layers.web.group_store import GroupStore, register, script_key, script_of
from tests.async_run import run_async

SCRIPT = 'var feature_group_feature_group_3 = L.featureGroup({});\n// "Ağdam" </script>'


@pytest.fixture
def empty_store() -> Iterator[None]:
    group_store.STORE.clear()
    yield
    group_store.STORE.clear()


def test_a_script_is_named_by_the_key_the_kept_group_carries(empty_store: None) -> None:
    key = register(SCRIPT)
    assert len(key) == 24 and all(c in "0123456789abcdef" for c in key)
    assert f'slot.key === "{key}"' in prepared.kept_script(SCRIPT, 3)
    assert script_of(key) == SCRIPT
    assert register(SCRIPT) == key and len(group_store.STORE) == 1  # kept once
    assert script_of(script_key(SCRIPT + " ")) is None


@pytest.mark.parametrize(
    "key",
    [
        "",
        "0" * 23,
        "0" * 25,
        "A" * 24,  # upper case is not a key
        "g" * 24,
        "../../etc/passwd",
        "0" * 23 + "\n",
        "0" * 24 + ".js",
        "<script>alert(1)</script>",
    ],
)
def test_a_malformed_key_is_never_looked_up(key: str, empty_store: None) -> None:
    assert not group_store.valid_key(key)
    assert script_of(key) is None


def test_the_store_is_bounded_by_entries_least_recently_used_first() -> None:
    store = GroupStore(max_entries=3, max_bytes=10_000)
    keys = [store.register(f"script {i}") for i in range(3)]
    assert store.script_of(keys[0]) == "script 0"  # used: now the newest
    store.register("script 3")
    assert len(store) == 3
    assert store.script_of(keys[1]) is None  # the least recently used went
    assert store.script_of(keys[0]) == "script 0"
    store.register("script 1")  # registered again: kept again, the oldest goes
    assert store.script_of(keys[2]) is None and store.script_of(keys[1]) == "script 1"


def test_the_store_is_bounded_by_bytes() -> None:
    store = GroupStore(max_entries=100, max_bytes=25)
    first = store.register("a" * 10)
    second = store.register("b" * 10)
    third = store.register("c" * 10)  # 30 > 25: the first goes
    assert store.script_of(first) is None
    assert store.script_of(second) == "b" * 10 and store.script_of(third) == "c" * 10
    assert store.size == 20
    huge = store.register("d" * 26)  # larger than the whole store: not kept, nothing dropped
    assert store.script_of(huge) is None and len(store) == 2


def test_the_bounds_hold_every_script_of_the_kept_situations() -> None:
    from layers.catalog import LAYERS
    from layers.web.situations import FIXED_SCRIPTS_KEPT, SITUATIONS_KEPT

    dated = sum(1 for spec in LAYERS if spec.dated)
    fixed = len(LAYERS) - dated
    empties = prepared.empty.cache_info().maxsize or 0
    assert SITUATIONS_KEPT * dated + FIXED_SCRIPTS_KEPT * fixed + empties <= group_store.MAX_ENTRIES


def test_the_store_is_safe_across_threads() -> None:
    store = GroupStore(max_entries=50, max_bytes=10**6)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(300):
                key = store.register(f"script {n} {i % 80}")
                found = store.script_of(key)
                assert found is None or found == f"script {n} {i % 80}"
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(store) <= 50
    assert store.size == sum(len(store.script_of(k) or "") for k in list(store._scripts))


def _get(path: str) -> tuple[int, bytes, dict[str, str]]:
    """A GET of ``path`` answered by an app holding only the group route."""
    app = Starlette(routes=group_routes())
    sent: list[dict[str, object]] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode("latin-1"),
        "root_path": "",
        "headers": [],
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    run_async(lambda: app(scope, receive, send))  # type: ignore[arg-type]
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}  # type: ignore[attr-defined]
    body = b"".join(m.get("body", b"") for m in sent[1:])  # type: ignore[misc]
    return int(start["status"]), body, headers  # type: ignore[call-overload]


def test_the_route_serves_a_registered_script_as_immutable(empty_store: None) -> None:
    key = register(SCRIPT)
    status, body, headers = _get(f"/briefing-groups/{key}.js")
    assert (status, body.decode("utf-8")) == (200, SCRIPT)
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/briefing-groups/{key}",  # no .js
        "/briefing-groups/{upper}.js",
        "/briefing-groups/{key}0.js",
        "/briefing-groups/..%2F..%2Fserver.py.js",
        "/briefing-groups/<img src=x onerror=alert(1)>.js",
        "/briefing-groups/" + "0" * 24 + ".js",  # well-formed, unknown
        "/briefing-groups/{key}.js/x",
    ],
)
def test_anything_else_is_a_plain_404_that_echoes_nothing(path: str, empty_store: None) -> None:
    key = register(SCRIPT)
    path = path.format(key=key, upper=key.upper())
    status, body, headers = _get(path)
    assert status == 404
    if body:  # Starlette's own 404 for paths the route does not match
        assert b"<" not in body and b"onerror" not in body and b"server.py" not in body
        assert key.encode() not in body and b"0" * 24 not in body
    if headers.get("content-type", "").startswith("text/plain") and body == b"no such group":
        assert headers["cache-control"] == "no-store"


def test_an_unknown_or_malformed_key_is_a_404_never_cached(empty_store: None) -> None:
    for key in ("0" * 24, "A" * 24, "%3Cb%3E" + "0" * 17):
        status, body, headers = _get(f"/briefing-groups/{key}.js")
        assert (status, body) == (404, b"no such group")
        assert headers["cache-control"] == "no-store"
    register(SCRIPT)
    group_store.STORE.clear()  # forgotten (bounds): no longer served
    assert _get(f"/briefing-groups/{script_key(SCRIPT)}.js")[0] == 404


def test_the_server_mounts_the_group_route() -> None:
    import server

    paths = [getattr(route, "path", "") for route in server.app._user_routes or ()]
    assert "/briefing-groups/{key}.js" in paths
