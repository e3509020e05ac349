"""Exceptions raised by the core. All subclass ValueError."""

from __future__ import annotations


class DataError(ValueError):
    """One or more data files are broken; ``problems`` lists every problem found.

    Each problem names the file, the record (line and id) and the field, and quotes the
    bad value, so it can be fixed without reading code.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the data:\n{lines}")


class RecipeError(ValueError):
    """A geometry recipe cannot be built (unknown place, empty boundary match, ...)."""


class StateError(ValueError):
    """A requested map state (date, layer ids, naming convention) is not valid."""
