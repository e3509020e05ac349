"""The fonts embedded in our PDFs: each subset made once per font and glyph set, without
the font's layout tables.

matplotlib embeds every TrueType font a PDF uses (``pdf.fonttype`` 42,
:func:`layers.paper.page.print_rc`) as a subset made by fontTools when the file is
closed; for DejaVu Sans three quarters of that work is reading and subsetting the
OpenType layout tables (``GSUB``, ``GPOS``, ``GDEF``), the ``MATH`` table and the old
``kern`` table, about 0.1 s of CPU per font and PDF (a briefing embeds three or four
fonts, an atlas half six). A PDF viewer reads none of them: the page places every glyph
itself (matplotlib applied the kerning when it laid the text out) and the text is found
and copied through the ToUnicode map, which does not come from the font file. So the
subsets here leave them out (the glyph outlines, metrics, character map and hinting
stay: the pages look the same and their text is the same), and a subset once made is
kept for the next PDF with the same font and glyphs (the same export asked again, in
this process or a worker forked from it).

This replaces, only inside :func:`cached_pdf_subsets` and only for the PDF backend,
the two names ``backend_pdf`` reads of ``matplotlib.backends._backend_pdf_ps`` to embed
a font (``get_glyphs_subset``, ``font_as_file``; matplotlib 3.11, checked by a test like
:mod:`layers.paper.text_cache`).
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from fontTools import subset
from matplotlib.backends import _backend_pdf_ps, backend_pdf

#: The tables left out of every embedded subset (besides those matplotlib leaves out):
#: glyph substitution and positioning, read when text is laid out, never when a PDF is
#: shown.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "kern", "JSTF", "BASE")
#: The tables matplotlib's own ``get_glyphs_subset`` leaves out (3.11; a test reads them
#: in its source): FontForge's, bitmap and Apple layout tables.
MATPLOTLIB_DROPPED = (
    "FFTM", "PfEd", "BDF", "meta", "MERG", "TSIV", "Zapf", "bdat", "bloc", "cidg", "fdsc",
    "feat", "fmtx", "fond", "just", "kerx", "ltag", "morx", "trak", "xref",
)  # fmt: skip
#: Most subsets kept (each some tens of KiB).
MAX_SUBSETS = 64


class _Subset(NamedTuple):
    """A font subset as embedded: the font file's bytes."""

    data: bytes


class _SubsetResults(NamedTuple):
    """What ``backend_pdf`` reads of ``get_glyphs_subset``'s result."""

    font: _Subset
    glyph_index_map: dict[int, int]


@functools.lru_cache(maxsize=MAX_SUBSETS)
def _subset(path: str, face_index: int, glyphs: frozenset[int]) -> tuple[bytes, tuple[Any, ...]]:
    """The subset of the font at ``path`` (face ``face_index``) holding ``glyphs``, with
    matplotlib's options less :data:`LAYOUT_TABLES`: the font file's bytes and the map
    from the font's glyph indices to the subset's (as pairs)."""
    options = subset.Options(glyph_names=True, recommended_glyphs=True)
    options.drop_tables += [*MATPLOTLIB_DROPPED, *LAYOUT_TABLES]
    options.font_number = face_index
    font = subset.load_font(path, options)
    try:
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(gids=glyphs)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer, reorderTables=False)
    finally:
        font.close()
    return buffer.getvalue(), tuple(sorted(subsetter.glyph_index_map.items()))


@contextmanager
def _subset_results(fontfile: Any, glyphs: Iterable[Any]) -> Iterator[_SubsetResults]:
    path = str(fontfile)
    face_index = int(getattr(fontfile, "face_index", 0))
    data, pairs = _subset(path, face_index, frozenset(int(g) for g in glyphs))
    yield _SubsetResults(_Subset(data), dict(pairs))


def _font_as_file(font: Any) -> io.BytesIO:
    if isinstance(font, _Subset):
        return io.BytesIO(font.data)
    return _backend_pdf_ps.font_as_file(font)  # type: ignore[no-untyped-call,no-any-return]


class _PdfPsModule:
    """``_backend_pdf_ps`` as ``backend_pdf`` sees it while our PDFs save: the module
    itself but for the subsets, which come from :func:`_subset`."""

    get_glyphs_subset = staticmethod(_subset_results)
    font_as_file = staticmethod(_font_as_file)

    def __getattr__(self, name: str) -> Any:
        return getattr(_backend_pdf_ps, name)


_PATCH_LOCK = threading.RLock()
#: matplotlib's PDF backend module, written to by name (its names are not typed).
_BACKEND: Any = backend_pdf
_ORIGINAL = _backend_pdf_ps
_CACHING = _PdfPsModule()


@contextmanager
def cached_pdf_subsets() -> Iterator[None]:
    """While inside, fonts embedded in PDFs saved in this process are the subsets of
    :func:`_subset` (made once per font and glyph set, without the layout tables);
    restored on leaving (nested uses are fine)."""
    with _PATCH_LOCK:
        outer = _BACKEND._backend_pdf_ps is _CACHING
        _BACKEND._backend_pdf_ps = _CACHING
        try:
            yield
        finally:
            if not outer:
                _BACKEND._backend_pdf_ps = _ORIGINAL


def clear() -> None:
    """Forget every subset (tests)."""
    _subset.cache_clear()


def subsets_made() -> int:
    """How many subsets were made (not served from the cache) since the last
    :func:`clear`."""
    return _subset.cache_info().misses
