"""Exports of a :class:`~layers.view.View`: the one API the app and the CLI call.

:func:`export_bytes` returns the bytes of one format; writing them anywhere is the
caller's business (the CLI writes through :mod:`geo.io`). Static maps come from
:mod:`layers.static_map`, briefings and the atlas from :mod:`layers.briefing`, the
stand-alone HTML from ``layers.web_map.standalone_html`` (with :func:`stable_ids`); data
exports (GeoJSON, GeoPackage, KML, CSV) hold the typed tables of :mod:`layers.gis` in
EPSG:4326 (schema: ``docs/GIS_EXPORT.md``). Identical calls give identical bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from geo import io
from geo._errors import StateError
from geo.dataset import Dataset
from geo.text import clean_text
from layers import briefing, gis, kml, qml, static_map, web_map
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
}

#: Largest PNG width accepted, in pixels (a server must not render posters on request).
MAX_WIDTH_PX = 8000
MAX_DPI = 600.0


@dataclass(frozen=True)
class ExportOptions:
    """Rendering options. ``width_px`` (PNG) wins over ``dpi``; ``paper`` is A4 or Letter."""

    width_px: int | None = None
    dpi: float | None = None
    paper: str = static_map.DEFAULT_PAPER
    labels: bool = True

    def __post_init__(self) -> None:
        if self.paper not in static_map.PAPERS:
            known = ", ".join(static_map.PAPERS)
            raise StateError(f"unknown paper {self.paper!r} (choose {known})")
        if self.width_px is not None and not 200 <= self.width_px <= MAX_WIDTH_PX:
            raise StateError(f"width {self.width_px} px is outside 200 to {MAX_WIDTH_PX}")
        if self.dpi is not None and not 30 <= self.dpi <= MAX_DPI:
            raise StateError(f"resolution {self.dpi} dpi is outside 30 to {MAX_DPI:g}")

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

    Raises
    ------
    StateError
        For an unknown format or unusable options.
    """
    if fmt not in EXPORT_FORMATS:
        raise StateError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    options = ExportOptions(width_px=width_px, dpi=dpi, paper=paper, labels=labels)
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
}

__all__ = ["EXPORT_FORMATS", "ExportFormat", "ExportOptions", "export_bytes"]
