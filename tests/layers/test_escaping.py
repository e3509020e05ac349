"""Text from data renders as text: no HTML, no template-literal code, in map or timeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geo.dataset import Dataset, load_dataset
from geo.situation import state_at
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.catalog import LAYER_IDS
from layers.features import layer_features
from layers.web.geojson import feature_collections
from layers.web.groups import feature_groups
from layers.web.html import WORD_JOINER, escape_markdown
from layers.web.map import base_map, standalone_html
from layers.web.timeline_panel import timeline_entries
from tests.conftest import CONTROL, EVENTS, PLACES, SITES, SOURCES, MakeDataDir

EVIL = "Evil <script>alert(1)</script> ${alert(1)} `tick` back\\slash"


@pytest.fixture
def evil_dataset(make_data_dir: MakeDataDir) -> Dataset:
    """The synthetic data with the hostile string in names, notes, quotes and citations."""
    sources = [dict(SOURCES[0], title=EVIL, publisher=EVIL), *SOURCES[1:]]
    places = [dict(PLACES[0], names={"en": EVIL, "az": EVIL + " az"}, note=EVIL), PLACES[1]]
    sites = [dict(SITES[0], name=EVIL, operator=EVIL, note=EVIL)]
    control = [dict(CONTROL[0], area_name=EVIL, note=EVIL), dict(CONTROL[1], area_name=EVIL)]
    events = [dict(EVENTS[0], title=EVIL, quote=EVIL, note=EVIL)]
    folder = make_data_dir(
        sources=sources, places=places, sites=sites, control=control, events=events
    )
    return load_dataset(folder)


def app_map_html(data: Dataset, day: dt.date, convention: str = "dual") -> str:
    frames = layer_features(data, state_at(data, day), LAYER_IDS, convention)
    fmap = base_map(data, DEFAULT_BOUNDS, "vector")
    for group in feature_groups(feature_collections(frames)):
        group.add_to(fmap)
    return str(fmap.get_root().render())


def assert_inert(html: str, amp: str = "&") -> None:
    """No live markup or template-literal syntax; the text is there, escaped.

    ``amp`` is how '&' appears (Folium's tojson writes it as \\u0026 in embedded JSON).
    """
    assert "<script>alert" not in html
    assert "${alert" not in html
    assert "`tick`" not in html
    assert "back\\slash" not in html and "back\\\\slash" not in html
    assert f"{amp}#96;tick{amp}#96;" in html
    assert f"{amp}#36;{amp}#123;alert(1){amp}#125;" in html
    assert f"back{amp}#92;slash" in html


@pytest.mark.parametrize("day", [dt.date(2020, 9, 26), dt.date(2021, 2, 23)])
def test_app_map_renders_hostile_text_as_text(evil_dataset: Dataset, day: dt.date) -> None:
    html = app_map_html(evil_dataset, day)
    assert_inert(html, amp="\\u0026")
    # Folium's tojson turns '&' into \u0026 inside the embedded GeoJSON.
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html


def test_app_map_escapes_the_chosen_naming_convention(evil_dataset: Dataset) -> None:
    html = app_map_html(evil_dataset, dt.date(2021, 2, 23), convention="az")
    assert_inert(html, amp="\\u0026")
    assert '"tooltip": "Evil \\u0026lt;script' in html
    assert "slash az" in html  # the Azerbaijani form was the one labelled


def test_standalone_page_renders_hostile_text_as_text(evil_dataset: Dataset) -> None:
    view = View(day=dt.date(2021, 2, 23), layers=LAYER_IDS, title=EVIL)
    html = standalone_html(evil_dataset, view)
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # title and sources block


def test_timeline_renders_hostile_text_as_text(evil_dataset: Dataset) -> None:
    entries = timeline_entries(evil_dataset, dt.date(2021, 2, 23))
    html = "".join(entry.html for entry in entries)
    assert_inert(html)
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # title, quote, note, source
    assert len(entries) == 1 and entries[0].past


JINJA = "Natural Earth {{ 7*7 }} {% raw %} {# comment"


def test_standalone_page_never_compiles_data_as_a_template(make_data_dir: MakeDataDir) -> None:
    """Citations, names and the title reach the page as text: ``{{ 7*7 }}`` is not 49 and
    ``{%``/``{#`` neither break the export nor swallow text (branca compiles
    ``Element(template)`` text as Jinja, which must never see data)."""
    sources = [dict(SOURCES[0], title=JINJA, publisher=JINJA), *SOURCES[1:]]
    places = [dict(PLACES[0], names={"en": JINJA}), PLACES[1]]
    folder = make_data_dir(sources=sources, places=places)
    view = View(day=dt.date(2021, 2, 23), layers=LAYER_IDS, title=JINJA)
    html = standalone_html(load_dataset(folder), view)
    assert "Natural Earth 49" not in html
    assert html.count("Natural Earth &#123;&#123; 7*7 &#125;&#125; &#123;% raw %&#125;") >= 2
    assert "Sources</h2>" in html and "bm-page" in html


def test_app_map_never_compiles_data_as_a_template(make_data_dir: MakeDataDir) -> None:
    """branca renders a map element's script and compiles it again as Jinja: data in the
    embedded GeoJSON must not be read as a template (nor break the render)."""
    places = [dict(PLACES[0], names={"en": JINJA}, note=JINJA), PLACES[1]]
    sources = [dict(SOURCES[0], title=JINJA), *SOURCES[1:]]
    data = load_dataset(make_data_dir(sources=sources, places=places))
    html = app_map_html(data, dt.date(2021, 2, 23), convention="en")
    braces = "&#123;&#123; 7*7 &#125;&#125; &#123;% raw %&#125; &#123;# comment"
    assert braces.replace("&", "\\u0026") in html  # tojson writes '&' as \u0026
    assert "Natural Earth 49" not in html


#: Text that Markdown would turn into a heading, a link, an outside image, a coloured
#: span, an icon and an emoji if it ever left the raw-HTML block or its escaping.
MARKDOWN_EVIL = (
    "first line\n\n# heading\n\n[link](https://example.invalid) "
    "![i](https://example.invalid/p.gif)\r\n\r\n:red[x] :material/home: :smile: end"
)


def streamlit_source(body: str) -> str:
    """What Streamlit's Markdown component parses: it rewrites icon codes in the raw
    source first (StreamlitMarkdown: ``replaceAll(':material/', ':material_')``)."""
    return body.replace(":material/", ":material_")


def test_timeline_card_is_one_html_block_that_data_cannot_end(make_data_dir: MakeDataDir) -> None:
    events = [dict(EVENTS[0], title=MARKDOWN_EVIL, quote=MARKDOWN_EVIL, note=MARKDOWN_EVIL)]
    sources = [dict(SOURCES[0], title=MARKDOWN_EVIL), *SOURCES[1:]]
    data = load_dataset(make_data_dir(events=events, sources=sources))
    (entry,) = timeline_entries(data, dt.date(2021, 2, 23))
    # A CommonMark HTML block ends at the first blank line: the card has no line break.
    assert "\n" not in entry.html and "\r" not in entry.html
    assert entry.html.startswith("<div") and entry.html.endswith("</div>")
    assert streamlit_source(entry.html) == entry.html  # no icon code for Streamlit to rewrite
    # title, quote, note, and the source cited twice (sources, quote source)
    assert entry.html.count("first line<br><br># heading<br><br>[link]") == 5
    assert "example.invalid/p.gif)<br><br>&#58;red[x] &#58;material/home&#58;" in entry.html


def test_escaped_markdown_has_no_link_image_directive_icon_or_emoji() -> None:
    source = streamlit_source(escape_markdown(MARKDOWN_EVIL))
    text = re.sub(r"\\(.)", r"\1", source)  # the text nodes after Markdown's unescaping
    assert ":material_" not in text and ":material/" not in text
    assert not re.search(r":[\w+-][\w_+-]*:", text)  # emoji short codes
    assert not re.search(r":\w+\[", text)  # :red[...] directives
    assert not re.search(r"(?<!\\)[\[\]()!#]", source)  # links, images, headings
    assert text.replace(WORD_JOINER, "") == MARKDOWN_EVIL  # shown as typed


def test_earlier_event_counts_render_hostile_text_as_text(hostile_dataset: Dataset) -> None:
    """Above the map's event limit the earlier events are drawn as counts per area, whose
    popups carry the latest event's title and every citation: the hostile strings stay
    text there too (the fixture has too few events to reach the limit on its own)."""
    from tests.hostile import IMG, JINJA, SCRIPT

    day = dt.date(2021, 2, 23)
    frames = layer_features(
        hostile_dataset, state_at(hostile_dataset, day), LAYER_IDS, "dual", event_limit=3
    )
    counted = [f for f in frames["events"].itertuples() if f.style_key == "event-earlier"]
    assert counted and any(IMG in f.label or IMG in str(f.details) for f in counted)
    fmap = base_map(hostile_dataset, DEFAULT_BOUNDS, "vector")
    for group in feature_groups(feature_collections(frames)):
        group.add_to(fmap)
    html = str(fmap.get_root().render())
    assert "earlier events in this area" in html or "earlier event in this area" in html
    assert IMG not in html and SCRIPT not in html and "${alert" not in html
    assert JINJA not in html  # neither compiled (49) nor left as a template tag
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html  # shown, escaped
