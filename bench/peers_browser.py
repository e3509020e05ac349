"""The peers (leafmap, ``GeoDataFrame.explore``) timed in headless Chromium, like our app.

Each peer's stand-alone page (``m.get_root().render()``) is served from a loopback HTTP
server; every request leaving the machine is answered by Playwright routing: CDN files from
the local npm copies of :mod:`bench.peer_assets`, files npm lacks with an empty body of the
right type, anything else aborted and counted (leafmap adds OpenStreetMap tiles even with
``basemap=None``; they are the only aborted requests and no vector layer waits for them).

Figures, median and p95 over fresh browser contexts (empty cache):

- first map: navigation to the load event, then load event to 51 drawn features in the
  page. :mod:`bench.browser` waits for 51 SVG paths in our map's iframe; the peers draw
  with Leaflet's SVG renderer too (``prefer_canvas`` off, no canvas in their pages), but
  leafmap draws points as marker images (42 paths and 45 markers on the default date, so
  it never reaches 51 paths): a feature here is an SVG path or a marker image
  (:data:`FEATURE`). explore draws every feature as a path (87 on the default date).
  folium's map script is inline at the end of the body, so the peers' features are
  already drawn when the load event fires; ``features_at_load`` says so, and
  ``map_after_load_s`` is then the harness's own round trip (the same floor is in ours).
  ``load_event_in_page_s`` is the page's own navigation-to-load time (Navigation Timing),
  without the harness's round trips.
- date change: a peer has no date control, so its date change is a new page: the map for
  the new date built and rendered in Python, then that page loaded and drawn in the
  browser (the tab showing the old date). Both parts and their sum.

Playwright disables the HTTP cache while routing, so the reloaded page fetches its CDN files
again (from memory, through the route): a little pessimistic for the peers against a warm
CDN cache, and the same for every run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import http.server
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.maps import PEER_MAPS
from bench.peer_assets import (
    NOT_ON_NPM,
    AssetMissingError,
    PeerAssets,
    content_type,
    is_loopback,
    npm_file,
)
from bench.timing import quantile
from geo.dataset import Dataset, load_dataset
from layers.briefing.view import View
from tests.e2e.server import CHROMIUM_ARGS, chromium_path

#: The date change timed: the first pair of ``bench.__main__.CHANGE_PAIRS`` (the article's
#: handovers: Aghdam on 20 November, Kalbajar on 25 November, Lachin on 1 December).
DATE_CHANGE = (dt.date(2020, 11, 9), dt.date(2020, 12, 1))
#: What a drawn feature is in a peer's page: an SVG path (polygons, lines, explore's circle
#: markers) or a marker image (leafmap draws points as Leaflet's default marker icon).
FEATURE = "path, img.leaflet-marker-icon"
#: The 51st drawn feature: the map counts as drawn when it is in the page (as for ours).
MAP_FEATURE_INDEX = 50
VIEWPORT = {"width": 1500, "height": 1100}


class Router:
    """Playwright route handler: loopback passes, CDN files come from local copies.

    Counts what it fulfilled, served empty, could not find (404, a defect) and aborted."""

    def __init__(self, assets: PeerAssets) -> None:
        self.assets = assets
        self.fulfilled: Counter[str] = Counter()
        self.empty: Counter[str] = Counter()
        self.missing: Counter[str] = Counter()
        self.aborted: Counter[str] = Counter()
        self._bodies: dict[str, bytes] = {}

    def body(self, url: str) -> bytes:
        """The local copy of a CDN file (read once); :class:`AssetMissingError` if none."""
        if url not in self._bodies:
            self._bodies[url] = self.assets.local(url).read_bytes()
        return self._bodies[url]

    def __call__(self, route: Any) -> None:
        url = route.request.url
        headers = {"access-control-allow-origin": "*"}  # fonts are fetched cross-origin
        if is_loopback(url):
            route.continue_()
        elif url in NOT_ON_NPM:
            self.empty[url] += 1
            route.fulfill(status=200, content_type=content_type(url), body=b"", headers=headers)
        elif npm_file(url) is not None:
            try:
                body = self.body(url)
            except AssetMissingError:
                self.missing[url] += 1
                route.fulfill(status=404, body=b"", headers=headers)
                return
            self.fulfilled[url] += 1
            route.fulfill(status=200, content_type=content_type(url), body=body, headers=headers)
        else:
            self.aborted[url.split("/")[2]] += 1
            route.abort()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def page_server(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on a free loopback port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def page_html(build: Callable[[Dataset, View], Any], dataset: Dataset, day: dt.date) -> str:
    """A peer's stand-alone page for ``day`` (default layers and extent)."""
    return str(build(dataset, View(day=day)).get_root().render())


def _wait_drawn(page: Any) -> None:
    page.locator(FEATURE).nth(MAP_FEATURE_INDEX).wait_for(state="attached", timeout=60_000)


_LOAD_EVENT_MS = "performance.getEntriesByType('navigation')[0].loadEventStart"


def _features(page: Any) -> int:
    return int(page.evaluate(f"document.querySelectorAll({FEATURE!r}).length"))


def _first_map(browser: Any, router: Router, url: str) -> tuple[float, float, int, float]:
    """Seconds to the load event and from it to the map drawn, features at load, and the
    page's own navigation-to-load-event seconds (Navigation Timing)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", router)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter()
    _wait_drawn(page)
    drawn = time.perf_counter()
    at_load = _features(page)  # the map script is inline: drawn before load if >= 51
    in_page = float(page.evaluate(_LOAD_EVENT_MS)) / 1000
    context.close()
    return loaded - start, drawn - loaded, at_load, in_page


def _date_change(
    browser: Any, router: Router, url: str, rebuild: Callable[[], str], target: Path
) -> tuple[float, float]:
    """Seconds to build the new date's page in Python, and to load and draw it in a tab
    that shows the old date."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", router)
    page = context.new_page()
    page.goto(url, wait_until="load")
    _wait_drawn(page)
    start = time.perf_counter()
    target.write_text(rebuild(), encoding="utf-8")
    built = time.perf_counter()
    page.goto(f"{url.rsplit('/', 1)[0]}/{target.name}", wait_until="load")
    _wait_drawn(page)
    drawn = time.perf_counter()
    context.close()
    return built - start, drawn - built


def _stats(name: str, values: list[float]) -> dict[str, float]:
    """Median and p95 (:func:`bench.timing.quantile`)."""
    return {name: statistics.median(values), name.replace("_s", "_p95_s", 1): quantile(values, 95)}


def _peer_figures(
    browser: Any,
    router: Router,
    base: str,
    folder: Path,
    name: str,
    dataset: Dataset,
    repeat: int,
) -> dict[str, object]:
    build = PEER_MAPS[name]
    (folder / f"{name}-default.html").write_text(
        str(build(dataset, View()).get_root().render()), encoding="utf-8"
    )
    before, after = DATE_CHANGE
    (folder / f"{name}-before.html").write_text(page_html(build, dataset, before), encoding="utf-8")
    target = folder / f"{name}-after.html"

    def rebuild() -> str:
        return page_html(build, dataset, after)

    _first_map(browser, router, f"{base}/{name}-default.html")  # warm-up, not counted
    firsts = [_first_map(browser, router, f"{base}/{name}-default.html") for _ in range(repeat)]
    _date_change(browser, router, f"{base}/{name}-before.html", rebuild, target)  # warm-up
    changes = [
        _date_change(browser, router, f"{base}/{name}-before.html", rebuild, target)
        for _ in range(repeat)
    ]
    figures: dict[str, object] = {}
    figures |= _stats("load_s", [f[0] for f in firsts])
    figures |= _stats("map_after_load_s", [f[1] for f in firsts])
    figures |= _stats("navigation_to_map_s", [f[0] + f[1] for f in firsts])
    figures["features_at_load"] = min(f[2] for f in firsts)
    figures |= _stats("load_event_in_page_s", [f[3] for f in firsts])
    figures |= _stats("date_change_build_s", [c[0] for c in changes])
    figures |= _stats("date_change_browser_s", [c[1] for c in changes])
    figures |= _stats("date_change_s", [c[0] + c[1] for c in changes])
    return figures


def peer_browser_figures(repeat: int = 5) -> dict[str, dict[str, object]]:
    """First map and date change of leafmap and explore in headless Chromium.

    ``{"leafmap": {...}, "explore": {...}}``, each with median and ``_p95_`` seconds of
    ``load_s``, ``map_after_load_s``, ``navigation_to_map_s``, ``load_event_in_page_s``,
    ``date_change_build_s`` (Python), ``date_change_browser_s`` and their sum
    ``date_change_s``, plus
    ``features_at_load`` and the requests routed: ``cdn_files`` (from npm copies),
    ``cdn_empty`` (not on npm), ``cdn_missing`` (must be 0) and ``aborted`` (host:
    count). ``{"skipped": reason}`` per peer when Chromium or the peer is absent."""
    if chromium_path() is None:
        return {name: {"skipped": "Debian chromium not installed"} for name in PEER_MAPS}
    dataset = load_dataset()
    assets = PeerAssets()
    results: dict[str, dict[str, object]] = {}
    with _harness() as (browser, base, folder):
        for name in PEER_MAPS:
            router = Router(assets)
            try:
                figures = _peer_figures(browser, router, base, folder, name, dataset, repeat)
            except ImportError as exc:  # leafmap is a bench requirement only
                results[name] = {"skipped": f"{exc.name} not installed (make bench)"}
                continue
            figures["cdn_files"] = len(router.fulfilled)
            figures["cdn_empty"] = len(router.empty)
            figures["cdn_missing"] = sorted(router.missing)
            figures["aborted"] = dict(router.aborted)
            results[name] = figures
    return results


@contextlib.contextmanager
def _harness() -> Iterator[tuple[Any, str, Path]]:
    """Headless Debian Chromium, a loopback server for a temporary folder, and the
    folder: ``(browser, base URL, folder)``; everything closed and removed on exit."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        page_server(Path(tmp)) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser, base, Path(tmp)
        finally:
            browser.close()


def _save_small_png(png: bytes, path: Path) -> None:
    """``png`` reduced to a 64-colour palette (a few tens of KiB for the docs)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)


def screenshots(folder: Path) -> dict[str, Path]:
    """A PNG of each peer's default page as the harness shows it (900 x 650 viewport)."""
    dataset = load_dataset()
    router = Router(PeerAssets())
    written = {}
    with _harness() as (browser, base, tmp):
        for name, build in PEER_MAPS.items():
            page_file = tmp / f"{name}.html"
            page_file.write_text(page_html(build, dataset, View().day), encoding="utf-8")
            context = browser.new_context(viewport={"width": 900, "height": 650})
            context.route("**/*", router)
            page = context.new_page()
            page.goto(f"{base}/{page_file.name}", wait_until="load")
            _wait_drawn(page)
            page.wait_for_timeout(500)  # fonts and marker images
            written[name] = folder / f"peer-{name}.png"
            _save_small_png(page.screenshot(), written[name])
            context.close()
    print("routed:", dict(router.fulfilled), "empty:", dict(router.empty))
    print("missing:", dict(router.missing), "aborted:", dict(router.aborted))
    return written


def main() -> None:
    """Print the figures (or write the screenshots)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, help="write peer-<name>.png here instead")
    args = parser.parse_args()
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
        for path in screenshots(args.screenshots).values():
            print(path)
        return
    for name, figures in peer_browser_figures(args.repeat).items():
        print(name)
        for key, value in figures.items():
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            print(f"  {key:<28}{shown}")


if __name__ == "__main__":
    main()
