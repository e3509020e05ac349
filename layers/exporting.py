"""Exports of a :class:`~layers.view.View`: the one API the app and the CLI call.

:func:`export_bytes` returns the bytes of one format; writing them anywhere is the
caller's business (the CLI writes through :mod:`geo.io`). Static maps come from
:mod:`layers.static_map`, briefings and the atlas from :mod:`layers.briefing`, the
stand-alone HTML from ``layers.web_map.standalone_html``; data exports hold the visible
features of :func:`layers.features.layer_features` in EPSG:4326.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo import io
from geo._errors import StateError
from geo.dataset import Dataset
from geo.timeline import check_day
from layers import animation, briefing, compare_page, static_map, web_map
from layers.features import view_features
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
    return web_map.standalone_html(dataset, view).encode("utf-8")


def geojson_text(frames: Mapping[str, gpd.GeoDataFrame], view: View) -> str:
    """A GeoJSON FeatureCollection (EPSG:4326) of every feature in ``frames``.

    Properties: ``id``, ``layer``, ``style_key``, ``status``, ``label`` (plain text),
    ``details`` (an object of plain-text fields) and ``sources`` (a list of citations).
    The collection carries the view (date, layers, naming) as the foreign member ``view``.
    """
    features = [
        {
            "type": "Feature",
            "id": str(row.id),
            "properties": {
                "id": str(row.id),
                "layer": str(row.layer),
                "style_key": str(row.style_key),
                "status": str(row.status),
                "label": str(row.label),
                "details": _details(row.details),
                "sources": [str(s) for s in row.sources],
            },
            "geometry": json.loads(shapely.to_geojson(row.geometry)),
        }
        for frame in frames.values()
        for row in frame.itertuples(index=False)
    ]
    collection = {
        "type": "FeatureCollection",
        "view": {
            "date": view.day.isoformat(),
            "layers": list(view.layers),
            "names": view.convention,
        },
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, indent=1)


def _details(pairs: list[tuple[str, str]]) -> dict[str, str]:
    details: dict[str, str] = {}
    for field, value in pairs:
        details[field] = f"{details[field]}; {value}" if field in details else str(value)
    return details


def geopackage_layers(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """One GeoPackage layer per visible layer (named by layer id), text columns only.

    ``details`` and ``sources`` become JSON text; geometries stay EPSG:4326. Layers with
    no feature on the date are left out (a GeoPackage layer needs a geometry type).
    """
    layers: dict[str, gpd.GeoDataFrame] = {}
    for layer_id, frame in frames.items():
        if frame.empty:
            continue
        table = frame.copy()
        table["details"] = [json.dumps(_details(d), ensure_ascii=False) for d in frame["details"]]
        table["sources"] = [json.dumps(list(s), ensure_ascii=False) for s in frame["sources"]]
        layers[layer_id] = table
    return layers


def _geojson(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    return geojson_text(view_features(dataset, view), view).encode("utf-8")


def _gpkg(dataset: Dataset, view: View, options: ExportOptions) -> bytes:
    layers = geopackage_layers(view_features(dataset, view))
    if not layers:
        raise StateError(f"no visible features on {view.day.isoformat()} to export")
    return io.geopackage_bytes(layers)


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
    "compare-pdf": _compare("compare-pdf"),
    "compare-png": _compare("compare-png"),
    "gif": _animation("gif"),
    "mp4": _animation("mp4"),
}

__all__ = ["EXPORT_FORMATS", "ExportFormat", "ExportOptions", "export_bytes"]
