"""The rooms of the code (issue 20): no long file, layer ids named only by the catalogue,
imports one way (geo <- layers <- ui <- app; deploy apart from the benchmark)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from layers.catalog import LAYER_IDS

ROOT = Path(__file__).resolve().parents[1]
#: Most lines a source file of the app may have.
MAX_LINES = 600
SOURCE_FOLDERS = ("geo", "layers", "ui", "deploy")


def sources(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_source_file_is_over_600_lines() -> None:
    long = {
        name(path): lines
        for path in [*sources(*SOURCE_FOLDERS), ROOT / "app.py"]
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


#: Where a layer id must not be written: the renderers, the exports, the UI and the page
#: (what they need to know of a layer is a property of its catalogue entry). Not here:
#: ``layers/catalog.py`` itself, ``layers/styles.py`` (palette keys, some named like the
#: layer they serve) and the briefing model (its words "events" for an atlas choice and a
#: deck field are not layer ids).
RENDERERS = (
    *sources("layers/web", "layers/paper", "layers/exports", "ui", "deploy"),
    *(
        p
        for p in sorted((ROOT / "layers").glob("*.py"))
        if p.name not in ("catalog.py", "styles.py")
    ),
    ROOT / "app.py",
)
_QUOTED = re.compile("|".join(rf"([\"']){re.escape(i)}\{n + 1}" for n, i in enumerate(LAYER_IDS)))


def test_the_scan_finds_a_quoted_layer_id() -> None:
    assert _QUOTED.search("frames.get('countries')") and _QUOTED.search('x = "events"')
    assert not _QUOTED.search("countries = frames['land']") and not _QUOTED.search('"eventsx"')


@pytest.mark.parametrize("path", RENDERERS, ids=name)
def test_no_renderer_names_a_layer_id(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for match in _QUOTED.finditer(text)
    ]
    assert found == []


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (at the top or inside a function)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


#: Packages each folder must not import: the core knows no layer or page, the layers no
#: widget, the widgets no page, and serving the app does not depend on the benchmark;
#: the briefing model draws nothing, and the web and paper renderers do not borrow from
#: each other.
FORBIDDEN = {
    "geo": ("layers", "ui", "app", "deploy", "bench", "streamlit", "folium"),
    "layers": ("ui", "app", "deploy", "bench", "streamlit"),
    "layers/briefing": ("layers.web", "layers.paper", "layers.exports"),
    "layers/web": ("layers.paper", "layers.exports"),
    "layers/paper": ("layers.web", "layers.exports"),
    "ui": ("app", "deploy", "bench"),
    "deploy": ("bench", "ui", "app", "layers"),
}


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_imports_go_one_way(folder: str) -> None:
    wrong = {
        name(path): sorted(
            module
            for module in imported(path)
            if any(module == f or module.startswith(f"{f}.") for f in FORBIDDEN[folder])
        )
        for path in sources(folder)
    }
    assert {path: modules for path, modules in wrong.items() if modules} == {}
