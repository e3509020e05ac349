"""Text laid out once for PDF pages: glyph positions, text sizes and halo outlines are
cached per (string, font files, size, features, language) while our PDF exports save.

Most strings of an atlas repeat on every page (place labels, legend, credits, banner,
timeline) and matplotlib lays each out again through libraqm on every page: once to
measure it, once to write it, and once more as a path for its halo. Within one PDF file
a string's glyphs (``BT`` to ``ET``: font names, subset codes, kerning) are written by
matplotlib once per font and size and then copied, around the position, angle and colour
of each use (a label's halo and fill, a name on every atlas page). The PDF written is
the same byte for byte; only the work of laying out a string already seen is skipped.

This leans on matplotlib internals (3.11: ``backend_pdf.RendererPdf`` made by
``FigureCanvasPdf.print_pdf``, ``_text_helpers.layout`` called by its ``draw_text``,
``TextToPath.get_text_path`` called for text drawn with path effects). They are
replaced only inside :func:`cached_pdf_text` and only for the PDF backend;
:data:`MATPLOTLIB_VERSION` names the release it was written for, and a test fails on any
other, so an upgrade is checked rather than trusted.

The caches are bounded (least recently used entries go) and shared by every thread; keys
hold only immutable values (strings, font file paths, sizes, rcParams that change a
layout), so no entry can serve another string, font or size. A missing-glyph warning is
given when a string is first laid out, not again for its cached copies.
"""

from __future__ import annotations

import math
import threading
import types
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import matplotlib as mpl
import numpy as np
from matplotlib import _text_helpers, font_manager
from matplotlib.backends import backend_pdf
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from layers.paper.halo import StrokedTextPdf

#: The matplotlib release whose internals this module replaces (major.minor).
MATPLOTLIB_VERSION = "3.11"
#: Most entries each cache keeps. The atlas of the committed data lays out about 750
#: strings (30,000 glyphs) and outlines 63 halos: about 6 MiB.
MAX_LAYOUTS = 2048
MAX_SIZES = 4096
MAX_PATHS = 1024

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _Lru(Generic[_K, _V]):
    """A bounded, thread-safe least-recently-used map."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[_K, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _K, make: Callable[[], _V]) -> _V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True, slots=True)
class _Face:
    """What the PDF writer reads of a glyph's font: its file and face (it names and
    subsets the embedded font by them); stands in for a thread's ``FT2Font``."""

    fname: str
    face_index: int


@dataclass(frozen=True, slots=True)
class _Item:
    """One laid-out glyph, as ``matplotlib.ft2font.LayoutItem`` gives it."""

    ft_object: _Face
    char: str
    glyph_index: int
    x: float
    y: float
    prev_kern: float


_LAYOUTS: _Lru[Hashable, tuple[_Item, ...]] = _Lru(MAX_LAYOUTS)
_SIZES: _Lru[Hashable, tuple[float, float, float]] = _Lru(MAX_SIZES)
_PATHS: _Lru[Hashable, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = _Lru(MAX_PATHS)
_HEIGHTS: _Lru[Hashable, tuple[Any, Any, Any]] = _Lru(MAX_SIZES)
_FACES: dict[tuple[str, int], _Face] = {}
#: Per PDF file being written: the bytes each string's glyphs were written as there
#: (``BT`` to ``ET``), by string, font files, size, font type, features and language.
_BODIES: weakref.WeakKeyDictionary[Any, dict[Hashable, bytes]] = weakref.WeakKeyDictionary()
#: Per PDF file being written: :func:`_font_key` by the font properties it reads (the
#: rcParams it reads too are those of the one export writing the file).
_FONT_KEYS: weakref.WeakKeyDictionary[Any, dict[Hashable, tuple[Hashable, ...]]] = (
    weakref.WeakKeyDictionary()
)
#: The font last handed out by a caching renderer in this thread, with its key.
_LAST_FONT = threading.local()


def clear() -> None:
    """Empty every cache (tests)."""
    for cache in (_LAYOUTS, _SIZES, _PATHS, _HEIGHTS):
        cache.clear()


def cache_sizes() -> dict[str, int]:
    """How many entries each cache holds."""
    return {
        "layouts": len(_LAYOUTS), "sizes": len(_SIZES), "paths": len(_PATHS),
        "heights": len(_HEIGHTS),
    }  # fmt: skip


def _font_key(prop: FontProperties) -> tuple[Hashable, ...]:
    """What decides the font a string is laid out with, besides its size: the font files
    (with fallbacks) matplotlib finds for ``prop`` and the rcParams ``get_font`` reads."""
    files = tuple(font_manager.fontManager._find_fonts_by_props(prop))
    return (
        files,
        mpl.rcParams["text.kerning_factor"],
        mpl.rcParams["font.enable_last_resort"],
    )


def _face(font: Any) -> _Face:
    key = (str(font.fname), int(font.face_index))
    return _FACES.setdefault(key, _Face(*key))


def _hashable(*values: object) -> bool:
    try:
        hash(values)
    except TypeError:
        return False
    return True


def _pdf_layout(
    string: str, font: Any, *, features: Any = None, language: Any = None
) -> Iterator[Any]:
    """``_text_helpers.layout`` for ``RendererPdf.draw_text``, cached when ``font`` was
    just handed out by a caching renderer (which knows its files and size)."""
    last = getattr(_LAST_FONT, "font", None)
    if last is None or last[0] is not font or not _hashable(features, language):
        return _text_helpers.layout(string, font, features=features, language=language)

    def make() -> tuple[_Item, ...]:
        return tuple(
            _Item(_face(item.ft_object), item.char, item.glyph_index, item.x, item.y,
                  item.prev_kern)
            for item in _text_helpers.layout(
                string, font, features=features, language=language
            )
        )  # fmt: skip

    return iter(_LAYOUTS.get((string, last[1], features, language), make))


class _CachingTextToPath(TextToPath):
    """Text outlines (halos drawn with path effects) made once per string and font."""

    def get_text_path(
        self,
        prop: FontProperties,
        s: str,
        ismath: Any = False,
        *,
        features: Any = None,
        language: Any = None,
    ) -> Any:
        if ismath or not _hashable(features, language):
            return super().get_text_path(prop, s, ismath, features=features, language=language)

        def make() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
            verts, codes = super(_CachingTextToPath, self).get_text_path(
                prop, s, ismath, features=features, language=language
            )
            return (
                np.array(verts, dtype=float).reshape(-1, 2),
                np.array(codes, dtype=np.uint8),
            )

        key = (s, _font_key(prop), features, language)
        verts, codes = _PATHS.get(key, make)
        return verts.copy(), codes.copy()


class _CachingRendererPdf(StrokedTextPdf):
    """``RendererPdf`` measuring and laying out each string once per font and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
        self._text2path = _CachingTextToPath()

    def _font_key(self, prop: FontProperties) -> tuple[Hashable, ...]:
        """:func:`_font_key`, found once per PDF file and font properties (finding the
        font files of a family is some 30 µs, asked for several times by every text)."""
        found = _FONT_KEYS.setdefault(self.file, {})
        properties = (
            tuple(prop.get_family()), prop.get_style(), prop.get_variant(),
            prop.get_weight(), prop.get_stretch(), prop.get_file(),
            prop.get_math_fontfamily(),
        )  # fmt: skip
        key = found.get(properties)
        if key is None:
            key = found[properties] = _font_key(prop)
        return key

    def draw_glyphs(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, mtext: Any
    ) -> None:
        """The glyphs of ``s``, written once per PDF file as matplotlib writes them and
        then copied: within one file a string in one font and size is the same bytes
        from ``BT`` to ``ET`` wherever it stands (its glyphs' subset codes and the
        font's name are fixed there once given), only the colour before and the
        position and angle around them differ; those are written as matplotlib does."""
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        if (
            mpl.rcParams["pdf.use14corefonts"]
            or gc.get_url() is not None
            or not _hashable(features, language)
        ):
            super().draw_glyphs(gc, x, y, s, prop, angle, mtext)
            return
        key = (
            s, self._font_key(prop), prop.get_size_in_points(), mpl.rcParams["pdf.fonttype"],
            features, language,
        )  # fmt: skip
        bodies = _BODIES.setdefault(self.file, {})
        body = bodies.get(key)
        if body is None:
            if (written := self._glyphs_written(gc, x, y, s, prop, angle, mtext)) is not None:
                bodies[key] = written
            return
        file: Any = self.file
        self.check_gc(gc, gc._rgb)  # type: ignore[no-untyped-call]
        a = math.radians(angle)
        file.output(backend_pdf.Op.gsave)
        file.output(math.cos(a), math.sin(a), -math.sin(a), math.cos(a), x, y,
                    backend_pdf.Op.concat_matrix)  # fmt: skip
        file.write(body)
        file.output(backend_pdf.Op.grestore)

    def _glyphs_written(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, mtext: Any
    ) -> bytes | None:
        """:meth:`draw_glyphs` by matplotlib, returning what it wrote from ``BT`` to
        ``ET`` (strings in a PDF content stream hold no raw line feed, so the first
        ``BT`` line and the last ``ET`` line are the text object's); ``None`` if it did
        not write them as expected (then nothing is copied)."""
        file: Any = self.file
        written: list[bytes] = []
        write = file.write

        def keep(data: bytes) -> None:
            written.append(bytes(data))
            write(data)

        file.write = keep
        try:
            super().draw_glyphs(gc, x, y, s, prop, angle, mtext)
        finally:
            del file.write
        whole = b"".join(written)
        start, end = whole.find(b"\nBT\n"), whole.rfind(b"\nET\nQ\n")
        if start < 0 or end < start:
            return None
        return whole[start + 1 : end + 4]

    def _get_font_ttf(self, prop: FontProperties) -> Any:
        font = super()._get_font_ttf(prop)  # type: ignore[no-untyped-call]
        _LAST_FONT.font = (font, (*self._font_key(prop), prop.get_size_in_points()))
        return font

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: Any
    ) -> tuple[float, float, float]:
        if ismath or mpl.rcParams["pdf.use14corefonts"]:
            return super().get_text_width_height_descent(  # type: ignore[no-untyped-call,no-any-return]
                s, prop, ismath
            )
        key = (s, self._font_key(prop), prop.get_size_in_points())

        def make() -> tuple[float, float, float]:
            base = super(_CachingRendererPdf, self)
            width, height, descent = base.get_text_width_height_descent(  # type: ignore[attr-defined]
                s, prop, ismath
            )
            return width, height, descent

        return _SIZES.get(key, make)

    def _get_font_height_metrics(self, prop: FontProperties) -> tuple[Any, Any, Any]:
        """The ascent, descent and line gap of the font of ``prop`` (``Text._get_layout``
        asks for them for every text drawn), read from its tables once per font and size
        exactly as ``Text._get_layout`` reads them at the PDF's 72 dpi."""
        if mpl.rcParams["pdf.use14corefonts"]:
            return super()._get_font_height_metrics(prop)  # type: ignore[no-untyped-call,no-any-return]
        key = (self._font_key(prop), prop.get_size_in_points())
        return _HEIGHTS.get(key, lambda: _height_metrics(prop))


def _height_metrics(prop: FontProperties) -> tuple[Any, Any, Any]:
    """``Text._get_layout``'s font metrics (matplotlib 3.11) at the PDF's 72 dpi."""
    font: Any = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(prop))
    dpi = 72  # FigureCanvasPdf.print_pdf: "self.figure.dpi = 72"
    possible = [
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ]
    for table_name, linegap_key, ascent_key, descent_key in possible:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * dpi / 72
        line_gap = table[linegap_key] * scale
        min_ascent = table[ascent_key] * scale
        min_descent = -table[descent_key] * scale
        return min_ascent, min_descent, line_gap
    return None, None, None


_PATCH_LOCK = threading.RLock()
#: matplotlib's PDF backend module, written to by name (its names are not typed).
_BACKEND: Any = backend_pdf
_ORIGINAL_RENDERER = backend_pdf.RendererPdf
_ORIGINAL_HELPERS = _text_helpers
_CACHING_HELPERS = types.SimpleNamespace(layout=_pdf_layout)


@contextmanager
def cached_pdf_text() -> Iterator[None]:
    """While inside, PDF pages saved in this process lay out repeated text from the caches.

    matplotlib's PDF backend makes its renderer and lays out text through module names,
    which are pointed at the caching versions here and restored on leaving (nested uses
    are fine). Output is identical with or without it.
    """
    with _PATCH_LOCK:
        outer = _BACKEND.RendererPdf is _CachingRendererPdf
        _BACKEND.RendererPdf = _CachingRendererPdf
        _BACKEND._text_helpers = _CACHING_HELPERS
        try:
            yield
        finally:
            if not outer:
                _BACKEND.RendererPdf = _ORIGINAL_RENDERER
                _BACKEND._text_helpers = _ORIGINAL_HELPERS
