"""Playback by day in the map's frame (issue 25): at the fastest speed the date stamp
goes through the days one by one, the control layer changes on the day Aghdam was
handed over (20 November 2020), Pause on the map stops it, and the app's date follows
to the day shown; the map is never remounted."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from geo.dataset import Dataset
from geo.dates import format_date
from tests.e2e.test_browser import (
    AZERBAIJANI_FILL,
    TIMEOUT_MS,
    date_field,
    held_areas,
    iframe_kept,
    map_frame,
    mark_iframe,
    page,
    type_date,
)

pytestmark = pytest.mark.e2e
__all__ = ["page"]  # the fixture, imported for this module's tests

START, UNTIL = "2020-11-15", "2021-03-31"
#: The Aghdam district handed over to Azerbaijan (control.yaml): one more area held.
CHANGE = dt.date(2020, 11, 20)

#: Records, in the frame, every date stamp written and the Azerbaijani-held areas drawn
#: at that moment (a MutationObserver: the page's own record, not the player's).
WATCH = """(body, fill) => {
  window.stampLog = [];
  const stamp = document.querySelector('.bm-date-stamp');
  new MutationObserver(() => {
    window.stampLog.push([stamp.textContent,
      document.querySelectorAll(`path[fill='${fill}']`).length]);
  }).observe(stamp, {childList: true, characterData: true, subtree: true});
}"""


def stamp_day(text: str) -> dt.date:
    """The day of a date stamp ("Situation on 20 November 2020")."""
    return dt.datetime.strptime(text.removeprefix("Situation on "), "%d %B %Y").date()


def play_by_day(page: Any, speed: str) -> Any:
    """From START to UNTIL at ``speed``; the map's date stamp, once playing."""
    type_date(page, START)
    stamp = map_frame(page).locator(".bm-date-stamp")
    expect(stamp).to_have_text(f"Situation on {format_date(dt.date.fromisoformat(START))}",
                               timeout=TIMEOUT_MS)  # fmt: skip
    mark_iframe(page)
    map_frame(page).locator("body").evaluate(WATCH, AZERBAIJANI_FILL)
    page.locator(".st-key-by-day button").first.click()
    until = page.locator(".st-key-by_day_until input")
    until.fill(UNTIL)
    until.press("Enter")
    page.locator(".st-key-by_day_speed").get_by_text(speed, exact=True).click()
    play = page.get_by_role("button", name="Play by day")
    play.click()
    expect(play).to_be_hidden(timeout=TIMEOUT_MS)  # the menu folds (it covers the map's corner)
    expect(map_frame(page).locator(".bm-playback-pause")).to_be_visible(timeout=TIMEOUT_MS)
    return stamp


def wait_for_day(page: Any, iso: str) -> None:
    """Until the frame's playback shows ``iso`` or a later day."""
    map_frame(page).locator("body").evaluate(
        """(body, iso) => new Promise(done => { const wait = () =>
            (window.bmPlayback.day || '') >= iso ? done() : setTimeout(wait, 20);
            wait(); })""",
        iso,
    )


def test_playback_by_day_steps_days_swaps_layers_pauses_and_the_date_follows(
    page: Any, dataset: Dataset, artifacts: Path
) -> None:
    stamp = play_by_day(page, "20/s")
    frame = map_frame(page).locator("body")
    pause = map_frame(page).locator(".bm-playback-pause")
    wait_for_day(page, "2020-11-29")  # well past the change, before the end (137 days)
    page.screenshot(path=artifacts / "day-playback.png")
    pause.click()
    expect(pause).to_have_count(0)
    shown = stamp_day(str(stamp.text_content()))
    log: list[list[Any]] = frame.evaluate("() => window.stampLog")
    seen = [(stamp_day(text), count) for text, count in log]
    # the same stamp written again (a run of the app redraws the first day) is no day
    days = [day for index, (day, _) in enumerate(seen) if index == 0 or seen[index - 1][0] != day]
    # day by day: every day from the start to the day shown, in order, none skipped
    first = dt.date.fromisoformat(START)
    assert days[: (shown - first).days + 1] == [
        first + dt.timedelta(days=n) for n in range((shown - first).days + 1)
    ]
    assert shown < dt.date.fromisoformat(UNTIL)  # paused, not ended
    # the control layer changes on the handover's day, not before nor after
    drawn = dict(seen)
    before, after = CHANGE - dt.timedelta(days=1), CHANGE
    assert drawn[before] == held_areas(dataset, before.isoformat(), "azerbaijani")
    assert drawn[after] == held_areas(dataset, after.isoformat(), "azerbaijani") > drawn[before]
    # the app's date follows to the day shown, and the map stays as it was
    expect(date_field(page)).to_have_value(shown.isoformat(), timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(f"date={shown.isoformat()}"), timeout=TIMEOUT_MS)
    expect(stamp).to_have_text(f"Situation on {format_date(shown)}")
    assert frame.evaluate("() => window.bmPlayback.swaps") >= 2
    assert iframe_kept(page)


def test_the_rows_pause_stops_the_frame_where_it_is(page: Any, dataset: Dataset) -> None:
    """The app's Pause: the frame is sent a stop (with the first day's groups, drawn again
    by that run) and shows, then reports, the day it was at, with that day's layers."""
    stamp = play_by_day(page, "5/s")
    wait_for_day(page, "2020-11-21")
    page.locator(".st-key-play button").click()
    expect(map_frame(page).locator(".bm-playback-pause")).to_have_count(0, timeout=TIMEOUT_MS)
    shown = stamp_day(str(stamp.text_content()))
    assert dt.date(2020, 11, 21) <= shown < dt.date.fromisoformat(UNTIL)
    expect(date_field(page)).to_have_value(shown.isoformat(), timeout=TIMEOUT_MS)
    expect(stamp).to_have_text(f"Situation on {format_date(shown)}")
    held = map_frame(page).locator(f"path[fill='{AZERBAIJANI_FILL}']")
    expect(held).to_have_count(held_areas(dataset, shown.isoformat(), "azerbaijani"))
    expect(page.locator(".st-key-play button")).to_contain_text("Play")
    assert iframe_kept(page)
