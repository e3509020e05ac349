"""Date changes with the prepared layers: the map shows each day's situation, is not
remounted, the tab does not keep the groups of earlier days, and the layers a date
change leaves as they were are not drawn again."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from geo.dataset import Dataset
from layers.styles import STYLES
from tests.e2e.test_browser import (
    ARMENIAN_FILL,
    AZERBAIJANI_FILL,
    TIMEOUT_MS,
    held_areas,
    iframe_kept,
    map_frame,
    mark_iframe,
    page,
    path_count,
    type_date,
)

pytestmark = pytest.mark.e2e
__all__ = ["page"]  # the fixture, imported for this module's tests


def stamp(page: Any) -> Any:
    return map_frame(page).locator(".bm-date-stamp")


def groups_kept(page: Any) -> int:
    """How many feature groups streamlit-folium's frontend holds in the map's window."""
    return int(map_frame(page).locator("body").evaluate("() => window.feature_group.length"))


def test_days_of_other_situations_and_back_draw_their_own_layers(
    page: Any, dataset: Dataset
) -> None:
    mark_iframe(page)
    first = groups_kept(page)
    before_war = held_areas(dataset, "2020-09-26", "azerbaijani")  # the 1994 line's far side
    type_date(page, "2020-09-26")
    expect(stamp(page)).to_have_text("Situation on 26 September 2020", timeout=TIMEOUT_MS)
    expect(map_frame(page).locator(f"path[fill='{AZERBAIJANI_FILL}']")).to_have_count(before_war)
    type_date(page, "2020-12-02")
    expect(stamp(page)).to_have_text("Situation on 2 December 2020", timeout=TIMEOUT_MS)
    after_war = path_count(page, f"path[fill='{AZERBAIJANI_FILL}']")
    assert after_war == held_areas(dataset, "2020-12-02", "azerbaijani") > before_war
    type_date(page, "2020-12-03")  # the same situation on another day: same layers
    expect(stamp(page)).to_have_text("Situation on 3 December 2020", timeout=TIMEOUT_MS)
    assert path_count(page, f"path[fill='{AZERBAIJANI_FILL}']") == after_war
    type_date(page, "2020-09-26")  # back: the prepared layers of that day again
    expect(stamp(page)).to_have_text("Situation on 26 September 2020", timeout=TIMEOUT_MS)
    expect(map_frame(page).locator(f"path[fill='{AZERBAIJANI_FILL}']")).to_have_count(before_war)
    assert path_count(page, f"path[fill='{ARMENIAN_FILL}']") >= 8
    assert iframe_kept(page)
    assert groups_kept(page) == first  # not four days' worth of groups


COUNTRY = f"path[stroke='{STYLES['country'].color}']"


def mark_paths(page: Any) -> None:
    """Tag every path the map draws now (a path drawn again later has no tag)."""
    map_frame(page).locator("body").evaluate(
        "() => document.querySelectorAll('path').forEach(p => { p.dataset.bmOld = '1'; })"
    )


def test_layers_the_date_does_not_change_stay_drawn_and_in_order(page: Any) -> None:
    mark_iframe(page)
    type_date(page, "2020-12-02")
    expect(stamp(page)).to_have_text("Situation on 2 December 2020", timeout=TIMEOUT_MS)
    mark_paths(page)
    type_date(page, "2020-12-03")  # the same situation: nothing drawn again
    expect(stamp(page)).to_have_text("Situation on 3 December 2020", timeout=TIMEOUT_MS)
    assert path_count(page, "path:not([data-bm-old])") == 0
    type_date(page, "2020-09-26")  # another situation: the dated layers only
    expect(stamp(page)).to_have_text("Situation on 26 September 2020", timeout=TIMEOUT_MS)
    assert path_count(page, f"path[fill='{ARMENIAN_FILL}']:not([data-bm-old])") >= 8
    assert path_count(page, COUNTRY) > 0
    assert path_count(page, f"{COUNTRY}:not([data-bm-old])") == 0
    body = map_frame(page).locator("body")
    below = body.evaluate(
        """(body, [control, country]) => {
          const paths = [...document.querySelectorAll('.leaflet-overlay-pane path')];
          const last = Math.max(...paths.map((p, i) => p.matches(control) ? i : -1));
          const first = paths.findIndex(p => p.matches(country));
          return last >= 0 && first > last;
        }""",
        [f"path[fill='{ARMENIAN_FILL}']", COUNTRY],
    )
    assert below  # the areas drawn again stay below the borders kept, as in the draw order
    page.locator(".st-key-layer-countries label").click()  # a kept layer switched off and on
    expect(map_frame(page).locator(COUNTRY)).to_have_count(0, timeout=TIMEOUT_MS)
    page.locator(".st-key-layer-countries label").click()
    expect(map_frame(page).locator(COUNTRY).first).to_be_attached(timeout=TIMEOUT_MS)
    assert iframe_kept(page)
