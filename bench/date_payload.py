"""What a date change sends to the browser: ``python -m bench.date_payload``.

A websocket session (:class:`deploy.warmup.Session`, the browser's protocol) opens the
page and moves the date through :data:`bench.browser.TYPED`; for each change it counts
the bytes received, the map component's delta among them, and in that delta the
``feature_group`` script (every group's script, st_folium sends it whole) and the part of
it the map's frame runs again (the groups whose key changed: the others are kept by
:func:`layers.web.prepared.kept_script`), and the kept groups sent as stubs (the frame
has them: :mod:`layers.web.frame_groups`; the session sends the map's first report, as
a mounted frame does, before the changes). Nothing here passes or fails.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.browser import TYPED
from deploy.warmup import Session
from tests.e2e.server import streamlit_server

_KEY = re.compile(r'slot\.key === "([0-9a-f]+)"')


def _map_args(raw: bytes) -> dict[str, Any] | None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(raw)
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    if element.WhichOneof("type") != "component_instance":
        return None
    args: dict[str, Any] = json.loads(element.component_instance.json_args)
    return args


#: The view the map's frame reports once it is mounted (as the browser does: the app
#: sends stubs for the groups a frame has only once it has reported).
_REPORT = {
    "bounds": {"_southWest": {"lat": 38.9, "lng": 44.1}, "_northEast": {"lat": 40.9, "lng": 47.9}},
    "zoom": 8,
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_tooltip": None,
    "all_drawings": None,
}


async def _report_view(session: Session, frames: list[bytes]) -> None:
    """Send the map's first report (its view) as the mounted frame would."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for raw in frames:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            continue
        element = msg.delta.new_element
        if element.WhichOneof("type") == "component_instance":
            message = BackMsg()
            message.rerun_script.fragment_id = msg.delta.fragment_id
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id = element.component_instance.id
            widget.json_value = json.dumps(_REPORT)
            await session._run(message)
            return
    raise RuntimeError("the page drew no map")


def _stubs(script: str) -> dict[str, int]:
    """Each stub's key and its length (:data:`layers.web.frame_groups.STUB`)."""
    from layers.web.frame_groups import STUB

    return {found.group(2): len(found.group(0)) for found in STUB.finditer(script)}


def _groups(script: str) -> dict[str, int]:
    """Each kept group's key and the length of its script (split at each group)."""
    parts = re.split(r"var feature_group_feature_group_\d+ = \(function \(kept\)", script)
    sizes: dict[str, int] = {}
    for part in parts[1:]:
        found = _KEY.search(part)
        if found:
            sizes[found.group(1)] = len(part)
    return sizes


async def _measure(url: str) -> list[dict[str, float]]:
    rows: list[dict[str, float]] = []
    async with Session(url) as session:
        frames: list[bytes] = []
        ws = session._ws
        assert ws is not None
        recv = ws.recv

        async def spy(*args: Any, **kwargs: Any) -> Any:
            raw = await recv(*args, **kwargs)
            if isinstance(raw, bytes):
                frames.append(raw)
            return raw

        ws.recv = spy  # type: ignore[method-assign]
        await session.load()
        await _report_view(session, frames)
        before: set[str] = set()
        for day in (*TYPED, *TYPED):
            frames.clear()
            start = time.perf_counter()
            run = await session.set_date(day)
            seconds = time.perf_counter() - start
            args = next((a for a in map(_map_args, frames) if a is not None), None)
            script = str(args.get("feature_group", "")) if args else ""
            groups, stubs = _groups(script), _stubs(script)
            changed = sum(size for key, size in groups.items() if key not in before)
            rows.append({
                "received_kib": run.received_bytes / 1024,
                "map_delta_kib": len(json.dumps(args)) / 1024 if args else 0.0,
                "feature_group_kib": len(script) / 1024,
                "changed_groups_kib": changed / 1024,
                "full_groups_kib": sum(groups.values()) / 1024,
                "stubs_kib": sum(stubs.values()) / 1024,
                "groups_in_full": float(len(groups)),
                "groups_as_stubs": float(len(stubs)),
                "server_ms": seconds * 1000,
            })
            before = (set(groups) | set(stubs)) or before
    return rows


def date_payload(url: str) -> dict[str, float]:
    """Medians over the date changes of a session on the app at ``url`` (the second
    pass through :data:`bench.browser.TYPED`: every situation prepared)."""
    rows = asyncio.run(_measure(url))[len(TYPED) :]
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


if __name__ == "__main__":
    print("load average:", Path("/proc/loadavg").read_text(encoding="utf-8").strip())
    with tempfile.TemporaryDirectory() as folder, streamlit_server(Path(folder) / "log") as app:
        for name, value in date_payload(app).items():
            print(f"{name:<24}{value:>10.1f}")
