"""Running a command line's ``main`` in-process, as the shell would see it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from layers.exports import __main__ as export_cli


def run_cli(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    main: Callable[[list[str]], int] = export_cli.main,
) -> tuple[int, str, str]:
    """Run ``main(args)`` (the export command line unless told); return its exit status
    (``SystemExit``'s code when it exits, as argparse does on a usage error), stdout and
    stderr."""
    try:
        status = main(args)
    except SystemExit as exc:
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err
