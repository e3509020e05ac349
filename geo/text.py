"""Normalise text that comes from data files or from users before anything renders it.

One function, :func:`clean_text`, applied to every string the YAML loader reads
(:func:`geo.io.read_records`) and to user-typed text such as export titles.
"""

from __future__ import annotations

import unicodedata

#: Control characters kept: tab and line feed (a carriage return is dropped, so CRLF -> LF).
_KEPT_CONTROLS = frozenset("\t\n")

#: Unicode categories removed: format characters (Cf: U+FEFF byte-order mark, zero-width
#: space/joiners, U+200E/U+200F, bidi embeddings/overrides/isolates U+202A-U+202E and
#: U+2066-U+2069, soft hyphen), other controls (Cc) and lone surrogates (Cs, which a
#: YAML ``"\\ud800"`` escape can produce and no UTF-8 output can encode).
_REMOVED_CATEGORIES = frozenset({"Cf", "Cc", "Cs"})


def clean_text(text: str) -> str:
    """``text`` in Unicode NFC with invisible format and control characters removed.

    The characters are removed, not replaced: they are invisible, so nothing a reader
    sees is lost, and a replacement mark would show up in every label. The data has no
    script that needs a zero-width joiner (English, Armenian, Azerbaijani, Russian).
    Tabs and line feeds stay.

    Examples
    --------
    >>> clean_text("\\ufeffStepanakert\\u200b")
    'Stepanakert'
    >>> clean_text("Ko\\u0308ln\\u202e")  # NFC composes o + combining diaeresis
    'Köln'
    """
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to do
    visible = "".join(
        char
        for char in text
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in _REMOVED_CATEGORIES
    )
    return unicodedata.normalize("NFC", visible)
