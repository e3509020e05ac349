"""Text measured as matplotlib lays it out (Agg metrics, the default font family): the
box of a label about its anchor (:func:`text_box`) and the width of a line of text in
inches (:func:`text_width_in`), measured once per text, size and look.
"""

from __future__ import annotations

import functools
import threading

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform

Box = tuple[float, float, float, float]

_TEXT_BOX_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8192)
def text_box(
    text: str, fontsize: float, weight: str, style: str, ha: str, va: str, dpi: float
) -> Box:
    """The display box (pixels at ``dpi``) of a plain-text label about its position (the
    text's anchor point at the origin), as matplotlib lays it out (Agg metrics, the
    default font family). Depends only on its arguments (and the rcParams fonts, which
    paper output never changes), so it is measured once per process; the cache is
    bounded (:func:`functools.lru_cache`)."""
    with _TEXT_BOX_LOCK:
        figure = _measuring_figure(dpi)
        probe = Text(
            0, 0, text, fontsize=fontsize, fontweight=weight, fontstyle=style,
            ha=ha, va=va, parse_math=False, transform=IdentityTransform(),
        )  # fmt: skip
        probe.set_figure(figure)
        extent = probe.get_window_extent(figure.canvas.get_renderer())  # type: ignore[attr-defined]
    return (float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1))


def text_width_in(
    text: str, fontsize: float, weight: str = "normal", style: str = "normal"
) -> float:
    """Width in inches of ``text`` (one line) at ``fontsize`` points: the widest of its
    layouts at :data:`MEASURE_DPIS`.

    >>> text_width_in("MMMM", 10.0) > text_width_in("iiii", 10.0)
    True
    """
    widths = (
        (x1 - x0) / dpi
        for dpi in MEASURE_DPIS
        for x0, _, x1, _ in [text_box(text, fontsize, weight, style, "left", "baseline", dpi)]
    )
    return max(widths)


#: Resolutions a line of text is measured at, the widest kept: Agg's hinting lays small
#: type out up to a tenth wider at some resolutions (6.3-point credits at 100 dpi) than
#: at others, and a wrapped line must fit the page at every resolution it is saved at
#: (PNG at 100-150 dpi, slides, PDF).
MEASURE_DPIS = (72.0, 100.0, 150.0, 300.0)


@functools.lru_cache(maxsize=8)
def _measuring_figure(dpi: float) -> Figure:
    figure = Figure(dpi=dpi)
    FigureCanvasAgg(figure)
    return figure
