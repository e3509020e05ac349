"""The app in headless Chromium (Debian's chromium, driven by Playwright): first map after
a cold start and warm, and a date change from the input to the last layer drawn.

Date change (:func:`date_change_times`): the page records when the input happened (the
Enter of a typed date, the click of a key-date step, the arrow key on the slider; a
listener in the capture phase, before Streamlit sees it) and the map iframe records when
its date stamp shows the new date (a MutationObserver; the stamp comes with the last
feature group, so every layer has been added by then) and the next two animation frames
(the frame that paints it). Both clocks are ``performance.timeOrigin + now()`` (same
origin, comparable to well under a millisecond). Nothing here passes or fails.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.timing import quantile
from geo.dates import format_date
from layers.web.date_widgets import SELECTORS
from tests.e2e.server import CHROMIUM_ARGS, chromium_path

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
VIEWPORT = {"width": 1500, "height": 1100}
TIMEOUT_MS = 60_000

#: Dates typed in turn (each differs from the one before): other situations each time.
TYPED = (
    dt.date(2020, 9, 26),
    dt.date(2020, 11, 10),
    dt.date(1994, 5, 12),
    dt.date(2020, 12, 1),
    dt.date(2021, 2, 23),
    dt.date(2008, 6, 1),
)

#: In the page: when the last input happened (epoch ms, performance clock).
_INPUT_SPY = """() => {
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener('keydown', () => { window.bmInputAt = now(); }, true);
  document.addEventListener('click', () => { window.bmInputAt = now(); }, true);
}"""

#: In the map iframe: when the date stamp shows each text, and the frame painting it.
_STAMP_SPY = """() => {
  if (window.bmStampSpy) { return; }
  window.bmStampSpy = true;
  window.bmStamps = {};
  const now = () => performance.timeOrigin + performance.now();
  const stamp = document.querySelector('.bm-date-stamp');
  new MutationObserver(() => {
    const text = stamp.textContent, at = now();
    if (window.bmStamps[text] && window.bmStamps[text].fresh) { return; }
    const seen = {shown: at, fresh: true};
    window.bmStamps[text] = seen;
    requestAnimationFrame(() => requestAnimationFrame(() => { seen.painted = now(); }));
  }).observe(stamp, {childList: true, characterData: true, subtree: true});
}"""


def _summary(values: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(values), "p95_s": quantile(values, 95), "n": len(values)}


def _first_map(browser: Any, url: str) -> tuple[float, float]:
    """Seconds from navigation to the load event, and from the load event to 50+ map
    paths drawn in the map iframe. A fresh browser context each time (empty cache)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter()
    page.frame_locator(MAP_FRAME).locator("path").nth(50).wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    drawn = time.perf_counter()
    context.close()
    return loaded - start, drawn - loaded


def _launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def first_map_times(url: str, repeat: int = 5) -> dict[str, object]:
    """First-visit (cold server cache) and median later figures, or why they are absent."""
    if chromium_path() is None:
        return {"skipped": "Debian chromium not installed"}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            first = _first_map(browser, url)
            later = [_first_map(browser, url) for _ in range(repeat)]
        finally:
            browser.close()
    return {
        "cold_load_s": first[0],
        "cold_map_after_load_s": first[1],
        "load_s": statistics.median(t[0] for t in later),
        "map_after_load_s": statistics.median(t[1] for t in later),
        "map_after_load_p95_s": quantile([t[1] for t in later], 95),
    }


# --- date change ----------------------------------------------------------------------


def _open(browser: Any, url: str) -> tuple[Any, Any]:
    """A page on the app with its map drawn and both spies installed."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.frame_locator(MAP_FRAME).locator("path").nth(50).wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    page.evaluate(_INPUT_SPY)
    page.frame_locator(MAP_FRAME).locator("body").evaluate(_STAMP_SPY)
    return context, page


def _stamp_text(day: dt.date) -> str:
    return f"Situation on {format_date(day)}"


def _date_of(page: Any) -> dt.date:
    return dt.date.fromisoformat(str(page.locator(SELECTORS["day_input"]).input_value()))


def _timed(page: Any, act: Any, expected: dt.date | None = None) -> tuple[float, float]:
    """Seconds from the input ``act()`` makes to the date stamp showing its date
    (``expected``, or the date the field shows afterwards), and to the frame painting it."""
    frame = page.frame_locator(MAP_FRAME).locator("body")
    frame.evaluate("() => { for (const s of Object.values(window.bmStamps)) s.fresh = false; }")
    before = _date_of(page)
    act()
    if expected is None:  # a step: the field shows the new date once the run is done
        page.wait_for_function(
            "([sel, old]) => document.querySelector(sel).value !== old",
            arg=[SELECTORS["day_input"], before.isoformat()],
            timeout=TIMEOUT_MS,
        )
        expected = _date_of(page)
    text = _stamp_text(expected)
    frame.evaluate(
        """async (body, text) => {
          for (let i = 0; i < 1200; i++) {
            const s = window.bmStamps[text];
            if (s && s.fresh && s.painted) return;
            await new Promise(r => setTimeout(r, 5));
          }
          throw new Error('the date stamp never showed ' + text);
        }""",
        text,
    )
    # The run has come too (the field shows the day) before the next input: a date shown
    # by the map's frame at the input (layers.web.date_preview) comes before its run, and
    # the next change reads its starting day from the field.
    page.wait_for_function(
        "([sel, day]) => document.querySelector(sel).value === day",
        arg=[SELECTORS["day_input"], expected.isoformat()],
        timeout=TIMEOUT_MS,
    )
    stamp = frame.evaluate("(body, text) => window.bmStamps[text]", text)
    start = float(page.evaluate("() => window.bmInputAt"))
    return (stamp["shown"] - start) / 1000, (stamp["painted"] - start) / 1000


def _typed(page: Any, day: dt.date) -> tuple[float, float]:
    field = page.locator(SELECTORS["day_input"])
    field.fill(day.isoformat())
    return _timed(page, lambda: field.press("Enter"), day)


def _step(page: Any, forward: bool) -> tuple[float, float]:
    button = page.locator(f".st-key-{'next' if forward else 'prev'} button:visible")
    return _timed(page, button.click)


def _slider(page: Any, forward: bool) -> tuple[float, float]:
    thumb = page.locator(SELECTORS["slider"])
    before = _date_of(page)
    expected = before + dt.timedelta(days=1 if forward else -1)
    return _timed(page, lambda: thumb.press("ArrowRight" if forward else "ArrowLeft"), expected)


def date_change_times(url: str, repeat: int = 10) -> dict[str, object]:
    """Seconds from the input to the new date stamp shown (``shown``, every layer added)
    and painted (``painted``), median and p95 over ``repeat`` changes of each kind: a
    typed date (another situation each time), a key-date step (Previous/Next in turn),
    a day on the slider (arrow key, alternating). One page, changes one after another."""
    if chromium_path() is None:
        return {"skipped": "Debian chromium not installed"}
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[tuple[float, float]]] = {"typed": [], "step": [], "slider": []}
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context, page = _open(browser, url)
            _typed(page, dt.date(2020, 11, 20))  # unmeasured: first change of the page
            for index in range(repeat):
                runs["typed"].append(_typed(page, TYPED[index % len(TYPED)]))
            _typed(page, dt.date(2020, 11, 20))  # unmeasured: key dates on either side
            for index in range(repeat):
                runs["step"].append(_step(page, forward=index % 2 == 0))
            for index in range(repeat):
                runs["slider"].append(_slider(page, forward=index % 2 == 0))
            context.close()
        finally:
            browser.close()
    figures: dict[str, object] = {}
    for kind, pairs in runs.items():
        figures[f"{kind}_shown"] = _summary([p[0] for p in pairs])
        figures[f"{kind}_painted"] = _summary([p[1] for p in pairs])
    every = [p[1] for pairs in runs.values() for p in pairs]
    figures["all_painted"] = _summary(every)
    return figures


# --- trace ----------------------------------------------------------------------------

#: Trace categories: the renderer's main-thread tasks, V8 and painting.
TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8",
    "v8.execute",
    "blink",
    "loading",
]


def trace_date_change(url: str, path: Path, changes: int = 3) -> dict[str, object]:
    """A Chromium performance trace (``path``, open it in chrome://tracing or Perfetto)
    of ``changes`` typed date changes, and the main threads' busiest event names in it
    (top-level complete events, milliseconds summed) with the wall time per change."""
    if chromium_path() is None:
        return {"skipped": "Debian chromium not installed"}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context, page = _open(browser, url)
            _typed(page, dt.date(2020, 11, 20))
            browser.start_tracing(page=page, path=str(path), categories=TRACE_CATEGORIES)
            walls = [_typed(page, TYPED[i % len(TYPED)])[1] for i in range(changes)]
            browser.stop_tracing()
            context.close()
        finally:
            browser.close()
    return {"painted_s": walls, "busiest_ms": busiest(path)}


def busiest(path: Path, top: int = 15) -> list[tuple[str, float]]:
    """Event names of the renderers' main threads (CrRendererMain: the page's and the
    map iframe's) by *self* time, in milliseconds: an event's duration less that of the
    events nested in it, so ``RunTask`` keeps only what no finer event explains."""
    events = json.loads(path.read_text(encoding="utf-8"))
    events = events["traceEvents"] if isinstance(events, dict) else events
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    totals: Counter[str] = Counter()
    stacks: dict[tuple[int, int], list[tuple[float, str]]] = {}
    complete = (e for e in events if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in mains)
    for event in sorted(complete, key=lambda e: (e["ts"], -e.get("dur", 0))):
        stack = stacks.setdefault((event["pid"], event["tid"]), [])
        while stack and stack[-1][0] <= event["ts"]:
            stack.pop()
        duration = event.get("dur", 0) / 1000
        totals[event["name"]] += duration
        if stack:
            totals[stack[-1][1]] -= duration  # the parent's self time excludes it
        stack.append((event["ts"] + event.get("dur", 0), event["name"]))
    return [(name, round(ms, 1)) for name, ms in totals.most_common(top)]


# --- playback by day ------------------------------------------------------------------

#: A range through the 2020 war and the handovers: 22 key dates, many situations.
PLAYBACK_RANGE = (dt.date(2020, 9, 27), dt.date(2020, 12, 31))


def day_playback_rate(
    url: str, days: tuple[dt.date, dt.date] = PLAYBACK_RANGE, speed: str = "20/s"
) -> dict[str, object]:
    """Map updates a second of a playback by day over ``days`` at ``speed`` (the fastest
    offered), counted in the map's frame by the player (``window.bmPlayback``): the date
    stamps painted (a new stamp seen by an animation frame) and the dated groups swapped,
    from its first day to its last; the ticks it waited for a group not fetched yet, and
    the groups fetched. Its steady pace would be ``speed`` days a second."""
    if chromium_path() is None:
        return {"skipped": "Debian chromium not installed"}
    from playwright.sync_api import sync_playwright

    start, until = days
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context, page = _open(browser, url)
            _typed(page, start)
            page.locator(".st-key-by-day button").first.click()
            field = page.locator(".st-key-by_day_until input")
            field.fill(until.isoformat())
            field.press("Enter")
            page.locator(".st-key-by_day_speed").get_by_text(speed, exact=True).click()
            page.get_by_role("button", name="Play by day").click()
            page.keyboard.press("Escape")
            frame = page.frame_locator(MAP_FRAME).locator("body")
            stats = frame.evaluate(
                """async () => {
                  for (let i = 0; i < 12000; i++) {
                    const s = window.bmPlayback;
                    if (s && s.plan && !s.playing && s.stopped > s.started) return s;
                    await new Promise(r => setTimeout(r, 10));
                  }
                  throw new Error('the playback by day never ended');
                }"""
            )
            context.close()
        finally:
            browser.close()
    seconds = (stats["stopped"] - stats["started"]) / 1000
    return {
        "days": (until - start).days + 1,
        "speed_days_per_s": float(speed.removesuffix("/s")),
        "seconds": seconds,
        "paints_per_s": stats["paints"] / seconds,
        "ticks_per_s": stats["ticks"] / seconds,
        "swaps": stats["swaps"],
        "waits": stats["waits"],
        "fetched": stats["fetched"],
    }
