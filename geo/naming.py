"""Naming conventions for places with contested names (Stepanakert / Khankendi, ...)."""

from __future__ import annotations

from geo._errors import StateError
from geo.model import Names

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
    differ from it (``Stepanakert / Khankendi``); other conventions fall back to the
    English form where the chosen form is unknown.

    Examples
    --------
    >>> label(Names(en="Stepanakert", hy="Stepanakert", az="Xankəndi"), "az")
    'Xankəndi'
    """
    check_convention(convention)
    if convention == "dual":
        forms = [names.en]
        forms += [f for f in (names.hy, names.az) if f and f not in forms]
        return " / ".join(forms)
    chosen: str | None = getattr(names, convention)
    return chosen or names.en


def alternatives(names: Names, convention: str = DEFAULT_CONVENTION) -> tuple[str, ...]:
    """Every other known form, for popups and search ("also: ...")."""
    shown = set(label(names, convention).split(" / "))
    return tuple(form for form in names.all() if form not in shown)
