"""PDF text laid out once (layers/paper/text_cache.py): written for one matplotlib release,
in force only while our exports save, and the PDF is the same byte for byte with or
without it, including a string met again in another size, font or alignment."""

from __future__ import annotations

import inspect
import itertools
from contextlib import nullcontext

import matplotlib
import pytest
from matplotlib import _text_helpers, patheffects
from matplotlib.backend_bases import RendererBase
from matplotlib.backends import backend_pdf
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.text import Text

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.paper import atlas as paper_atlas
from layers.paper import layouts, page, text_cache
from layers.paper.atlas import AtlasPlan
from layers.paper.halo import draw_halo


def uncached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_cache, "cached_pdf_text", nullcontext)


def test_written_for_this_matplotlib_release() -> None:
    """An upgrade fails here, loudly, until the replaced internals are read again."""
    release = ".".join(matplotlib.__version__.split(".")[:2])
    assert release == text_cache.MATPLOTLIB_VERSION, (
        f"layers/paper/text_cache.py replaces internals of matplotlib "
        f"{text_cache.MATPLOTLIB_VERSION}, this is {matplotlib.__version__}: check "
        "RendererPdf.draw_text, _get_font_ttf, print_pdf and TextToPath.get_text_path, "
        "then the byte-identity tests below"
    )
    # the PDF backend reads nothing else of _text_helpers, which is replaced while saving
    assert inspect.getsource(backend_pdf).count("_text_helpers.") == 1
    draw_text = inspect.getsource(backend_pdf.RendererPdf.draw_text)
    assert "font = self._get_font_ttf(prop)" in draw_text
    assert "_text_helpers.layout(s, font," in draw_text
    assert "RendererPdf(file, dpi, height, width)" in inspect.getsource(
        backend_pdf.FigureCanvasPdf.print_pdf
    )
    assert "text2path.get_text_path(prop, s, ismath=ismath," in inspect.getsource(
        RendererBase._draw_text_as_path  # type: ignore[attr-defined]
    )


def test_matplotlib_is_itself_again_after_saving() -> None:
    figure = Figure()
    figure.text(0.5, 0.5, "Stepanakert")
    with text_cache.cached_pdf_text():
        with text_cache.cached_pdf_text():  # nested: the outer one restores
            pass
        assert backend_pdf.RendererPdf is not text_cache._ORIGINAL_RENDERER
    page.figure_bytes(figure, "pdf")
    assert backend_pdf.RendererPdf is text_cache._ORIGINAL_RENDERER
    assert backend_pdf._text_helpers is _text_helpers  # type: ignore[attr-defined]


def mixed_text_figure() -> Figure:
    """One string in several sizes, fonts and alignments, with and without a halo: a
    cache keyed on less than string, font and size would write one of them wrongly."""
    figure = Figure(figsize=(4, 3))
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    rows = itertools.product((7.0, 12.0), ("DejaVu Sans", "DejaVu Serif"), ("left", "right"))
    for row, (size, family, align) in enumerate(rows):
        for text in ("Lachin corridor", "Lachin corridor ", "AVo Tbilisi"):
            figure.text(
                0.5, 0.05 + row * 0.11, text, fontsize=size, family=family, ha=align,
                path_effects=halo if align == "right" else None,
            )  # fmt: skip
    return figure


def test_mixed_text_is_written_as_without_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    text_cache.clear()
    cold = page.figure_bytes(mixed_text_figure(), "pdf")
    warm = page.figure_bytes(mixed_text_figure(), "pdf")
    assert min(text_cache.cache_sizes().values()) > 0
    uncached(monkeypatch)
    assert page.figure_bytes(mixed_text_figure(), "pdf") == cold == warm


def test_briefing_and_atlas_pages_are_written_as_without_the_cache(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = View()

    def briefing() -> bytes:
        return layouts.briefing_pdf(dataset, view)

    def atlas_start() -> bytes:  # the cover and two map pages
        pages = itertools.islice(
            paper_atlas.atlas_figures(AtlasPlan(dataset=dataset, view=view)), 3
        )
        return page.figures_pdf(figure for _, figure in pages)

    text_cache.clear()
    cached = [briefing(), atlas_start(), briefing()]
    assert text_cache.cache_sizes()["layouts"] > 50
    uncached(monkeypatch)
    plain = [briefing(), atlas_start()]
    assert cached == [plain[0], plain[1], plain[0]]


def test_caches_are_bounded_and_forget_the_oldest() -> None:
    made: list[str] = []
    lru: text_cache._Lru[str, str] = text_cache._Lru(2)

    def get(key: str) -> str:
        def make() -> str:
            made.append(key)
            return key.upper()

        return lru.get(key, make)

    assert [get("a"), get("b"), get("a"), get("c"), get("a"), get("b")] == list("ABACAB")
    assert made == ["a", "b", "c", "b"]  # "b" was the oldest when "c" came
    assert len(lru) == 2


def test_font_height_metrics_are_read_once_per_font_and_size() -> None:
    """``Text._get_layout`` reads a font's ascent, descent and line gap for every text;
    our PDF renderer gives them from a cache, computed as matplotlib computes them at
    the PDF's 72 dpi (the byte-identity tests above compare whole pages)."""
    layout = inspect.getsource(Text._get_layout)  # type: ignore[attr-defined]
    assert "scale = 1 / units_per_em * fontsize * dpi / 72" in layout
    assert "renderer._get_font_height_metrics(" in layout
    assert "self.figure.dpi = 72" in inspect.getsource(backend_pdf.FigureCanvasPdf.print_pdf)

    def saved(size: float) -> bytes:
        figure = Figure(figsize=(2, 1))
        figure.text(0.1, 0.5, "Lachin\ncorridor", fontsize=size)
        return page.figure_bytes(figure, "pdf")

    text_cache.clear()
    first = saved(7.5)
    made = text_cache.cache_sizes()["heights"]
    assert made >= 1
    assert saved(7.5) == first and text_cache.cache_sizes()["heights"] == made  # reused
    saved(11.0)
    assert text_cache.cache_sizes()["heights"] > made  # another size: read again
    ours = text_cache._height_metrics(FontProperties(size=11.0))
    font = get_font(fontManager._find_fonts_by_props(FontProperties(size=11.0)))
    typo = font.get_sfnt_table("OS/2")
    assert typo is not None and ours[0] == typo["sTypoAscender"] / font.units_per_EM * 11.0


def repeated_text_pages() -> list[Figure]:
    """Three pages repeating strings at other places, angles and colours, with and
    without a halo, one with a link and one in Armenian: a copy of a string's glyphs
    that kept the first one's position, angle, colour, halo or font would differ."""
    pages = []
    for number in range(3):
        figure = Figure(figsize=(4, 3))
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        for row, text in enumerate(("Lachin corridor", "Ստեփանակերտ", "Lachin corridor")):
            where = {
                "xy": (0.1 + 0.2 * number, 0.1 + 0.25 * row), "xycoords": "axes fraction",
                "fontsize": 7 + row, "rotation": 15 * number,
            }  # fmt: skip
            if row != 1:
                draw_halo(ax, text, **where)
            ax.annotate(text, **where, color=("red", "blue", "black")[number])
        figure.text(0.6, 0.9, "Lachin corridor", fontsize=7, url="https://example.org/")
        pages.append(figure)
    return pages


def test_a_string_met_again_in_one_file_is_written_as_without_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text_cache.clear()
    drawn: list[str] = []
    glyphs_written = text_cache._CachingRendererPdf._glyphs_written

    def counting(self: text_cache._CachingRendererPdf, *args: object) -> bytes | None:
        drawn.append(str(args[3]))
        return glyphs_written(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(text_cache._CachingRendererPdf, "_glyphs_written", counting)
    cached = page.figures_pdf(iter(repeated_text_pages()))
    # each string in each font and size written once by matplotlib (a halo's glyphs
    # are the fill's), then copied; the linked one is always written by matplotlib
    assert sorted(drawn) == sorted(["Lachin corridor"] * 2 + ["Ստեփանակերտ"])
    uncached(monkeypatch)
    assert page.figures_pdf(iter(repeated_text_pages())) == cached
