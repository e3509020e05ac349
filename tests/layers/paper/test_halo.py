"""Label halos on PDF pages (layers/paper/halo.py): stroked text, not glyph outlines,
read once by text extraction, looking as the outlines did; PNG and SVG as before."""

from __future__ import annotations

import inspect
import io
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends import backend_pdf
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from pypdf import PdfReader

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.paper import halo, layouts, page, text_cache
from layers.paper.halo import HALO
from tests.layers.paper.poppler import text_and_first_page

POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
LABELS = ("Stepanakert / Xankəndi", "Lachin corridor\n(Berdzor)", "Gyumri")


def labelled_figure(*, outlines: bool = False) -> Figure:
    """A small map with haloed labels over a dark ground (the halo shows): drawn as our
    labels are (:func:`layers.paper.halo.draw_halo` under the text), or with
    matplotlib's own haloed annotation (``outlines``)."""
    figure = Figure(figsize=(3, 2))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.fill([0, 1, 1, 0], [0, 0, 1, 1], color="#7a4a2a")
    for row, text in enumerate(LABELS):
        common = {"xy": (0.1, 0.2 + 0.3 * row), "fontsize": 9, "parse_math": False,
                  "color": "#222222", "fontweight": "bold" if row else "normal"}  # fmt: skip
        if outlines:
            ax.annotate(text, **common, zorder=5.99, path_effects=[HALO])  # type: ignore[arg-type]
        else:
            halo.draw_halo(ax, text, **common, zorder=5.99)
        ax.annotate(text, **common, zorder=6.0)  # type: ignore[arg-type]
    return figure


def content(pdf: bytes) -> bytes:
    """The first page's content stream, decompressed."""
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()  # type: ignore[union-attr]


def test_written_for_this_matplotlib_release() -> None:
    """The PDF renderer sets the graphics state first when it draws text, so the halo's
    span can open after it (PDF marked content must not cut a q / Q pair)."""
    draw_text = inspect.getsource(backend_pdf.RendererPdf.draw_text)
    assert draw_text.count("self.check_gc(gc, gc._rgb)") == 1
    assert draw_text.index("self.check_gc(gc, gc._rgb)") < draw_text.index("Op.gsave")


def test_pdf_halos_are_stroked_text_not_outlines() -> None:
    ours = content(page.figure_bytes(labelled_figure(), "pdf"))
    lines = len([t for t in LABELS for _ in t.split("\n")])
    assert ours.count(halo.PDF_HALO_BEGIN) == ours.count(halo.PDF_HALO_END) == lines
    assert b"2.2 w" in ours  # the halo's width, in points
    # no glyph outline is drawn (curves), and the page is a fraction of the outlines'
    assert b" c\n" not in ours
    theirs = content(page.figure_bytes(labelled_figure(outlines=True), "pdf"))
    assert theirs.count(b" c\n") > 100
    assert len(zlib.compress(ours)) < len(zlib.compress(theirs)) / 3


def test_outside_our_pdf_exports_the_halo_is_matplotlibs() -> None:
    """PNG and SVG (and a PDF saved without our print settings) draw the path effect:
    the same bytes as matplotlib's own haloed annotation."""
    for fmt in ("png", "svg"):
        assert page.figure_bytes(labelled_figure(), fmt) == page.figure_bytes(
            labelled_figure(outlines=True), fmt
        )
    plain = io.BytesIO()
    labelled_figure().savefig(plain, format="pdf")
    assert halo.PDF_HALO_BEGIN not in content(plain.getvalue())
    assert backend_pdf.RendererPdf is text_cache._ORIGINAL_RENDERER


def test_a_halo_that_is_not_a_plain_stroke_stays_a_path_effect() -> None:
    from matplotlib.patheffects import Normal, Stroke, withStroke

    assert halo.stroke_of([HALO]) == (2.2, "white")
    assert halo.stroke_of([withStroke(linewidth=2, foreground="white")]) is None
    assert halo.stroke_of([Stroke(linewidth=2, foreground="white", alpha=0.5)]) is None
    assert halo.stroke_of([Stroke(offset=(1, -1), linewidth=2, foreground="w")]) is None
    assert halo.stroke_of([HALO, Normal()]) is None


def outlined_halos(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our PDF exports with matplotlib's halos (glyph outlines), as before."""
    monkeypatch.setattr(halo.HaloAnnotation, "draw", Annotation.draw)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) is not installed")
def test_pages_read_once_and_look_as_with_outlined_halos(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The labels page and the default map PDF: the same text found (each label once),
    the same pixels at 60 dpi but for antialiasing at the glyphs' edges."""
    view = View()

    def pdfs() -> list[bytes]:
        return [
            page.figure_bytes(labelled_figure(), "pdf"),
            page.figure_bytes(layouts.map_figure(dataset, view), "pdf"),
        ]

    ours = pdfs()
    outlined_halos(monkeypatch)
    theirs = pdfs()
    assert halo.PDF_HALO_BEGIN not in content(theirs[1])
    for number, (mine, outlined) in enumerate(zip(ours, theirs, strict=True)):
        assert len(mine) < len(outlined)
        our_text, our_pixels = text_and_first_page(mine, tmp_path, f"ours-{number}")
        their_text, their_pixels = text_and_first_page(outlined, tmp_path, f"theirs-{number}")
        assert our_text == their_text
        if number == 0:
            assert our_text.count("Gyumri") == our_text.count("Stepanakert") == 1
        difference = np.abs(our_pixels[..., :3] - their_pixels[..., :3]).max(axis=-1)
        assert difference.max() < 0.35  # an edge pixel's shade
        assert (difference > 8 / 255).mean() < 0.01  # edge pixels of the glyphs (0.4 % on
        # the small page of labels, 0.03 % on a map page; no halo at all: several %)
