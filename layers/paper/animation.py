"""An animated map of a date range: GIF (Pillow) and MP4 (ffmpeg from imageio-ffmpeg).

One frame per day on which the map changes (:func:`geo.situation.frame_dates`), each the
static map of :mod:`layers.paper.map` (EPSG:4326, aspect ``1 / cos(lat0)``) on that day,
with the title, one legend for the whole range and the credits on every frame, and the
date burned into a strip at the top right (:func:`date_strip`, pasted at
:func:`strip_box`). Key dates (an event of the article that day) are held
:data:`KEY_MS`, the others :data:`STEP_MS`; the last frame is held like a key date so the
end state can be read before the loop starts again.

Speed: the page, the layers that do not change with the date, the labels, legend, inset
and credits are drawn once; for each frame only the dated layers are added, the canvas
redrawn and those layers removed again. Output bytes are deterministic (one palette for
all GIF frames, median cut, no dithering; ffmpeg in bit-exact mode).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from PIL import Image

from geo import io
from geo.dataset import Dataset
from geo.dates import format_date
from geo.errors import StateError
from geo.naming import CONVENTIONS
from geo.situation import FrameDate, frame_dates, state_at
from layers import catalog, styles
from layers.briefing.print_options import PrintOptions
from layers.briefing.view import View
from layers.features import layer_features, runtime_features
from layers.framing import change_bounds
from layers.paper import map as paper_map
from layers.paper import page as kit
from layers.paper.compare import LABEL_LAYERS, held_areas, label_content, merged_frames
from layers.paper.furniture import draw_inset
from layers.paper.header import header
from layers.paper.labels import draw_labels
from layers.paper.map_content import LAND_COLOUR, SEA_COLOUR, prepare
from layers.paper.page import Page
from layers.paper.symbols import draw_layers
from layers.story import NOTHING, MustShow, must_show

#: Most frames of one animation (one per day the map changes in the range): a server must
#: not render a thousand frames on one click; over decades, animate a part of the span.
MAX_FRAMES = 200
#: Width in pixels of the frames when neither a width nor a resolution is asked for.
DEFAULT_WIDTH_PX = 1024
#: How long a frame is shown, in milliseconds: an ordinary change, and a key date (an
#: event of the article that day) or the last frame. Multiples of 1000 / :data:`MP4_FPS`.
STEP_MS = 800
KEY_MS = 2400
#: Frame rate of the MP4 (each frame repeated for its duration).
MP4_FPS = 10

MARGIN = 0.35
PANEL = 2.55
#: Size in inches of the date strip at the top right of every frame.
STRIP_SIZE = (3.5, 0.74)
STRIP_DATE_FONT = 17.0
STRIP_EVENT_FONT = 7.0
#: Type size of the credits under the map: about 10 pixels high in a frame 1,024 pixels
#: wide (issue 22: the 6.3 pt of the paper page came out 7 pixels high).
FOOTER_FONT = 8.2


def durations(dates: Sequence[FrameDate]) -> list[int]:
    """Milliseconds each frame is shown: :data:`KEY_MS` on key dates and for the last
    frame, :data:`STEP_MS` otherwise."""
    last = len(dates) - 1
    return [KEY_MS if d.in_article or i == last else STEP_MS for i, d in enumerate(dates)]


def frame_dpi(paper: str, width_px: int | None, dpi: float | None) -> float:
    """Resolution of the frames: ``width_px`` across the paper wins, then ``dpi``, else
    :data:`DEFAULT_WIDTH_PX` across."""
    if width_px is not None:
        return width_px / kit.PAPERS[paper][0]
    return dpi or DEFAULT_WIDTH_PX / kit.PAPERS[paper][0]


def strip_box(paper: str, dpi: float, *, banner: bool = False) -> tuple[int, int, int, int]:
    """Pixel box (left, top, right, bottom) of the date strip in a frame (below the
    banner when the frame has one)."""
    width = kit.PAPERS[paper][0]
    left = round((width - MARGIN - STRIP_SIZE[0]) * dpi)
    top = round((MARGIN * 0.5 + (kit.BANNER_HEIGHT if banner else 0.0)) * dpi)
    return left, top, left + round(STRIP_SIZE[0] * dpi), top + round(STRIP_SIZE[1] * dpi)


def strip_events(dataset: Dataset, frame: FrameDate) -> str:
    """The line under the date: the titles of the day's events, article events first."""
    events = sorted(
        (e for e in dataset.events if e.id in frame.events), key=lambda e: (not e.in_article, e.id)
    )
    titles = "; ".join(e.title for e in events)
    return f"Key date in the article: {titles}" if frame.in_article else titles


def date_strip(
    dataset: Dataset, frame: FrameDate, size_px: tuple[int, int], dpi: float
) -> Image.Image:
    """The date strip of ``frame`` as an RGB image of exactly ``size_px`` (width, height):
    the date, large (dark red on key dates), and the day's events in at most two lines
    (plain text)."""
    width_px, height_px = size_px
    figure = Figure(figsize=((width_px + 0.5) / dpi, (height_px + 0.5) / dpi), dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    figure.add_artist(
        Rectangle((0.004, 0.01), 0.99, 0.98, transform=figure.transFigure, facecolor="white",
                  edgecolor=kit.INK, linewidth=1.0)
    )  # fmt: skip
    colour = kit.ALERT_COLOUR if frame.in_article else kit.INK
    figure.text(0.025, 0.93, format_date(frame.day), fontsize=STRIP_DATE_FONT, fontweight="bold",
                va="top", color=colour, parse_math=False)  # fmt: skip
    lines = kit.wrap(strip_events(dataset, frame), STRIP_SIZE[0] - 0.2, STRIP_EVENT_FONT)
    if len(lines) > 2:
        lines = [lines[0], lines[1] + " […]"]
    figure.text(0.025, 0.08, "\n".join(lines), fontsize=STRIP_EVENT_FONT, va="bottom",
                color="#333333", linespacing=1.2, parse_math=False)  # fmt: skip
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    return Image.fromarray(rgba[:height_px, :width_px, :3].copy())


@dataclass(frozen=True)
class _Base:
    """The page drawn once: its figure, the map axes, the view and frame size the dated
    layers are prepared with, what must show over the range and the boxes the static
    labels took (the markers of each frame keep clear of them)."""

    figure: Figure
    ax: Axes
    view: View
    frame_in: tuple[float, float]
    story: MustShow
    taken: tuple[Bbox, ...]


def _layer_frames(
    dataset: Dataset, view: View, days: Sequence[dt.date]
) -> tuple[dict[str, gpd.GeoDataFrame], list[dict[str, gpd.GeoDataFrame]]]:
    """The view's layers that do not change with the date (built once), and for each day
    the dated ones; in catalogue order."""
    dated = tuple(k for k in view.layers if catalog.layer(k).dated)
    fixed = tuple(k for k in view.layers if k not in dated)
    static = layer_features(dataset, None, fixed, view.convention)  # no date: no situation
    per_day = [
        layer_features(dataset, state_at(dataset, day), dated, view.convention)
        | runtime_features(day)  # the user's own layers (layers.catalog.runtime_layers)
        for day in days
    ]
    return static, per_day


def _in_order(
    view: View, shown: Mapping[str, gpd.GeoDataFrame], others: Mapping[str, gpd.GeoDataFrame]
) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the view in catalogue order (so the draw order is the map's), then
    the runtime layers (the user's own); those of ``shown`` as they are, those of
    ``others`` emptied."""
    ids = (*view.layers, *(spec.id for spec in catalog.runtime_specs()))
    return {k: shown[k] if k in shown else others[k].iloc[0:0] for k in ids}


def _dates(start: dt.date, end: dt.date, count: int) -> str:
    return f"{format_date(start)} to {format_date(end)}, one frame per change ({count})"


def _subtitle(view: View, start: dt.date, end: dt.date, count: int) -> str:
    return f"{_dates(start, end, count)}  ·  place names: {CONVENTIONS[view.convention]}"


def _base(
    dataset: Dataset,
    view: View,
    static: Mapping[str, gpd.GeoDataFrame],
    every: Mapping[str, gpd.GeoDataFrame],
    dates: Sequence[FrameDate],
    *,
    paper: str,
    labels: bool,
    dpi: float,
    sheet: PrintOptions | None = None,
) -> _Base:
    """Header, the map's static layers and labels, legend (of ``every`` frame), inset
    and credits (in :data:`FOOTER_FONT`: legible in a frame 1,024 pixels wide)."""
    sheet = replace(sheet or PrintOptions(paper=paper), paper=paper, orientation="landscape")
    page = Page(paper, sheet)
    page.figure.set_dpi(dpi)
    start, end = dates[0].day, dates[-1].day
    top = header(page, view, MARGIN, dates=_dates(start, end, len(dates)),
                 line=_subtitle(view, start, end, len(dates)),
                 right_in=STRIP_SIZE[0] + 0.2)  # fmt: skip
    map_top = top - 0.1
    map_width = page.width - 2 * MARGIN - PANEL - 0.3
    items = kit.footer_items(dataset, every)
    footer = kit.footer_height(items, map_width, FOOTER_FONT)
    map_bottom = page.bottom + MARGIN + footer + 0.12
    frame_in = (map_width, map_top - map_bottom)
    story = must_show(dataset, every, (start, end)) if labels else NOTHING
    content = prepare(dataset, view, static, frame_in, story=story)
    ax = page.axes(MARGIN, map_bottom, *frame_in)
    held = held_areas(every)
    placer = paper_map.draw_map(
        ax, content, labels=labels, label_layers=LABEL_LAYERS,
        labelled=label_content(content, held),
    )  # fmt: skip
    page.paragraphs(MARGIN, page.bottom + MARGIN + footer, map_width, items, FOOTER_FONT)
    panel_x = page.width - MARGIN - PANEL
    # the legend first, the locator under it where there is room (never over the legend)
    legend_ax = page.axes(panel_x, map_bottom, PANEL, map_top - map_bottom)
    legend = kit.draw_legend(legend_ax, every, extent=content.extent)
    inset_h = PANEL * 0.62
    room = (kit.bottom_of(page, legend) if legend else map_top) - map_bottom - 0.3
    if room >= inset_h:
        draw_inset(page.axes(panel_x, map_bottom, PANEL, inset_h), dataset, content.extent)
        page.text(panel_x, map_bottom + inset_h + 0.06, "Location of the map", fontsize=7,
                  color=kit.MUTED)  # fmt: skip
    taken = tuple(Bbox(b.reshape(2, 2)) for b in placer.taken.boxes)
    return _Base(page.figure, ax, view, frame_in, story, taken)


def _draw_dated(
    dataset: Dataset, base: _Base, frames: Mapping[str, gpd.GeoDataFrame], day: dt.date
) -> list[Artist]:
    """Add the layers of ``frames`` (the others empty) to the base map; return the
    artists added."""
    content = prepare(dataset, replace(base.view, day=day), frames, base.frame_in, story=base.story)
    before = set(base.ax.get_children())
    symbols = draw_layers(base.ax, replace(content, land=()))
    draw_labels(base.ax, content, symbols, base.taken, labels=False)  # the numbered markers
    return [a for a in base.ax.get_children() if a not in before]


def render_frames(
    dataset: Dataset,
    view: View,
    start: dt.date,
    end: dt.date,
    *,
    paper: str = kit.DEFAULT_PAPER,
    labels: bool = True,
    width_px: int | None = None,
    dpi: float | None = None,
    sheet: PrintOptions | None = None,
) -> Iterator[tuple[FrameDate, Image.Image]]:
    """Each frame date of ``[start, end]`` with its RGB frame, in order.

    The view's layers, naming, title and extent are used (the default extent is narrowed
    to the control areas of the range, as on the compare page); its day is not. Labels
    are those of the layers that do not change with the date.

    Raises
    ------
    StateError
        If a day is outside the data's span, ``start`` is later than ``end``, or the
        range has more than :data:`MAX_FRAMES` frames.
    """
    dates = frame_dates(dataset, start, end)
    if len(dates) > MAX_FRAMES:
        raise StateError(
            f"the map changes on {len(dates):,} days from {start.isoformat()} to "
            f"{end.isoformat()}: an animation shows at most {MAX_FRAMES} frames; choose a "
            "shorter range"
        )
    view = replace(view, bounds=change_bounds(dataset, view, [d.day for d in dates]))
    resolution = frame_dpi(paper, width_px, dpi)
    static, per_day = _layer_frames(dataset, view, [d.day for d in dates])
    every = _in_order(view, {**static, **merged_frames(*per_day)}, {})
    first = per_day[0] if per_day else {}
    base = _base(dataset, view, _in_order(view, static, first), every, dates, paper=paper,
                 labels=labels, dpi=resolution, sheet=sheet)  # fmt: skip
    left, top, right, bottom = strip_box(paper, resolution, banner=bool(sheet and sheet.banner))
    canvas = base.figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    # Everything but the map is drawn once; each frame restores it and draws the map.
    base.ax.set_visible(False)
    canvas.draw()  # type: ignore[no-untyped-call]
    background = canvas.copy_from_bbox(base.figure.bbox)  # type: ignore[no-untyped-call]
    base.ax.set_visible(True)
    for frame_date, frames in zip(dates, per_day, strict=True):
        added = _draw_dated(dataset, base, _in_order(view, frames, static), frame_date.day)
        canvas.restore_region(background)  # type: ignore[no-untyped-call]
        base.figure.draw_artist(base.ax)
        pixels = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
        image = Image.fromarray(pixels[..., :3].copy())
        for artist in added:
            artist.remove()
        strip = date_strip(dataset, frame_date, (right - left, bottom - top), resolution)
        image.paste(strip, (left, top))
        yield frame_date, image


def reserved_colours() -> list[tuple[int, int, int]]:
    """The colours every GIF palette holds exactly (issue 22): every palette style's line,
    fill and fill as drawn over the land, the land, the sea, the page's inks and white,
    so that the map keeps the legend's colours (median cut alone turned the article
    events' amber into the Armenian-held brown)."""
    hexes = [LAND_COLOUR, SEA_COLOUR, "#ffffff", "#000000", kit.INK, kit.MUTED, kit.ALERT_COLOUR]
    for look in styles.STYLES.values():
        hexes += [look.color, *([look.fill] if look.fill else [])]
        if look.fill and 0 < look.fill_opacity < 1:
            hexes.append(styles.composite(look, LAND_COLOUR))
        if look.casing:
            hexes.append(look.casing)
    colours = [tuple(int(h[i : i + 2], 16) for i in (1, 3, 5)) for h in hexes]
    return list(dict.fromkeys(colours))  # type: ignore[arg-type]


def _palette(images: Sequence[Image.Image]) -> Image.Image:
    """One 256-colour palette for all frames: the :func:`reserved_colours`, then a median
    cut of every third pixel of each frame for the rest."""
    reserved = reserved_colours()
    samples = [np.asarray(image)[::3, ::3] for image in images]
    width = max(s.shape[1] for s in samples)
    padded = [np.pad(s, ((0, 0), (0, width - s.shape[1]), (0, 0)), mode="edge") for s in samples]
    cut = Image.fromarray(np.concatenate(padded)).quantize(
        256 - len(reserved), method=Image.Quantize.MEDIANCUT
    )
    found = cut.getpalette() or []
    colours = [*reserved, *(tuple(found[i : i + 3]) for i in range(0, len(found), 3))]
    flat = [v for colour in colours[:256] for v in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


def gif_bytes(
    dataset: Dataset,
    view: View,
    start: dt.date,
    end: dt.date,
    *,
    paper: str = kit.DEFAULT_PAPER,
    labels: bool = True,
    width_px: int | None = None,
    dpi: float | None = None,
    sheet: PrintOptions | None = None,
) -> bytes:
    """The animated GIF of ``[start, end]`` (looping; see :func:`durations`)."""
    rendered = list(render_frames(dataset, view, start, end, paper=paper, labels=labels,
                                  width_px=width_px, dpi=dpi, sheet=sheet))  # fmt: skip
    images = [image for _, image in rendered]
    palette = _palette(images)
    frames = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in images]
    buffer = BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations([d for d, _ in rendered]),
        loop=0,
        optimize=False,
    )
    return buffer.getvalue()


def mp4_bytes(
    dataset: Dataset,
    view: View,
    start: dt.date,
    end: dt.date,
    *,
    paper: str = kit.DEFAULT_PAPER,
    labels: bool = True,
    width_px: int | None = None,
    dpi: float | None = None,
    sheet: PrintOptions | None = None,
) -> bytes:
    """The same animation as H.264 MP4 at :data:`MP4_FPS` frames per second.

    Raises
    ------
    StateError
        If the encoder (the ``imageio-ffmpeg`` package) is not installed.
    """
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - pinned in requirements.txt
        raise StateError("MP4 export needs the imageio-ffmpeg package") from exc
    rendered = list(render_frames(dataset, view, start, end, paper=paper, labels=labels,
                                  width_px=width_px, dpi=dpi, sheet=sheet))  # fmt: skip
    width, height = rendered[0][1].size
    size = (width - width % 2, height - height % 2)  # H.264 4:2:0 needs even sides
    repeats = [ms * MP4_FPS // 1000 for ms in durations([d for d, _ in rendered])]

    def write(path: Path) -> None:
        writer = imageio_ffmpeg.write_frames(
            str(path), size, fps=MP4_FPS, codec="libx264", pix_fmt_out="yuv420p",
            macro_block_size=2, ffmpeg_log_level="error",
            output_params=["-fflags", "+bitexact", "-flags:v", "+bitexact",
                           "-map_metadata", "-1", "-threads", "1"],
        )  # fmt: skip
        writer.send(None)
        for (_, image), count in zip(rendered, repeats, strict=True):
            data = image.crop((0, 0, *size)).tobytes()
            for _ in range(count):
                writer.send(data)
        writer.close()

    return io.bytes_written_by(write, "animation.mp4")
