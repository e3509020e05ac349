"""Invisible format characters in data or titles never break an export (issue 8, item 2:
U+FEFF in a label or citation made matplotlib's PDF backend raise IndexError)."""

from __future__ import annotations

import copy
import io

import pytest
from pypdf import PdfReader

from geo.dataset import load_dataset
from layers.briefing.view import View
from layers.exports import export_bytes
from tests.conftest import PLACES, SITES, SOURCES, MakeDataDir

INVISIBLE = "\ufeff\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202e\u202c\u2066\u2069"


@pytest.mark.parametrize("fmt", ["pdf", "briefing-pdf"])
def test_pdf_exports_succeed_with_invisible_characters_in_data_and_title(
    make_data_dir: MakeDataDir, fmt: str
) -> None:
    places = copy.deepcopy(PLACES)
    places[1]["names"] = {"en": f"{INVISIBLE}Be{INVISIBLE}ta{INVISIBLE}"}
    sources = copy.deepcopy(SOURCES)
    sources[0]["publisher"] = f"Some{INVISIBLE}body"
    sources[0]["title"] = f"\ufeffA page{INVISIBLE}"
    sites = copy.deepcopy(SITES)
    sites[0]["name"] = f"Base{INVISIBLE} Alpha"
    dataset = load_dataset(make_data_dir(places=places, sources=sources, sites=sites))
    view = View(bounds=(44.8, 39.8, 47.2, 41.2), title=f"\ufeffMy{INVISIBLE} title")
    pdf = export_bytes(dataset, view, fmt)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "My title" in text
    assert "Somebody" in text
