"""Fonts embedded in our PDFs (layers/paper/font_subsets.py): subset once per font and
glyph set, without the layout tables; the pages read and look as with matplotlib's own
subsets, and a subset served again gives the same file."""

from __future__ import annotations

import inspect
import io
import shutil
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends import _backend_pdf_ps, backend_pdf
from pypdf import PdfReader

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.paper import font_subsets, layouts, page
from tests.layers.paper.poppler import text_and_first_page

POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None


def test_written_for_this_matplotlib_release() -> None:
    """The PDF backend embeds a font through the two names replaced, and matplotlib's
    own subsets leave out the tables ours leave out too."""
    embed = inspect.getsource(backend_pdf.PdfFile.embedTTF)
    assert "_backend_pdf_ps.get_glyphs_subset(filename," in embed
    assert "_backend_pdf_ps.font_as_file(subset.font)" in embed
    assert "subset.glyph_index_map[" in embed
    theirs = inspect.getsource(_backend_pdf_ps.get_glyphs_subset)
    assert "glyph_names=True, recommended_glyphs=True" in theirs
    for table in font_subsets.MATPLOTLIB_DROPPED:
        assert f"'{table}'" in theirs


def embedded_fonts(pdf: bytes) -> list[TTFont]:
    """The TrueType font programs embedded in ``pdf``."""
    fonts = []
    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = pdf_page["/Resources"]
        for font in resources["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            fonts.append(TTFont(io.BytesIO(program)))
    return fonts


def without_our_subsets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_subsets, "cached_pdf_subsets", nullcontext)


def test_embedded_fonts_keep_outlines_and_leave_out_layout_tables(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = embedded_fonts(layouts.briefing_pdf(dataset, View()))
    assert len(ours) >= 3  # regular, bold, oblique at least
    for font in ours:
        assert {"glyf", "loca", "hmtx", "cmap", "head"} <= set(font.keys())
        assert not set(font.keys()) & set(font_subsets.LAYOUT_TABLES)
    without_our_subsets(monkeypatch)
    theirs = embedded_fonts(layouts.briefing_pdf(dataset, View()))
    assert any("GSUB" in font for font in theirs)  # what matplotlib alone embeds


def test_a_subset_served_again_gives_the_same_pdf(dataset: Dataset) -> None:
    font_subsets.clear()
    cold = layouts.briefing_pdf(dataset, View())
    made = font_subsets.subsets_made()
    assert made >= 3
    warm = layouts.briefing_pdf(dataset, View())
    assert font_subsets.subsets_made() == made  # every font came from the cache
    assert warm == cold
    font_subsets.clear()
    assert layouts.briefing_pdf(dataset, View()) == cold


def test_matplotlib_is_itself_again_after_saving() -> None:
    with font_subsets.cached_pdf_subsets():
        with font_subsets.cached_pdf_subsets():  # nested: the outer one restores
            pass
        assert backend_pdf._backend_pdf_ps is not _backend_pdf_ps  # type: ignore[attr-defined]
    assert backend_pdf._backend_pdf_ps is _backend_pdf_ps  # type: ignore[attr-defined]


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) is not installed")
def test_pages_read_and_look_as_with_matplotlibs_own_subsets(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The briefing and the map page: same text found, same pixels, other font programs."""
    view = View()

    def pdfs() -> list[bytes]:
        return [
            layouts.briefing_pdf(dataset, view),
            page.figure_bytes(layouts.map_figure(dataset, view), "pdf"),
        ]

    ours = pdfs()
    without_our_subsets(monkeypatch)
    theirs = pdfs()
    for number, (mine, matplotlibs) in enumerate(zip(ours, theirs, strict=True)):
        assert len(mine) < len(matplotlibs)  # other font programs, smaller
        our_text, our_pixels = text_and_first_page(mine, tmp_path, f"ours-{number}")
        their_text, their_pixels = text_and_first_page(matplotlibs, tmp_path, f"theirs-{number}")
        assert view.title in our_text and "Natural Earth" in our_text
        assert our_text == their_text
        assert np.array_equal(our_pixels, their_pixels)
