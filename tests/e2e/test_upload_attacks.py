"""Issue 19 in headless Chromium: an OGR VRT named .geojson uploaded through "Your
layers" is one line in the sidebar (no error page, no traceback, the map stays), and a
CSV of 10,485,672 bytes, under the documented 10 MiB, is accepted by the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from geo.user_layers import MAX_UPLOAD_BYTES
from tests.e2e.test_browser import TIMEOUT_MS, map_frame, page  # noqa: F401 (fixture)
from tests.upload_attacks import vrt_reading_a_local_file

pytestmark = pytest.mark.e2e

#: "Your layers" (the annotations' uploader takes GeoJSON too, not GeoPackage).
UPLOADER = "[data-testid='stFileUploaderDropzoneInput'][accept*='.gpkg']"


def test_an_ogr_vrt_upload_is_one_line_and_the_map_stays(
    page: Any,  # noqa: F811 (the fixture)
    artifacts: Path,
    tmp_path: Path,
) -> None:
    upload = tmp_path / "x.geojson"
    upload.write_bytes(vrt_reading_a_local_file())
    page.locator(UPLOADER).set_input_files(upload)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text("x.geojson could not be used", timeout=TIMEOUT_MS)
    expect(sidebar).to_contain_text(
        "x.geojson: cannot be read: the file is an OGR VRT file, which is not accepted"
    )
    body = page.locator("body")
    expect(body).not_to_contain_text("This app has encountered an error")
    expect(body).not_to_contain_text("Traceback")
    expect(body).not_to_contain_text("root:x:0:0")  # no line of /etc/passwd anywhere
    assert map_frame(page).locator("path").count() > 50  # the map is still drawn
    sidebar.get_by_text("x.geojson could not be used").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "upload-attack.png"))


def test_a_csv_just_under_the_documented_limit_is_accepted(
    page: Any,  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    size = 10_485_672
    assert size < MAX_UPLOAD_BYTES
    header = b"name,lat,lon,note\n"
    row = b"Checkpoint,40.1,45.2," + b"x" * 40 + b"\n"
    rows = (size - len(header)) // len(row)
    body = header + row * rows
    body += b"Last,40.2,45.3," + b"y" * (size - len(body) - len(b"Last,40.2,45.3,\n")) + b"\n"
    assert len(body) == size
    upload = tmp_path / "big.csv"
    upload.write_bytes(body)
    page.locator(UPLOADER).set_input_files(upload)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text("5000 features, 0 dated", timeout=TIMEOUT_MS)
    expect(sidebar).to_contain_text("big (CSV)")
    expect(page.locator("body")).not_to_contain_text("File must be")
