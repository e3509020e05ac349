"""Documented constants shared by the core. Nothing here is per-user state."""

from __future__ import annotations

import datetime as dt
import logging
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
#: Communities (villages and towns) of the former oblast with the side holding each from a
#: date (issue 21): read after places.yaml, before sites.yaml, whose recipes may name the
#: areas derived from them (data/SCHEMA.md, "Control from the communities").
COMMUNITIES_FILE = "communities.yaml"
#: Published figures of the area each side held, checked against the map (issue 21).
FIGURES_FILE = "figures.yaml"

#: Geographic CRS of every layer the core returns.
CRS = "EPSG:4326"

#: Metric CRS used for buffers and nearest points (UTM zone 38N covers 42-48 E well).
METRIC_CRS = "EPSG:32638"

#: Region of interest, (min lon, min lat, max lon, max lat): a documented setting, not
#: data. It is the extract ``data/boundaries.gpkg`` and ``data/ground.gpkg`` are cut to
#: (``make data``, ``make ground``) and bounds every extent a view may show; changing it
#: means rebuilding both files (data/SCHEMA.md, "Holders and region").
REGION_BBOX: tuple[float, float, float, float] = (39.0, 37.5, 51.0, 43.5)

#: The subject article and its date: the map's default day (kept within the span of the
#: data, :attr:`geo.dataset.Dataset.default_day`) and the source every map cites.
ARTICLE_SOURCE_ID = "warsaw-2021-02-23"
ARTICLE_DATE = dt.date(2021, 2, 23)

#: The boundaries' source record; like the article, the map cites it on every page.
NATURAL_EARTH_SOURCE_ID = "natural-earth-4-1-0"
REQUIRED_SOURCE_IDS: tuple[str, ...] = (ARTICLE_SOURCE_ID, NATURAL_EARTH_SOURCE_ID)
#: Gazetteer places the article's story turns on (the peacekeepers' headquarters, the
#: town taken on 8 November 2020 and the corridor's town): every map drawing them names
#: them, whatever else must yield (:mod:`layers.story`, issue 22).
KEY_PLACES: tuple[str, ...] = ("stepanakert", "shusha", "lachin")

#: The map's span is not a setting: it runs from the first to the last dated record of
#: the data, and to today while any period is open (:attr:`geo.dataset.Dataset.span`).
#: Records must only lie within these loose sanity bounds (a typo such as 2202-11-10 is
#: refused; data/SCHEMA.md).
EARLIEST_RECORD_DATE = dt.date(1900, 1, 1)
LATEST_RECORD_DATE = dt.date(2100, 12, 31)

#: Environment variable that fixes "today" (``YYYY-MM-DD``) for :func:`today`: the last
#: day of a span with open periods. The tests and reproducible exports set it.
TODAY_ENV = "BRIEFING_TODAY"

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
    # Copies met by the research on the communities (issue 21 item 1): Wikipedia mirrors,
    # proxies, machine translations and offline (kiwix) copies, and news reposts.
    "98.80.38.242",
    "osmarks.net",
    "alem.dynip.sapo.pt",
    "artikeldigital.com",
    "710302.xyz",
    "cryer.org.uk",
    "knowledgr.com",
    "qwe.wiki",
    "wikial.top",
    "wiki.x.io",
    "enwikipedia.net",
    "explained.today",
    "knowledger.de",
    "friendlywiki.com",
    "hessslslslsls.azureedge.net",
    "home.cydlabs.com",
    "iiab.me",
    "jablog.org",
    "jmediawiki.org",
    "kampuspedia.com",
    "kihulane.eu",
    "kiwix.haohe.fun",
    "lmno.pp.ua",
    "n.global.ssl.fastly.net",
    "perceptioda.com",
    "perceptiode.com",
    "perceptioes.com",
    "perceptiofr.com",
    "perceptionl.com",
    "perceptiopt.com",
    "perceptioro.com",
    "profilpelajar.com",
    "frwiki.wiki",
    "qaz.wiki",
    "review.clateway.com",
    "russianwiki.com",
    "sagapedia.com",
    "soft.lk",
    "the-uncensored-wiki.com",
    "theinfolist.com",
    "wikijaa.ru",
    "wiki.inamatrix.xyz",
    "wiki.outremer.quest",
    "wiki.riteme.site",
    "wikiclassic.com",
    "wikipedia.bradmurray.com",
    "wikipedia.cloudix.cabillot.eu",
    "wikizero.com",
    "wikizero.org",
    "wonilvalve.com",
    "zhwiki.oracleblog.org",
    "armenianclub.com",  # reposts of NEWS.am, CivilNet, Asbarez
    "bcvasundhra.blogspot.com",
    "menafn.com",  # syndicated agency reports
    "ria24.today",  # reposts of Sputnik Armenia
    "embedy.cc",
    "groups.google.com",  # forum posts reproducing other pages
    # Copies met by the research on the story to today (issue 23): Wikipedia mirrors and
    # offline copies, an RSS mirror, a site mirror, press-release reposts, aggregators.
    "the-uncensored-wiki.com",
    "duhoctrungquoc.vn",
    "rssing.com",
    "vecto.digital",
    "ieu-monitoring.com",
    "einpresswire.com",
    "buzzplus.fr",
    "asian-news.net",
    # met for the roads, rivers and lakes of issue 21 (December 2026)
    "haohe.fun",  # kiwix snapshots of Wikipedia
    "restivo.info",
    "qwertyu.wiki",
    "jmedia.wiki",
    "zxc.wiki",
    "de-academic.com",
    "en-academic.com",
    "wikiup.org",
    "206.189.44.186",  # a proxy of pl.wikipedia.org
    "kidzsearch.com",
    "thefreedictionary.com",  # hosts other publishers' encyclopedias
    # met for the ground around Gyumri (issue 21, December 2026)
    "keenetic.name",  # kiwix snapshots of Wikipedia
)

#: Sources may be dated from this day up to the real today (a later report about earlier
#: events is fine; :func:`today`'s override does not apply to them).
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

#: Holders of territory in control.yaml, each with the words exports use for it: a
#: documented setting (data/SCHEMA.md, "Holders and region"). A new holder is one entry
#: here plus a palette style ``control-<holder>`` in layers/styles.py (a test checks both).
HOLDER_LABELS: dict[str, str] = {
    "armenian": "Armenian forces",
    "azerbaijani": "Azerbaijan",
}
HOLDERS: tuple[str, ...] = tuple(HOLDER_LABELS)

#: Sides a community's held period may name (communities.yaml): a holder, or ``unknown``
#: where the sources read do not say who held it from that day (no area is drawn).
COMMUNITY_SIDES: tuple[str, ...] = (*HOLDERS, "unknown")

#: Soviet-era raions of the NKAO a community was in (``stepanakert``: the oblast's capital
#: city); the areas inside the former oblast are drawn from these communities only.
NKAO_REGIONS: tuple[str, ...] = (
    "askeran",
    "hadrut",
    "martakert",
    "martuni",
    "shusha",
    "stepanakert",
)
#: Regions of communities outside the oblast (one of the seven surrounding districts):
#: drawn on the villages layer and checked against the districts' control records.
DISTRICT_REGIONS: tuple[str, ...] = (
    "aghdam-district",
    "fuzuli-district",
    "jabrayil-district",
    "zangilan-district",
    "qubadli-district",
    "lachin-district",
    "kalbajar-district",
)

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
    # after the article (issue 23): missions and borders
    "eu-mission-base",
    "eu-mission-area",
    "border-post",
    "checkpoint",
    "transit-route",
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

#: Kinds of place that name an area drawn from the boundaries (their point is only the
#: administrative centre): maps label the area, and tables of places that changed hands
#: leave them out (the area's own row says how much of it changed, issue 22).
BOUNDARY_NAME_KINDS: tuple[str, ...] = ("district", "province", "region", "country")

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

#: Names of boundary features (countries, the oblast, provinces) in each language (issue
#: 22). Optional: without it they are named in English.
BOUNDARY_NAMES_FILE = "boundary_names.yaml"

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


def today() -> dt.date:
    """Today, the last day of a span with open periods: ``$BRIEFING_TODAY``
    (``YYYY-MM-DD``) when set, else the system's date. An override that is not a date
    is ignored with a warning in the log.

    >>> saved = os.environ.get(TODAY_ENV)
    >>> os.environ[TODAY_ENV] = "2030-06-01"
    >>> today()
    datetime.date(2030, 6, 1)
    >>> _ = os.environ.pop(TODAY_ENV) if saved is None else os.environ.update({TODAY_ENV: saved})
    """
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            logger = logging.getLogger(__name__)
            logger.warning("%s=%r is not YYYY-MM-DD: ignored", TODAY_ENV, fixed)
    return dt.date.today()
