"""Exceptions raised by the core. All subclass ValueError."""

from __future__ import annotations

from geo import settings


class DataError(ValueError):
    """One or more data files are broken; ``problems`` lists every problem found.

    Each problem names the file, the record (line and id) and the field, and quotes the
    bad value, so it can be fixed without reading code. Each problem is cut to
    ``settings.MAX_PROBLEM_CHARS`` characters and the message lists the first
    ``settings.MAX_PROBLEMS_SHOWN`` of them, so a hostile file cannot make a huge message.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = [_cut(problem, settings.MAX_PROBLEM_CHARS) for problem in problems]
        count = len(self.problems)
        shown = self.shown_problems()
        lines = "\n".join(f"- {problem}" for problem in shown[: settings.MAX_PROBLEMS_SHOWN])
        lines += "".join(f"\n{more}" for more in shown[settings.MAX_PROBLEMS_SHOWN :])
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the data:\n{lines}")

    def shown_problems(self) -> list[str]:
        """The problems to show a person: the first ``settings.MAX_PROBLEMS_SHOWN``, then
        a line ``... and N more problems`` when there are more."""
        shown = self.problems[: settings.MAX_PROBLEMS_SHOWN]
        hidden = len(self.problems) - len(shown)
        return [*shown, f"... and {hidden:,} more problems"] if hidden else shown


def _cut(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, marked when cut."""
    mark = "… (cut)"
    return text if len(text) <= limit else text[: limit - len(mark)] + mark


class RecipeError(ValueError):
    """A geometry recipe cannot be built (unknown place, empty boundary match, ...)."""


class StateError(ValueError):
    """A requested map state (date, layer ids, naming convention) is not valid."""


class TileError(ValueError):
    """A basemap of the user's own (a tile package, a folder of tiles or a tile URL
    template, :mod:`geo.tiles`) cannot be used; the message says which and why."""
