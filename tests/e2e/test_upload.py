"""Uploading a file in headless Chromium: the layer is drawn in its colour, listed in the
legend, and its hostile name stays text (no dialog, no injected element)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from layers.styles import USER_COLOURS
from tests.e2e.test_browser import TIMEOUT_MS, map_frame, page  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

HOSTILE_NAME = "<img src=x onerror=alert(1)> {{7*7}}"


def test_an_uploaded_area_is_drawn_and_in_the_legend(
    page: Any,  # noqa: F811 (the fixture)
    artifacts: Path,
    tmp_path: Path,
) -> None:
    ring = [[45.2, 40.6], [45.9, 40.6], [45.9, 41.0], [45.2, 41.0], [45.2, 40.6]]
    feature = {
        "type": "Feature",
        "properties": {"name": HOSTILE_NAME, "date": "2020-10-09"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    upload = tmp_path / "field areas.geojson"
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    # "Your layers" (the annotations' uploader takes GeoJSON too, not GeoPackage)
    page.locator("[data-testid='stFileUploaderDropzoneInput'][accept*='.gpkg']").set_input_files(upload)
    frame = map_frame(page)
    drawn = frame.locator(f"path[fill='{USER_COLOURS[0]}']")
    expect(drawn).to_have_count(1, timeout=TIMEOUT_MS)
    expect(frame.locator(".bm-legend")).to_contain_text("field areas", timeout=TIMEOUT_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text("field areas (GeoJSON)")
    expect(sidebar).to_contain_text("1 feature, 1 dated")
    expect(page.get_by_text(HOSTILE_NAME).first).to_be_attached(timeout=TIMEOUT_MS)  # timeline
    assert frame.locator("img[src='x']").count() == 0 and page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(artifacts / "upload.png"))
