"""Where the first map's time goes: a timeline of one visit in headless Chromium.

``python -m bench.first_map [--repeat N] [--url URL]`` opens the app in a fresh browser
context (empty HTTP cache) ``N`` times against a server started here (or at ``URL``),
after one unmeasured visit that warms the server, and prints each phase's median and
p95 in milliseconds from navigation; then the load event and the maps painted of return
visits (a second visit in the same context, the browser's cache filled by the first).
With ``--url`` given twice, the two servers' visits alternate (before and after a change).

Every time is taken in the page on one clock (``performance.timeOrigin + now()``, epoch
ms, comparable between the page and the map's frame): an init script that runs in every
frame records the WebSocket's creation, opening and each message sent and received (by
wrapping ``WebSocket``), and in the map's frame when its map element appears, when 51
paths are drawn and the second animation frame after that (painted). The messages are
named by parsing the same frames, received in the same order through Playwright, as
Streamlit's ``ForwardMsg``/``BackMsg``. Resource timing gives the files (the page's
bundle, the component's page and bundle, Leaflet). The server's own time is the first
run's ``page_profile`` (``exec_time``, microseconds). Where the server shows a static first
map while Streamlit boots (:mod:`layers.web.first_map`, a preview, not the map), its
image's paint (Element Timing's render time of the image) is ``static first map
painted`` and its removal ``static first map removed``; ``live map painted`` is always
the interactive map's frame. Nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.timing import quantile
from tests.e2e.server import CHROMIUM_ARGS, chromium_path, streamlit_server

MAP_FRAME_URL = "streamlit_folium"
#: The static first map's image's Element Timing name (layers.web.first_map.TIMING_NAME).
STATIC_FIRST_MAP_TIMING = "bm-first-map"
VIEWPORT = {"width": 1500, "height": 1100}
TIMEOUT_MS = 60_000

#: Runs in every frame before its own scripts (Playwright's init script).
_RECORDER = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  const marks = window.bmMarks = {origin: performance.timeOrigin};
  const mark = (k) => { if (!(k in marks)) marks[k] = now(); };
  window.bmMark = mark;
  window.bmRecv = []; window.bmSent = [];
  document.addEventListener('DOMContentLoaded', () => mark('dcl'));
  window.addEventListener('load', () => mark('load'));
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    mark('ws_created');
    ws.addEventListener('open', () => mark('ws_open'));
    ws.addEventListener('message', (e) => {
      const size = e.data.byteLength !== undefined ? e.data.byteLength : (e.data.size || 0);
      window.bmRecv.push([now(), size]);
    });
    const send = ws.send.bind(ws);
    ws.send = (data) => { window.bmSent.push([now(), data.byteLength || data.length || 0]);
                          return send(data); };
    return ws;
  };
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Native[k];
  window.WebSocket.prototype = Native.prototype;
  if (window === window.top) {
    new MutationObserver(() => mark('static_gone'))  // the static first map gone
      .observe(document, {attributes: true, subtree: true,
                          attributeFilter: ['data-bm-first-map']});
    window.bmLong = [];
    new PerformanceObserver((list) => {  // the static first map's image painted
      for (const e of list.getEntries()) {
        if (e.identifier === TIMING && e.renderTime && !('static_painted' in marks)) {
          marks.static_painted = performance.timeOrigin + e.renderTime;
        }
      }
    }).observe({type: 'element', buffered: true});
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.bmLong.push([performance.timeOrigin + e.startTime, e.duration]);
      }
    }).observe({type: 'longtask', buffered: true});
    return;
  }
  marks.watching = now();
  const timer = setInterval(() => {
    if (!('map_div' in marks) && document.querySelector('.leaflet-container')) mark('map_div');
    if (document.querySelectorAll('.leaflet-overlay-pane path').length > 50) {
      mark('paths');
      clearInterval(timer);
      requestAnimationFrame(() => requestAnimationFrame(() => {
        mark('painted');
      }));
    }
  }, 4);
})();""".replace("TIMING", repr(STATIC_FIRST_MAP_TIMING))


def _forward_name(payload: bytes) -> str:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(payload)
    kind = str(msg.WhichOneof("type"))
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element.WhichOneof("type")
        if element == "component_instance":
            return "map_delta"
    if kind == "page_profile":
        return f"page_profile:{msg.page_profile.exec_time}:{msg.page_profile.prep_time}"
    return kind


def _back_name(payload: bytes) -> str:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.ParseFromString(payload)
    return str(msg.WhichOneof("type"))


def _resources(frame: Any) -> list[dict[str, Any]]:
    return list(
        frame.evaluate(
            """() => performance.getEntriesByType('resource').map(r => ({
              name: r.name, start: performance.timeOrigin + r.startTime,
              end: performance.timeOrigin + r.responseEnd, size: r.transferSize,
              body: r.decodedBodySize, type: r.initiatorType}))"""
        )
    )


def visit(browser: Any, url: str, *, again: bool = False) -> dict[str, float]:
    """One visit in a fresh context (empty HTTP cache): each phase's end in ms from
    navigation; with ``again``, of a second visit in the same context (a return visit:
    the files the browser may keep are in its cache)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(_RECORDER)
    if again:
        page = context.new_page()
        page.goto(url, wait_until="load")
        _map_frame(page).wait_for_function("() => 'painted' in window.bmMarks",
                                           timeout=TIMEOUT_MS)  # fmt: skip
        page.close()
    page = context.new_page()
    received: list[str] = []
    sent: list[str] = []

    def on_socket(ws: Any) -> None:
        ws.on("framereceived", lambda p: received.append(_forward_name(_bytes(p))))
        ws.on("framesent", lambda p: sent.append(_back_name(_bytes(p))))

    page.on("websocket", on_socket)
    page.goto(url, wait_until="load")
    frame = _map_frame(page)
    frame.wait_for_function("() => 'painted' in window.bmMarks", timeout=TIMEOUT_MS)
    page.wait_for_function("() => !document.getElementById('bm-first-map')", timeout=TIMEOUT_MS)
    top = page.evaluate(
        "() => ({m: window.bmMarks, r: window.bmRecv, s: window.bmSent, l: window.bmLong})"
    )
    inner = frame.evaluate("() => window.bmMarks")
    nav = page.evaluate("() => performance.getEntriesByType('navigation')[0].toJSON()")
    inside = _resources(frame)
    files = inside + _resources(page)  # the frame's own requests first
    context.close()
    result = phases(top, inner, nav, files, received, sent)
    # bytes the frame's files took over the network (0: all from the browser's cache)
    result["KiB the frame's files fetched"] = sum(float(f["size"]) for f in inside) / 1024
    return result


def _bytes(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else str(payload).encode()


def _map_frame(page: Any) -> Any:
    page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", timeout=TIMEOUT_MS)
    for _ in range(600):
        for frame in page.frames:
            if MAP_FRAME_URL in frame.url:
                return frame
        page.wait_for_timeout(10)
    raise RuntimeError("no map frame")


def phases(
    top: Mapping[str, Any],
    inner: Mapping[str, float],
    nav: Mapping[str, float],
    files: list[dict[str, Any]],
    received: list[str],
    sent: list[str],
) -> dict[str, float]:
    """Ends of the phases in ms after navigation (see the module docstring)."""
    marks = top["m"]
    origin = float(marks["origin"])

    def at(epoch: float) -> float:
        return epoch - origin

    out: dict[str, float] = {
        "html received": nav["responseEnd"],
        "load event": nav["loadEventEnd"],
        "websocket created": at(marks["ws_created"]),
        "websocket open": at(marks["ws_open"]),
    }
    recv_at = [at(t) for t, _ in top["r"]]
    sent_at = [at(t) for t, _ in top["s"]]
    names = received[: len(recv_at)]
    reruns = [i for i, name in enumerate(sent[: len(sent_at)]) if name == "rerun_script"]
    if reruns:
        out["rerun asked"] = sent_at[reruns[0]]
    for label, wanted in (("new session", "new_session"), ("map delta", "map_delta"),
                          ("script finished", "script_finished")):  # fmt: skip
        if wanted in names:
            out[label] = recv_at[names.index(wanted)]
    profile = next((n for n in names if n.startswith("page_profile:")), None)
    if profile:
        out["server exec (duration)"] = float(profile.split(":")[1]) / 1000
    sizes = [size for _, size in top["r"]]
    if "map_delta" in names:
        out["KiB received up to the map"] = sum(sizes[: names.index("map_delta") + 1]) / 1024
    out["KiB received in the first run"] = sum(sizes[: len(names)]) / 1024
    for key, label in (("static_painted", "static first map painted"),
                       ("static_gone", "static first map removed")):  # fmt: skip
        if key in marks:
            out[label] = at(marks[key])
    painted = out.get("live map painted", float("inf"))
    out["long tasks before paint (ms)"] = sum(d for t, d in top["l"] if at(t) < painted)
    for file in files:
        name = str(file["name"])
        for key, label in (("/component/streamlit_folium", "component page"),
                           ("static/js/main.", "component bundle"),
                           ("leaflet.js", "leaflet.js")):  # fmt: skip
            if key in name and f"{label} end" not in out:
                out[f"{label} start"] = at(file["start"])
                out[f"{label} end"] = at(file["end"])
    for key, label in (("dcl", "map frame DOMContentLoaded"), ("map_div", "map element"),
                       ("paths", "51 paths drawn"), ("painted", "live map painted")):  # fmt: skip
        if key in inner:
            out[label] = at(inner[key])
    return out


@contextmanager
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def trace(url: str, repeat: int = 7) -> dict[str, dict[str, float]]:
    """Median and p95 (ms after navigation) of every phase over ``repeat`` visits after
    one unmeasured visit; the first visit's own figures under ``first``."""
    if chromium_path() is None:
        return {"skipped": {}}
    with _browser() as browser:
        first = visit(browser, url)
        runs = [visit(browser, url) for _ in range(repeat)]
        again = [visit(browser, url, again=True) for _ in range(max(1, repeat // 2))]
    return _with_returns(_summary(first, runs), again)


def _with_returns(
    result: dict[str, dict[str, float]], again: list[dict[str, float]]
) -> dict[str, dict[str, float]]:
    """``result`` with the load event and the map painted of the return visits."""
    for key in ("load event", "static first map painted", "live map painted"):
        values = [run[key] for run in again if key in run]
        if values:
            result[f"return visit: {key}"] = {"median": statistics.median(values),
                                              "p95": quantile(values, 95),
                                              "first": float("nan")}  # fmt: skip
    return result


def compare(urls: list[str], repeat: int = 7) -> list[dict[str, dict[str, float]]]:
    """:func:`trace` of several servers with their visits interleaved (one unmeasured
    visit each, then ``repeat`` rounds of one visit to each in turn, the order turned each
    round), so that a shared
    machine's load weighs on each alike: before and after a change, side by side."""
    if chromium_path() is None:
        return [{"skipped": {}} for _ in urls]
    runs: list[list[dict[str, float]]] = [[] for _ in urls]
    again: list[list[dict[str, float]]] = [[] for _ in urls]
    with _browser() as browser:
        firsts = [visit(browser, url) for url in urls]
        for round_ in range(repeat):
            for index in _turns(len(urls), round_):
                runs[index].append(visit(browser, urls[index]))
        for round_ in range(max(1, repeat // 2)):
            for index in _turns(len(urls), round_):
                again[index].append(visit(browser, urls[index], again=True))
    return [_with_returns(_summary(first, kept), returns)
            for first, kept, returns in zip(firsts, runs, again, strict=True)]  # fmt: skip


def _turns(count: int, round_: int) -> list[int]:
    """The servers' order in round ``round_``: turned by one each round, so that none is
    always the one visited after a given other (the browser's and the machine's state
    left by a visit weighs on each alike).

    >>> _turns(3, 0), _turns(3, 1)
    ([0, 1, 2], [1, 2, 0])
    """
    return [(round_ + index) % count for index in range(count)]


def _summary(
    first: Mapping[str, float], runs: list[dict[str, float]]
) -> dict[str, dict[str, float]]:
    keys = list(dict.fromkeys(k for run in runs for k in run))
    result: dict[str, dict[str, float]] = {}
    for key in keys:
        values = [run[key] for run in runs if key in run]
        result[key] = {"median": statistics.median(values), "p95": quantile(values, 95),
                       "first": first.get(key, float("nan"))}  # fmt: skip
    return result


#: The phases of the first map, each from the end of the one before (see :func:`phases`).
STEPS = (
    ("page and Streamlit bundle (navigation -> load event)", "load event"),
    ("front end boot (load -> websocket open)", "websocket open"),
    ("first script run up to the map (-> map delta)", "map delta"),
    ("page rendered until the map's iframe loads", "component page start"),
    ("component page and bundle, Leaflet fetched", "leaflet.js end"),
    ("Leaflet and the map's data drawn, painted", "live map painted"),
)


def print_trace(result: Mapping[str, Mapping[str, float]]) -> None:
    """Each phase's duration (medians of the phase ends' medians), then every mark (ms
    after navigation) and the sizes."""
    print(f"{'phase (ms)':<56}{'median':>8}{'p95 end':>9}{'first':>9}")
    before = {"median": 0.0, "first": 0.0}
    for label, key in STEPS:
        row = result.get(key)
        if row is None:
            continue
        print(f"{label:<56}{row['median'] - before['median']:>8.0f}{row['p95']:>9.0f}"
              f"{row['first'] - before['first']:>9.0f}")  # fmt: skip
        before = dict(row)
    print(f"\n{'mark (ms after navigation) or size':<56}{'median':>8}{'p95':>9}{'first':>9}")
    for key, row in sorted(result.items(), key=lambda kv: kv[1].get("median", 0)):
        print(f"{key:<56}{row['median']:>8.0f}{row['p95']:>9.0f}{row['first']:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--url", action="append", default=[],
                        help="an app already running (else one is started here); given "
                        "twice or more, the servers' visits alternate (before and after "
                        "a change, each traced in turn)")  # fmt: skip
    args = parser.parse_args()
    print("load average:", Path("/proc/loadavg").read_text(encoding="utf-8").strip())
    if len(args.url) > 1:
        for url, result in zip(args.url, compare(args.url, args.repeat), strict=True):
            print(f"\n{url} (visits interleaved with the other servers')")
            print_trace(result)
        print("load average:", Path("/proc/loadavg").read_text(encoding="utf-8").strip())
        return
    if args.url:
        print_trace(trace(args.url[0], args.repeat))
        return
    with tempfile.TemporaryDirectory() as folder, streamlit_server(Path(folder) / "log") as url:
        print_trace(trace(url, args.repeat))
    print("load average:", Path("/proc/loadavg").read_text(encoding="utf-8").strip())


if __name__ == "__main__":
    main()
