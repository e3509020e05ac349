"""The white halo under map labels, and how a PDF page draws it cheaply.

A label is two artists: its halo (:class:`HaloAnnotation`, the text with the path effect
:data:`HALO`: a white stroke round each glyph) and, just above it, the text itself. A
path effect draws the halo as the glyphs' outlines, a path of some 400 vertices a label:
two thirds of an atlas page's PDF content and most of the time spent writing it.

On PDF pages written by our exports (:func:`pdf_halos_as_text`, in force while
:func:`layers.paper.page.print_rc` is; the renderer is a :class:`StrokedTextPdf`), a halo
is instead the same text drawn in
the stroking text render mode (``1 Tr``) with the halo's width and colour and round
joins: the same outline stroked by the PDF viewer from the embedded font, a few dozen
bytes. It is wrapped in a marked-content span with an empty ``/ActualText`` so that text
extraction and search (poppler's ``pdftotext``, PDF viewers) read each label once, as
before. PNG, SVG and any other renderer draw the path effect as matplotlib does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib import colors
from matplotlib.axes import Axes
from matplotlib.backends import backend_pdf
from matplotlib.patheffects import AbstractPathEffect, Stroke
from matplotlib.text import Annotation
from matplotlib.transforms import IdentityTransform

#: The white halo behind every label: a stroked outline drawn as its own artist under
#: the text, so that the text itself stays text in PDF and SVG (a path effect on the text
#: would turn it into outlines).
HALO = Stroke(linewidth=2.2, foreground="white")

#: What opens and closes a halo's text on a PDF page: a span read as no text, the
#: stroking render mode and back to filling.
PDF_HALO_BEGIN = b"/Span <</ActualText ()>> BDC 1 Tr"
PDF_HALO_END = b"0 Tr EMC"


def stroke_of(effects: list[AbstractPathEffect]) -> tuple[float, Any] | None:
    """``(line width in points, colour)`` of a halo made of one plain :class:`Stroke`
    (no offset, no other style), else ``None``."""
    if len(effects) != 1 or type(effects[0]) is not Stroke:
        return None
    effect = effects[0]
    style = getattr(effect, "_gc", None)
    if not isinstance(style, dict) or set(style) != {"linewidth", "foreground"}:
        return None
    if tuple(getattr(effect, "_offset", (0, 0))) != (0, 0):
        return None
    return float(style["linewidth"]), style["foreground"]


class HaloAnnotation(Annotation):
    """An annotation drawn as its halo only (see the module docstring): stroked text on
    a :class:`StrokedTextPdf` page, its path effect everywhere else."""

    def draw(self, renderer: Any) -> None:
        effects = self.get_path_effects()
        stroke = stroke_of(effects)
        stroking = getattr(renderer, "stroking_text", None)
        if stroke is None or stroking is None or self.get_usetex():
            super().draw(renderer)
            return
        self.set_path_effects([])
        try:
            with stroking(*stroke):
                super().draw(renderer)
        finally:
            self.set_path_effects(effects)
            self.stale = False


def draw_halo(ax: Axes, text: str, **kwargs: Any) -> HaloAnnotation:
    """The halo of ``text`` on ``ax``: an annotation like :meth:`Axes.annotate`'s with
    the same arguments, drawn with :data:`HALO` (unless ``path_effects`` is given)."""
    kwargs.setdefault("path_effects", [HALO])
    halo = HaloAnnotation(text, **kwargs)
    halo.set_transform(IdentityTransform())  # as Axes.annotate
    if kwargs.get("clip_on", False) and halo.get_clip_path() is None:
        halo.set_clip_path(ax.patch)
    ax._add_text(halo)  # type: ignore[attr-defined]  # what Axes.annotate does
    return halo


class StrokedTextPdf(backend_pdf.RendererPdf):
    """A PDF renderer that can draw text in the stroking render mode
    (:meth:`stroking_text`), for halos."""

    _stroke: tuple[float, Any] | None = None

    @contextmanager
    def stroking_text(self, linewidth: float, colour: Any) -> Iterator[None]:
        """While inside, text is drawn as its outline stroked ``linewidth`` points wide
        in ``colour`` with round joins, and read as no text (see the module docstring)."""
        self._stroke = (linewidth, colour)
        try:
            yield
        finally:
            self._stroke = None

    def draw_text(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
        ismath: Any = False, mtext: Any = None,
    ) -> None:  # fmt: skip
        if ismath:
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)  # type: ignore[no-untyped-call]
            return
        if self._stroke is None:
            self.draw_glyphs(gc, x, y, s, prop, angle, mtext)
            return
        linewidth, colour = self._stroke
        gc.set_foreground(colors.to_rgba(colour), isRGBA=True)
        gc.set_linewidth(linewidth)
        gc.set_joinstyle("round")
        self.check_gc(gc, gc._rgb)  # type: ignore[no-untyped-call]  # before the span opens
        self.file.write(PDF_HALO_BEGIN + b"\n")
        self.draw_glyphs(gc, x, y, s, prop, angle, mtext)
        self.file.write(PDF_HALO_END + b"\n")

    def draw_glyphs(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, mtext: Any
    ) -> None:
        """The glyphs of ``s`` (not math) as matplotlib's PDF renderer writes them; a
        subclass may write the same bytes more cheaply
        (:class:`layers.paper.text_cache`)."""
        super().draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=mtext)  # type: ignore[no-untyped-call]


_PATCH_LOCK = threading.RLock()
#: matplotlib's PDF backend module, written to by name (its names are not typed).
_BACKEND: Any = backend_pdf


@contextmanager
def pdf_halos_as_text() -> Iterator[None]:
    """While inside, PDF pages saved in this process draw halos as stroked text (the
    backend's renderer is a :class:`StrokedTextPdf`, unless it is one already, e.g.
    :mod:`layers.paper.text_cache`'s); restored on leaving."""
    with _PATCH_LOCK:
        before = _BACKEND.RendererPdf
        if not issubclass(before, StrokedTextPdf):
            _BACKEND.RendererPdf = StrokedTextPdf
        try:
            yield
        finally:
            _BACKEND.RendererPdf = before
