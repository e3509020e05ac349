"""The attack files of issue 19: a user's file that tries to make the server read another
file, send a request, run SQL or do unbounded work. Built in code (bytes), never kept as
binary files in the repository; each builder names what the file does.

:class:`Listener` is a loopback HTTP server that counts the requests it receives: the
files that name a URL point at it, and a test proves it got none.
"""

from __future__ import annotations

import io
import json
import math
import os
import sqlite3
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
from shapely.geometry import Point

T = TypeVar("T")

#: Yerevan (lon, lat), a point every benign layer in these files holds.
YEREVAN = (44.5152, 40.1776)


class Listener:
    """A loopback HTTP server on a free port that counts every request (any method)."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _count(self) -> None:
                hits.append(f"{self.command} {self.path} {self.headers.get('User-Agent')}")
                self.send_response(404)
                self.end_headers()

            def do_GET(self) -> None:
                self._count()

            def do_HEAD(self) -> None:
                self._count()

            def do_POST(self) -> None:
                self._count()

            def log_message(self, *args: object) -> None:  # quiet
                return

        self.hits = hits
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def vrt_reading_a_local_file() -> bytes:
    """An OGR VRT that makes GDAL read /etc/passwd as a CSV layer (named .geojson)."""
    return (
        b'<OGRVRTDataSource><OGRVRTLayer name="p">'
        b"<SrcDataSource>CSV:/etc/passwd</SrcDataSource>"
        b"<SrcSQL dialect=\"SQLITE\">SELECT *, 'POINT(45 40)' AS wkt FROM passwd</SrcSQL>"
        b'<GeometryField encoding="WKT" field="wkt"/></OGRVRTLayer></OGRVRTDataSource>'
    )


def vrt_fetching_a_url(url: str) -> bytes:
    """An OGR VRT whose source is a URL: GDAL would request it (/vsicurl/)."""
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="p">'
        f"<SrcDataSource>/vsicurl/{url}</SrcDataSource>"
        f"</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def gml_fetching_its_schema(url: str) -> bytes:
    """A GML document whose ``xsi:schemaLocation`` names a WFS DescribeFeatureType URL,
    which GDAL's GML driver downloads; ``url`` is the address without its query."""
    url += "?SERVICE=WFS&amp;VERSION=1.1.0&amp;REQUEST=DescribeFeatureType&amp;TYPENAME=app:p"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gml:FeatureCollection xmlns:app="http://example.org/app" '
        'xmlns:gml="http://www.opengis.net/gml" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="http://example.org/app {url}">\n'
        '<gml:featureMember><app:p gml:id="p.1"><app:geom><gml:Point srsName="EPSG:4326">'
        "<gml:pos>40 45</gml:pos></gml:Point></app:geom><app:name>x</app:name></app:p>"
        "</gml:featureMember>\n</gml:FeatureCollection>\n"
    ).encode()


def zip_named_geojson(features: int = 150_000) -> bytes:
    """A ZIP archive (about 80 KB) holding a GeoJSON of about 20 MB."""
    feature = (
        '{"type":"Feature","properties":{"name":"padding padding padding padding padding"},'
        '"geometry":{"type":"Point","coordinates":[45.0,40.0]}},'
    )
    body = '{"type":"FeatureCollection","features":[' + feature * (features - 1)
    body += feature.rstrip(",") + "]}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.geojson", body)
    return buffer.getvalue()


def kml_with_a_doctype() -> bytes:
    """A KML with a DOCTYPE declaring an entity (to be named .json or .geojson)."""
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY e "entity text">]>\n'
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        b"<name>&e;</name><Point><coordinates>45,40</coordinates></Point>"
        b"</Placemark></Document></kml>\n"
    )


def polygon_of_vertices(count: int = 500_000) -> bytes:
    """A GeoJSON polygon of ``count`` vertices whose edges cross one another many times
    (a star of alternating radii, shuffled): about 9 MB for 500,000 vertices."""
    ring = []
    for index in range(count - 1):
        angle = 2 * math.pi * index / (count - 1)
        radius = 0.5 + 0.4 * ((index * 7919) % 13) / 13
        ring.append(
            [round(45 + radius * math.cos(angle), 4), round(40 + radius * math.sin(angle), 4)]
        )
    ring.append(ring[0])
    feature = {
        "type": "Feature",
        "properties": {"name": "many vertices"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps(
        {"type": "FeatureCollection", "features": [feature]}, separators=(",", ":")
    ).encode()


def _geopackage(edit: Callable[[sqlite3.Connection], None] | None = None) -> bytes:
    """A GeoPackage written by GDAL with one point layer ``real``, then edited in SQL."""
    with tempfile.TemporaryDirectory(prefix="attack-gpkg-") as folder:
        path = Path(folder) / "a.gpkg"
        frame = gpd.GeoDataFrame({"name": ["Yerevan"]}, geometry=[Point(*YEREVAN)], crs=4326)
        frame.to_file(path, layer="real", driver="GPKG", engine="pyogrio")
        if edit is not None:
            with closing(sqlite3.connect(path)) as db, db:
                edit(db)
        return path.read_bytes()


def _register_view(db: sqlite3.Connection, name: str, select: str) -> None:
    db.execute(f"CREATE VIEW {name} AS {select}")
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
        "VALUES (?, 'features', ?, 4326)",
        (name, name),
    )
    db.execute(
        "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, "
        "srs_id, z, m) VALUES (?, 'geom', 'POINT', 4326, 0, 0)",
        (name,),
    )


def geopackage_with_a_recursive_view() -> bytes:
    """A GeoPackage whose only feature layer is a view that never ends."""

    def edit(db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM gpkg_contents WHERE table_name = 'real'")
        db.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'real'")
        _register_view(
            db,
            "c",
            "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) "
            "SELECT x AS fid, (SELECT geom FROM real LIMIT 1) AS geom FROM r",
        )

    return _geopackage(edit)


def geopackage_with_a_view_of_rows(rows: int = 3_000_000) -> bytes:
    """A GeoPackage of about 100 KB whose feature layer is a view of ``rows`` rows."""

    def edit(db: sqlite3.Connection) -> None:
        _register_view(
            db,
            "many",
            f"WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < {rows}) "
            "SELECT x AS fid, 'row ' || x AS name, (SELECT geom FROM real LIMIT 1) AS geom FROM r",
        )

    return _geopackage(edit)


def geopackage_with_an_attributes_table() -> bytes:
    """A GeoPackage with a point layer and a standard non-spatial ``attributes`` table
    (as QGIS writes for a table without geometry)."""

    def edit(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE notes (fid INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT)")
        db.execute("INSERT INTO notes (note) VALUES ('a note')")
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier) "
            "VALUES ('notes', 'attributes', 'notes')"
        )

    return _geopackage(edit)


def deck_nested(depth: int = 50_000) -> bytes:
    """A deck YAML whose ``slides`` nest ``depth`` flow lists deep."""
    return b"title: deep\nslides: " + b"[" * depth + b"]" * depth + b"\n"


@dataclass(frozen=True)
class Attack:
    """One attack file: its name as uploaded and a builder of its bytes (given the
    listener's URL maker)."""

    id: str
    filename: str
    build: Callable[[Callable[[str], str]], bytes]


ATTACKS: tuple[Attack, ...] = (
    Attack("vrt-local-file", "x.geojson", lambda url: vrt_reading_a_local_file()),
    Attack("vrt-url", "x.geojson", lambda url: vrt_fetching_a_url(url("vrt"))),
    Attack("gml-schema-url", "x.geojson", lambda url: gml_fetching_its_schema(url("wfs"))),
    Attack("zip-named-geojson", "x.geojson", lambda url: zip_named_geojson()),
    Attack("gpkg-recursive-view", "x.gpkg", lambda url: geopackage_with_a_recursive_view()),
    Attack("gpkg-3-million-row-view", "x.gpkg", lambda url: geopackage_with_a_view_of_rows()),
    Attack("gpkg-attributes-table", "x.gpkg", lambda url: geopackage_with_an_attributes_table()),
    Attack("polygon-500000-vertices", "x.geojson", lambda url: polygon_of_vertices()),
    Attack("kml-doctype-named-json", "x.json", lambda url: kml_with_a_doctype()),
)


def running_children() -> set[int]:
    """Process ids whose parent is this process (read from /proc; psutil is not used)."""
    me = os.getpid()
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # after the command name, which may hold spaces
        if int(fields[1]) == me:
            children.add(int(entry.name))
    return children


def within(seconds: float, work: Callable[[], T]) -> T:
    """``work()`` run in a daemon thread; the test fails if it has not finished after
    ``seconds`` (main's reader never finished some attack files: this makes a test of
    it fail instead of hanging). Exceptions of ``work`` are raised here."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True, name="bounded-read")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"still running after {seconds:g} s")
    if failure:
        raise failure[0]
    return outcome[0]


@contextmanager
def attack_files(folder: Path, listener: Listener) -> Iterator[dict[str, Path]]:
    """Write every attack file into ``folder`` (each in its own subfolder, under its
    upload name) and yield their paths by attack id."""
    paths = {}
    for attack in ATTACKS:
        path = folder / attack.id / attack.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(attack.build(listener.url))
        paths[attack.id] = path
    yield paths
