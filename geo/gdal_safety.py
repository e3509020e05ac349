"""GDAL configured so that no file it opens can reach another file or the network.

User files never reach GDAL (:mod:`geo.upload`); GDAL reads and writes only the
project's own GeoPackages. These options, set process-wide when :mod:`geo.io` is
imported (the app, the command lines, the build script), still close every path by
which a file GDAL opens could make it read another file, fetch a URL or run code, in
case one ever does. Each option is named in GDAL's configuration-option list (GDAL
3.12, the version pyogrio bundles); the README's Security section says which path each
closes, and ``tests/geo/test_gdal_safety.py`` opens the attack files through GDAL
itself with these options and finds them refused, with no request made.
"""

from __future__ import annotations

import os
import sys

#: Drivers that follow a path, a URL or a program named inside a file (or are network
#: services): the OGR and raster VRT (``SrcDataSource``, ``SourceFilename``), GDAL
#: pipelines (GDALG), tile indexes, GML (schema downloads, xlinks),
#: network services, GPSBabel (runs a program) and SQLite (its VirtualOGR opens any
#: data source). Read once, when GDAL registers its drivers (pyogrio's import).
SKIPPED_DRIVERS = (
    "OGR_VRT VRT GDALG GTI STACIT STACTA GML WFS OAPIF OGCAPI CSW HTTP WMS WMTS "
    "WCS PLSCENES EEDA EEDAI NGW Elasticsearch Carto AmigoCloud DAAS GPSBabel SQLite"
)

#: The options and the path each one closes.
OPTIONS: dict[str, str] = {
    # drivers that open other files or URLs (see SKIPPED_DRIVERS)
    "GDAL_SKIP": SKIPPED_DRIVERS,
    # /vsicurl/, /vsicurl_streaming/, /vsiwebhdfs/ and plain http(s):// names: only this
    # one name, which no server answers, may be opened
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/vsicurl/http://0.0.0.0:9/none",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "5",
    # /vsistdin/ (reading the process's standard input as a file)
    "CPL_ALLOW_VSISTDIN": "NO",
    # no listing of the folder of an opened file (side-car files are not looked for)
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # a remote file naming a local one (e.g. a VRT fetched over HTTP)
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    # SQL functions of GDAL's SQLite dialect that open other data sets
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    # SQL functions and VirtualOGR tables inside a GeoPackage's views and triggers
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
    "ALLOW_VIRTUAL_OGR_FROM_TRIGGER_AND_VIEW": "NO",
    # GML: no schema download (xsi:schemaLocation), no xlink resolution, no imports
    "GML_DOWNLOAD_SCHEMA": "NO",
    "GML_USE_SCHEMA_IMPORT": "NO",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
    # KML (LIBKML): no styles fetched from other files or URLs
    "LIBKML_EXTERNAL_STYLE": "NO",
    "LIBKML_RESOLVE_STYLE": "NO",
    # raster VRT: no Python pixel functions, no raw bands on other files
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    # PROJ (through GDAL and pyproj): no grid downloads
    "PROJ_NETWORK": "OFF",
}


def apply() -> None:
    """Set :data:`OPTIONS` in the environment (read by GDAL when it starts and on each
    use) and, if pyogrio is already imported, in GDAL itself."""
    os.environ.update(OPTIONS)
    pyogrio = sys.modules.get("pyogrio")
    if pyogrio is not None:
        pyogrio.set_gdal_config_options(OPTIONS)
