"""What Poppler makes of a PDF: its text and a page's pixels (poppler-utils)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np


def text_and_first_page(pdf: bytes, directory: Path, name: str) -> tuple[str, np.ndarray]:
    """The text (pdftotext) and the first page at 60 dpi (pdftoppm) of ``pdf``."""
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(source), "-"], check=True, timeout=60, capture_output=True
    ).stdout.decode("utf-8")
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", str(source),
         str(directory / name)],
        check=True, timeout=60,
    )  # fmt: skip
    image: np.ndarray = mpimg.imread(directory / f"{name}.png")
    return text, image
