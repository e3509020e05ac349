"""Exports of a :class:`~layers.view.View`: the one API the app and the CLI call.

:func:`export_bytes` returns the bytes of one format; writing them anywhere is the
caller's business (the CLI writes through :mod:`geo.io`). Static maps come from
:mod:`layers.static_map`, briefings and the atlas from :mod:`layers.briefing`, the
stand-alone HTML from ``layers.web_map.standalone_html`` (with :func:`stable_ids`); data
exports (GeoJSON, GeoPackage, KML, CSV) hold the typed tables of :mod:`layers.gis` in
EPSG:4326 (schema: ``docs/GIS_EXPORT.md``). Identical calls give identical bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from geo import io
from geo._errors import StateError
from geo.dataset import Dataset
from geo.text import clean_text
from geo.timeline import check_day
from layers import animation, briefing, compare_page, gis, kml, qml, static_map, web_map
from layers.stable_ids import stable_ids
from layers.view import View


@dataclass(frozen=True)
class ExportFormat:
    """One export format: what the user picks, the MIME type and the file extension."""

    label: str
    mime: str
    extension: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "png": ExportFormat("Map image (PNG)", "image/png", "png"),
    "pdf": ExportFormat("Map, vector (PDF)", "application/pdf", "pdf"),
    "svg": ExportFormat("Map, vector (SVG)", "image/svg+xml", "svg"),
    "briefing-pdf": ExportFormat("Briefing: map and timeline (PDF)", "application/pdf", "pdf"),
    "atlas-pdf": ExportFormat("Atlas: one page per key date (PDF)", "application/pdf", "pdf"),
    "html": ExportFormat("Interactive map (stand-alone HTML)", "text/html", "html"),
    "geojson": ExportFormat("Visible data (GeoJSON)", "application/geo+json", "geojson"),
    "gpkg": ExportFormat("Visible data (GeoPackage)", "application/geopackage+sqlite3", "gpkg"),
    "kml": ExportFormat(
        "Visible data (KML, Google Earth)", "application/vnd.google-earth.kml+xml", "kml"
    ),
    "csv": ExportFormat("Visible data (CSV table, WKT)", "text/csv", "csv"),
    "compare-pdf": ExportFormat("Before and after: two maps and the change (PDF)",
                                "application/pdf", "pdf"),
    "compare-png": ExportFormat("Before and after: two maps and the change (PNG)", "image/png",
                                "png"),
    "gif": ExportFormat("Animation of a date range (GIF)", "image/gif", "gif"),
    "mp4": ExportFormat("Animation of a date range (MP4 video)", "video/mp4", "mp4"),
}  # fmt: skip

#: Formats that need the two dates of ``ExportOptions.compare``, and those that need the
#: date range of ``ExportOptions.span``.
COMPARE_FORMATS = ("compare-pdf", "compare-png")
SPAN_FORMATS = ("gif", "mp4")

#: Largest PNG width accepted, in pixels (a server must not render posters on request).
MAX_WIDTH_PX = 8000
MAX_DPI = 600.0
#: Largest animation frame width, in pixels (every frame is rendered).
MAX_ANIMATION_WIDTH_PX = 1920


@dataclass(frozen=True)
class ExportOptions:
    """Rendering options. ``width_px`` (PNG) wins over ``dpi``; ``paper`` is A4 or Letter.

    ``compare`` is the (before, after) days of the compare formats; ``span`` the (from,
    to) days of the animations; other formats ignore them.
    """

    width_px: int | None = None
    dpi: float | None = None
    paper: str = static_map.DEFAULT_PAPER
    labels: bool = True
    compare: tuple[dt.date, dt.date] | None = None
    span: tuple[dt.date, dt.date] | None = None

    def __post_init__(self) -> None:
        if self.paper not in static_map.PAPERS:
            known = ", ".join(static_map.PAPERS)
            raise StateError(f"unknown paper {self.paper!r} (choose {known})")
        if self.width_px is not None and not 200 <= self.width_px <= MAX_WIDTH_PX:
            raise StateError(f"width {self.width_px} px is outside 200 to {MAX_WIDTH_PX}")
        if self.dpi is not None and not 30 <= self.dpi <= MAX_DPI:
            raise StateError(f"resolution {self.dpi} dpi is outside 30 to {MAX_DPI:g}")
        for pair, words in ((self.compare, "before date"), (self.span, "from date")):
            if pair is not None:
                check_day_pair(pair, words)

    def png_dpi(self) -> float:
        """Resolution giving ``width_px`` pixels across the paper, else ``dpi`` or the default."""
        if self.width_px is not None:
            return self.width_px / static_map.PAPERS[self.paper][0]
        return self.dpi or static_map.DEFAULT_DPI


def export_bytes(
    dataset: Dataset,
    view: View,
    fmt: str,
    *,
    width_px: int | None = None,
    dpi: float | None = None,
    paper: str = static_map.DEFAULT_PAPER,
    labels: bool = True,
    compare: tuple[dt.date, dt.date] | None = None,
    span: tuple[dt.date, dt.date] | None = None,
) -> bytes:
    """The bytes of ``view`` exported as ``fmt`` (a key of :data:`EXPORT_FORMATS`).

    Parameters
    ----------
    dataset : the loaded data (geometries EPSG:4326).
    view : date, layers, naming convention, extent and title to export.
    fmt : format key, e.g. ``"png"``, ``"briefing-pdf"``, ``"geojson"``.
    width_px, dpi : PNG size; ``width_px`` wins. Vector formats ignore them.
    paper : ``"A4"`` or ``"Letter"`` (landscape) for maps and briefings.
    labels : whether the static map labels places and sites.
    compare : (before, after) days, for ``compare-pdf`` and ``compare-png``.
    span : (from, to) days, for ``gif`` and ``mp4``.

    Raises
    ------
    StateError
        For an unknown format or unusable options.
    """
    if fmt not in EXPORT_FORMATS:
        raise StateError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    options = ExportOptions(
        width_px=width_px, dpi=dpi, paper=paper, labels=labels, compare=compare, span=span
    )
    view = replace(view, title=clean_text(view.title))  # typed by a user: like data text
    return _EXPORTERS[fmt](dataset, view, options)


def _static(fmt: str) -> Callable[[Dataset, View, ExportOptions], bytes]:
    def render(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
        figure = static_map.map_figure(dataset, view, paper=options.paper, labels=options.labels)
        return static_map.figure_bytes(figure, fmt, dpi=options.png_dpi(), title=view.title)

    return render


def _briefing(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    return briefing.briefing_pdf(dataset, view, paper=options.paper, labels=options.labels)


def _atlas(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    return briefing.atlas_pdf(dataset, view, paper=options.paper, labels=options.labels)


def _html(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    with stable_ids():
        return web_map.standalone_html(dataset, view).encode("utf-8")


def _geojson(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    return gis.geojson_text(dataset, view).encode("utf-8")


def _gpkg(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    tables = gis.gis_tables(dataset, view)
    if not tables:
        raise StateError(f"no visible features on {view.day.isoformat()} to export")
    return io.gis_geopackage_bytes(
        gis.geopackage_tables(tables),
        metadata=gis.geopackage_metadata(gis.view_record(dataset, view, tables)),
        layer_metadata={name: gis.layer_metadata(name) for name in tables},
        styles={
            name: qml.layer_qml(gis.layer_of(name), gis.family_of(name), table["style_key"])
            for name, table in tables.items()
        },
        timestamp=gis.fixed_timestamp(view),
    )


def _kml(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    return kml.kml_text(dataset, view).encode("utf-8")


def _csv(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    return gis.csv_text(dataset, view).encode("utf-8")


def check_day_pair(pair: tuple[dt.date, dt.date], first: str) -> tuple[dt.date, dt.date]:
    """Both days within the map's span, the first (called ``first``) not after the second."""
    for day in pair:
        check_day(day)
    if pair[0] > pair[1]:
        raise StateError(f"the {first} {pair[0].isoformat()} is later than {pair[1].isoformat()}")
    return pair


def _compare(fmt: str) -> Callable[[Dataset, View, ExportOptions], bytes]:
    def render(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
        if options.compare is None:
            raise StateError(f"the {fmt} export needs the before and after dates")
        before, after = options.compare
        return compare_page.compare_bytes(
            dataset, view, before, after, fmt.removeprefix("compare-"), paper=options.paper,
            labels=options.labels, dpi=options.png_dpi(),
        )  # fmt: skip

    return render


def _animation(fmt: str) -> Callable[[Dataset, View, ExportOptions], bytes]:
    encode = animation.gif_bytes if fmt == "gif" else animation.mp4_bytes

    def render(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
        if options.span is None:
            raise StateError(f"the {fmt} export needs the from and to dates")
        width = options.width_px or round(
            animation.frame_dpi(options.paper, None, options.dpi)
            * static_map.PAPERS[options.paper][0]
        )
        if width > MAX_ANIMATION_WIDTH_PX:
            raise StateError(f"animation width {width} px is over {MAX_ANIMATION_WIDTH_PX} px")
        start, end = options.span
        return encode(
            dataset, view, start, end, paper=options.paper, labels=options.labels,
            width_px=options.width_px, dpi=options.dpi,
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

__all__ = ["EXPORT_FORMATS", "ExportFormat", "ExportOptions", "export_bytes"]
