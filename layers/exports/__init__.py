"""Exports of a :class:`~layers.briefing.view.View`: the one API the app and the CLI call.

:func:`export_bytes` returns the bytes of one format; writing them anywhere is the
caller's business (the CLI writes through :mod:`geo.io`). Map pages, briefings and
the atlas come from :mod:`layers.paper.layouts`, the stand-alone HTML from
:func:`layers.web.map.standalone_html` (with :func:`layers.web.stable_ids.stable_ids`); data
exports (GeoJSON, GeoPackage, KML, CSV) hold the typed tables of :mod:`layers.exports.gis` in
EPSG:4326 (schema: ``docs/GIS_EXPORT.md``). Identical calls give identical bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from geo.dates import DaySpan
from geo.errors import StateError
from geo.situation import check_day_pair
from geo.text import clean_text
from geo.tiles import TileSource
from geo.user_layers import UserLayer
from layers import user_basemap, user_layer
from layers.briefing.atlas import AtlasChoice, Progress
from layers.briefing.print_options import PAPER_SIZES, PrintOptions
from layers.briefing.view import View

if TYPE_CHECKING:
    from geo.dataset import Dataset
    from geo.measure import Measurement

# Each exporter imports what its format needs when it runs (matplotlib for paper,
# Folium for HTML, fastkml for KML, ...): a GeoJSON export from the command line must
# not pay for the paper renderer (issue 15).


@dataclass(frozen=True, kw_only=True)
class ExportFormat:
    """One export format: what the user picks, the MIME type, the file extension and other
    extensions a file name may end with to ask for it (``aliases``)."""

    label: str
    mime: str
    extension: str
    aliases: tuple[str, ...] = ()


#: The formats, by key. Where several share an extension (``pdf``), a file name asks for
#: the first one listed (:func:`format_for`).
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "png": ExportFormat(label="Map image (PNG)", mime="image/png", extension="png"),
    "pdf": ExportFormat(label="Map, vector (PDF)", mime="application/pdf", extension="pdf"),
    "svg": ExportFormat(label="Map, vector (SVG)", mime="image/svg+xml", extension="svg"),
    "briefing-pdf": ExportFormat(
        label="Briefing: map and timeline (PDF)", mime="application/pdf", extension="pdf"
    ),
    "atlas-pdf": ExportFormat(
        label="Atlas: one page per key date (PDF)", mime="application/pdf", extension="pdf"
    ),
    "html": ExportFormat(
        label="Interactive map (stand-alone HTML)", mime="text/html", extension="html"
    ),
    "geojson": ExportFormat(
        label="Visible data (GeoJSON)",
        mime="application/geo+json",
        extension="geojson",
        aliases=("json",),
    ),
    "gpkg": ExportFormat(
        label="Visible data (GeoPackage)",
        mime="application/geopackage+sqlite3",
        extension="gpkg",
    ),
    "kml": ExportFormat(
        label="Visible data (KML, Google Earth)",
        mime="application/vnd.google-earth.kml+xml",
        extension="kml",
    ),
    "csv": ExportFormat(label="Visible data (CSV table, WKT)", mime="text/csv", extension="csv"),
    "compare-pdf": ExportFormat(
        label="Before and after: two maps and the change (PDF)",
        mime="application/pdf",
        extension="pdf",
    ),
    "compare-png": ExportFormat(
        label="Before and after: two maps and the change (PNG)",
        mime="image/png",
        extension="png",
    ),
    "gif": ExportFormat(label="Animation of a date range (GIF)", mime="image/gif", extension="gif"),
    "mp4": ExportFormat(
        label="Animation of a date range (MP4 video)", mime="video/mp4", extension="mp4"
    ),
}

#: Formats that need the two dates of ``ExportOptions.compare``, and those that need the
#: date range of ``ExportOptions.span``.
COMPARE_FORMATS = ("compare-pdf", "compare-png")
SPAN_FORMATS = ("gif", "mp4")


def format_for(path: Path) -> str | None:
    """The format a file name asks for by its extension, or ``None``.

    >>> format_for(Path("brief.PDF")), format_for(Path("data.json")), format_for(Path("a.txt"))
    ('pdf', 'geojson', None)
    """
    suffix = path.suffix.lower().removeprefix(".")
    wanted = (key for key, f in EXPORT_FORMATS.items() if suffix in (f.extension, *f.aliases))
    return next(wanted, None)


#: Paper sizes by name (those of :data:`layers.paper.page.PAPERS`).
_PAPERS: dict[str, tuple[float, float]] = dict(PAPER_SIZES)

#: Largest PNG width accepted, in pixels (a server must not render posters on request).
MAX_WIDTH_PX = 8000
MAX_DPI = 600.0
#: Largest animation frame width, in pixels (every frame is rendered).
MAX_ANIMATION_WIDTH_PX = 1920


@dataclass(frozen=True)
class ExportOptions:
    """Rendering options.

    ``sheet`` holds the print options (title, subtitle, banner, producer, "as of",
    paper and orientation, PNG resolution, greyscale); ``paper`` and ``dpi``, when
    given, replace the sheet's. ``width_px`` (PNG) wins over the resolution;
    ``measurement`` is drawn on paper maps; ``atlas`` chooses the atlas's dates and
    ``progress`` hears of each atlas page (done, total).

    ``compare`` is the (before, after) days of the compare formats; ``span`` the (from,
    to) days of the animations; other formats ignore them. ``user_layers``: the user's
    own layers (:mod:`geo.user_layers`), drawn and exported with the view's in every format.
    ``basemap_tiles``: the user's basemap drawn under paper maps whose view shows it
    (``basemap='user'``), instead of the one the environment names
    (:mod:`layers.user_basemap`).
    """

    width_px: int | None = None
    dpi: float | None = None
    paper: str | None = None
    labels: bool = True
    sheet: PrintOptions = field(default_factory=PrintOptions)
    measurement: Measurement | None = None
    atlas: AtlasChoice | None = None
    progress: Progress | None = field(default=None, compare=False)
    compare: tuple[dt.date, dt.date] | None = None
    span: tuple[dt.date, dt.date] | None = None
    user_layers: tuple[UserLayer, ...] = ()
    basemap_tiles: TileSource | None = None

    def __post_init__(self) -> None:
        if self.paper is not None and self.paper not in _PAPERS:
            known = ", ".join(_PAPERS)
            raise StateError(f"unknown paper {self.paper!r} (choose {known})")
        if self.width_px is not None and not 200 <= self.width_px <= MAX_WIDTH_PX:
            raise StateError(f"width {self.width_px} px is outside 200 to {MAX_WIDTH_PX}")
        if self.dpi is not None and not 30 <= self.dpi <= MAX_DPI:
            raise StateError(f"resolution {self.dpi} dpi is outside 30 to {MAX_DPI:g}")
        for pair, words in ((self.compare, ("before", "after")), (self.span, ("start", "end"))):
            if pair is not None:
                check_day_pair(*pair, words=words)
        changes: dict[str, object] = {}
        if self.paper is not None:
            changes["paper"] = self.paper
        if self.dpi is not None:
            changes["dpi"] = self.dpi
        if changes:
            object.__setattr__(self, "sheet", replace(self.sheet, **changes))  # type: ignore[arg-type]

    def png_dpi(self) -> float:
        """Resolution giving ``width_px`` pixels across the page, else the sheet's."""
        if self.width_px is not None:
            return self.width_px / self.sheet.size[0]
        return self.sheet.dpi


def export_bytes(
    dataset: Dataset, view: View, fmt: str, options: ExportOptions | None = None
) -> bytes:
    """The bytes of ``view`` exported as ``fmt`` (a key of :data:`EXPORT_FORMATS`).

    Parameters
    ----------
    dataset : the loaded data (geometries EPSG:4326).
    view : date, layers, naming convention, extent and title to export.
    fmt : format key, e.g. ``"png"``, ``"briefing-pdf"``, ``"geojson"``.
    options : PNG size, print options (paper, orientation, banner, ...), the measured
        distance and the atlas's dates; the defaults of :class:`ExportOptions` when ``None``.
    options.compare : (before, after) days, for ``compare-pdf`` and ``compare-png``.
    options.span : (from, to) days, for ``gif`` and ``mp4``.

    Paper exports always draw the offline vector basemap; with ``view.basemap`` other
    than that, the credits say so. PNG files record the map's extent (min lon, min lat,
    max lon, max lat, EPSG:4326) in a ``Extent`` text chunk; PDF files in their subject.

    Raises
    ------
    StateError
        For an unknown format, unusable options, or a day outside ``dataset.span``.
    """
    if fmt not in EXPORT_FORMATS:
        raise StateError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    check_days(dataset.span, view, fmt, options)
    view = replace(view, title=clean_text(view.title))  # typed by a user: like data text
    options = options or ExportOptions()
    with user_layer.showing(options.user_layers), user_basemap.showing(options.basemap_tiles):
        return _EXPORTERS[fmt](dataset, view, options)


def check_days(span: DaySpan, view: View, fmt: str, options: ExportOptions | None) -> None:
    """Raise :class:`StateError` when a day the export ``fmt`` shows lies outside ``span``
    (the data's): the view's day, or those of ``options.compare`` or ``options.span`` (the
    formats that show two days or a range and not the view's day)."""
    options = options or ExportOptions()
    if fmt not in (*COMPARE_FORMATS, *SPAN_FORMATS):
        span.check(view.day)
    for pair, words in ((options.compare, ("before", "after")), (options.span, ("start", "end"))):
        if pair is not None:
            check_day_pair(*pair, span, words=words)


def file_name(view: View, fmt: str) -> str:
    """The download name of an export: region, date and what it is, e.g.
    ``south-caucasus-2021-02-23-briefing.pdf``.

    >>> import datetime as dt
    >>> file_name(View(day=dt.date(2021, 2, 23)), "atlas-pdf")
    'south-caucasus-2021-02-23-atlas.pdf'
    >>> file_name(View(day=dt.date(2021, 2, 23)), "pdf")
    'south-caucasus-2021-02-23-map.pdf'
    >>> file_name(View(day=dt.date(2021, 2, 23)), "gif")
    'south-caucasus-2021-02-23-animation.gif'
    """
    spec = EXPORT_FORMATS[fmt]
    kinds = {"briefing-pdf": "briefing", "atlas-pdf": "atlas", "html": "interactive"}
    kinds |= dict.fromkeys(COMPARE_FORMATS, "compare") | dict.fromkeys(SPAN_FORMATS, "animation")
    kind = kinds.get(fmt, "map" if fmt in ("png", "pdf", "svg") else "data")
    return f"south-caucasus-{view.day.isoformat()}-{kind}.{spec.extension}"


def _extent_text(extent: tuple[float, float, float, float]) -> str:
    return ",".join(f"{v:.6f}" for v in extent)


def _static(fmt: str) -> Callable[[Dataset, View, ExportOptions], bytes]:
    def render(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
        from layers.paper import layouts, page

        figure = layouts.map_figure(
            dataset, view, labels=options.labels, sheet=options.sheet,
            measurement=options.measurement,
        )  # fmt: skip
        title = options.sheet.title or view.title
        extent = _extent_text(layouts.map_extent(figure))
        return page.figure_bytes(figure, fmt, dpi=options.png_dpi(), title=title, extent=extent)

    return render


def _briefing(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from layers.paper import layouts

    return layouts.briefing_pdf(
        dataset, view, labels=options.labels, sheet=options.sheet,
        measurement=options.measurement,
    )  # fmt: skip


def _atlas(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from layers.paper import atlas

    plan = atlas.AtlasPlan(
        dataset=dataset, view=view, labels=options.labels, sheet=options.sheet,
        choice=options.atlas, measurement=options.measurement,
    )  # fmt: skip
    return atlas.atlas_pdf(plan, progress=options.progress)


def _html(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from layers.web import map as web_map
    from layers.web.stable_ids import stable_ids

    if options.sheet.title:  # escaped by standalone_html like every text
        view = replace(view, title=options.sheet.title)
    with stable_ids():
        return web_map.standalone_html(dataset, view, options.sheet).encode("utf-8")


def _geojson(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from layers.exports import gis

    return gis.geojson_text(dataset, view, options.sheet).encode("utf-8")


def _gpkg(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from geo import io
    from layers.exports import annotation_tables, gis, qml
    from layers.exports.gis_arrow import DATE_FIELDS, arrow_layers

    rows = gis.gis_rows(dataset, view)
    if not rows and not view.annotations:
        raise StateError(f"no visible features on {view.day.isoformat()} to export")
    drawn = annotation_tables.annotation_rows(view.annotations)  # their own tables
    return io.gis_geopackage_bytes(
        arrow_layers(rows, gis.FIELD_NAMES, DATE_FIELDS)
        | arrow_layers(drawn, annotation_tables.FIELDS),
        metadata=gis.geopackage_metadata(gis.view_record(dataset, view, rows, options.sheet)),
        layer_metadata={name: gis.layer_metadata(name) for name in rows}
        | {name: annotation_tables.layer_metadata(name) for name in drawn},
        styles={
            name: qml.layer_qml(
                gis.layer_of(name), gis.family_of(name), [row["style_key"] for row in table]
            )
            for name, table in rows.items()
        },
        timestamp=gis.fixed_timestamp(view),
    )


def _kml(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from layers.exports import kml

    return kml.kml_text(dataset, view, options.sheet).encode("utf-8")


def _csv(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    from layers.exports import gis

    return gis.csv_text(dataset, view, options.sheet).encode("utf-8-sig")  # BOM: Excel


def _compare(fmt: str) -> Callable[[Dataset, View, ExportOptions], bytes]:
    def render(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
        from layers.paper import compare as compare_page

        if options.compare is None:
            raise StateError(f"the {fmt} export needs the before and after dates")
        before, after = options.compare
        return compare_page.compare_bytes(
            dataset, view, before, after, fmt.removeprefix("compare-"), paper=options.sheet.paper,
            labels=options.labels, dpi=options.png_dpi(), sheet=options.sheet,
        )  # fmt: skip

    return render


def _animation(fmt: str) -> Callable[[Dataset, View, ExportOptions], bytes]:
    def render(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
        from layers.paper import animation

        encode = animation.gif_bytes if fmt == "gif" else animation.mp4_bytes
        if options.span is None:
            raise StateError(f"the {fmt} export needs the from and to dates")
        width = options.width_px or round(
            animation.frame_dpi(options.sheet.paper, None, options.dpi)
            * _PAPERS[options.sheet.paper][0]
        )
        if width > MAX_ANIMATION_WIDTH_PX:
            raise StateError(f"animation width {width} px is over {MAX_ANIMATION_WIDTH_PX} px")
        start, end = options.span
        return encode(
            dataset, view, start, end, paper=options.sheet.paper, labels=options.labels,
            width_px=options.width_px, dpi=options.dpi, sheet=options.sheet,
        )  # fmt: skip

    return render


_EXPORTERS: dict[str, Callable[[Dataset, View, ExportOptions], bytes]] = {
    "png": _static("png"),
    "pdf": _static("pdf"),
    "svg": _static("svg"),
    "briefing-pdf": _briefing,
    "atlas-pdf": _atlas,
    "html": _html,
    "geojson": _geojson,
    "gpkg": _gpkg,
    "kml": _kml,
    "csv": _csv,
    "compare-pdf": _compare("compare-pdf"),
    "compare-png": _compare("compare-png"),
    "gif": _animation("gif"),
    "mp4": _animation("mp4"),
}

__all__ = [
    "EXPORT_FORMATS",
    "AtlasChoice",
    "ExportFormat",
    "ExportOptions",
    "PrintOptions",
    "export_bytes",
    "file_name",
    "format_for",
]
