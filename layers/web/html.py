"""Escaping and HTML fragments for popups, tooltips and the timeline.

Folium puts popup and tooltip text inside JavaScript template literals without escaping
it, so ``${...}`` would run and a backtick would end the string; and branca compiles the
script a map element renders *again* as a Jinja template (``MacroElement.render`` wraps
it in ``Element(template)``), so ``{{ ... }}`` in embedded data would run on the server.
:func:`escape_text` neutralises HTML, template-literal *and* Jinja syntax (braces become
entities); every string from data must pass through it before it reaches the map.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

_TEMPLATE_SYNTAX = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def escape_text(text: object) -> str:
    """HTML-escape ``text`` and neutralise backticks, ``$``, backslashes and braces."""
    return html.escape(str(text), quote=True).translate(_TEMPLATE_SYNTAX)


_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~$"
#: A colon is escaped *and* followed by a word joiner (U+2060, invisible): Streamlit
#: rewrites ``:material/`` in the raw source before Markdown sees the backslash, so an
#: escape alone does not stop ``:material/home:`` icons (nor ``:smile:`` emoji codes).
WORD_JOINER = "\u2060"
_MARKDOWN = str.maketrans({c: "\\" + c for c in _MARKDOWN_SPECIALS} | {":": "\\:" + WORD_JOINER})


def escape_markdown(text: object) -> str:
    """Backslash-escape Markdown (and Streamlit's ``$`` maths, ``:red[...]`` directives and
    ``:material/...:`` icons) so ``text`` shows as typed in ``st.warning``, ``st.error``
    or ``st.caption``."""
    return str(text).translate(_MARKDOWN)


#: The look of :func:`popup_html`'s parts (the box, its field names, its list of
#: sources), described once: the web map's stylesheet carries it as :data:`POPUP_CSS`
#: (rules under ``.bm-popup``, so 2,000 popups do not each repeat it) and documents
#: read without that stylesheet (KML balloons) get it inline.
POPUP_STYLES = {
    "div": "max-width:320px",
    "th": "text-align:left;padding-right:6px;vertical-align:top",
    "ul": "margin:0;padding-left:16px",
}
#: CSS of :data:`POPUP_STYLES`, for a page's stylesheet.
POPUP_CSS = "".join(
    f".bm-popup{'' if part == 'div' else ' ' + part} {{ {rule} }}\n"
    for part, rule in POPUP_STYLES.items()
)


def popup_html(
    title: str,
    details: Iterable[tuple[str, str]],
    sources: Iterable[str],
    *,
    inline_styles: bool = False,
) -> str:
    """A small popup: bold title, a definition table, and the sources (all escaped).

    Its look comes from :data:`POPUP_CSS` (the page must carry it); with
    ``inline_styles`` the same rules come as ``style`` attributes instead, for a
    document that has no stylesheet of ours.
    """
    div, th, ul = (
        (f" style='{POPUP_STYLES[part]}'" if inline_styles else "") for part in ("div", "th", "ul")
    )
    rows = "".join(
        f"<tr><th{th}>{escape_text(field)}</th><td>{escape_text(value)}</td></tr>"
        for field, value in details
    )
    cited = "".join(f"<li>{escape_text(s)}</li>" for s in sources)
    return (
        f"<div class='bm-popup'{div}><b>{escape_text(title)}</b>"
        f"<table>{rows}</table>"
        f"<div><i>Sources</i><ul{ul}>{cited}</ul></div></div>"
    )
