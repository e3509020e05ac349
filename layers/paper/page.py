"""The page kit of paper outputs: paper sizes, a page addressed in inches, wrapped text,
header, legend panel, caveat and credits, and deterministic saving (PNG, PDF, SVG).

Every figure is a fresh :class:`matplotlib.figure.Figure` (never pyplot state), so
rendering is safe in a threaded server; :func:`figure_bytes` saves deterministically.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import geopandas as gpd
import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from pypdf import PdfReader, PdfWriter

from geo import settings
from geo.dataset import Dataset
from geo.dates import format_date
from geo.model import Source
from layers import styles
from layers.briefing.print_options import PAPER_SIZES, PrintOptions, banner_colours
from layers.briefing.view import Bounds, View
from layers.legend_entries import drawn_legend_entries
from layers.paper import font_subsets, halo, text_cache
from layers.paper.greyscale import greyscale as greyscale  # the page kit's re-export
from layers.paper.map_content import paper_basemap
from layers.paper.text_metrics import text_width_in
from layers.user_basemap import USER_BASEMAP, credit

#: Landscape paper sizes in inches (width, height); portrait pages swap them.
PAPERS: dict[str, tuple[float, float]] = dict(PAPER_SIZES)
DEFAULT_PAPER = "A4"
#: Resolution of PNG exports when no pixel width is asked for.
DEFAULT_DPI = 150.0
#: Height in inches of the classification / handling banner (top and bottom of the page).
BANNER_HEIGHT = 0.24

#: Colour of the caveat line and of the extent box of the inset.
ALERT_COLOUR = "#9b1c1c"
INK = "#222222"
MUTED = "#666666"

#: Short credit of the boundaries (record ``settings.NATURAL_EARTH_SOURCE_ID``).
NATURAL_EARTH_CREDIT = "Boundaries: Natural Earth 1:10m v4.1.0 (public domain)"
CAVEAT = (
    "Caution: hatched or dashed shapes are approximate or proposed - schematic areas, "
    "not surveyed positions or confirmed deployments."
)

#: Character width as a share of the font size (DejaVu Sans, mixed text), for wrapping.
CHAR_WIDTH = 0.52
#: Credits are capped so that no citation, however long, squeezes the map: each footer
#: paragraph has at most MAX_CREDIT_LINES lines (cut with an ellipsis), the article is
#: cited in at most ARTICLE_CREDIT_CHARS characters, each other publisher in at most
#: PUBLISHER_CHARS, and the publishers together in about OTHER_CREDITS_CHARS (the rest
#: are counted: "... 5 more sources, see the GeoJSON or HTML export").
MAX_CREDIT_LINES = 6
ARTICLE_CREDIT_CHARS = 300
PUBLISHER_CHARS = 80
OTHER_CREDITS_CHARS = 600
#: Height in inches the map keeps on a page whatever the credits (guaranteed by the caps).
MIN_MAP_HEIGHT = 4.0

_SAVE_LOCK = threading.Lock()
#: Salt of SVG element ids, fixed so the same map gives the same SVG.
SVG_HASH_SALT = "caucasus-briefing-map"
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


# --- Legend, caveat and credits ------------------------------------------------------


def legend_items(
    frames: Mapping[str, gpd.GeoDataFrame], extent: Bounds | None = None
) -> list[tuple[Artist, str]]:
    """Legend handles and labels for what the map draws, from the catalogue.

    Only entries drawn on the map's day inside ``extent`` (EPSG:4326; ``None``: anywhere)
    appear (:func:`layers.legend_entries.drawn_legend_entries`). An entry is drawn
    uncertain (dashed, hatched) when every feature it stands for is approximate or proposed.
    """
    return [
        (legend_handle(drawn.style(), drawn.entry.shape), drawn.entry.label)
        for drawn in drawn_legend_entries(frames, extent)
    ]


def legend_handle(look: styles.Style, shape: str) -> Artist:
    """A legend swatch drawn with the matplotlib form of ``look``."""
    if shape == "point":
        kwargs = styles.matplotlib_style(look, "Point")
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=kwargs["marker"],
            markersize=math.sqrt(kwargs["markersize"]) * 0.85,
            markerfacecolor=kwargs["color"],
            markeredgecolor=kwargs["edgecolor"],
            markeredgewidth=kwargs["linewidth"],
        )
    if shape == "line":
        kwargs = styles.matplotlib_style(look, "LineString")
        return Line2D(
            [],
            [],
            color=kwargs["color"],
            linewidth=kwargs["linewidth"],
            linestyle=kwargs["linestyle"],
        )
    kwargs = styles.matplotlib_style(look, "Polygon")
    return Patch(**kwargs)


def draw_legend(
    ax: Axes,
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    extent: Bounds | None = None,
    ncols: int = 1,
    fontsize: float = 7.0,
) -> Legend | None:
    """Draw the legend of what the map draws in ``extent`` into ``ax`` (an empty axes,
    axis hidden); return it (``None`` when nothing is drawn)."""
    ax.set_axis_off()
    items = legend_items(frames, extent)
    if not items:
        return None
    legend = ax.legend(
        [h for h, _ in items],
        [label for _, label in items],
        loc="upper left",
        bbox_to_anchor=(0, 1),
        ncols=ncols,
        fontsize=fontsize,
        frameon=False,
        title="Legend",
        title_fontsize=fontsize + 1,
        alignment="left",
        handlelength=2.4,
        handleheight=1.1,
        borderaxespad=0,
        borderpad=0,
        columnspacing=1.2,
    )
    legend.get_title().set_fontweight("bold")
    return legend


def bottom_of(page: Page, artist: Artist) -> float:
    """The y in inches of the lower edge of ``artist`` drawn on ``page``."""
    canvas = page.figure.canvas
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(page.figure)
    extent = artist.get_window_extent(agg.get_renderer())  # type: ignore[no-untyped-call]
    return float(extent.y0) / page.figure.dpi


def uncertain_shown(frames: Mapping[str, gpd.GeoDataFrame]) -> bool:
    """True when any visible feature is approximate or proposed."""
    return any(frame["status"].isin(styles.UNCERTAIN_STATUSES).any() for frame in frames.values())


def short_citation(source: Source) -> str:
    """``Publisher, date`` of a source (the date only when known)."""
    return f"{source.publisher}, {format_date(source.date)}" if source.date else source.publisher


def cited_sources(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> list[Source]:
    """Sources of the visible features, once each, in the order the layers cite them."""
    seen: dict[str, None] = {}
    for frame in frames.values():
        for source_ids in frame["source_ids"]:
            seen.update(dict.fromkeys(source_ids))
    return [dataset.source(source_id) for source_id in seen]


def credit_lines(dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]) -> list[str]:
    """The credits: basemap, the subject article, then the other sources of visible features.

    Returns plain-text paragraphs, capped in length (see :data:`OTHER_CREDITS_CHARS`).
    Other sources are named by publisher, once each (full citations are in the feature
    details of the app and of the GeoJSON and HTML exports).
    """
    article = dataset.source(settings.ARTICLE_SOURCE_ID).citation()
    article_text = shorten(article, ARTICLE_CREDIT_CHARS)
    publishers = dict.fromkeys(
        shorten(s.publisher, PUBLISHER_CHARS)
        for s in cited_sources(dataset, frames)
        if s.id not in settings.REQUIRED_SOURCE_IDS
    )
    lines = [
        NATURAL_EARTH_CREDIT,
        f"Subject article: {article_text} (credited as its licence asks).",
    ]
    if publishers:
        lines.append(
            "Other sources of the features shown (full citations in the app and the GeoJSON "
            "and HTML exports): " + _publisher_list(list(publishers))
        )
    return lines


def _publisher_list(publishers: list[str]) -> str:
    """``A; B; C.``, or ``A; B … 7 more sources, see ...`` past OTHER_CREDITS_CHARS."""
    shown: list[str] = []
    for publisher in publishers:
        if shown and sum(len(p) + 2 for p in shown) + len(publisher) > OTHER_CREDITS_CHARS:
            break
        shown.append(publisher)
    rest = len(publishers) - len(shown)
    if not rest:
        return "; ".join(shown) + "."
    more = f"{rest} more source{'s' if rest != 1 else ''}"
    return "; ".join(shown) + f" … {more}, see the GeoJSON or HTML export."


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis if cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(
    text: str,
    width_in: float,
    fontsize: float,
    max_lines: int | None = None,
    *,
    weight: str = "normal",
    style: str = "normal",
) -> list[str]:
    """Wrap ``text`` to lines fitting ``width_in`` inches at ``fontsize`` points, as
    matplotlib measures them in ``weight`` and ``style`` (bold and italic run wider); with
    ``max_lines``, the last line kept ends with an ellipsis when text was left out."""
    chars = max(10, int(width_in * 72 / (fontsize * CHAR_WIDTH)))
    for _ in range(8):
        lines = textwrap.wrap(text, chars, max_lines=max_lines, placeholder=" …") or [""]
        widest = max(text_width_in(line, fontsize, weight, style) for line in lines)
        if widest <= width_in or chars <= 10:
            return lines
        chars = max(10, int(chars * width_in / widest) - 1)
    return lines


# --- Page layout ---------------------------------------------------------------------


class Page:
    """A figure of a given paper size addressed in inches from its lower-left corner.

    With ``sheet`` (print options), the page takes its paper and orientation from it and
    draws its banner at the top and bottom edges; :attr:`top` and :attr:`bottom` are then
    the edges of the room left between the banners.
    """

    def __init__(self, paper: str, sheet: PrintOptions | None = None) -> None:
        if sheet is None:
            self.width, self.height = PAPERS[paper]
        else:
            self.width, self.height = sheet.size
        self.figure = Figure(figsize=(self.width, self.height))
        FigureCanvasAgg(self.figure)
        self.sheet = sheet or PrintOptions(paper=paper)
        band = BANNER_HEIGHT if self.sheet.banner else 0.0
        self.top, self.bottom = self.height - band, band
        if band:
            draw_banner(self, self.sheet.banner)

    def axes(self, left: float, bottom: float, width: float, height: float) -> Axes:
        """A new axes at the given position and size, in inches."""
        return self.figure.add_axes(
            (left / self.width, bottom / self.height, width / self.width, height / self.height)
        )

    def text(self, x: float, y: float, text: str, **kwargs: Any) -> Text:
        """Figure text at (x, y) inches; ``$`` in it is plain text, never maths."""
        kwargs.setdefault("parse_math", False)
        return self.figure.text(x / self.width, y / self.height, text, **kwargs)

    def paragraphs(
        self,
        x: float,
        top: float,
        width: float,
        items: list[tuple[str, dict[str, Any]]],
        fontsize: float,
    ) -> float:
        """Write wrapped paragraphs (footers: each at most :data:`MAX_CREDIT_LINES` lines)
        down from ``top``; return the y (inches) below them."""
        y = top
        for text, kwargs in items:
            look = {"weight": kwargs.get("fontweight", "normal"),
                    "style": kwargs.get("fontstyle", "normal")}  # fmt: skip
            lines = wrap(text, width, fontsize, MAX_CREDIT_LINES, **look)
            self.text(
                x, y, "\n".join(lines), fontsize=fontsize, va="top", linespacing=1.25, **kwargs
            )
            y -= paragraph_height(len(lines), fontsize) + 0.03
        return y


def draw_banner(page: Page, text: str) -> None:
    """The classification / handling banner across the top and bottom edges of the page,
    coloured by its marking (:func:`layers.briefing.print_options.banner_colours`); plain text."""
    background, ink = banner_colours(text)
    for bottom in (0.0, page.height - BANNER_HEIGHT):
        page.figure.add_artist(
            Rectangle(
                (0, bottom / page.height),
                1.0,
                BANNER_HEIGHT / page.height,
                transform=page.figure.transFigure,
                facecolor=background,
                edgecolor="none",
            )
        )
        page.text(
            page.width / 2,
            bottom + BANNER_HEIGHT / 2,
            text,
            fontsize=9,
            fontweight="bold",
            color=ink,
            ha="center",
            va="center",
        )


def paragraph_height(lines: int, fontsize: float) -> float:
    """Height in inches of ``lines`` lines of text at ``fontsize`` (line spacing 1.25)."""
    return lines * fontsize * 1.25 / 72


def footer_items(
    dataset: Dataset, frames: Mapping[str, gpd.GeoDataFrame]
) -> list[tuple[str, dict[str, Any]]]:
    """The caveat (if needed) and credit paragraphs with their text styles."""
    items: list[tuple[str, dict[str, Any]]] = []
    if uncertain_shown(frames):
        items.append((CAVEAT, {"color": ALERT_COLOUR, "fontweight": "bold"}))
    items += [(line, {"color": "#444444"}) for line in credit_lines(dataset, frames)]
    return items


def basemap_note(view: View) -> list[tuple[str, dict[str, Any]]]:
    """A footer line saying paper maps draw the offline basemap, when the screen had tiles;
    or naming the user's basemap and its attribution when the map draws it (issue 21)."""
    if view.basemap == "vector":
        return []
    tiles = paper_basemap(view)
    if tiles is not None:
        return [(credit(tiles), {"color": "#444444"})]
    screen = "your basemap" if view.basemap == USER_BASEMAP else "OpenStreetMap tiles"
    text = f"Basemap: offline vector land and sea (the screen showed {screen})."
    return [(text, {"color": "#444444"})]


def footer_height(items: list[tuple[str, dict[str, Any]]], width: float, fontsize: float) -> float:
    """Height in inches the footer paragraphs take at ``width`` inches (each at most
    :data:`MAX_CREDIT_LINES` lines)."""
    return sum(
        paragraph_height(
            len(wrap(t, width, fontsize, MAX_CREDIT_LINES, weight=k.get("fontweight", "normal"))),
            fontsize,
        )
        + 0.03
        for t, k in items
    )


def page_number(page: Page, number: int, total: int, margin: float) -> None:
    """``Page k of n`` at the bottom right, inside the margin (above the banner)."""
    page.text(
        page.width - margin, page.bottom + margin * 0.35, f"Page {number} of {total}",
        fontsize=7, ha="right", va="bottom", color=MUTED,
    )  # fmt: skip


# --- Saving --------------------------------------------------------------------------


@contextmanager
def print_rc() -> Iterator[None]:
    """Save vector output with the rcParams of every paper export, set here only.

    TrueType fonts embedded in PDF and PostScript (Type 42 subsets: no Type 3 fonts, which
    print shops and PDF/A checks flag; the text stays extractable), SVG text kept as
    ``<text>`` elements, SVG ids hashed with :data:`SVG_HASH_SALT` (identical reruns).
    rcParams are process-wide, so vector saves are serialised by a lock; PNG saves need
    no rcParam and run in parallel. PDF text repeated from page to page or save to save
    is laid out once (:func:`layers.paper.text_cache.cached_pdf_text`; same bytes), and
    each embedded font subset made once per font and glyph set, without the layout tables
    no PDF viewer reads (:func:`layers.paper.font_subsets.cached_pdf_subsets`), and label
    halos are stroked text rather than outlines (:func:`layers.paper.halo.pdf_halos_as_text`).
    """
    fonts_as_text = mpl.rc_context(
        {
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
            "svg.fonttype": "none",
            "svg.hashsalt": SVG_HASH_SALT,
        }
    )
    subsets = font_subsets.cached_pdf_subsets()
    halos = halo.pdf_halos_as_text()
    with _SAVE_LOCK, fonts_as_text, text_cache.cached_pdf_text(), halos, subsets:
        yield


#: Longest document title written into PDF or SVG metadata.
MAX_METADATA_TITLE = 300


def metadata_title(title: str) -> str:
    """``title`` as one line for PDF and SVG metadata: line breaks, tabs and runs of
    spaces become one space (viewers show the title in one line, and a line break is a
    control character), at most :data:`MAX_METADATA_TITLE` characters. The writers
    escape the text itself (PDF string, XML).

    >>> metadata_title("Two\\n\\nlines\\t here ")
    'Two lines here'
    """
    one_line = " ".join(title.split())
    if len(one_line) > MAX_METADATA_TITLE:
        one_line = one_line[: MAX_METADATA_TITLE - 1] + "…"
    return one_line


def figure_bytes(
    figure: Figure,
    fmt: str,
    *,
    dpi: float = DEFAULT_DPI,
    title: str | None = None,
    extent: str | None = None,
) -> bytes:
    """Save ``figure`` as ``fmt`` ('png', 'pdf' or 'svg') and return the bytes.

    The output is deterministic: no creation dates or software versions in the metadata,
    and SVG ids are hashed with a fixed salt; vector text is text (:func:`print_rc`).
    ``extent`` (the map's bounds as text) goes into a PNG ``Extent`` text chunk, a PDF's
    subject or an SVG's description.
    """
    metadata = dict(_METADATA[fmt])
    if title and fmt in ("pdf", "svg"):
        metadata["Title"] = metadata_title(title)
    if extent:
        key = {"png": "Extent", "pdf": "Subject", "svg": "Description"}[fmt]
        metadata[key] = f"extent EPSG:4326 {extent}" if fmt != "png" else extent
    buffer = io.BytesIO()
    with print_rc() if fmt in ("svg", "pdf") else nullcontext():
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def figures_pdf(figures: Iterable[Figure], *, title: str | None = None) -> bytes:
    """A multi-page PDF of ``figures`` (one page each), deterministic like :func:`figure_bytes`.

    Figures are drawn one at a time (an atlas never holds every page in memory); the
    print rcParams are held while a page is written and while the fonts are embedded.
    """
    metadata = dict(_METADATA["pdf"])
    if title:
        metadata["Title"] = metadata_title(title)
    buffer = io.BytesIO()
    pdf: Any = PdfPages(buffer, metadata=metadata)  # untyped in matplotlib
    try:
        for figure in figures:
            with print_rc():
                pdf.savefig(figure)
    finally:
        with print_rc():
            pdf.close()
    return buffer.getvalue()


def outlined_pdf(pages: Iterable[tuple[str, Figure]], *, title: str | None = None) -> bytes:
    """A multi-page PDF of ``(outline title, figure)`` pairs with one outline entry
    (bookmark) per page, deterministic like :func:`figure_bytes`.

    matplotlib cannot write outlines; pypdf adds them to the saved file. Pages are
    written with :func:`print_rc` (TrueType fonts) by :func:`figures_pdf`; outline titles
    are one line like the metadata title.
    """
    titles: list[str] = []

    def figures() -> Iterator[Figure]:
        for name, figure in pages:
            titles.append(metadata_title(name))
            yield figure

    pdf = figures_pdf(figures(), title=title)
    return outlined_pdfs([pdf], titles)


def outlined_pdfs(
    parts: Sequence[bytes],
    titles: Sequence[str],
    *,
    order: Sequence[tuple[int, int]] | None = None,
) -> bytes:
    """The pages of the PDFs ``parts`` (written by :func:`figures_pdf`) in one file, with
    the metadata of the first and one outline entry (bookmark) per page, titled by
    ``titles`` (one line each, :func:`metadata_title`); deterministic. ``order``: the
    (part, page in part) of each page of the file, the first part's pages in their own
    order (default: the parts one after the other)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(parts[0])))
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    if order is None:
        order = [(i, k) for i, reader in enumerate(readers) for k in range(len(reader.pages))]
    for position, (index, k) in enumerate(order):
        if index != 0:
            writer.insert_page(readers[index].pages[k], index=position)
    for index, name in enumerate(titles):
        writer.add_outline_item(title=metadata_title(name), page_number=index)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Producer": ""})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
