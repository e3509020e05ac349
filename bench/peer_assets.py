"""Local copies of the CDN files the peers' stand-alone pages load (leafmap, ``explore``).

folium pages load Leaflet, jQuery, Bootstrap, Font Awesome and plugins from public CDNs,
which this machine cannot reach. This module finds every external URL a rendered page
references, fetches the same file at the same version from the npm registry, checks the
tarball against the registry's integrity (sha512), and keeps it under ``.cache/peer-assets``
(git-ignored). A browser harness then answers the CDN URLs from these files
(``bench/peers_browser.py``).

A few files are not on npm at the version the page names: they are listed in
:data:`NOT_ON_NPM` with the reason and served empty with the right content type (the
peers' pages do not use them to draw the default map: no awesome-markers icon, no
glyphicon, no rotated marker). ``python -m bench.peer_assets`` prints the mapping and
checks against the registry that those versions are indeed absent.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "peer-assets"
REGISTRY = "https://registry.npmjs.org"

CONTENT_TYPES = {
    ".js": "application/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
    ".json": "application/json",
    ".map": "application/json",
}


class AssetMissingError(LookupError):
    """A CDN URL that should come from npm but cannot (unknown version, file or digest)."""


@dataclass(frozen=True)
class NpmFile:
    """One file inside one npm package version."""

    package: str
    version: str
    path: str


@dataclass(frozen=True)
class NotOnNpm:
    """A CDN file npm does not hold at that version: served empty, with the reason.

    ``package``/``version`` name the npm package checked for the absence (None when the
    file is not published on npm at all, e.g. a file in a GitHub repository)."""

    reason: str
    package: str | None = None
    version: str | None = None


_CDNJS_MARKERS = "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
NOT_ON_NPM: dict[str, NotOnNpm] = {
    _CDNJS_MARKERS + "leaflet.awesome-markers.js": NotOnNpm(
        "npm has leaflet.awesome-markers 2.0.0, 2.0.4 and 2.0.5, not 2.0.2",
        "leaflet.awesome-markers",
        "2.0.2",
    ),
    _CDNJS_MARKERS + "leaflet.awesome-markers.css": NotOnNpm(
        "npm has leaflet.awesome-markers 2.0.0, 2.0.4 and 2.0.5, not 2.0.2",
        "leaflet.awesome-markers",
        "2.0.2",
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": NotOnNpm(
        "a Bootstrap 3.0.0 release-candidate file; npm's bootstrap starts at 3.1.1",
        "bootstrap",
        "3.0.0",
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": NotOnNpm(
        "a file in folium's GitHub repository (branch head), not an npm package"
    ),
}

JSDELIVR = "https://cdn.jsdelivr.net/npm/"
_JSDELIVR_NPM = re.compile(
    r"https://cdn\.jsdelivr\.net/npm/(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>\d[^/]*)/(?P<path>[^?#]+)"
)
_JQUERY = re.compile(
    r"https://code\.jquery\.com/jquery-(?P<version>\d+\.\d+\.\d+)(?P<min>\.min)?\.js"
)


def npm_file(url: str) -> NpmFile | None:
    """The npm file a CDN URL serves, or None if the URL is not a known CDN's npm mirror.

    >>> npm_file("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    NpmFile(package='leaflet', version='1.9.3', path='dist/leaflet.js')
    >>> npm_file("https://code.jquery.com/jquery-3.7.1.min.js")
    NpmFile(package='jquery', version='3.7.1', path='dist/jquery.min.js')
    >>> npm_file("https://tile.openstreetmap.org/7/80/48.png") is None
    True
    """
    if match := _JSDELIVR_NPM.fullmatch(url):
        return NpmFile(match["package"], match["version"], match["path"])
    if match := _JQUERY.fullmatch(url):
        return NpmFile("jquery", match["version"], f"dist/jquery{match['min'] or ''}.js")
    return None


def content_type(url: str) -> str:
    """The content type a CDN sends for ``url``, by extension."""
    suffix = Path(urllib.parse.urlsplit(url).path).suffix.lower()
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def is_loopback(url: str) -> bool:
    """True for URLs that stay on this machine (loopback host, data:, blob:, about:)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "file"}:
        return True
    return parts.hostname in {"127.0.0.1", "localhost", "::1"}


class _References(HTMLParser):
    """URLs in ``<script src>``, ``<link href>`` and ``<img src>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def external_urls(html: str) -> list[str]:
    """Every non-loopback http(s) URL a page loads through its tags, in order, once each.

    >>> external_urls('<link href="https://a.example/x.css"><script src="/local.js"></script>')
    ['https://a.example/x.css']
    """
    parser = _References()
    parser.feed(html)
    parser.close()
    found = (u for u in parser.urls if u.startswith(("http://", "https://", "//")))
    urls = ("https:" + u if u.startswith("//") else u for u in found)
    return list(dict.fromkeys(u for u in urls if not is_loopback(u)))


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as reply:
        return bytes(reply.read())


def _verify(data: bytes, dist: dict[str, str], label: str) -> str:
    """The integrity string ``data`` matched (sha512 SRI, or sha1 shasum for old packages)."""
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        expected = base64.b64decode(integrity.removeprefix("sha512-"))
        if hashlib.sha512(data).digest() != expected:
            raise AssetMissingError(f"{label}: tarball does not match the registry's {integrity}")
        return integrity
    shasum = dist.get("shasum")
    if not shasum or hashlib.sha1(data).hexdigest() != shasum:
        raise AssetMissingError(f"{label}: tarball has no matching integrity in the registry")
    return f"sha1 {shasum}"


class PeerAssets:
    """npm package versions fetched on first use, verified, and kept in ``cache``.

    ``get`` fetches a URL's bytes (the registry's metadata and tarballs); tests pass a
    fake one."""

    def __init__(
        self,
        cache: Path = CACHE,
        *,
        registry: str = REGISTRY,
        get: Callable[[str], bytes] = _get,
    ) -> None:
        self.cache = cache
        self.registry = registry.rstrip("/")
        self._get = get
        self._metadata: dict[str, dict[str, object]] = {}

    def metadata(self, package: str) -> dict[str, object]:
        """The registry's document for ``package`` (all versions), fetched once."""
        if package not in self._metadata:
            quoted = urllib.parse.quote(package, safe="@")
            self._metadata[package] = json.loads(self._get(f"{self.registry}/{quoted}"))
        return self._metadata[package]

    def has_version(self, package: str, version: str) -> bool:
        """Whether the registry holds ``package`` at ``version``."""
        versions = self.metadata(package).get("versions", {})
        return isinstance(versions, dict) and version in versions

    def package_dir(self, package: str, version: str) -> Path:
        """The unpacked, verified package (downloaded on first use)."""
        folder = self.cache / f"{package.replace('/', '+')}@{version}"
        if (folder / ".integrity").is_file():
            return folder
        label = f"{package}@{version}"
        versions = self.metadata(package).get("versions", {})
        if not isinstance(versions, dict) or version not in versions:
            raise AssetMissingError(f"{label} is not on the npm registry")
        dist = versions[version]["dist"]
        data = self._get(dist["tarball"])
        integrity = _verify(data, dist, label)
        self.cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.cache, prefix=".unpack-"))
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
                for member in archive.getmembers():
                    # npm tarballs hold one top folder (usually "package/"): drop it
                    _, _, inner = member.name.partition("/")
                    if not inner or not (member.isfile() or member.isdir()):
                        continue
                    member.name = inner
                    archive.extract(member, staging, filter="data")
            (staging / ".integrity").write_text(integrity + "\n", encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder)
            staging.rename(folder)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        return folder

    def local(self, url: str) -> Path:
        """The local copy of the npm file a CDN URL serves; :class:`AssetMissingError` if the
        URL is not an npm CDN URL or the package version or file is absent."""
        source = npm_file(url)
        if source is None:
            raise AssetMissingError(f"{url} is not served from an npm package")
        folder = self.package_dir(source.package, source.version)
        path = folder / source.path
        unminified = folder / re.sub(r"\.min(\.(?:js|css))$", r"\1", source.path)
        if not path.is_file() and url.startswith(JSDELIVR) and unminified.is_file():
            # jsDelivr minifies X.js into X.min.js on request when the package has no
            # X.min.js: the same code, served here unminified
            return unminified
        if not path.is_file():
            raise AssetMissingError(f"{source.package}@{source.version} has no {source.path}")
        return path

    def mapping(self, urls: Iterable[str]) -> dict[str, Path | NotOnNpm]:
        """URL -> local file, or the reason it is served empty; :class:`AssetMissingError` for
        any URL neither on npm nor listed in :data:`NOT_ON_NPM`."""
        return {url: NOT_ON_NPM.get(url) or self.local(url) for url in urls}


def peer_pages() -> dict[str, str]:
    """The peers' stand-alone pages of the default view (rendered HTML)."""
    from bench.maps import PEER_MAPS
    from geo.dataset import load_dataset
    from layers.briefing.view import View

    dataset = load_dataset()
    return {name: build(dataset, View()).get_root().render() for name, build in PEER_MAPS.items()}


def main() -> None:
    """Fetch what the peers' pages need and print the URL -> file mapping."""
    assets = PeerAssets()
    urls = list(dict.fromkeys(u for html in peer_pages().values() for u in external_urls(html)))
    for url, target in assets.mapping(urls).items():
        if isinstance(target, NotOnNpm):
            absent = ""
            if target.package and target.version:
                on_npm = assets.has_version(target.package, target.version)
                absent = " (checked: absent)" if not on_npm else " (NOW ON NPM: add it)"
            print(f"{url}\n    -> empty {content_type(url)}: {target.reason}{absent}")
        else:
            print(f"{url}\n    -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
