"""The first map's cheaper parts (issue 25), as a person sees them in Chromium.

Popups built when they open: the map's features carry their popups' escaped parts, not
their HTML, and each popup opened shows the HTML the server builds for that feature
(``layers.web.html.popup_html``). (Hostile text in popups stays text:
tests/e2e/test_hostile_browser.py opens every popup on the hostile data.)

Labels placed together (``layers.web.tooltips``): each permanent label stands where
Leaflet's own placing step, run for it alone, puts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo import settings
from geo.dataset import Dataset
from layers.briefing.view import View
from layers.features import view_features
from layers.web.html import popup_html
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, map_frame_itself, wait_for_paths

pytestmark = pytest.mark.e2e

#: Opens each feature's popup in turn (Leaflet builds it then) and returns, per feature
#: id, the popup's content as the page holds it, and the feature's popup property.
OPEN_EACH = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const opened = {};
  map.eachLayer((layer) => {
    const popup = layer.getPopup && layer.getPopup();
    if (!popup || !layer.feature || !layer.feature.id) return;
    popup.options.autoPan = false;
    layer.openPopup();
    const content = popup.getElement().querySelector('.leaflet-popup-content');
    opened[layer.feature.id] = {html: content.innerHTML,
                                property: layer.feature.properties.popup};
    layer.closePopup();
  });
  return opened;
}"""
#: Writes each HTML text into an element and reads it back: the browser's own spelling
#: of the same nodes (entities, quotes), to compare with a popup's content.
AS_THE_PAGE_HOLDS_IT = """(texts) => texts.map((text) => {
  const box = document.createElement('div');
  box.innerHTML = text;
  return box.innerHTML;
})"""


def test_each_popup_opens_with_the_html_the_server_builds(
    browser: Any, app_url: str, dataset: Dataset, artifacts: Path
) -> None:
    view = View()  # the article's day, the default layers: the app at ?date=...
    built = {
        str(row.id): popup_html(row.label, row.details, row.citations)
        for frame in view_features(dataset, view).values()
        for row in frame.itertuples(index=False)
    }
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?date={settings.ARTICLE_DATE.isoformat()}")
        page.locator(MAP_FRAME).wait_for(timeout=4 * TIMEOUT_MS)
        wait_for_paths(page, 51)
        frame = map_frame_itself(page)
        frame.wait_for_function("() => typeof window.bmPopup === 'function'")
        opened: dict[str, dict[str, Any]] = frame.evaluate(OPEN_EACH)
        # no popup's HTML was sent: each feature holds its escaped parts
        assert all(isinstance(o["property"], list) for o in opened.values())
        assert not any("<" in str(o["property"]) for o in opened.values())
        shared = sorted(set(opened) & set(built))
        assert len(shared) > 100, (len(opened), len(built))
        expected = frame.evaluate(AS_THE_PAGE_HOLDS_IT, [built[i] for i in shared])
        mismatched = [i for i, html in zip(shared, expected, strict=True)
                      if opened[i]["html"] != html]  # fmt: skip
        assert not mismatched, (mismatched[:3], opened[mismatched[0]]["html"][:300])
        # one popup left open, for the eye: the 102nd base's in Gyumri
        frame.evaluate("""() => {
          const map = Object.values(window).find((v) => v instanceof L.Map);
          map.eachLayer((l) => {
            if (l.feature && l.feature.id === 'russian-102nd-base') l.openPopup();
          });
        }""")
        page.screenshot(path=artifacts / "popup-open.png")
    finally:
        context.close()


#: Each shown label's position, then the same after Leaflet's own placing step has placed
#: every label again one at a time (the step the batched placing stands in for).
PLACED_ALONE = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const tips = [];
  map.eachLayer((layer) => {
    const tip = layer.getTooltip && layer.getTooltip();
    if (tip && tip.options.permanent && tip._map && tip._container) tips.push(tip);
  });
  const now = () => tips.map((tip) => tip._container.style.transform);
  const batched = now();
  const classes = () => tips.map((tip) => [...tip._container.classList].sort().join(' '));
  const sides = classes();
  tips.forEach((tip) => tip.bmPlaceAlone(map.latLngToLayerPoint(tip._latlng)));
  return {batched: batched, alone: now(), sides: sides,
          sidesAlone: classes()};
}"""


def test_labels_placed_together_stand_where_leaflet_places_each_alone(
    browser: Any, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?date={settings.ARTICLE_DATE.isoformat()}")
        page.locator(MAP_FRAME).wait_for(timeout=4 * TIMEOUT_MS)
        wait_for_paths(page, 51)
        frame = map_frame_itself(page)
        for zoom in (None, 9):  # as drawn, then after a zoom (labels placed in its animation)
            if zoom is not None:
                frame.evaluate(f"""() => Object.values(window)
                    .find((v) => v instanceof L.Map).setZoom({zoom})""")
                page.wait_for_timeout(1500)
            placed = frame.evaluate(PLACED_ALONE)
            assert len(placed["batched"]) > 50
            assert all(placed["batched"]), "a label was never placed"
            assert placed["batched"] == placed["alone"]
            assert placed["sides"] == placed["sidesAlone"]
    finally:
        context.close()
