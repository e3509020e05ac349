"""Folium's rendered pieces kept as text, not compiled again as Jinja templates.

branca's ``MacroElement.render`` renders an element's ``header``, ``html`` and ``script``
macros and wraps each text in ``Element(text)``, whose constructor compiles that text as a
Jinja template, to be rendered once more when the figure renders: a second template pass
over text that already holds the data. That pass costs the lexing of every group's
script (hundreds of kilobytes of GeoJSON a date change: a tenth of the server's time on
a date change, issue 25), and it is the reason data text has to be kept from reading as
Jinja (README, "What is escaped where"). :func:`keep_rendered_text` replaces that one
method so the rendered text goes to the figure as it is (:class:`Verbatim`); every output
is byte for byte what folium gave for text that holds no template syntax, which the
escaping path guarantees for data (``bench.export_digests`` compares every export).

Installed when :mod:`layers.web.elements` is imported (every module that builds a folium
map or group imports it); :class:`Verbatim` is defined here and used from there.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement


class Verbatim(Element):
    """An element whose text is written into the page as it is.

    branca's ``Element(template=text)`` compiles ``text`` as a Jinja template, so data in
    it would run (``{{ ... }}``) or break the page (``{#``). This element is never
    compiled: use it for every piece of HTML, CSS or script built in Python (data in it
    escaped with :func:`layers.web.html.escape_text` first).
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: object) -> str:
        """The text, unchanged."""
        return self.text


def _render(self: MacroElement, **kwargs: Any) -> None:
    """``MacroElement.render`` of branca 0.8 with the rendered text kept as it is."""
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


#: branca's own method (kept for the tests that compare the two).
branca_render = MacroElement.render


def keep_rendered_text() -> None:
    """Make every ``MacroElement`` hand its rendered pieces to the figure as text
    (idempotent)."""
    MacroElement.render = _render  # type: ignore[method-assign]
