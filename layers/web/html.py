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


#: A popup's pieces, each escaped by :func:`escape_text`: its title, its definition
#: table's cells (field, value, field, value, ...) and its sources.
PopupParts = tuple[str, list[str], list[str]]


def popup_parts(
    title: str, details: Iterable[tuple[str, str]], sources: Iterable[str]
) -> PopupParts:
    """The pieces of :func:`popup_html`, every one escaped by :func:`escape_text` (the one
    escaping path): what a web map's feature carries instead of its popup's HTML, which
    :data:`POPUP_JS` builds from them when the popup opens (the same HTML)."""
    cells = [escape_text(text) for pair in details for text in pair]
    return escape_text(title), cells, [escape_text(s) for s in sources]


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
    return parts_html(popup_parts(title, details, sources), inline_styles=inline_styles)


def parts_html(parts: PopupParts, *, inline_styles: bool = False) -> str:
    """The popup's HTML from its escaped :func:`popup_parts` (as :data:`POPUP_JS` makes
    it in the browser, without ``inline_styles``)."""
    div, th, ul = (
        (f" style='{POPUP_STYLES[part]}'" if inline_styles else "") for part in ("div", "th", "ul")
    )
    title, cells, sources = parts
    rows = "".join(
        f"<tr><th{th}>{field}</th><td>{value}</td></tr>"
        for field, value in zip(cells[::2], cells[1::2], strict=True)
    )
    cited = "".join(f"<li>{source}</li>" for source in sources)
    return (
        f"<div class='bm-popup'{div}><b>{title}</b>"
        f"<table>{rows}</table>"
        f"<div><i>Sources</i><ul{ul}>{cited}</ul></div></div>"
    )


#: Defines ``window.bmPopup(parts)``: the HTML of :func:`parts_html` (no inline styles)
#: from a feature's :func:`popup_parts`, whose text is already escaped; joined here
#: between fixed tags only, so data text stays text (the base map carries it,
#: :class:`layers.web.elements.PopupBuilder`; a popup is built when it opens).
POPUP_JS = """window.bmPopup = function (parts) {
  var html = "<div class='bm-popup'><b>" + parts[0] + "</b><table>", cells = parts[1], i;
  for (i = 0; i + 1 < cells.length; i += 2) {
    html += "<tr><th>" + cells[i] + "</th><td>" + cells[i + 1] + "</td></tr>";
  }
  html += "</table><div><i>Sources</i><ul>";
  for (i = 0; i < parts[2].length; i++) { html += "<li>" + parts[2][i] + "</li>"; }
  return html + "</ul></div></div>";
};"""
