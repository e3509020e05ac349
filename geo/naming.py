"""Naming conventions for places with contested names (Stepanakert / Khankendi, ...)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from geo.errors import StateError
from geo.model import Names

#: Azerbaijani Latin letters as English-language transliteration writes them.
_AZ_TO_ENGLISH = str.maketrans(
    {"ə": "a", "c": "j", "x": "kh", "ş": "sh", "ç": "ch", "ğ": "gh", "ı": "i"}
)

#: Convention id -> label shown to users. ``dual`` is the neutral default.
CONVENTIONS: dict[str, str] = {
    "dual": "Both forms (neutral)",
    "en": "International (English)",
    "hy": "Armenian forms",
    "az": "Azerbaijani forms",
    "ru": "Russian forms",
}
DEFAULT_CONVENTION = "dual"


def check_convention(convention: str) -> str:
    """Return ``convention`` if known, else raise :class:`StateError`."""
    if convention not in CONVENTIONS:
        raise StateError(
            f"unknown naming convention {convention!r} (choose one of {', '.join(CONVENTIONS)})"
        )
    return convention


def label(names: Names, convention: str = DEFAULT_CONVENTION) -> str:
    """The label of a place under ``convention``.

    ``dual`` gives the English form followed by the Armenian and Azerbaijani forms that
    are different names, not just other spellings of it (``Stepanakert / Xankəndi``, but
    ``Lachin / Berdzor`` without ``Laçın``); other conventions fall back to the English
    form where the chosen form is unknown.

    Examples
    --------
    >>> label(Names(en="Stepanakert", hy="Stepanakert", az="Xankəndi"), "az")
    'Xankəndi'
    >>> label(Names(en="Shusha", ru="Shusha", ru_native="Шуша"), "ru")
    'Шуша'
    """
    check_convention(convention)
    if convention == "ru":  # Cyrillic where the data has it, else the transliteration
        return names.ru_native or names.ru or names.en
    if convention == "dual":
        forms = [names.en]
        keys = {_spelling_key(names.en)}
        for form, key in ((names.hy, _spelling_key), (names.az, _azerbaijani_key)):
            if form and key(form) not in keys:
                forms.append(form)
                keys.add(key(form))
        return " / ".join(forms)
    chosen: str | None = getattr(names, convention)
    return chosen or names.en


def language_label(names: Names, convention: str = DEFAULT_CONVENTION) -> str:
    """The name of a country, the oblast or a province (``boundary_names.yaml``) under
    ``convention``: the form of the convention's language in that language's own script.

    These names are one name translated, not rival names (Armenia, Ermənistan, Армения), so
    ``dual`` gives the English form alone, as :func:`label` drops a form that only spells
    the same name another way. ``hy`` writes the Armenian script (``hy_native``; the
    Latin-script ``hy`` of the places holds Armenian names, and a country has none other
    than its English one), ``ru`` the Cyrillic; a form the data lacks falls back to the
    English one.

    >>> armenia = Names(en="Armenia", az="Ermənistan", hy_native="Հայաստան", ru_native="Армения")
    >>> [language_label(armenia, c) for c in CONVENTIONS]
    ['Armenia', 'Armenia', 'Հայաստան', 'Ermənistan', 'Армения']
    >>> language_label(Names(en="Shirak", ru_native="Ширакская область"), "az")
    'Shirak'
    """
    check_convention(convention)
    chosen = {
        "hy": names.hy_native or names.hy,
        "az": names.az,
        "ru": names.ru_native or names.ru,
    }.get(convention)
    return chosen or names.en


#: Azerbaijani (as Turkish) has two i's: dotted i/İ and dotless ı/I. Python's str.upper()
#: maps "i" to "I", which in Azerbaijani is the capital of "ı".
_AZ_UPPER = str.maketrans({"i": "İ", "ı": "I"})


def upper(text: str, names: Names | None = None) -> str:
    """``text`` (a label) in capitals, by the rules of its language: where it is the
    Azerbaijani form of ``names``, "i" becomes "İ" (Türkiyə, TÜRKİYƏ); Armenian and
    Cyrillic letters have capitals of their own (Unicode).

    >>> upper("Türkiyə", Names(en="Turkey", az="Türkiyə"))
    'TÜRKİYƏ'
    >>> upper("İran", Names(en="Iran", az="İran")), upper("Iran", Names(en="Iran", az="İran"))
    ('İRAN', 'IRAN')
    >>> upper("Հայաստան"), upper("Грузия")
    ('ՀԱՅԱՍՏԱՆ', 'ГРУЗИЯ')
    """
    if names is not None and text != names.en and text in (names.az, names.az_native):
        text = text.translate(_AZ_UPPER)
    return text.upper()


def _spelling_key(form: str) -> str:
    """Lowercase letters and digits of a Latin-script form, without diacritics."""
    letters = unicodedata.normalize("NFKD", form.casefold())
    return "".join(c for c in letters if c.isalnum())


def _azerbaijani_key(form: str) -> str:
    """The spelling key of an Azerbaijani form read as English transliteration would
    write it: 'Kəlbəcər' -> 'kalbajar', like 'Kalbajar'.

    So the neutral label shows different names (Stepanakert / Xankəndi), not one name
    twice in two spelling conventions (Shusha / Şuşa).
    """
    return _spelling_key(form.casefold().translate(_AZ_TO_ENGLISH))


def alternatives(names: Names, convention: str = DEFAULT_CONVENTION) -> tuple[str, ...]:
    """Every other known form, for popups and search ("also: ...")."""
    shown = set(label(names, convention).split(" / "))
    return tuple(form for form in names.all() if form not in shown)


def name_span(text: str, english: str) -> tuple[int, int] | None:
    """Where the English form ``english`` first occurs in ``text`` as whole words
    (ignoring case), or ``None``."""
    found = re.search(rf"(?<!\w){re.escape(english)}(?!\w)", text, flags=re.IGNORECASE)
    return found.span() if found else None


def compose(text: str, places: Iterable[Names], convention: str = DEFAULT_CONVENTION) -> str:
    """``text`` (a site name or event title written in English) with the English form of
    each of ``places`` replaced, at its first occurrence, by its :func:`label` in
    ``convention``: data holds the forms, the convention picks them.

    Examples
    --------
    >>> shusha = Names(en="Shusha", hy="Shushi", az="Şuşa", ru_native="Шуша")
    >>> compose("Azerbaijan takes Shusha", [shusha], "dual")
    'Azerbaijan takes Shusha / Shushi'
    >>> compose("Azerbaijan takes Shusha", [shusha], "ru")
    'Azerbaijan takes Шуша'
    """
    check_convention(convention)
    for names in places:
        span = name_span(text, names.en)
        if span is not None:
            text = text[: span[0]] + label(names, convention) + text[span[1] :]
    return text
