"""A live Streamlit server running app.py, and headless Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_TODAY
from tests.e2e.server import CHROMIUM_ARGS, ROOT, chromium_path, streamlit_server

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``streamlit run app.py`` on a free port (committed data, vector basemap)."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log, today=TEST_TODAY) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium; the tests are skipped, visibly, when it is not installed."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def artifacts() -> Path:
    """Folder for screenshots (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed data folder, for a module's own server (its tests may
    break or edit the copy's files)."""
    folder = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder
