"""Exports of a :class:`~layers.view.View`: the one API the app and the CLI call.

:func:`export_bytes` returns the bytes of one format; writing them anywhere is the
caller's business (the CLI writes through :mod:`geo.io`). Static maps come from
:mod:`layers.static_map`, briefings and the atlas from :mod:`layers.briefing`, the
stand-alone HTML from ``layers.web_map.standalone_html``; data exports hold the visible
features of :func:`layers.features.layer_features` in EPSG:4326.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import geopandas as gpd
import shapely

from geo import io
from geo._errors import StateError
from geo.dataset import Dataset
from geo.text import clean_text
from layers import briefing, static_map, web_map
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


_EXPORTERS: dict[str, Callable[[Dataset, View, ExportOptions], bytes]] = {
    "png": _static("png"),
    "pdf": _static("pdf"),
    "svg": _static("svg"),
    "briefing-pdf": _briefing,
    "atlas-pdf": _atlas,
    "html": _html,
    "geojson": _geojson,
    "gpkg": _gpkg,
}

__all__ = ["EXPORT_FORMATS", "ExportFormat", "ExportOptions", "export_bytes"]
