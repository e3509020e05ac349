"""YAML text read safely: the records of a data file and a user's documents (decks).

PyYAML's safe loaders, hardened: every mapping records the line it starts on, anchors
and aliases are refused before anything expands, nesting and number lengths are
bounded, repeated keys are refused (data files) or reported (documents). Pure: the text
comes from :mod:`geo.io` (data files) or from an upload; errors are
:class:`~geo.errors.DataError` naming the file and the line.
"""

from __future__ import annotations

from typing import Any, cast

import yaml

from geo import settings
from geo.errors import DataError
from geo.text import clean_text

#: Key added to every YAML mapping: the 1-based line it starts on.
LINE_KEY = "__line__"

_ALIASES_REFUSED = (
    "anchors and aliases (&name, *name) are not allowed in data files; write each value out"
)


#: PyYAML's safe loader on libyaml (about 5x faster on 10,000 records) where PyYAML was
#: built with it, else its pure-Python one: the same events, nodes and marks.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DataLoader(_SafeLoader):  # type: ignore[misc]
    """A safe YAML loader for data files.

    It records the line each mapping starts on, passes every string through
    :func:`geo.text.clean_text`, keeps dates as text (the validator parses them and
    names the field), and refuses, with the line, what a data file never needs and a
    hostile one uses: anchors and aliases (refused before anything expands), duplicate
    keys, nesting deeper than :data:`geo.settings.MAX_YAML_DEPTH` and integers longer than
    :data:`geo.settings.MAX_NUMBER_DIGITS` digits. libyaml composes nodes without asking
    Python, so :func:`parse_records` runs :func:`_check_events` over the event stream
    first (flat, no recursion, nothing expanded); nodes are built only after it passed.
    """


_TOO_DEEP = f"nested deeper than {settings.MAX_YAML_DEPTH} levels of lists and mappings"


def _refuse(event: yaml.Event, depth: int, *, aliases: bool) -> None:
    """Raise for an anchor or alias (if ``aliases``), or for a node nested too deeply."""
    anchored = isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None
    if aliases and anchored:
        raise yaml.composer.ComposerError(None, None, _ALIASES_REFUSED, _mark(event))
    if depth >= settings.MAX_YAML_DEPTH:
        raise yaml.composer.ComposerError(None, None, _TOO_DEEP, _mark(event))


def _mark(event: yaml.Event) -> yaml.Mark | None:
    """The event's start (libyaml's marks have the same ``line`` and ``column``)."""
    mark: Any = event.start_mark
    return cast(yaml.Mark | None, mark)


def _check_events(text: str, *, aliases: bool = True) -> None:
    """Refuse (``ComposerError`` with the mark) anchors and aliases (if ``aliases``) and
    nesting deeper than :data:`geo.settings.MAX_YAML_DEPTH`, reading only the event
    stream (libyaml's, no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_DataLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                continue
            if isinstance(event, yaml.NodeEvent):
                _refuse(event, depth, aliases=aliases)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
    except yaml.MarkedYAMLError as exc:  # libyaml's scanner reads ahead: its own limit
        if "nesting depth" not in str(exc.problem):
            raise
        raise yaml.composer.ComposerError(None, None, _TOO_DEEP, exc.problem_mark) from exc


def _construct_mapping(loader: _DataLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    first_line: dict[str, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key, line = clean_text(key_node.value), key_node.start_mark.line + 1
        if key == LINE_KEY:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {LINE_KEY!r} is reserved", key_node.start_mark
            )
        if key in first_line:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} appears twice in one mapping; first at line {first_line[key]}",
                key_node.start_mark,
            )
        first_line[key] = line
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


def _construct_text(loader: _DataLoader, node: yaml.ScalarNode) -> str:
    return clean_text(loader.construct_scalar(node))


def _construct_int(loader: _DataLoader, node: yaml.ScalarNode) -> int:
    digits = sum(char.isdigit() for char in node.value)
    if digits > settings.MAX_NUMBER_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {digits} digits is too long", node.start_mark
        )
    return int(loader.construct_yaml_int(node))


_DataLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_DataLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_DataLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
_DataLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def parse_records(text: str, name: str) -> list[dict[str, Any]]:
    """The records of a data file's ``text`` (see :func:`geo.io.read_records`), a
    :class:`DataError` naming ``name`` (and the line, where there is one) for text that is
    unparsable, hostile (see :class:`_DataLoader`), empty or comment-only, or not a list of
    mappings."""
    try:
        _check_events(text)  # before anything is composed
        loaded = yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError([f"{name}{where}: not valid YAML ({problem})"]) from exc
    except RecursionError as exc:  # a safety net: MAX_YAML_DEPTH stops this first
        raise DataError([f"{name}: not valid YAML (nested too deeply)"]) from exc
    if loaded is None:  # empty or comments only: an accident; ``[]`` says "none" on purpose
        raise DataError([f"{name}: holds no records (expected a list of records)"])
    if not isinstance(loaded, list):
        raise DataError([f"{name}: expected a list of records, got {type(loaded).__name__}"])
    problems = [
        f"{name}: item {index} is a {type(item).__name__}, not a record (mapping)"
        for index, item in enumerate(loaded, start=1)
        if not isinstance(item, dict)
    ]
    if problems:
        raise DataError(problems)
    return [{key: _without_lines(value) for key, value in item.items()} for item in loaded]


def _without_lines(value: Any) -> Any:
    """Drop the line keys of nested mappings: only top-level records keep theirs."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


#: Keys added to every mapping of a document read by :func:`parse_document`: the line of
#: each of its keys (``{key: line}``, 1-based), and the keys given more than once
#: (``[(line, key), ...]``, only when there are any).
FIELD_LINES_KEY = "__field_lines__"
DUPLICATES_KEY = "__duplicate_keys__"


class _DocumentLoader(yaml.SafeLoader):
    """A safe loader for user documents (decks): every mapping keeps its own line, the line
    of each key and its repeated keys (PyYAML keeps the last value silently); aliases are
    refused, so with a size cap no document expands beyond its bytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


def _construct_document_mapping(loader: _DocumentLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    duplicates: list[tuple[int, str]] = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in lines:
            duplicates.append((line, str(key)))
        lines[key] = line
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[FIELD_LINES_KEY] = lines
    if duplicates:
        mapping[DUPLICATES_KEY] = duplicates
    return mapping


_DocumentLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_document_mapping
)


def _construct_timestamp(loader: _DocumentLoader, node: yaml.ScalarNode) -> Any:
    """A date as PyYAML reads it, or the text itself when it names no real day
    (``2020-13-45``), so the validator can quote it instead of PyYAML raising."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_DocumentLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_document(text: str, name: str) -> Any:
    """Parse one YAML document given as text (a file's content or an upload).

    Every mapping gets ``__line__`` (the line it starts on), ``__field_lines__`` (the line
    of each key) and, if a key is repeated, ``__duplicate_keys__``: the validator reports
    those with their context. Text that is not YAML, uses aliases, holds more than
    :data:`geo.settings.MAX_DATA_FILE_BYTES` characters or nests deeper than
    :data:`geo.settings.MAX_YAML_DEPTH` levels (the limits of data files) raises
    :class:`DataError` naming ``name`` and the line, in one line.
    """
    limit = settings.MAX_DATA_FILE_BYTES
    if len(text) > limit:
        raise DataError([f"{name}: {len(text):,} characters; a document may hold {limit:,}"])
    loader: _DocumentLoader | None = None
    try:
        _check_events(text, aliases=False)  # nesting, before anything is composed
        loader = _DocumentLoader(text)  # checks for unprintable characters first
        return loader.get_single_data()
    except RecursionError as exc:  # a safety net: MAX_YAML_DEPTH stops this first
        raise DataError([f"{name}: not valid YAML (nested too deeply)"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError([f"{name}{where}: not valid YAML ({problem})"]) from exc
    finally:
        if loader is not None:
            loader.dispose()


__all__ = ["DUPLICATES_KEY", "FIELD_LINES_KEY", "LINE_KEY", "parse_document", "parse_records"]
