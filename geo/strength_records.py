"""Validation of a site's ``strength`` (sites.yaml, issue 22) into
:class:`geo.model.Strength`: the sourced figure a map writes under a site in force ("1,960
Russian peacekeepers"). Problems are collected by :class:`geo._validate.RecordChecker`;
nothing is raised here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from geo._validate import RecordChecker, shown
from geo.model import Strength

#: Longest strength text of a site (characters).
MAX_STRENGTH_CHARS = 300


def site_strength(check: RecordChecker, sources: Collection[str] | None) -> Strength | None:
    """A site's optional ``strength``: a mapping of ``text`` (one line of plain text) and
    ``sources`` (ids of sources.yaml stating it, at least one; checked against
    ``sources``, the known ids, unless ``None``: sources.yaml did not parse)."""
    if not check.has("strength"):
        return None
    value = check.record.get("strength")
    if not isinstance(value, Mapping) or set(value) - {"text", "sources"}:
        check.problem("strength", f"must be a mapping of text and sources (got {shown(value)})")
        return None
    text, cited = value.get("text"), value.get("sources")
    problems = []
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_STRENGTH_CHARS:
        problems.append(f"text must be one line of 1 to {MAX_STRENGTH_CHARS} characters")
    if not isinstance(cited, list) or not cited or not all(isinstance(s, str) for s in cited):
        problems.append("sources must be a non-empty list of source ids")
    elif sources is not None:
        problems += [f"unknown source id {shown(s)} (not in sources.yaml)" for s in cited
                     if s not in sources]  # fmt: skip
    if problems:
        check.problem("strength", "; ".join(problems))
        return None
    assert isinstance(text, str) and isinstance(cited, list)
    return Strength(text=" ".join(text.split()), sources=tuple(cited))
