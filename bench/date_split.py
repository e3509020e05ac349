"""Where a date change's time goes: each typed date change split into its phases.

``python -m bench.date_split --url URL [--url URL2] [--repeat N]`` opens the app (a server
already running), draws the map, then types ``N`` dates in turn (other situations each
time; with two URLs the servers' pages alternate change by change) and prints each
phase's median and p95 in milliseconds from the input (the Enter of the typed date):

* the rerun request sent (``rerun_script`` on the WebSocket),
* the server's fragment run: its first message received, the map's delta received
  (``component_instance``), the run's end (``script_finished``),
* the page's DOM changed (a MutationObserver on the page: React's commits, first and
  last),
* the map's frame receives its new arguments (``streamlit:render``),
* the date stamp shown in the frame (every group added) and painted (two animation
  frames later).

Every time is on one clock, ``performance.timeOrigin + now()`` in the page and the map's
frame (same origin). The messages are named by parsing the same frames, in the same
order, through Playwright (as :mod:`bench.first_map`). Nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from pathlib import Path
from typing import Any

from bench.browser import MAP_FRAME, TIMEOUT_MS, TYPED, VIEWPORT, _launch, _stamp_text
from bench.first_map import _back_name, _bytes, _forward_name
from bench.timing import quantile
from layers.web.date_widgets import SELECTORS
from tests.e2e.server import chromium_path

#: Runs in every frame before its own scripts: the WebSocket's messages, the page's DOM
#: commits and the input (top page), the render messages and the date stamp (map frame).
_RECORDER = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.bmRecv = []; window.bmSent = []; window.bmRenders = []; window.bmDom = [];
  window.bmLong = [];
  if (window === window.top) {
    const Native = window.WebSocket;
    window.WebSocket = function (...args) {
      const ws = new Native(...args);
      ws.addEventListener('message', () => window.bmRecv.push(now()));
      const send = ws.send.bind(ws);
      ws.send = (data) => { window.bmSent.push(now()); return send(data); };
      return ws;
    };
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Native[k];
    window.WebSocket.prototype = Native.prototype;
    document.addEventListener('keydown', () => { window.bmInputAt = now(); }, true);
    document.addEventListener('click', () => { window.bmInputAt = now(); }, true);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.bmLong.push([performance.timeOrigin + e.startTime, e.duration]);
      }
    }).observe({type: 'longtask', buffered: true});
    const watch = () => new MutationObserver((records) => {
      window.bmDom.push([now(), records.length]);
    }).observe(document.body, {childList: true, subtree: true, characterData: true,
                               attributes: true});
    if (document.body) watch(); else document.addEventListener('DOMContentLoaded', watch);
    return;
  }
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'streamlit:render') window.bmRenders.push(now());
  });
})();"""

#: In the map's frame: when the date stamp shows each text, and the frame painting it.
_STAMP_SPY = """() => {
  window.bmStamps = {};
  const now = () => performance.timeOrigin + performance.now();
  const stamp = document.querySelector('.bm-date-stamp');
  new MutationObserver(() => {
    const text = stamp.textContent, at = now();
    if (window.bmStamps[text]) { return; }
    const seen = {shown: at};
    window.bmStamps[text] = seen;
    requestAnimationFrame(() => requestAnimationFrame(() => { seen.painted = now(); }));
  }).observe(stamp, {childList: true, characterData: true, subtree: true});
}"""

#: The phases in order, each (label, key of :func:`_change`'s marks).
PHASES = (
    ("rerun request sent", "sent"),
    ("first message of the run received", "first"),
    ("map's delta received", "map_delta"),
    ("run finished (script_finished received)", "finished"),
    ("page DOM: first change", "dom_first"),
    ("map's frame receives its arguments", "render"),
    ("date stamp shown (every group added)", "shown"),
    ("date stamp painted", "painted"),
    ("page DOM: last change", "dom_last"),
)


class Page:
    """One app page with its map drawn, the recorder and the socket's message names."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(_RECORDER)
        self.page = self.context.new_page()
        self.received: list[str] = []
        self.sent: list[str] = []

        def on_socket(ws: Any) -> None:
            ws.on("framereceived", lambda p: self.received.append(_forward_name(_bytes(p))))
            ws.on("framesent", lambda p: self.sent.append(_back_name(_bytes(p))))

        self.page.on("websocket", on_socket)
        self.page.goto(url, wait_until="load")
        self.frame = self.page.frame_locator(MAP_FRAME).locator("body")
        self.page.frame_locator(MAP_FRAME).locator("path").nth(50).wait_for(
            state="attached", timeout=TIMEOUT_MS
        )
        self.page.wait_for_function(  # the first page's filling run has come
            "() => !document.body.innerText.includes('Loading the events')", timeout=TIMEOUT_MS
        )
        self.page.wait_for_timeout(1500)  # the first page's filling run laid out
        self.frame.evaluate(_STAMP_SPY)

    def change(self, day: dt.date) -> dict[str, float]:
        """Type ``day``, wait for its stamp painted and the page quiet, and return each
        mark in ms after the input (see :data:`PHASES`)."""
        text = _stamp_text(day)
        self.frame.evaluate("(b, text) => { delete window.bmStamps[text]; }", text)
        field = self.page.locator(SELECTORS["day_input"])
        field.fill(day.isoformat())
        field.press("Enter")
        self.frame.evaluate(
            """async (body, text) => {
              for (let i = 0; i < 2400; i++) {
                const s = window.bmStamps[text];
                if (s && s.painted) return;
                await new Promise(r => setTimeout(r, 5));
              }
              throw new Error('the date stamp never showed ' + text);
            }""",
            text,
        )
        self.page.wait_for_timeout(700)  # the rest of the run laid out
        top = self.page.evaluate(
            "() => ({i: window.bmInputAt, r: window.bmRecv, s: window.bmSent,"
            " d: window.bmDom, l: window.bmLong})"
        )
        inner = self.frame.evaluate(
            "(b, text) => ({r: window.bmRenders, s: window.bmStamps[text]})", text
        )
        return _marks(top, inner, self.received, self.sent)

    def close(self) -> None:
        self.context.close()


def _marks(
    top: dict[str, Any], inner: dict[str, Any], received: list[str], sent: list[str]
) -> dict[str, float]:
    start = float(top["i"])
    out: dict[str, float] = {}
    names = list(zip(top["r"], received, strict=False))
    after = [(t, n) for t, n in names if t >= start]
    reruns = [t for t, n in zip(top["s"], sent, strict=False) if t >= start and n == "rerun_script"]
    if reruns:
        out["sent"] = reruns[0] - start
    if after:
        out["first"] = after[0][0] - start
    for key, wanted in (("map_delta", "map_delta"), ("finished", "script_finished")):
        hit = [t for t, n in after if n == wanted]
        if hit:
            out[key] = hit[0] - start
    out["runs"] = len(reruns)
    out["deltas received"] = sum(1 for _, n in after if n in ("delta", "map_delta"))
    dom = [t for t, _ in top["d"] if t >= start]
    if dom:
        out["dom_first"], out["dom_last"] = dom[0] - start, dom[-1] - start
    renders = [t for t in inner["r"] if t >= start]
    if renders:
        out["render"] = renders[0] - start
        out["renders"] = len(renders)
    out["shown"] = inner["s"]["shown"] - start
    out["painted"] = inner["s"]["painted"] - start
    out["long tasks (duration)"] = sum(d for t, d in top["l"] if t >= start)
    return out


def compare(urls: list[str], repeat: int = 10) -> list[list[dict[str, float]]]:
    """Each server's marks per change, the servers' pages changing the date in turn."""
    from playwright.sync_api import sync_playwright

    runs: list[list[dict[str, float]]] = [[] for _ in urls]
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            pages = [Page(browser, url) for url in urls]
            for page in pages:
                page.change(dt.date(2020, 11, 20))  # unmeasured: the page's first change
            for index in range(repeat):
                for page, kept in zip(pages, runs, strict=True):
                    kept.append(page.change(TYPED[index % len(TYPED)]))
            for page in pages:
                page.close()
        finally:
            browser.close()
    return runs


def print_split(runs: list[dict[str, float]]) -> None:
    """Median and p95 of each mark, in phase order, with the median step between them."""
    print(f"{'mark (ms after the input)':<48}{'median':>8}{'p95':>8}{'step':>8}")
    before = 0.0
    for label, key in PHASES:
        values = [run[key] for run in runs if key in run]
        if not values:
            continue
        median = statistics.median(values)
        print(f"{label:<48}{median:>8.0f}{quantile(values, 95):>8.0f}{median - before:>8.0f}")
        before = median
    for key in ("long tasks (duration)", "deltas received", "runs", "renders"):
        values = [run[key] for run in runs if key in run]
        if values:
            print(f"{key:<48}{statistics.median(values):>8.1f}{quantile(values, 95):>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    if chromium_path() is None:
        print("skipped: Debian chromium not installed")
        return
    print("load average:", Path("/proc/loadavg").read_text(encoding="utf-8").strip())
    for url, runs in zip(args.url, compare(args.url, args.repeat), strict=True):
        print(f"\n{url} ({len(runs)} typed date changes, interleaved)")
        print_split(runs)
    print("load average:", Path("/proc/loadavg").read_text(encoding="utf-8").strip())


if __name__ == "__main__":
    main()
