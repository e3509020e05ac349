"""A static first map in front of the app (issue 25): the default view's map, shown at
once in the app's page while Streamlit boots, and taken away when the live map has
painted.

Streamlit's page is an empty shell until its bundle has loaded, opened its WebSocket, run
the script and laid out the page; the live map's frame paints 1.6-1.9 s after navigation
on the quiet 2-core machine. For a visit to the app's page without any query state (the
default view), the server puts :func:`overlay_html` at the top of ``<body>``
(:func:`with_first_map`, by :mod:`layers.web.first_map_route`): an ``<iframe>`` of the
default view's map as a page of its own (:func:`layers.web.map.preview_html`: the same
layers, day, naming and extent as the live map, made by the same code as the standalone
export, Leaflet from the files the page already preloads), clearly a preview (a label
"Loading the interactive map…" with the date shown, ``aria-busy``), over the place where
the live map will stand. A fixed script (:data:`SWAP_JS`, no data in it) moves it onto the
live map's frame as soon as that frame exists, and removes it when the live map's date
stamp is written and painted, when the app shows an error or a dialog, or after
:data:`TIMEOUT_MS`: it can never hide the app or an error. It never takes a click
(``pointer-events: none``).

One preview per process (:func:`prepare`, made off the script's thread by the app's first
run, :mod:`ui.static_first`), named by the digest of its page; no page gets an overlay
until it is ready. Text from data reaches the overlay only through
:func:`layers.web.html.escape_text`. Off unless ``BRIEFING_FIRST_MAP=on``
(:mod:`ui.static_first` says why).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from layers.web.html import escape_text

#: The route the preview's page is served under (``<ROUTE>/<digest>.html``).
ROUTE = "/briefing-first-map"
#: The preview frame's title (the live map's frame is streamlit-folium's
#: ``streamlit_folium.st_folium``: tests and the benchmark tell them apart by it).
FRAME_TITLE = "Map preview (static, while the interactive map loads)"
#: The overlay's label.
LOADING_TEXT = "Loading the interactive map…"
#: The overlay's element id.
OVERLAY_ID = "bm-first-map"
#: After this long the overlay goes whatever happened (ms after the page started).
TIMEOUT_MS = 10_000
#: Hex digits of the page's digest in its URL.
DIGEST_CHARS = 16

#: Where the overlay stands before the live map's frame exists: where that frame comes on
#: a laptop's or desktop's screen (the sidebar's 300 px and the main column's 1 rem at the
#: left, the header and the date row above, the map's height of :mod:`ui.layout`); on a
#: phone below the header. ``{height}`` and ``{phone_height}`` are CSS lengths.
_CSS = """<style>
#bm-first-map { position: absolute; z-index: 99; top: 212px; left: 316px; right: 16px;
  height: {height}; pointer-events: none; background: #dfe8ee; }
@media (max-width: 1399px) { #bm-first-map { top: 268px; } }
@media (max-width: 767px) { #bm-first-map { left: 16px; top: 355px; height: {phone_height}; } }
#bm-first-map iframe { border: 0; width: 100%; height: 100%; display: block; }
#bm-first-map p { position: absolute; left: 50%; bottom: 36px; transform: translateX(-50%);
  margin: 0; padding: 4px 10px; border-radius: 4px; background: rgba(255,255,255,0.94);
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 600 13px/1.3 system-ui, sans-serif;
  color: #222; max-width: calc(100% - 24px); width: max-content; text-align: center; }
</style>"""

#: The swap (fixed, no data): follow the live map's frame, go when it has painted, on an
#: error or a dialog, or after :data:`TIMEOUT_MS`. Why it went is left on ``<html>`` as
#: ``data-bm-first-map`` (``live``, ``error``, ``timeout``).
SWAP_JS = """<script>(function () {
  var box = document.getElementById('bm-first-map');
  if (!box) { return; }
  var later = box.querySelector('iframe[data-src]');
  if (later) {  // loaded once the page's own scripts have run (its DOMContentLoaded)
    document.addEventListener('DOMContentLoaded', function () {
      later.src = later.getAttribute('data-src');
    });
  }
  var LIVE = 'iframe[title="streamlit_folium.st_folium"]';
  var ERRORS = '[data-testid="stException"], [data-testid="stAlert"], [role="dialog"]';
  var timer = null;
  function gone(why) {
    if (timer !== null) { clearInterval(timer); timer = null; }
    if (box.parentNode) { box.parentNode.removeChild(box); }
    document.documentElement.setAttribute('data-bm-first-map', why);
  }
  function stamped(frame) {
    var doc = null;
    try { doc = frame.contentDocument; } catch (e) { return false; }
    var stamp = doc && doc.querySelector('.bm-date-stamp');
    return !!(stamp && stamp.textContent);
  }
  timer = setInterval(function () {
    if (performance.now() > TIMEOUT) { return gone('timeout'); }
    if (document.querySelector(ERRORS)) { return gone('error'); }
    var live = document.querySelector(LIVE);
    if (!live) { return; }
    var r = live.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      box.style.top = (r.top + window.scrollY) + 'px';
      box.style.left = (r.left + window.scrollX) + 'px';
      box.style.width = r.width + 'px';
      box.style.height = r.height + 'px';
    }
    if (stamped(live)) {
      clearInterval(timer); timer = null;
      requestAnimationFrame(function () { requestAnimationFrame(function () {
        gone('live');
      }); });
    }
  }, 25);
})();</script>""".replace("TIMEOUT", str(TIMEOUT_MS))

_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Prepared:
    """The preview of one data version: its page and the block put into the app's page."""

    version: object
    page: bytes
    digest: str
    block: bytes

    @property
    def url(self) -> str:
        """The page's URL on the app's server."""
        return f"{ROUTE}/{self.digest}.html"


def overlay_html(
    url: str, date_text: str, *, height: str, phone_height: str, deferred: bool = False
) -> str:
    """The overlay: the preview frame of ``url`` (a path of ours), the label with
    ``date_text`` (escaped), its style and :data:`SWAP_JS`. A ``deferred`` frame starts
    loading when the app's page has run its own scripts (DOMContentLoaded), not at once.

    >>> block = overlay_html("/p.html", "<b>1 May</b>", height="600px", phone_height="320px")
    >>> "&lt;b&gt;1 May&lt;/b&gt;" in block and "<b>1 May" not in block
    True
    """
    css = _CSS.replace("{height}", height).replace("{phone_height}", phone_height)
    label = f"{escape_text(LOADING_TEXT)} {escape_text(date_text)}"
    return (
        f"{css}<div id='{OVERLAY_ID}' role='status' aria-busy='true' "
        f"aria-label='{escape_text(LOADING_TEXT)}'>"
        f"<iframe title='{escape_text(FRAME_TITLE)}' {'data-src' if deferred else 'src'}="
        f"'{escape_text(url)}' sandbox='allow-scripts' "
        f"tabindex='-1' aria-hidden='true'></iframe><p>{label}</p></div>{SWAP_JS}"
    )


def with_first_map(page: bytes, block: bytes) -> bytes:
    """``page`` with ``block`` right after its ``<body>`` tag; unchanged unless the page
    has exactly one.

    >>> with_first_map(b"<html><body class='x'><div></div></body>", b"<p>")
    b"<html><body class='x'><p><div></div></body>"
    >>> with_first_map(b"<html><p>no body</p></html>", b"<p>")
    b'<html><p>no body</p></html>'
    """
    found = list(_BODY.finditer(page))
    if len(found) != 1:
        return page
    end = found[0].end()
    return page[:end] + block + page[end:]


def digest_of(page: bytes) -> str:
    """The page's content digest as named in its URL."""
    return hashlib.sha256(page).hexdigest()[:DIGEST_CHARS]


logger = logging.getLogger("briefing.first_map")

_LOCK = threading.Lock()
_state: dict[str, Prepared | object] = {}


def current() -> Prepared | None:
    """The preview ready in this process, if any."""
    found = _state.get("ready")
    return found if isinstance(found, Prepared) else None


def prepare(version: object, build: Callable[[], Prepared]) -> bool:
    """Make the preview of data ``version`` with ``build`` in a thread of its own, unless
    it is ready, being made or failed for that version; whether a thread was started.
    The ready preview of an older version is served until the new one replaces it; a
    failure is logged (the app's page is then served as it is)."""
    with _LOCK:
        ready = current()
        if (ready is not None and ready.version == version) or version in (
            _state.get("making"),
            _state.get("failed"),
        ):
            return False
        _state["making"] = version

    def work() -> None:
        made: Prepared | None = None
        try:
            made = build()
        except Exception:  # last resort: the page is served without a preview
            logger.exception("the static first map could not be made")
        with _LOCK:
            _state.pop("making", None)
            if made is None:
                _state["failed"] = version
            else:
                _state["ready"] = made

    threading.Thread(target=work, name="first-map-preview", daemon=True).start()
    return True


def forget() -> None:
    """Drop the ready preview (tests)."""
    with _LOCK:
        _state.clear()
