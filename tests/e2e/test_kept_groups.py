"""Kept groups sent once (issue 25, "send only what changed"): after a few date changes
the map's frame is sent stubs for the groups it has, draws every layer in the draw
order, and a frame that lost its groups fetches them from ``/briefing-groups/<key>.js``
synchronously and draws the same map as a fresh tab."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import (
    MAP_FRAME,
    TIMEOUT_MS,
    iframe_kept,
    map_frame,
    mark_iframe,
    page,
    type_date,
    wait_for_paths,
)

pytestmark = pytest.mark.e2e
__all__ = ["page"]  # the fixture, imported for this module's tests

#: Every path, marker and label the frame draws, in document order: pane, fill, stroke,
#: class, text (their coordinates left out: the same layers in the same order counts).
DRAWN = """() => [...document.querySelectorAll(
    '.leaflet-map-pane path, .leaflet-marker-icon, .leaflet-tooltip-pane > *')].map(e => {
  const pane = [...e.closest('.leaflet-pane').classList].find(c => c !== 'leaflet-pane');
  return [e.tagName, pane, e.getAttribute('fill'), e.getAttribute('stroke'),
          e.getAttribute('class'), e.textContent].join('|');
})"""

#: What the last run sent the frame: each kept group's index and key, as a stub or in
#: full (streamlit-folium keeps the last ``feature_group`` it ran).
SENT = """() => {
  const text = window.__GLOBAL_DATA__.last_feature_group;
  const stubs = [...text.matchAll(/window\\.briefingKeep\\((\\d+), "([0-9a-f]{24})"\\)/g)];
  const full = [...text.matchAll(/slot\\.key === "([0-9a-f]{24})"/g)];
  return {stubs: stubs.map(m => [Number(m[1]), m[2]]), full: full.map(m => m[1]),
          length: text.length};
}"""


def stamp(page: Any) -> Any:
    return map_frame(page).locator(".bm-date-stamp")


def change_to(page: Any, iso: str, label: str) -> None:
    """Type ``iso`` and wait for its run (the frame may show the day before it comes,
    layers.web.date_preview)."""
    type_date(page, iso)
    expect(stamp(page)).to_have_text(f"Situation on {label}", timeout=TIMEOUT_MS)
    page.wait_for_function(
        """text => {
          const frame = document.querySelector("iframe[title='streamlit_folium.st_folium']");
          const data = frame && frame.contentWindow.__GLOBAL_DATA__;
          return !!data && (data.last_feature_group || '').includes(text);
        }""",
        arg=f"Situation on {label}",
        timeout=TIMEOUT_MS,
    )


def drawn(page: Any) -> tuple[list[str], list[str]]:
    """The paths in document order (their order is the draw order: what is drawn above
    what), then the markers and labels sorted (a kept group's labels stay where they
    were added, as before the stubs: their order in the page draws nothing)."""
    found: list[str] = map_frame(page).locator("body").evaluate(DRAWN)
    paths = [item for item in found if item.startswith("path|")]
    return paths, sorted(item for item in found if not item.startswith("path|"))


def fresh_tab(page: Any, app_url: str, iso: str, label: str) -> tuple[list[str], list[str]]:
    """What a new tab (a new session: every group sent in full) draws on ``iso``."""
    tab = page.context.new_page()
    try:
        tab.goto(f"{app_url}/?date={iso}")
        wait_for_paths(tab, 50)
        expect(stamp(tab)).to_have_text(f"Situation on {label}", timeout=TIMEOUT_MS)
        return drawn(tab)
    finally:
        tab.close()


def test_kept_groups_are_sent_once_and_a_lost_frame_fetches_them(
    page: Any, app_url: str
) -> None:
    mark_iframe(page)
    route: list[str] = []
    page.on("request", lambda r: route.append(r.url) if "/briefing-groups/" in r.url else None)
    days = [
        ("2020-09-26", "26 September 2020"),
        ("2020-12-02", "2 December 2020"),
        ("2021-02-23", "23 February 2021"),
        ("2020-09-26", "26 September 2020"),  # back: groups the frame made before
        ("2020-12-02", "2 December 2020"),
    ]
    for iso, label in days:
        change_to(page, iso, label)
    sent = map_frame(page).locator("body").evaluate(SENT)
    stubbed = dict(sent["stubs"])
    assert len(stubbed) >= 20  # the fixed layers and the dated ones seen before
    assert not set(stubbed.values()) & set(sent["full"])  # no kept group's script again
    assert sent["length"] < 200_000  # was about 714 KiB of groups on every change
    body = map_frame(page).locator("body")
    # the frame had every group it was sent a stub for (the route's other requests are the
    # date preview's fetching ahead, layers.web.date_preview)
    assert not body.evaluate("() => window.briefingFetched || 0")
    assert drawn(page) == fresh_tab(page, app_url, "2020-12-02", "2 December 2020")

    # The frame loses its groups (as a remount the server did not see would: its new page
    # holds none of their labels); no date preview, no fetching ahead: the run alone
    body.evaluate("() => { window.bmPreview.enabled = false; }")
    page.wait_for_timeout(500)  # a fetch ahead under way ends
    route.clear()
    body.evaluate(
        """() => {
          Object.values(window.briefingKept).forEach(s => window.briefingOff(s.group));
          window.briefingKept = {};
          window.briefingGroups = new Map();
          window.briefingFetched = 0;
        }"""
    )
    change_to(page, "2020-12-03", "3 December 2020")  # the same situation: all stubs
    fetched = body.evaluate("() => window.briefingFetched")
    assert fetched == len(map_frame(page).locator("body").evaluate(SENT)["stubs"]) >= 20
    assert len(route) == fetched and all(url.endswith(".js") for url in route)
    # every layer drawn, in the draw order (the event leaders above the groups drawn again)
    assert drawn(page) == fresh_tab(page, app_url, "2020-12-03", "3 December 2020")
    assert iframe_kept(page)  # never remounted
    assert page.locator(MAP_FRAME).count() == 1


#: Shows again, in one go, the groups the frame showed before (``before``: index -> key)
#: where another is shown now, then the ones shown now: after each swap, the labels in the
#: tooltip pane and the labels open on the map (the swapped groups' labels counted).
SWAP = """(body, before) => {
  const labels = () => {
    let open = 0;
    map_div.eachLayer(l => { if (l instanceof L.Tooltip) { open += 1; } });
    return [document.querySelectorAll('.leaflet-tooltip-pane > *').length, open];
  };
  const now = Object.fromEntries(
    Object.entries(window.briefingKept).map(([i, s]) => [i, s.key]));
  const swapped = Object.keys(now).filter(i => before[i] && before[i] !== now[i]);
  swapped.forEach(i => window.briefingKeep(Number(i), before[i]));
  const then = labels();
  swapped.forEach(i => window.briefingKeep(Number(i), now[i]));
  return {swapped: swapped.length, then: then, again: labels()};
}"""


def test_a_group_taken_off_the_map_takes_its_labels_at_once(page: Any) -> None:
    """Leaflet fades a removed label out (hidden, but in the page for 200 ms): a kept
    group swapped for another day's takes its labels off the page at once, so the page
    never holds two days' labels (the same text at the same place)."""
    change_to(page, "2020-09-26", "26 September 2020")
    body = map_frame(page).locator("body")
    before = body.evaluate(
        "() => Object.fromEntries(Object.entries(window.briefingKept)"
        ".map(([i, s]) => [i, s.key]))"
    )
    change_to(page, "2020-12-02", "2 December 2020")
    found = body.evaluate(SWAP, before)
    assert found["swapped"] > 0
    assert found["then"][0] == found["then"][1] > 0  # each label in the page is open
    assert found["again"][0] == found["again"][1] > 0
