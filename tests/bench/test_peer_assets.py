"""The peers' CDN files: every URL their pages reference is routed, and nothing is served
that the registry did not vouch for (a fake registry; no network)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from bench.peer_assets import (
    NOT_ON_NPM,
    AssetMissingError,
    PeerAssets,
    external_urls,
    npm_file,
)
from bench.peers_browser import Router
from geo.dataset import Dataset
from layers.briefing.view import View

REGISTRY = "https://registry.test"
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class FakeRegistry:
    """One package version whose tarball is ``served``; the metadata vouches for ``vouched``."""

    def __init__(self, package: str, version: str, files: dict[str, bytes]) -> None:
        self.tarball_url = f"{REGISTRY}/{package}/-/x-{version}.tgz"
        self.vouched = self.served = _tarball(files)
        self.package, self.version = package, version
        self.requests: list[str] = []

    def get(self, url: str) -> bytes:
        self.requests.append(url)
        if url == self.tarball_url:
            return self.served
        digest = base64.b64encode(hashlib.sha512(self.vouched).digest()).decode()
        dist = {"tarball": self.tarball_url, "integrity": f"sha512-{digest}"}
        return json.dumps({"versions": {self.version: {"dist": dist}}}).encode()


def _assets(tmp_path: Path, registry: FakeRegistry) -> PeerAssets:
    return PeerAssets(tmp_path / "cache", registry=REGISTRY, get=registry.get)


def test_a_cdn_url_is_answered_from_the_verified_tarball_and_cached(tmp_path: Path) -> None:
    registry = FakeRegistry("leaflet", "1.9.3", {"dist/leaflet.js": b"window.L = {};"})
    assets = _assets(tmp_path, registry)
    assert assets.local(LEAFLET_JS).read_bytes() == b"window.L = {};"
    fetched = len(registry.requests)
    again = _assets(tmp_path, registry)  # a new run: served from the cache on disk
    assert again.local(LEAFLET_JS).read_bytes() == b"window.L = {};"
    assert len(registry.requests) == fetched


def test_a_tarball_that_does_not_match_the_registry_integrity_is_refused(tmp_path: Path) -> None:
    registry = FakeRegistry("leaflet", "1.9.3", {"dist/leaflet.js": b"window.L = {};"})
    registry.served = _tarball({"dist/leaflet.js": b"alert('tampered')"})
    with pytest.raises(AssetMissingError, match="does not match"):
        _assets(tmp_path, registry).local(LEAFLET_JS)
    assert not (tmp_path / "cache" / "leaflet@1.9.3").exists()


def test_a_version_or_file_the_registry_lacks_is_an_error_not_a_blank(tmp_path: Path) -> None:
    registry = FakeRegistry("leaflet", "1.9.4", {"dist/leaflet.js": b"window.L = {};"})
    with pytest.raises(AssetMissingError, match=r"leaflet@1\.9\.3 is not on the npm registry"):
        _assets(tmp_path, registry).local(LEAFLET_JS)
    registry = FakeRegistry("leaflet", "1.9.3", {"dist/leaflet.css": b""})
    with pytest.raises(AssetMissingError, match=r"has no dist/leaflet\.js"):
        _assets(tmp_path, registry).local(LEAFLET_JS)


def test_jsdelivr_minified_name_falls_back_to_the_package_file(tmp_path: Path) -> None:
    registry = FakeRegistry("leaflet.fullscreen", "3.0.0", {"Control.FullScreen.js": b"x"})
    url = "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js"
    assert _assets(tmp_path, registry).local(url).name == "Control.FullScreen.js"


class FakeRoute:
    def __init__(self, url: str) -> None:
        self.request = type("Request", (), {"url": url})()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def fulfill(self, **kwargs: Any) -> None:
        self.calls.append(("fulfill", kwargs))

    def continue_(self) -> None:
        self.calls.append(("continue", {}))

    def abort(self) -> None:
        self.calls.append(("abort", {}))


def test_router_serves_local_copies_and_counts_what_it_could_not(tmp_path: Path) -> None:
    registry = FakeRegistry("leaflet", "1.9.3", {"dist/leaflet.js": b"window.L = {};"})
    router = Router(_assets(tmp_path, registry))
    routes = {
        url: FakeRoute(url)
        for url in (
            LEAFLET_JS,
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/missing.css",
            next(iter(NOT_ON_NPM)),
            "https://tile.openstreetmap.org/7/80/48.png",
            "http://127.0.0.1:8000/page.html",
        )
    }
    for route in routes.values():
        router(route)
    kinds = {url: route.calls[0][0] for url, route in routes.items()}
    assert list(kinds.values()) == ["fulfill", "fulfill", "fulfill", "abort", "continue"]
    served = routes[LEAFLET_JS].calls[0][1]
    assert served["body"] == b"window.L = {};"
    assert served["content_type"] == "application/javascript"
    assert (
        routes["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/missing.css"].calls[0][1]["status"]
        == 404
    )
    assert list(router.missing) == ["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/missing.css"]
    assert routes[next(iter(NOT_ON_NPM))].calls[0][1]["body"] == b""
    assert dict(router.aborted) == {"tile.openstreetmap.org": 1}


def _peer_pages(dataset: Dataset) -> dict[str, str]:
    from bench.maps import PEER_MAPS

    pages = {}
    for name, build in PEER_MAPS.items():
        if name == "leafmap":
            pytest.importorskip("leafmap", reason="leafmap is a bench requirement (make bench)")
        pages[name] = build(dataset, View()).get_root().render()
    return pages


def test_every_url_the_peer_pages_load_is_routed(dataset: Dataset) -> None:
    """A new CDN file in a peer's page (a folium or leafmap upgrade) fails here: it must be
    on npm through a known CDN, or listed in NOT_ON_NPM with the reason."""
    urls = {u for html in _peer_pages(dataset).values() for u in external_urls(html)}
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in urls
    unrouted = sorted(u for u in urls if u not in NOT_ON_NPM and npm_file(u) is None)
    assert unrouted == []
