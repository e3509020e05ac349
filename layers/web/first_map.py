"""A static first map in front of the app (issue 25): the default view's map, shown at
once in the app's page while Streamlit boots, and taken away when the live map has
painted.

Streamlit's page is an empty shell until its bundle has loaded, opened its WebSocket, run
the script and laid out the page; the live map's frame paints about 1.5 s after
navigation on the quiet 2-core machine. For a visit to the app's page without any query
state (the default view), the server puts :func:`overlay_html` at the top of ``<body>``
(:func:`with_first_map`, by :mod:`layers.web.first_map_route`): an image of the default
view's map drawn by our own code (:mod:`layers.web.first_image`: SVG, one per zoom the
layout's boxes fit the extent at, served immutable under its digest), the live map's
date stamp and legend as HTML, clearly a preview (a label "Loading the interactive
map…" with the date shown, ``aria-busy``), over the place where the live map will stand.
No script draws it: a fixed script (:data:`SWAP_JS`, no data in it) picks the image of
the box's zoom and places it at the pixel offsets Leaflet will use
(:mod:`geo.leaflet_view`), moves the block onto the live map's frame as soon as that
frame exists, and removes it when the live map's date stamp is written and painted, when
the app shows an error or a dialog, or after :data:`TIMEOUT_MS`: it can never hide the
app or an error. It never takes a click (``pointer-events: none``).

One preview per process (:func:`prepare`, made off the script's thread by the app's first
run, :mod:`ui.static_first`); no page gets an overlay until it is ready. Text from data
reaches the overlay only through :func:`layers.web.html.escape_text` (the images' text:
:mod:`layers.web.first_image`). On unless ``BRIEFING_FIRST_MAP=off``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from layers.web.geojson import zoom_css
from layers.web.html import escape_text

#: The route the preview's images are served under (``<ROUTE>/<digest>.svg``).
ROUTE = "/briefing-first-map"
#: The overlay's label.
LOADING_TEXT = "Loading the interactive map…"
#: The overlay's element id.
OVERLAY_ID = "bm-first-map"
#: The image's ``elementtiming`` name (the benchmark reads its paint by Element Timing).
TIMING_NAME = "bm-first-map"
#: After this long the overlay goes whatever happened (ms after the page started).
TIMEOUT_MS = 10_000
#: Hex digits of an image's digest in its URL.
DIGEST_CHARS = 16

#: The overlay's look; where it stands before the live map's frame exists (where that
#: frame comes: ``ui.layout.MAP_BOXES``) is given to :func:`overlay_html`. The date
#: stamp and the legend look as in the live map (``layers.web.map``'s CSS, Leaflet's
#: control margins; the legend above the scale bar). The block is a compositing layer of
#: its own (``will-change``): its image is rastered once, not again whenever the page
#: under it changes while Streamlit lays it out.
_CSS = """<style>
#bm-first-map { position: absolute; z-index: 99; pointer-events: none; background: #dfe8ee;
  overflow: hidden; font: 12px/1.35 system-ui, sans-serif; color: #222;
  will-change: transform; }
#bm-first-map > img { position: absolute; left: 0; top: 0; max-width: none; visibility: hidden; }
#bm-first-map .bm-control { position: absolute; background: rgba(255,255,255,0.92);
  padding: 4px 6px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
  font-size: 11px; line-height: 1.25; }
#bm-first-map .bm-date-stamp { top: 10px; right: 10px; font-size: 14px; font-weight: 700;
  padding: 3px 8px; }
#bm-first-map .bm-legend-box { left: 10px; bottom: 58px; max-height: calc(100% - 190px);
  overflow: hidden; max-width: 55%; }
#bm-first-map .bm-legend-group { font-weight: 600; margin-top: 4px; }
#bm-first-map p { position: absolute; left: 50%; bottom: 36px; transform: translateX(-50%);
  margin: 0; padding: 4px 10px; border-radius: 4px; background: rgba(255,255,255,0.94);
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 600 13px/1.3 system-ui, sans-serif;
  color: #222; max-width: calc(100% - 24px); width: max-content; text-align: center; }
</style>"""

#: The swap (fixed, no data: the numbers it reads are the overlay's ``data-`` attributes).
#: Shows the image of the box's zoom (Leaflet's ``fitBounds`` zoom of the extent, whose
#: world pixels at zoom 0 are ``data-extent``) at Leaflet's pixel origin, the legend open
#: on a box as wide as the live map opens it, and hides what the live map hides below a
#: zoom (``bm-below-z<N>``); follows the live map's frame, and goes when it has painted,
#: on an error or a dialog, or after :data:`TIMEOUT_MS`. Why it went is left on
#: ``<html>`` as ``data-bm-first-map`` (``live``, ``error``, ``timeout``).
SWAP_JS = """<script>(function () {
  var box = document.getElementById('bm-first-map');
  if (!box) { return; }
  var img = box.querySelector('img');
  var images = JSON.parse(box.getAttribute('data-images'));
  var extent = JSON.parse(box.getAttribute('data-extent'));
  var thresholds = JSON.parse(box.getAttribute('data-zooms'));
  var legendPx = +box.getAttribute('data-legend-px');
  var shownFor = '';
  function show(w, h) {
    if (!w || !h || shownFor === w + 'x' + h) { return; }
    shownFor = w + 'x' + h;
    var zoom = Math.log(Math.min(w / (extent[2] - extent[0]), h / (extent[3] - extent[1])))
      / Math.LN2;
    zoom = Math.round(zoom / 0.0025) * 0.0025;
    zoom = Math.floor(zoom / 0.25) * 0.25;
    var found = null;
    images.forEach(function (im) { if (im[0] === zoom) { found = im; } });
    thresholds.forEach(function (z) { box.classList.toggle('bm-below-z' + z, zoom < z); });
    var details = box.querySelector('details');
    if (details) { details.open = w >= legendPx; }
    if (!found) { img.style.visibility = 'hidden'; return; }
    img.style.left = (found[1] - Math.round(found[3] - w / 2)) + 'px';
    img.style.top = (found[2] - Math.round(found[4] - h / 2)) + 'px';
    if (img.getAttribute('src') !== found[5]) { img.src = found[5]; }
    img.style.visibility = 'visible';
  }
  function measured() { show(box.clientWidth, box.clientHeight); }
  measured();
  window.addEventListener('resize', measured);
  var LIVE = 'iframe[title="streamlit_folium.st_folium"]';
  var ERRORS = '[data-testid="stException"], [data-testid="stAlert"], [role="dialog"]';
  var timer = null;
  function gone(why) {
    if (timer !== null) { clearInterval(timer); timer = null; }
    window.removeEventListener('resize', measured);
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
      show(Math.round(r.width), Math.round(r.height));
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
class Shown:
    """One image of the preview as the page reads it: its zoom, the world pixel of its
    top left corner, the extent's centre's world pixel at that zoom, and its URL."""

    zoom: float
    origin: tuple[int, int]
    centre: tuple[float, float]
    url: str


@dataclass(frozen=True)
class Prepared:
    """The preview of one data version: its images by digest, the block put into the
    app's page and the ``Link`` header preloading the image a viewport will show (empty:
    none)."""

    version: object
    files: Mapping[str, bytes]
    block: bytes
    link: bytes = b""


def overlay_html(
    images: Sequence[Shown],
    extent: tuple[float, float, float, float],
    date_text: str,
    legend: str,
    *,
    box_css: str,
    zooms: Sequence[int] = (),
    legend_px: int = 1100,
) -> str:
    """The overlay: an image of ``images`` (paths of ours) chosen and placed for the box by
    :data:`SWAP_JS` (``extent``: the view's world pixels at zoom 0, west, north, east,
    south), the date stamp ``date_text`` and the label (escaped), the ``legend`` (HTML
    escaped by :mod:`layers.web.legend`, open on a box ``legend_px`` wide), the classes
    hiding what the live map hides below each of ``zooms``, its style (``box_css``: CSS
    rules placing ``#bm-first-map`` where the live map's frame will stand) and the script.

    >>> block = overlay_html([], (0, 0, 1, 1), "<b>1 May</b>", "",
    ...                      box_css="#bm-first-map { top: 0; height: 600px; }")
    >>> "&lt;b&gt;1 May&lt;/b&gt;" in block and "<b>1 May" not in block
    True
    """
    css = _CSS.replace("</style>", f"{box_css}\n{zoom_css(tuple(zooms))}\n</style>")
    rows = [[i.zoom, *i.origin, *i.centre, i.url] for i in images]
    data = {
        "data-images": json.dumps(rows),
        "data-extent": json.dumps(list(extent)),
        "data-zooms": json.dumps([int(z) for z in zooms]),
        "data-legend-px": str(int(legend_px)),
    }
    attrs = " ".join(f"{k}='{escape_text(v)}'" for k, v in data.items())
    date = escape_text(date_text)
    label = f"{escape_text(LOADING_TEXT)} {date}"
    # the stamp and legend are the picture's: read in the label, never focused
    legend_box = f"<div class='bm-control bm-legend-box' inert>{legend}</div>" if legend else ""
    return (
        f"{css}<div id='{OVERLAY_ID}' role='status' aria-busy='true' "
        f"aria-label='{escape_text(LOADING_TEXT)}' {attrs}>"
        f"<img alt='' aria-hidden='true' fetchpriority='high' elementtiming='{TIMING_NAME}'>"
        f"<div class='bm-control bm-date-stamp' inert>{date}</div>{legend_box}"
        f"<p>{label}</p></div>{SWAP_JS}"
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


def digest_of(data: bytes) -> str:
    """An image's content digest as named in its URL."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


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
