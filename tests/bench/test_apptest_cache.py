"""bench.apptest_cache: AppTest's runs execute the script compiled once."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import script_cache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from bench.apptest_cache import share_script_cache


def _compiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nst.write('one')\n")
    calls = []
    real = script_cache.ScriptCache.get_bytecode

    def counted(self: script_cache.ScriptCache, path: str) -> object:
        before = len(self._cache)
        code = real(self, path)
        calls.append(len(self._cache) > before)  # a compile filled the cache
        return code

    monkeypatch.setattr(script_cache.ScriptCache, "get_bytecode", counted)
    at = AppTest.from_file(str(script)).run()
    at.run()
    at.run()
    return sum(calls)


def test_apptest_alone_compiles_every_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _compiles(tmp_path, monkeypatch) == 3


def test_shared_cache_compiles_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (app_test, local_script_runner):  # undone after the test
        monkeypatch.setattr(module, "ScriptCache", module.ScriptCache)
    share_script_cache()
    assert _compiles(tmp_path, monkeypatch) == 1
