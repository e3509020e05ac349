"""AppTest runs of app.py use the committed data unless a test points elsewhere."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _committed_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFING_DATA_DIR", raising=False)
