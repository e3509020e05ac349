"""The "Your layers" panel, driven headless: upload, legend, timeline, problems, removal."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.user_layers import MAX_UPLOAD_BYTES, read_user_layer
from tests.app.helpers import APP, map_args
from tests.geo.test_user_layers import feature_collection, point

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
GOOD = feature_collection(
    point(46.75, 39.75, name="Convoy {{7*7}}", date="2020-10-09"),
    point(46.0, 39.5, name="Checkpoint"),
)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    uploader = at.sidebar.get("file_uploader")[0]
    return uploader.set_value((name, data, "application/octet-stream")).run()  # type: ignore[no-any-return]


def test_an_uploaded_geojson_is_drawn_with_legend_and_timeline() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    layer_id = read_user_layer(GOOD, "convoys.geojson").id
    assert layer_id not in map_args(at)["feature_group"]
    at = upload(at, "convoys.geojson", GOOD)
    assert not at.exception and not at.error
    args = map_args(at)
    assert f"{layer_id}-1" in args["feature_group"] and f"{layer_id}-2" in args["feature_group"]
    # the legend travels with the date-dependent groups (no remount when a layer is added)
    assert "Your layers" in args["feature_group"] and "convoys" in args["feature_group"]
    cards = [m.value for m in at.markdown if "your layer&#58; convoys" in m.value]
    assert (
        len(cards) == 1
        and "Convoy &#123;&#123;7*7&#125;&#125;" in cards[0]
        and "9 October 2020" in cards[0]
    )
    panel = [m.value for m in at.sidebar.markdown if "convoys" in m.value]
    assert len(panel) == 1 and "2 features, 1 dated" in panel[0]
    at.sidebar.button(key=f"remove:{layer_id}").click().run()
    assert layer_id not in map_args(at)["feature_group"]


def test_a_bad_file_lists_its_problems_and_the_map_stays() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = upload(at, "broken.csv", b"name,lat,lon\nA,north,45\nB,40,east\n")
    assert not at.exception
    (error,) = at.sidebar.error
    assert "broken\\.csv could not be used" in error.value  # escaped Markdown
    (code,) = [c.value for c in at.sidebar.code]
    assert code.splitlines() == [
        "broken.csv: no feature could be drawn",
        "row 1: lat: 'north' is not a number; row left out",
        "row 2: lon: 'east' is not a number; row left out",
    ]
    assert "aghdam-district-azerbaijani" in map_args(at)["feature_group"]


def test_the_uploader_lets_a_file_of_the_documented_limit_through() -> None:
    """Issue 19: the browser refused a 10,485,672-byte file ("File must be 10.0MB or
    smaller"): Streamlit's uploader counts a megabyte as 1,000,000 bytes (except on
    Windows), and the server counts the whole request. The cap is above 10 MiB plus a
    request's overhead in both units; the app's own check says the limit in one line."""
    text = CONFIG.read_text(encoding="utf-8")
    (line,) = [row for row in text.splitlines() if row.startswith("maxUploadSize")]
    megabytes = int(line.split("=")[1])
    assert megabytes * 1_000_000 >= MAX_UPLOAD_BYTES + 64 * 1024  # the browser's megabytes
    assert megabytes * 1024 * 1024 >= MAX_UPLOAD_BYTES + 64 * 1024  # the server's
    assert megabytes <= 16  # still a cap
