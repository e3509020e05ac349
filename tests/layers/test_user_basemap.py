"""The user's own basemap in the renderers (issue 21 item 3): the web map's tile layer from
the app's own route, the route itself, and paper maps drawing the tiles in place with
their attribution."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image
from pypdf import PdfReader

from geo.dataset import Dataset
from geo.tile_store import open_source
from geo.tiles import TileSource
from layers import user_basemap
from layers.briefing.view import View
from layers.exports import ExportOptions, export_bytes
from layers.exports.__main__ import main
from layers.paper import layouts, page
from layers.web.map import base_map, standalone_html
from layers.web.tile_route import tile_routes
from tests.async_run import run_async
from tests.hostile import IMG, JINJA, MATHS
from tests.tile_package import COLOURS, EDGE_LAT, EDGE_LON, png, write_mbtiles

#: A view inside the four test tiles (Karabakh and the Lachin corridor).
BOUNDS = (45.9, 39.3, 47.1, 40.3)
LAYERS = ("countries",)


@pytest.fixture
def package(tmp_path: Path) -> TileSource:
    return open_source(str(write_mbtiles(tmp_path / "test.mbtiles")))


@pytest.fixture
def no_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(user_basemap.BASEMAP_ENV, raising=False)
    monkeypatch.delenv(user_basemap.ATTRIBUTION_ENV, raising=False)
    yield


def test_the_environment_names_the_basemap(tmp_path: Path, no_environment: None) -> None:
    path = write_mbtiles(tmp_path / "env.mbtiles")
    environ = {user_basemap.BASEMAP_ENV: str(path), user_basemap.ATTRIBUTION_ENV: "Mine"}
    source = user_basemap.current(environ)
    assert source is not None and source.attribution == "Mine" and source.local
    assert user_basemap.current({}) is None
    with user_basemap.showing(source):
        assert user_basemap.current() is source
    assert user_basemap.leaflet_url(source) == "/briefing-tiles/{z}/{x}/{y}"


def test_the_web_map_asks_the_apps_own_route(
    dataset: Dataset, package: TileSource, no_environment: None
) -> None:
    with user_basemap.showing(package):
        html = base_map(dataset, BOUNDS, "user").get_root().render()
    assert '"/briefing-tiles/{z}/{x}/{y}"' in html
    assert "Test tiles \\u00a9 Example Cartography" in html or "Example Cartography" in html
    assert '"maxNativeZoom": 8' in html and "openstreetmap" not in html.lower()
    # without a usable basemap the offline land is drawn instead
    vector = base_map(dataset, BOUNDS, "user").get_root().render()
    assert "briefing-tiles" not in vector and "L.tileLayer" not in vector


def test_a_url_template_goes_to_the_browser_as_it_is(dataset: Dataset) -> None:
    source = open_source("https://tiles.example.org/{z}/{x}/{y}.png", f"{IMG} {JINJA}")
    with user_basemap.showing(source):
        html = base_map(dataset, BOUNDS, "user").get_root().render()
    assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert source.attribution == JINJA  # the tag is removed: an attribution is text
    assert "onerror" not in html and "{{7*7}}" not in html
    assert '"attribution": "\\u0026#123;\\u0026#123;7*7' in html  # entities, never Jinja


def _get(source: TileSource, path: str) -> tuple[int, bytes, dict[str, str]]:
    """A GET of ``path`` answered by the tile route, through its ASGI interface."""
    (route,) = tile_routes(source)
    sent: list[dict[str, object]] = []
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    _, child = route.matches(scope)  # type: ignore[attr-defined]
    scope |= child

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    run_async(lambda: route.handle(scope, receive, send))  # type: ignore[arg-type]
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}  # type: ignore[attr-defined]
    body = b"".join(m.get("body", b"") for m in sent[1:])  # type: ignore[misc]
    return int(start["status"]), body, headers  # type: ignore[call-overload]


def test_the_route_serves_images_only(tmp_path: Path) -> None:
    extra = {(8, 150, 90): b"<html><script>alert(1)</script></html>"}
    source = open_source(str(write_mbtiles(tmp_path / "t.mbtiles", extra=extra)))
    status, body, headers = _get(source, "/briefing-tiles/8/160/96")
    assert (status, body) == (200, png(COLOURS[(160, 96)]))
    assert headers["content-type"] == "image/png" and headers["x-content-type-options"] == "nosniff"
    assert _get(source, "/briefing-tiles/8/150/90")[0] == 404  # not an image: never served
    assert _get(source, "/briefing-tiles/8/1/1")[0] == 404
    assert tile_routes(None) == []
    assert tile_routes(open_source("https://example.org/{z}/{x}/{y}.png")) == []


def _map_pixels(figure: Figure, dpi: float) -> tuple[np.ndarray, Axes]:
    data = page.figure_bytes(figure, "png", dpi=dpi)
    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    ax = next(a for a in figure.axes if a.get_label() == "map")
    return image, ax


def _colour_at(image: np.ndarray, figure: Figure, ax: Axes, lon: float, lat: float) -> str:
    x, y = figure.transFigure.inverted().transform(ax.transData.transform((lon, lat)))
    height, width = image.shape[:2]
    red, green, blue = image[round((1 - y) * height), round(x * width)]
    return f"#{red:02x}{green:02x}{blue:02x}"


def test_paper_draws_each_tile_where_it_belongs(
    dataset: Dataset, package: TileSource, no_environment: None
) -> None:
    view = View(layers=LAYERS, bounds=BOUNDS, basemap="user")
    with user_basemap.showing(package):
        figure = layouts.map_figure(dataset, view, labels=False)
        image, ax = _map_pixels(figure, dpi=100)
    offset = 0.04  # degrees either side of where the tiles meet
    for (dx, dy), (x, y) in {(-1, 1): (160, 96), (1, 1): (161, 96), (-1, -1): (160, 97),
                             (1, -1): (161, 97)}.items():  # fmt: skip
        lon, lat = EDGE_LON + dx * offset, EDGE_LAT + dy * offset
        assert _colour_at(image, figure, ax, lon, lat) == COLOURS[(x, y)], (x, y)
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "Basemap: Test tiles, Test tiles © Example Cartography" in texts


def test_the_pdf_names_the_basemap_and_keeps_hostile_text_as_text(
    dataset: Dataset, tmp_path: Path
) -> None:
    attribution = f"{MATHS} {JINJA} {IMG}"
    source = open_source(str(write_mbtiles(tmp_path / "h.mbtiles")), attribution)
    view = View(layers=LAYERS, bounds=BOUNDS, basemap="user")
    data = export_bytes(dataset, view, "pdf", ExportOptions(basemap_tiles=source))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "$x^2$ {{7*7}}" in " ".join(text.split()) and "Cartography" not in text


def test_the_command_line_draws_a_tile_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_environment: None
) -> None:
    package_path = write_mbtiles(tmp_path / "cli.mbtiles")
    out = tmp_path / "map.png"
    bounds = ",".join(str(v) for v in BOUNDS)
    args = ["--bounds", bounds, "--layers", "countries", "--out", str(out), "--dpi", "60"]
    assert main([*args, "--basemap-tiles", str(package_path)]) == 0
    pixels = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    colours = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in pixels}
    assert set(COLOURS.values()) <= colours
    with pytest.raises(SystemExit) as usage:
        main([*args, "--basemap-tiles", str(tmp_path / "missing.mbtiles")])
    assert usage.value.code == 2 and "does not exist" in capsys.readouterr().err


def test_the_standalone_page_of_a_local_package_draws_the_offline_land(
    dataset: Dataset, package: TileSource
) -> None:
    view = View(layers=LAYERS, bounds=BOUNDS, basemap="user")
    with user_basemap.showing(package):
        html = standalone_html(dataset, view)
    assert "briefing-tiles" not in html and "L.tileLayer" not in html  # a file has no server
    url = open_source("https://tiles.example.org/{z}/{x}/{y}.png")
    with user_basemap.showing(url):
        assert '"https://tiles.example.org/{z}/{x}/{y}.png"' in standalone_html(dataset, view)
