"""Drawing on the map in headless Chromium (issue 24): an arrow and a callout drawn with
the map's tools, kept in the URL and reopened from it, found in the exports (PDF text,
GeoJSON properties, the deck's slide and its PowerPoint); a hostile label stays text.

One page draws for the module (drawing takes a few round trips to the app). Screenshots
go to tests/artifacts/annotations-*.png (look at them; the reviewed ones are committed
in docs/annotations/).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pptx import Presentation
from pypdf import PdfReader

from layers.briefing.annotations import clean_label
from tests.e2e.test_browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_paths
from tests.hostile import ANNOTATION_LABEL

pytestmark = pytest.mark.e2e

PKF = "~1,960 Russian peacekeepers"
#: The arrow's label: the hostile pieces (markup, script end, Jinja, JS template, maths).
HOSTILE = clean_label(ANNOTATION_LABEL)


def draw(page: Any, kind: str, points: list[tuple[float, float]], label: str) -> None:
    """Draw one annotation with the map's toolbar: ``points`` as shares of the map's
    width and height, then its label typed in the map's form (Enter)."""
    frame = map_frame(page)
    frame.locator(".bm-ann-tool", has_text=kind).click()
    box = page.locator(MAP_FRAME).bounding_box()
    for fx, fy in points:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_timeout(250)
    if kind in ("Arrow", "Line", "Area"):
        frame.locator(".bm-ann-tool", has_text="Finish").click()
    field = frame.locator(".bm-ann-form input[type=text]")
    field.fill(label)
    field.press("Enter")


@pytest.fixture(scope="module")
def drawn(browser: Any, app_url: str) -> Iterator[tuple[Any, list[str]]]:
    """A page at 1366 x 768 on which an arrow (hostile label) and a callout are drawn;
    and the page's errors and dialogs (none expected)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{app_url}/?date=2020-11-10", wait_until="domcontentloaded")
    wait_for_paths(page, minimum=50)
    map_frame(page).locator(".bm-ann-toggle").click()
    draw(page, "Arrow", [(0.40, 0.62), (0.55, 0.52), (0.66, 0.48)], HOSTILE)
    expect(page).to_have_url(re.compile(r"[?&]ann="), timeout=TIMEOUT_MS)
    draw(page, "Callout", [(0.72, 0.55), (0.82, 0.25)], PKF)
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text(
        "Annotations (2)", timeout=TIMEOUT_MS
    )
    yield page, errors
    context.close()


def labels_on_map(page: Any) -> list[str]:
    return sorted(map_frame(page).locator(".bm-ann-text").all_inner_texts())


def test_drawn_annotations_come_back_from_the_url_and_stay_text(
    drawn: tuple[Any, list[str]], browser: Any, artifacts: Path
) -> None:
    page, errors = drawn
    expect(map_frame(page).locator(".bm-ann-text")).to_have_count(2, timeout=TIMEOUT_MS)
    assert labels_on_map(page) == sorted([HOSTILE, PKF])
    page.screenshot(path=artifacts / "annotations-drawn-1366x768.png")
    for width, height in ((1366, 768), (430, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        fresh = context.new_page()
        fresh.on("pageerror", lambda exc: errors.append(str(exc)))
        fresh.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
        fresh.goto(page.url, wait_until="domcontentloaded")
        expect(map_frame(fresh).locator(".bm-ann-text")).to_have_count(2, timeout=TIMEOUT_MS)
        assert labels_on_map(fresh) == sorted([HOSTILE, PKF])
        assert map_frame(fresh).locator("img[src='x']").count() == 0  # no markup injected
        assert map_frame(fresh).locator(".bm-ann-arrow").count() == 1  # the tapered outline
        fresh.wait_for_timeout(500)
        fresh.screenshot(path=artifacts / f"annotations-reopened-{width}x{height}.png")
        context.close()
    assert errors == []


def test_the_exports_carry_the_labels(drawn: tuple[Any, list[str]]) -> None:
    page, errors = drawn
    page.get_by_text("Export", exact=True).click()
    files: dict[str, bytes] = {}
    for name in ("Map image \\(PNG\\)", "Map, vector \\(PDF\\)", "Visible data \\(GeoJSON\\)"):
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name=re.compile(name)).click()
        files[info.value.suggested_filename.rsplit(".", 1)[1]] = Path(
            info.value.path()
        ).read_bytes()
    assert files["png"].startswith(b"\x89PNG")
    pages = PdfReader(io.BytesIO(files["pdf"])).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert PKF in text and " ".join(HOSTILE.split()) in text  # literal, never run
    features = json.loads(files["geojson"])["features"]
    drawn_features = [f for f in features if f["properties"]["table"].startswith("annotations_")]
    assert sorted(f["properties"]["label"] for f in drawn_features) == sorted([HOSTILE, PKF])
    assert {f["properties"]["kind"] for f in drawn_features} == {"arrow", "callout"}
    # the view as a deck slide: its YAML holds the annotations, its PowerPoint the picture
    page.get_by_text("Deck", exact=True).click()
    page.locator(".st-key-deck_empty button:visible").click()
    page.locator(".st-key-deck_add button:visible").click()
    with page.expect_download(timeout=120_000) as info:
        page.locator(".st-key-deck_download button:visible").click()
    deck = Path(info.value.path()).read_text(encoding="utf-8")
    assert "annotations:" in deck and PKF in deck and "kind: arrow" in deck
    page.get_by_role("button", name=re.compile("^Prepare .*PowerPoint")).click()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("^Download .*PowerPoint")).click()
    slides = Presentation(io.BytesIO(Path(info.value.path()).read_bytes())).slides
    assert len(slides) == 2  # the cover first (issue 22)
    assert any(shape.shape_type == 13 for shape in slides[1].shapes)  # the map's picture
    assert errors == []
