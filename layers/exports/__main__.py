"""Command-line export of a map view.

Usage::

    python -m layers.exports --date 2020-11-10 --layers control,russian-bases --names dual \\
        --format pdf --out brief.pdf [--width-px 2000 | --dpi 200] \\
        [--paper A4|A3|Letter|Tabloid] [--orientation landscape|portrait] [--greyscale] \\
        [--title TEXT] [--subtitle TEXT] [--banner TEXT] [--producer TEXT] [--as-of DATE] \\
        [--bounds 43.2,38.7,47.9,41.4] [--no-labels] [--data-dir DIR] \\
        [--atlas-from DATE] [--atlas-to DATE] [--atlas-dates key|events|step] [--atlas-step N] \\
        [--extra my-events.csv --extra my-areas.geojson] [--annotations drawn.geojson] \\
        [--basemap-tiles tiles.mbtiles|tiles/|https://.../{z}/{x}/{y}.png] \\
        [--basemap-attribution TEXT]
    python -m layers.exports --compare 2020-11-09,2020-12-01 --format compare-pdf --out x.pdf
    python -m layers.exports --format gif --from 2020-09-27 --to 2020-12-01 --out war.gif

The print options (``--title`` to ``--greyscale``) are parsed by the same functions as
the URL parameters of the app (:mod:`layers.briefing.print_options`); the before/after page and
the animations take the title, the paper and the resolution. ``--extra`` adds the user's
own layers (GeoJSON, GeoPackage, KML, CSV; see :mod:`geo.user_layers`).
``--basemap-tiles`` draws a basemap of the user's own under paper maps (an MBTiles file,
a folder of ``z/x/y`` tiles or a tile URL template; :mod:`layers.user_basemap`), with its
attribution (``--basemap-attribution``, else the package's own) in the credits.

``--format`` defaults to the one matching the extension of ``--out`` (``.png``, ``.svg``,
``.html``, ``.geojson``, ``.gpkg``, ``.kml``, ``.csv``, ``.gif``, ``.mp4``; ``.pdf`` means
the map alone, use ``briefing-pdf`` or ``atlas-pdf`` for the others; with ``--compare``,
``.pdf`` and ``.png`` mean the before/after page); a ``--format`` whose extension differs
from the one of ``--out`` is refused. ``--compare`` goes with the compare formats only,
``--from`` and ``--to`` with the animations only (``gif``, ``mp4``), which need both. The
file is written through :mod:`geo.io`, atomically: a failed export leaves the previous
file as it was; no folder is created (a missing one is a usage error). Nothing is ever
written into the data folder (the committed ``data/`` or ``--data-dir``). ``--extra
FILE`` (repeatable) adds the user's own layer read from FILE (:mod:`geo.user_layers`:
GeoJSON, GeoPackage, KML or CSV, read as data in a bounded worker process); problems found
reading it are listed on stderr, one per line, and a file that cannot be used fails the
export in one line. ``--annotations FILE`` draws the annotations of an annotation file
(GeoJSON with properties ``kind``, ``label``, ``colour``, as the app downloads it; see
:mod:`layers.briefing.annotations`) on every format; a file that fails its checks fails
the export in one line listing each problem with its feature and field.

The validated data is kept in the user's cache folder (``$XDG_CACHE_HOME`` or
``~/.cache``, ``south-caucasus-briefing/``) between runs, named by the content of every
data file and of the code that reads it (:mod:`geo.dataset_cache`): the next export of
the same data skips reading and validating it, and an edited file is read again.

Exit status: 0 written; 1 the data cannot be loaded or the export failed (one line
``export failed: ...`` says why); 2 bad command-line arguments (one line).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TypeVar

from geo import io, settings
from geo.dataset_cache import load_dataset_cached
from geo.dates import DaySpan
from geo.errors import DataError, StateError, TileError
from geo.naming import CONVENTIONS, DEFAULT_CONVENTION
from geo.tile_store import open_source
from geo.tiles import TileSource
from geo.user_layers import MAX_UPLOAD_BYTES, UserLayer, read_user_layer, screenful
from layers.briefing.annotations import MAX_FILE_BYTES as MAX_ANNOTATION_BYTES
from layers.briefing.annotations import Annotation, read_annotation_file
from layers.briefing.atlas import ATLAS_DATES, AtlasChoice
from layers.briefing.print_options import (
    ORIENTATIONS,
    PAPER_SIZES,
    PrintOptions,
    parse_as_of,
    parse_dpi,
    parse_orientation,
    parse_paper,
    parse_text,
)
from layers.briefing.view import (
    DEFAULT_BASEMAP,
    DEFAULT_BOUNDS,
    View,
    parse_bounds,
    parse_day,
    parse_day_pair,
    parse_layers,
)
from layers.catalog import DEFAULT_VISIBLE, LAYER_IDS
from layers.exports import (
    COMPARE_FORMATS,
    EXPORT_FORMATS,
    MAX_ANIMATION_WIDTH_PX,
    SPAN_FORMATS,
    ExportOptions,
    export_bytes,
    format_for,
)
from layers.user_basemap import USER_BASEMAP

T = TypeVar("T")

logger = logging.getLogger(__name__)


def argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse ``type`` from a parser of :mod:`layers.briefing.view` (same rules as URLs)."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except StateError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return convert


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m layers.exports``."""
    parser = _Parser(
        prog="python -m layers.exports",
        description="Export the briefing map of one date as an image, PDF, HTML or data file.",
    )
    add = parser.add_argument
    add(
        "--date",
        type=argument(parse_day),
        help=(
            f"day shown, YYYY-MM-DD, within the data's span (default: the article's date, "
            f"{settings.ARTICLE_DATE.isoformat()}, or the nearest day the data covers)"
        ),
    )
    add(
        "--layers",
        type=argument(parse_layers),
        default=DEFAULT_VISIBLE,
        help=(
            "comma-separated layer ids, or 'none' (default: the default layers); "
            f"ids: {', '.join(LAYER_IDS)}"
        ),
    )
    add(
        "--names",
        choices=tuple(CONVENTIONS),
        default=DEFAULT_CONVENTION,
        help="naming convention of place labels",
    )
    add("--format", choices=tuple(EXPORT_FORMATS), help="default: from the --out extension")
    add("--out", type=Path, required=True, help="file to write")
    add("--width-px", type=int, help="PNG width in pixels")
    add("--dpi", type=argument(parse_dpi), help="PNG resolution (ignored with --width-px)")
    add("--paper", type=argument(parse_paper), default="A4", help=", ".join(PAPER_SIZES))
    add("--orientation", type=argument(parse_orientation), default="landscape",
        help=" or ".join(ORIENTATIONS))  # fmt: skip
    add("--greyscale", action="store_true", help="paper exports in shades of grey")
    add(
        "--bounds",
        type=argument(parse_bounds),
        default=DEFAULT_BOUNDS,
        help=(
            "extent: min lon,min lat,max lon,max lat; must meet the region "
            + ",".join(f"{v:g}" for v in settings.REGION_BBOX)
        ),
    )
    add("--title", type=argument(parse_text), default="", help="title of paper exports")
    add("--subtitle", type=argument(parse_text), default="",
        help="subtitle (default: the date and the place-name form)")  # fmt: skip
    add("--banner", type=argument(parse_text), default="",
        help="classification / handling banner (top and bottom, coloured by marking)")  # fmt: skip
    add("--producer", type=argument(parse_text), default="", help="producer line")
    add("--as-of", type=argument(parse_as_of), help="'information as of' date, YYYY-MM-DD")
    add("--atlas-from", type=argument(parse_day), help="first day of the atlas")
    add("--atlas-to", type=argument(parse_day), help="last day of the atlas (default --date)")
    add("--atlas-dates", choices=ATLAS_DATES, default="key",
        help="atlas pages: key dates, every event, or every --atlas-step days")  # fmt: skip
    add("--atlas-step", type=int, default=30, help="days between atlas pages (with step)")
    add(
        "--compare",
        type=argument(parse_day_pair),
        metavar="BEFORE,AFTER",
        help="two days YYYY-MM-DD,YYYY-MM-DD for the before/after page (compare-pdf, compare-png)",
    )
    add("--from", dest="start", type=argument(parse_day), help="first day of an animation")
    add("--to", dest="end", type=argument(parse_day), help="last day of an animation")
    add("--no-labels", action="store_true", help="do not label places and sites")
    add("--data-dir", type=Path, default=settings.DATA_DIR, help="folder of the data files")
    add(
        "--extra",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "your own layer: GeoJSON, GeoPackage, KML or CSV (lat/lon columns), up to "
            f"{MAX_UPLOAD_BYTES:,} bytes; repeatable"
        ),
    )
    add(
        "--basemap-tiles",
        metavar="SOURCE",
        help=(
            "your own basemap under paper maps: an .mbtiles file, a folder of z/x/y tiles or "
            "a tile URL template with {z}, {x} and {y} (only this host is contacted)"
        ),
    )
    add("--basemap-attribution", type=argument(parse_text), default="",
        help="attribution of --basemap-tiles (default: the package's own)")  # fmt: skip
    add(
        "--annotations",
        type=Path,
        metavar="FILE",
        help=(
            "annotations to draw (GeoJSON: kind, label, colour; as the app downloads them), "
            f"up to {MAX_ANNOTATION_BYTES:,} bytes"
        ),
    )
    return parser


def read_basemap(parser: argparse.ArgumentParser, args: argparse.Namespace) -> TileSource | None:
    """The source of ``--basemap-tiles`` (usage error if it cannot be used), or ``None``."""
    if args.basemap_tiles is None:
        if args.basemap_attribution:
            parser.error("--basemap-attribution goes with --basemap-tiles")
        return None
    try:
        return open_source(args.basemap_tiles, args.basemap_attribution or None)
    except TileError as exc:
        parser.error(f"--basemap-tiles: {exc}")


def read_annotations(path: Path | None) -> tuple[Annotation, ...]:
    """The annotations of ``--annotations`` (none without it); :class:`DataError` with
    every problem if the file cannot be used."""
    if path is None:
        return ()
    data = io.read_upload(path, max_bytes=MAX_ANNOTATION_BYTES)
    return read_annotation_file(data, path.name)


def read_extras(paths: Sequence[Path], span: DaySpan | None = None) -> tuple[UserLayer, ...]:
    """The user's layers of ``--extra``; each one's problems listed on stderr (with the
    features dated outside ``span``, the data's).

    Raises :class:`DataError` (every file's problems) if any file cannot be used.
    """
    layers: list[UserLayer] = []
    refused: list[str] = []
    for path in paths:
        try:
            data = io.read_upload(path, max_bytes=MAX_UPLOAD_BYTES)
            layer = read_user_layer(data, path.name, span=span)
        except DataError as exc:
            refused += exc.problems
            continue
        for problem in layer.shown_problems():
            sys.stderr.write(f"note: {path.name}: {_one_line(problem)}\n")
        layers.append(layer)
    if refused:
        raise DataError(refused)
    return tuple(layers)


def choose_format(parser: argparse.ArgumentParser, fmt: str | None, out: Path) -> str:
    """The --format given, else the one of the --out extension (usage error if none, or
    if the two disagree: ``--format png --out map.pdf`` would write a misnamed file; an
    --out without extension takes any --format)."""
    guessed = format_for(out)
    if fmt is None:
        if guessed is None:
            parser.error(f"cannot tell the format from {out.name!r}; give --format")
        return guessed
    extension = EXPORT_FORMATS[fmt].extension
    if out.suffix and (guessed is None or EXPORT_FORMATS[guessed].extension != extension):
        parser.error(f"--format {fmt} writes .{extension} files, but --out is {out.name!r}")
    return fmt


def check_target(parser: argparse.ArgumentParser, out: Path, data_dir: Path) -> None:
    """Refuse (usage error) an --out inside the data folder (exports never replace data)
    or in a folder that does not exist (no folder is ever created)."""
    target = out.expanduser().resolve()
    if not target.parent.is_dir():
        parser.error(f"--out {str(out)!r}: the folder {str(out.parent)!r} does not exist")
    for folder in {settings.DATA_DIR.resolve(), data_dir.expanduser().resolve()}:
        if target == folder or folder in target.parents:
            parser.error(f"--out {str(out)!r} is inside the data folder {str(folder)!r}")


def check_extent(parser: argparse.ArgumentParser, bounds: tuple[float, ...]) -> None:
    """Refuse (usage error) an extent that does not meet the region of the data."""
    min_x, min_y, max_x, max_y = bounds
    r_min_x, r_min_y, r_max_x, r_max_y = settings.REGION_BBOX
    if max_x <= r_min_x or min_x >= r_max_x or max_y <= r_min_y or min_y >= r_max_y:
        region = ",".join(f"{v:g}" for v in settings.REGION_BBOX)
        parser.error(f"--bounds {bounds} lies outside the region of the data ({region})")


def _data_failed(exc: DataError) -> int:
    """Report data that cannot be loaded in one line; the exit status 1."""
    problems = "; ".join(_one_line(p) for p in exc.problems)
    sys.stderr.write(f"export failed: {len(exc.problems)} problem(s) in the data: {problems}\n")
    return 1


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def check_dates(parser: argparse.ArgumentParser, args: argparse.Namespace, fmt: str) -> str:
    """The format, with ``--compare`` and ``--from``/``--to`` checked against it (usage
    error otherwise); ``.pdf``/``.png`` outputs with ``--compare`` mean the compare page."""
    if args.compare is not None and args.format is None and fmt in ("pdf", "png"):
        fmt = f"compare-{fmt}"
    if (args.compare is not None) != (fmt in COMPARE_FORMATS):
        if args.compare is None:
            parser.error(f"--format {fmt} needs --compare BEFORE,AFTER")
        parser.error(f"--compare goes with --format {' or '.join(COMPARE_FORMATS)}")
    ranged = args.start is not None or args.end is not None
    if ranged and fmt not in SPAN_FORMATS:
        parser.error(f"--from and --to go with --format {' or '.join(SPAN_FORMATS)}")
    if fmt in SPAN_FORMATS and (args.start is None or args.end is None):
        parser.error(f"--format {fmt} needs --from and --to")
    if fmt in SPAN_FORMATS and (args.width_px or 0) > MAX_ANIMATION_WIDTH_PX:
        parser.error(f"animation width {args.width_px} px is over {MAX_ANIMATION_WIDTH_PX} px")
    return fmt


def check_span(parser: argparse.ArgumentParser, args: argparse.Namespace, span: DaySpan) -> None:
    """Refuse (usage error, one line) a day of the options that the data does not cover."""
    days = {
        "--date": [args.date],
        "--atlas-from": [args.atlas_from],
        "--atlas-to": [args.atlas_to],
        "--compare": list(args.compare or ()),
        "--from": [args.start],
        "--to": [args.end],
    }
    for option, given in days.items():
        for day in (d for d in given if d is not None):
            if not span.contains(day):
                parser.error(
                    f"{option} {day.isoformat()} is outside the map's span {span.describe()}"
                )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the export; return the process exit status (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_target(parser, args.out, args.data_dir)
    fmt = check_dates(parser, args, choose_format(parser, args.format, args.out))
    check_extent(parser, args.bounds)
    tiles = read_basemap(parser, args)
    span = None if args.start is None else (args.start, args.end)
    try:
        dataset = load_dataset_cached(args.data_dir)
    except DataError as exc:
        return _data_failed(exc)
    check_span(parser, args, dataset.span)
    try:
        extras = read_extras(args.extra, dataset.span)
    except DataError as exc:
        problems = "; ".join(_one_line(p) for p in screenful(exc.problems))
        sys.stderr.write(f"export failed: cannot use --extra: {problems}\n")
        return 1
    try:
        drawn = read_annotations(args.annotations)
    except DataError as exc:
        problems = "; ".join(_one_line(p) for p in screenful(exc.problems))
        sys.stderr.write(f"export failed: cannot use --annotations: {problems}\n")
        return 1
    try:
        view = View(
            day=args.date or dataset.default_day, layers=args.layers, convention=args.names,
            bounds=args.bounds, basemap=USER_BASEMAP if tiles is not None else DEFAULT_BASEMAP,
            annotations=drawn, **({"title": args.title} if args.title else {}),
        )  # fmt: skip
        sheet = PrintOptions(
            title=args.title, subtitle=args.subtitle, banner=args.banner,
            producer=args.producer, as_of=args.as_of, paper=args.paper,
            orientation=args.orientation, greyscale=args.greyscale,
        )  # fmt: skip
        atlas = AtlasChoice(
            first=args.atlas_from, last=args.atlas_to, dates=args.atlas_dates,
            step_days=args.atlas_step,
        )  # fmt: skip
        options = ExportOptions(
            width_px=args.width_px,
            dpi=args.dpi,
            labels=not args.no_labels,
            sheet=sheet,
            atlas=atlas,
            compare=args.compare,
            span=span,
            user_layers=extras,
            basemap_tiles=tiles,
        )
    except StateError as exc:
        parser.error(str(exc))
    try:
        data = export_bytes(dataset, view, fmt, options)
        path = io.write_bytes(args.out, data)
    except DataError as exc:
        return _data_failed(exc)
    except StateError as exc:
        sys.stderr.write(f"export failed: {_one_line(exc)}\n")
        return 1
    except OSError as exc:
        where = exc.filename or args.out
        sys.stderr.write(f"export failed: cannot write {where}: {exc.strerror or exc}\n")
        return 1
    except Exception as exc:  # last resort: one line, never a traceback
        logger.debug("export failed", exc_info=True)
        sys.stderr.write(f"export failed: {type(exc).__name__}: {_one_line(exc)}\n")
        return 1
    sys.stdout.write(f"wrote {path} ({len(data):,} bytes, {EXPORT_FORMATS[fmt].label})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
