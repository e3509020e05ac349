"""Compare page (PDF, PNG), animation (GIF, MP4) and their CLI, opened and checked."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from PIL import Image, ImageSequence
from pypdf import PdfReader

from geo.change import compare
from geo.dataset import Dataset, load_dataset
from geo.naming import label
from geo.situation import frame_dates
from layers.briefing.view import View
from layers.change_layer import CHANGE_LEGEND, change_features, format_km2
from layers.exports import ExportOptions, export_bytes
from layers.paper import animation
from layers.paper import compare as compare_page
from layers.paper import page as kit
from layers.styles import STYLES, change_style_key
from tests.cli_runner import run_cli as run
from tests.conftest import CONTROL, SOURCES, MakeDataDir

D = dt.date
BEFORE, AFTER = D(2020, 11, 9), D(2020, 12, 1)
HOSTILE = "$x^2$ {{7*7}} <b>bold</b>"


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, whitespace runs made one space (wrapped lines join)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


# --- the change style ------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue


def test_change_directions_read_apart_in_greyscale() -> None:
    keys = [entry.style_key for entry in CHANGE_LEGEND]
    assert keys == [
        change_style_key("armenian", "azerbaijani"),
        change_style_key("azerbaijani", "armenian"),
        change_style_key("unmapped", "armenian"),
        change_style_key("azerbaijani", "unmapped"),
    ]
    for a, b in itertools.combinations(keys, 2):
        assert STYLES[a].hatch != STYLES[b].hatch, (a, b)
    # The two changes between the sides also differ in lightness, outline and fill.
    ab, ba = (STYLES[k] for k in keys[:2])
    assert abs(_luminance(ab.color) - _luminance(ba.color)) > 60
    assert ab.fill and ba.fill
    assert abs(_luminance(ab.fill) - _luminance(ba.fill)) > 60


def test_change_features_are_styled_by_direction(dataset: Dataset) -> None:
    change = compare(dataset, BEFORE, AFTER)
    frame = change_features(dataset, change)
    assert list(frame["label"]) == [a.area_name for a in change.areas]
    # The Lachin corridor left Armenian hands for no control record (the peacekeepers).
    assert set(frame["style_key"]) == {"change-armenian-azerbaijani", "change-to-unmapped"}
    assert frame.crs == "EPSG:4326"
    handed = frame["style_key"] == "change-armenian-azerbaijani"
    assert all(("Change", "Armenian forces → Azerbaijan") in d for d in frame["details"][handed])


# --- the compare page ------------------------------------------------------------------


@pytest.fixture(scope="module")
def war_pdf(dataset: Dataset) -> bytes:
    return export_bytes(dataset, View(), "compare-pdf", ExportOptions(compare=(BEFORE, AFTER)))


def test_compare_pdf_holds_dates_areas_and_places(dataset: Dataset, war_pdf: bytes) -> None:
    text = pdf_text(war_pdf)
    change = compare(dataset, BEFORE, AFTER)
    assert "Before: 9 November 2020" in text and "After: 1 December 2020" in text
    assert "What changed between 9 November 2020 and 1 December 2020" in text
    assert len(change.areas) == 5  # three districts, the last oblast villages, the corridor
    for area in change.areas:
        assert " ".join(area.area_name.split()) in text
        assert format_km2(area.km2) in text
    for km2 in change.km2_by_direction.values():
        assert format_km2(km2) in text  # the total of each direction
    for held in change.km2_by_holder.values():
        assert f"{held.before_km2:,.0f}" in text and f"{held.after_km2:,.0f}" in text
    assert len(change.places) >= 5
    for place in change.places:
        name = label(dataset.places[place.place_id].names, "dual")
        assert " ".join(name.split()) in text, name
    for site in change.sites:
        assert " ".join(site.name.split())[:30] in text
    assert "appeared 10 November 2020" in text
    assert "Areas are approximate" in text and "Natural Earth 1:10m" in text
    assert "Warsaw Institute" in text  # the credits
    assert "Passed from Armenian forces to Azerbaijan" in text  # the legend


def test_both_maps_name_armenia_azerbaijan_and_nagorno_karabakh(dataset: Dataset) -> None:
    figure = compare_page.compare_figure(dataset, View(), BEFORE, AFTER)
    maps = [a for a in figure.axes if a.get_label() in ("before", "after")]
    assert len(maps) == 2
    for ax in maps:
        labels = " ".join(" ".join(t.get_text().split()) for t in ax.texts)
        for name in ("ARMENIA", "AZERBAIJAN", "Nagorno-Karabakh Autonomous Oblast"):
            assert name in labels, (ax.get_label(), name)


def test_the_compare_page_needs_no_control_layer(dataset: Dataset) -> None:
    # Until the catalogue said which layer carries the holder, the page looked the control
    # layer up by its id and failed (KeyError) when it was switched off.
    view = View(layers=("countries", "nkao", "districts"))
    figure = compare_page.compare_figure(dataset, view, BEFORE, AFTER)
    assert {a.get_label() for a in figure.axes} >= {"before", "after"}


def test_compare_png_has_the_size_and_two_drawn_maps(dataset: Dataset) -> None:
    png = export_bytes(
        dataset, View(), "compare-png", ExportOptions(compare=(BEFORE, AFTER), width_px=1200)
    )
    image = Image.open(io.BytesIO(png))
    width, height = kit.PAPERS["A4"]
    assert image.size[0] == 1200
    assert abs(image.size[1] - 1200 * height / width) <= 1

    figure = compare_page.compare_figure(dataset, View(), BEFORE, AFTER)
    pixels = np.asarray(
        # 100 dpi: at 60 the change's hatching is thinner than a pixel on maps of the region
        Image.open(io.BytesIO(kit.figure_bytes(figure, "png", dpi=100))).convert("RGB")
    ).astype(int)
    maps = {a.get_label(): a for a in figure.axes if a.get_label() in ("before", "after")}
    assert set(maps) == {"before", "after"}

    def region(ax: Axes) -> np.ndarray:
        (x0, y0), (x1, y1) = figure.transFigure.inverted().transform(
            ax.transAxes.transform([(0, 0), (1, 1)])
        )
        h, w = pixels.shape[:2]
        return pixels[round((1 - y1) * h) : round((1 - y0) * h), round(x0 * w) : round(x1 * w)]

    before, after = region(maps["before"]), region(maps["after"])
    assert before.shape == after.shape  # same frame, same extent
    assert maps["before"].get_xlim() == maps["after"].get_xlim()
    for half in (before, after):
        assert half.std() > 20  # drawn, not blank
        assert (np.abs(half - 255).sum(axis=-1) > 30).mean() > 0.5
    dark = np.array([int(STYLES["change-armenian-azerbaijani"].color[i : i + 2], 16)
                     for i in (1, 3, 5)])  # fmt: skip

    def near_change_colour(half: np.ndarray) -> int:
        return int((np.linalg.norm(half - dark, axis=-1) < 40).sum())

    # Only the after map carries the change layer (its dark outline and hatching).
    assert near_change_colour(after) > 20 * max(1, near_change_colour(before))


def test_hostile_text_prints_literally_in_the_compare_pdf(make_data_dir: MakeDataDir) -> None:
    sources = [dict(SOURCES[0], title=HOSTILE, publisher=f"Pub {HOSTILE}"), *SOURCES[1:]]
    control = [CONTROL[0], dict(CONTROL[1], area_name=f"East {HOSTILE}")]
    data = load_dataset(make_data_dir(sources=sources, control=control))
    view = View(bounds=(44.8, 39.8, 47.2, 41.2), title=f"Title {HOSTILE}")
    text = pdf_text(export_bytes(data, view, "compare-pdf", ExportOptions(compare=(BEFORE, AFTER))))
    assert f"East {HOSTILE}" in text  # the area in the change table
    assert f"Pub {HOSTILE}" in text  # the credits
    assert f"Title {HOSTILE}" in text
    assert "49" not in text.replace("2049", "")


def test_compare_needs_its_dates(dataset: Dataset) -> None:
    from geo.errors import StateError

    with pytest.raises(StateError, match="needs the before and after dates"):
        export_bytes(dataset, View(), "compare-pdf")
    with pytest.raises(StateError, match="is later than"):
        export_bytes(dataset, View(), "compare-pdf", ExportOptions(compare=(AFTER, BEFORE)))
    with pytest.raises(StateError, match="needs the from and to dates"):
        export_bytes(dataset, View(), "gif")


# --- the animation ---------------------------------------------------------------------


def strip_distance(frame: Image.Image, strip: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Mean absolute difference (0-255) between a frame's strip region and ``strip``."""
    region = np.asarray(frame.convert("RGB").crop(box)).astype(float)
    return float(np.abs(region - np.asarray(strip).astype(float)).mean())


def test_gif_has_one_frame_per_change_with_its_date_burned_in(dataset: Dataset) -> None:
    width = 600
    data = export_bytes(dataset, View(), "gif", ExportOptions(span=(BEFORE, AFTER), width_px=width))
    expected = frame_dates(dataset, BEFORE, AFTER)
    assert [d.day for d in expected] == [
        D(2020, 11, 9), D(2020, 11, 10), D(2020, 11, 11), D(2020, 11, 20), D(2020, 11, 25),
        D(2020, 12, 1),
    ]  # fmt: skip

    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.info.get("loop") == 0
    frames = [f.copy() for f in ImageSequence.Iterator(gif)]
    durations = [f.info["duration"] for f in frames]
    assert len(frames) == len(expected)
    assert frames[0].size[0] == width

    # Key dates (events of the article: 9, 10, 11 November) and the last frame are held
    # longer than the other changes.
    assert [d.in_article for d in expected] == [True, True, True, False, False, False]
    assert durations == [animation.KEY_MS] * 3 + [animation.STEP_MS] * 2 + [animation.KEY_MS]
    assert animation.KEY_MS > animation.STEP_MS

    # Each frame's date strip is the one freshly drawn for its date, and not another's.
    dpi = animation.frame_dpi("A4", width, None)
    box = animation.strip_box("A4", dpi)
    size = (box[2] - box[0], box[3] - box[1])
    strips = [animation.date_strip(dataset, d, size, dpi) for d in expected]
    for index, frame in enumerate(frames):
        distances = [strip_distance(frame, strip, box) for strip in strips]
        assert distances[index] < 6, (index, distances)
        others = [d for i, d in enumerate(distances) if i != index]
        assert distances[index] < 0.6 * min(others), (index, distances)
    # Title (top left) and legend (right panel) are on every frame, drawn and identical.
    rgb = [np.asarray(f.convert("RGB")).astype(int) for f in frames]
    h, w = rgb[0].shape[:2]
    for y0, y1, x0, x1 in ((0.0, 0.08, 0.0, 0.45), (0.13, 0.55, 0.76, 0.98)):
        regions = [a[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)] for a in rgb]
        assert (np.abs(regions[0] - 255).sum(axis=-1) > 100).sum() > 200  # text drawn
        assert all(np.array_equal(regions[0], r) for r in regions[1:])
    # The map itself changes between frames (Kalbajar handed over on 25 November).
    assert (
        np.asarray(frames[3].convert("RGB")).tolist()
        != np.asarray(frames[4].convert("RGB")).tolist()
    )


def test_date_strip_names_the_key_date_event(dataset: Dataset) -> None:
    first = frame_dates(dataset, BEFORE, BEFORE)[0]
    assert animation.strip_events(dataset, first).startswith("Key date in the article: ")


def test_mp4_is_an_h264_video_of_the_same_length(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    start, end = D(2020, 11, 1), D(2020, 12, 1)
    video = export_bytes(data, View(), "mp4", ExportOptions(span=(start, end), width_px=400))
    assert video[4:8] == b"ftyp"
    assert b"avc1" in video
    # Same bytes twice (bit-exact encoder, no dates in the metadata).
    assert video == export_bytes(
        data, View(), "mp4", ExportOptions(span=(start, end), width_px=400)
    )


# --- the command line ------------------------------------------------------------------


def test_cli_writes_the_compare_pdf_and_the_gif(
    make_data_dir: MakeDataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(make_data_dir())
    pdf = tmp_path / "x.pdf"
    status, out, _ = run(
        ["--data-dir", folder, "--compare", "2020-11-09,2020-12-01", "--out", str(pdf)], capsys
    )
    assert status == 0 and "Before and after" in out
    assert "What changed between 9 November 2020 and 1 December 2020" in pdf_text(pdf.read_bytes())
    gif = tmp_path / "war.gif"
    args = ["--data-dir", folder, "--from", "2020-11-01", "--to", "2020-12-01", "--out", str(gif)]
    status, _, _ = run([*args, "--width-px", "400"], capsys)
    assert status == 0
    with Image.open(gif) as image:
        count = sum(1 for _ in ImageSequence.Iterator(image))
    assert count == 3  # 1 Nov, the event of 9 Nov, the handover of 20 Nov


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compare", "2020-11-09", "--out", "x.pdf"], "is not two dates"),
        (["--compare", "2020-12-01,2020-11-09", "--out", "x.pdf"], "is later than"),
        (["--compare", "1980-01-01,2020-11-09", "--out", "x.pdf"], "outside the map's span"),
        (["--format", "compare-pdf", "--out", "x.pdf"], "needs --compare BEFORE,AFTER"),
        (
            ["--compare", "2020-11-09,2020-12-01", "--format", "pdf", "--out", "x.pdf"],
            "--compare goes with",
        ),
        (["--from", "2020-09-27", "--out", "x.gif"], "needs --from and --to"),
        (["--from", "2020-09-27", "--to", "2020-12-01", "--out", "x.pdf"], "go with --format"),
        (["--from", "2020-12-01", "--to", "2020-09-27", "--out", "x.gif"], "is later than"),
        (["--from", "yesterday", "--to", "2020-09-27", "--out", "x.gif"], "not a date"),
        (
            ["--from", "2020-09-27", "--to", "2020-12-01", "--width-px", "4000", "--out", "x.gif"],
            "animation width 4000 px",
        ),
    ],
)
def test_cli_date_errors_exit_2_with_one_message(
    args: list[str],
    message: str,
    tmp_path: Path,
    make_data_dir: MakeDataDir,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / args[-1]
    args = [*args[:-1], str(out)]
    status, _, stderr = run(["--data-dir", str(make_data_dir()), *args], capsys)
    assert status == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("python -m layers.exports: error:")
    assert not out.exists()
