"""Command-line export of a briefing deck.

Usage::

    python -m layers.deck_export --deck data/decks/article.yaml --format pptx --out brief.pptx
    python -m layers.deck_export --deck data/decks/article.yaml --format handout-pdf \\
        --out handout.pdf [--paper A4|Letter] [--data-dir DIR]

``--format`` defaults to the one matching the extension of ``--out`` (``.pptx``; ``.pdf``
means the handout). The deck is validated against the data's events first; the file is
written atomically through :mod:`geo.io`.

Exit status: 0 written; 1 the data or the deck cannot be loaded, or the export failed
(one line ``deck export failed: ...`` with every problem, never a traceback); 2 bad
command-line arguments.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from geo import io, settings
from geo.dataset import load_dataset
from geo.errors import DataError, StateError
from layers.briefing.deck_file import load_deck
from layers.paper import page as kit
from layers.paper.deck_files import DECK_FORMATS, deck_bytes

FORMAT_BY_EXTENSION = {".pptx": "pptx", ".pdf": "handout-pdf"}

logger = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m layers.deck_export``."""
    parser = argparse.ArgumentParser(
        prog="python -m layers.deck_export",
        description="Export a briefing deck as PowerPoint slides or a PDF handout.",
    )
    add = parser.add_argument
    add("--deck", type=Path, required=True,
        help="deck file (YAML, see layers/briefing/deck_file.py)")  # fmt: skip
    add("--format", choices=tuple(DECK_FORMATS), help="default: from the --out extension")
    add("--out", type=Path, required=True, help="file to write")
    add("--paper", choices=tuple(kit.PAPERS), default=kit.DEFAULT_PAPER,
        help="paper of the handout (portrait)")  # fmt: skip
    add("--data-dir", type=Path, default=settings.DATA_DIR, help="folder of the data files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the export; return the process exit status (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    fmt = args.format or FORMAT_BY_EXTENSION.get(args.out.suffix.lower())
    if fmt is None:
        parser.error(f"cannot tell the format from {args.out.name!r}; give --format")
    if not args.out.expanduser().resolve().parent.is_dir():  # no folder is ever created
        parser.error(f"--out {str(args.out)!r}: the folder {str(args.out.parent)!r} does not exist")
    try:
        dataset = load_dataset(args.data_dir)
        deck = load_deck(args.deck, dataset)
        data = deck_bytes(dataset, deck, fmt, paper=args.paper)
        path = io.write_bytes(args.out, data)
    except DataError as exc:
        count = len(exc.problems)
        problems = "; ".join(_one_line(p) for p in exc.shown_problems())
        sys.stderr.write(f"deck export failed: {count} problem(s): {problems}\n")
        return 1
    except StateError as exc:
        sys.stderr.write(f"deck export failed: {_one_line(exc)}\n")
        return 1
    except OSError as exc:
        where = exc.filename or args.out
        sys.stderr.write(f"deck export failed: cannot write {where}: {exc.strerror or exc}\n")
        return 1
    except Exception as exc:  # last resort: one line, never a traceback
        logger.debug("deck export failed", exc_info=True)
        sys.stderr.write(f"deck export failed: {type(exc).__name__}: {_one_line(exc)}\n")
        return 1
    label = DECK_FORMATS[fmt][0]
    sys.stdout.write(f"wrote {path} ({len(data):,} bytes, {label}, {len(deck.slides)} slides)\n")
    return 0


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


if __name__ == "__main__":
    sys.exit(main())
