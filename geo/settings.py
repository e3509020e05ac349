"""Documented constants shared by the core. Nothing here is per-user state."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

#: Folder holding the committed data files (see data/SCHEMA.md).
DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"

#: The GeoPackage produced by ``python -m geo.build_boundaries``.
BOUNDARIES_FILE = "boundaries.gpkg"

#: The GeoPackage of rivers and lakes produced by ``python -m geo.build_ground``.
GROUND_FILE = "ground.gpkg"

#: Curated files, in the order they are validated (sources first: others cite them).
SOURCES_FILE = "sources.yaml"
PLACES_FILE = "places.yaml"
SITES_FILE = "sites.yaml"
CONTROL_FILE = "control.yaml"
EVENTS_FILE = "events.yaml"

#: Geographic CRS of every layer the core returns.
CRS = "EPSG:4326"

#: Metric CRS used for buffers and nearest points (UTM zone 38N covers 42-48 E well).
METRIC_CRS = "EPSG:32638"

#: Region of interest, (min lon, min lat, max lon, max lat).
REGION_BBOX: tuple[float, float, float, float] = (39.0, 37.5, 51.0, 43.5)

#: The subject article and its date: the map's default day.
ARTICLE_SOURCE_ID = "warsaw-2021-02-23"
ARTICLE_DATE = dt.date(2021, 2, 23)

#: The boundaries' source record; like the article, the map cites it on every page.
NATURAL_EARTH_SOURCE_ID = "natural-earth-4-1-0"
REQUIRED_SOURCE_IDS: tuple[str, ...] = (ARTICLE_SOURCE_ID, NATURAL_EARTH_SOURCE_ID)

#: The span the date control covers.
FIRST_DATE = dt.date(1991, 1, 1)
LAST_DATE = ARTICLE_DATE

#: Hosts whose pages copy another publisher's page: Wikipedia mirrors, proxies and
#: offline copies, reposts of news-agency reports. A source whose ``url`` is on one of
#: them (or a subdomain) must say why in ``mirror_reason`` (data/SCHEMA.md, issue 21):
#: the original page is cited instead wherever a copy of it could be read.
MIRROR_HOSTS: tuple[str, ...] = (
    # Wikipedia mirrors, proxies and offline copies
    "piglix.com",
    "sco.wikipedia.org",  # Scots Wikipedia: copies of English articles
    "paperai.life",
    "wiki7.org",
    "eudic.net",
    "pinocchiopedia.com",
    "wikizero.net",
    "wiki.li",
    "kiwix.lema.org",
    "askwikinow.com",
    "anarim.az",
    "wikipedia-on-ipfs.org",
    "dweb.link",
    "ipfs.io",
    "wikimili.com",
    "wiki-org.ru",
    "wikisum.wiki",
    "studentb.eu",
    "memim.com",
    "wiki4.ru",
    "wikiwand.com",
    "infogalactic.com",
    "academic.ru",
    # copies of other texts (encyclopedias, UN documents) and reposts of news reports
    "vseslova.com.ua",
    "lawglobalhub.com",
    "ukobiw.net",  # copies of Los Angeles Times archive pages
    "armeniandiaspora.com",
    "hyetert.org",
    "caucasusrecord.com",
    "garabagh.net",
    # met for the roads, rivers and lakes of issue 21 (December 2026)
    "haohe.fun",  # kiwix snapshots of Wikipedia
    "qaz.wiki",
    "710302.xyz",
    "restivo.info",
    "qwertyu.wiki",
    "jmedia.wiki",
    "zxc.wiki",
    "de-academic.com",
    "en-academic.com",
    "wikiup.org",
    "206.189.44.186",  # a proxy of pl.wikipedia.org
    "kidzsearch.com",
    "wiki.x.io",
    "thefreedictionary.com",  # hosts other publishers' encyclopedias
    "armenianclub.com",  # reposts of CivilNet and TASS reports
)

#: Sources may be dated from this day up to today (a later report about earlier events is
#: fine); records shown on the map must lie between FIRST_DATE and LAST_DATE.
EARLIEST_SOURCE_DATE = dt.date(1900, 1, 1)

#: Limits on data files (README "Limits on data files"). The curated files are under
#: 20 KB each and the growth benchmark's largest synthetic events.yaml (10,000 events) is
#: 3 MB; a bigger file is refused unread. PyYAML's pure-Python parser needs about 3 s
#: per MB on the 2-core CI machine, so this bounds a reload after an edit.
MAX_DATA_FILE_BYTES = 5 * 1024 * 1024

#: Deepest nesting of lists and mappings in a data file (the data needs 5 levels);
#: deeper input is refused before it can exhaust Python's recursion limit.
MAX_YAML_DEPTH = 32

#: Longest integer literal, in digits (coordinates and distances need a handful).
MAX_NUMBER_DIGITS = 30

#: A DataError message lists at most this many problems, then "... and N more problems";
#: each problem is cut to MAX_PROBLEM_CHARS characters.
MAX_PROBLEMS_SHOWN = 50
MAX_PROBLEM_CHARS = 500

#: Allowed values of the ``status`` field, from surest to least sure.
STATUSES: tuple[str, ...] = ("confirmed", "reported", "proposed", "approximate")

#: Allowed date precisions.
PRECISIONS: tuple[str, ...] = ("day", "month", "season", "year")

#: Holders of territory in control.yaml.
HOLDERS: tuple[str, ...] = ("armenian", "azerbaijani")

#: Kinds of site in sites.yaml.
SITE_KINDS: tuple[str, ...] = (
    "base",
    "air-base",
    "proposed-deployment",
    "peacekeeping-hq",
    "peacekeeping-zone",
    "corridor",
    "monitoring-centre",
    "exercise",
)

#: Kinds of place in places.yaml.
PLACE_KINDS: tuple[str, ...] = (
    "city",
    "town",
    "village",
    "district",
    "province",
    "region",
    "airport",
    "border-point",
)

#: Name keys a place may carry (see data/SCHEMA.md).
NAME_KEYS: tuple[str, ...] = ("en", "hy", "az", "ru", "hy_native", "az_native", "ru_native")

#: Folder (under the user's cache folder, ``$XDG_CACHE_HOME`` or ``~/.cache``) of the
#: validated-dataset cache of the command line (:mod:`geo.dataset_cache`); never in data/.
CACHE_FOLDER_NAME = "south-caucasus-briefing"
#: Most validated datasets kept there (each about 1 MB; the oldest go first).
MAX_CACHED_DATASETS = 4


def cache_dir() -> Path:
    """The folder of the dataset cache: ``$XDG_CACHE_HOME/south-caucasus-briefing``, or
    ``~/.cache/south-caucasus-briefing`` when that variable is unset or not absolute."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / CACHE_FOLDER_NAME

# --- Ground: roads and railways, named waters (issue 21) ------------------------------

#: Curated routes (roads, railways) and the names of rivers and lakes of GROUND_FILE.
#: Both are optional: a data folder without them has no routes and unnamed waters.
ROUTES_FILE = "routes.yaml"
WATERS_FILE = "waters.yaml"

#: Kinds of route in routes.yaml: a road, a railway in service, a railway out of use (its
#: track bed). Transit routes agreed or proposed (TRIPP) are sites of their own kind.
ROUTE_KINDS: tuple[str, ...] = ("road", "railway", "former-railway")

#: Layers of GROUND_FILE and the columns each must have.
GROUND_LAYERS: dict[str, tuple[str, ...]] = {
    "rivers": ("class", "class_name"),
    "lakes": ("area_km2",),
}

#: The ground's source record (GSHHG 2.3.7 through GMT), cited by every river and lake.
GSHHG_SOURCE_ID = "gshhg-2-3-7"
