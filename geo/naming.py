"""Naming conventions for places with contested names (Stepanakert / Khankendi, ...)."""

from __future__ import annotations

import unicodedata

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
    """
    check_convention(convention)
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
