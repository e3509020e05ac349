"""Server defaults: local only unless asked, XSRF and CORS protection on."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_config_listens_locally_with_xsrf_and_cors_protection() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["address"] == "localhost"
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("extra", "address"), [([], "localhost"), (["HOST=0.0.0.0"], "0.0.0.0")])
def test_make_run_binds_to_localhost_unless_host_is_given(extra: list[str], address: str) -> None:
    dry = subprocess.run(
        ["make", "-n", "run", *extra], cwd=ROOT, capture_output=True, text=True, check=True
    )
    (command,) = [line for line in dry.stdout.splitlines() if "streamlit run server.py" in line]
    assert command.split()[-2:] == ["--server.address", address]
