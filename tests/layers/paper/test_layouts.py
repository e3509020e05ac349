"""Briefing page and atlas PDFs: pages, paper size, timeline text, fitting, determinism."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from geo.dataset import Dataset, load_dataset
from geo.situation import key_dates, state_at
from layers.briefing.atlas import AtlasChoice, atlas_days
from layers.briefing.view import View
from layers.exports import ExportOptions, export_bytes
from layers.paper import atlas as paper_atlas
from layers.paper import layouts
from layers.paper.atlas import AtlasPlan
from tests.conftest import EVENTS, MakeDataDir

BOUNDS = (44.8, 39.8, 47.2, 41.2)
LONG_QUOTE = "Words of a source that go on and on about the matter at hand. " * 6


def many_events(count: int) -> list[dict[str, object]]:
    """``count`` article events with long quotes, one a day from 1 November 2020."""
    return [
        {
            **EVENTS[0],
            "id": f"ev-{index}",
            "title": f"Event number {index}",
            "date": (dt.date(2020, 11, 1) + dt.timedelta(days=index)).isoformat(),
            "quote": LONG_QUOTE,
        }
        for index in range(count)
    ]


@pytest.fixture
def synthetic(make_data_dir: MakeDataDir) -> Dataset:
    return load_dataset(make_data_dir())


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def test_briefing_is_one_landscape_page_with_map_timeline_and_sources(synthetic: Dataset) -> None:
    view = View(day=dt.date(2020, 11, 10), bounds=BOUNDS, title="Briefing test")
    reader = read(export_bytes(synthetic, view, "briefing-pdf"))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = reader.pages[0].extract_text()
    for expected in (
        "Briefing test",
        "Situation on 10 November 2020",
        "Timeline up to 10 November 2020",
        "9 November 2020",  # the event's date
        "Something",  # its title
        "It happened.",  # its quote
        "Source: Somebody",  # its source
        "Natural Earth 1:10m v4.1.0 (public domain)",
        "Warsaw Institute Foundation",
        "Legend",
    ):
        assert expected in text, expected
    assert reader.metadata is not None and reader.metadata.title == "Briefing test"


def test_letter_paper_and_events_after_the_date_left_out(synthetic: Dataset) -> None:
    view = View(day=dt.date(2020, 11, 1), bounds=BOUNDS)
    reader = read(export_bytes(synthetic, view, "briefing-pdf", ExportOptions(paper="Letter")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    text = reader.pages[0].extract_text()
    assert "Something" not in text
    assert "No events in the data up to this date." in text


def test_briefing_is_deterministic(synthetic: Dataset) -> None:
    view = View(day=dt.date(2020, 11, 10), bounds=BOUNDS)
    assert layouts.briefing_pdf(synthetic, view) == layouts.briefing_pdf(synthetic, view)


def test_atlas_has_a_cover_then_one_numbered_bookmarked_page_per_distinct_map(
    synthetic: Dataset,
) -> None:
    view = View(day=dt.date(2021, 2, 23), bounds=BOUNDS)
    days = atlas_days(synthetic, view.day)
    assert days == (*key_dates(synthetic), view.day)
    groups = paper_atlas.group_identical(synthetic, view, days)
    assert [d for g in groups for d in g] == list(days)  # every day, in order, once
    done: list[tuple[int, int]] = []
    options = ExportOptions(progress=lambda k, n: done.append((k, n)))
    reader = read(export_bytes(synthetic, view, "atlas-pdf", options))
    total = len(groups) + 1
    assert len(reader.pages) == total
    assert done == [(k, total) for k in range(1, total + 1)]  # page k of n, as it goes
    cover = reader.pages[0].extract_text()
    assert "Contents" in cover and "Page 1 of" in cover
    for number, (page, group) in enumerate(zip(reader.pages[1:], groups, strict=True), start=2):
        text = page.extract_text()
        assert f"Situation on {paper_atlas.format_days(group)}" in text
        assert f"Page {number} of {total}" in text
        assert paper_atlas.format_days(group) in cover  # listed in the contents
    outline = reader.outline
    assert len(outline) == total  # one bookmark per page, pointing at it
    assert [reader.get_destination_page_number(item) for item in outline] == list(range(total))
    assert outline[0].title == "Cover and contents"
    assert [item.title for item in outline[1:]] == [paper_atlas.format_days(g) for g in groups]


def test_identical_maps_are_merged_into_one_page(synthetic: Dataset) -> None:
    view = View(day=dt.date(2021, 2, 23), bounds=BOUNDS, layers=("countries",))
    days = atlas_days(synthetic, view.day)
    groups = paper_atlas.group_identical(synthetic, view, days)
    assert groups == [tuple(days)]  # borders alone never change
    assert paper_atlas.format_days([dt.date(2020, 11, d) for d in (8, 9, 10, 11)]) == (
        "8, 9, 10 and 11 November 2020"
    )


def test_atlas_dates_follow_the_choice(synthetic: Dataset) -> None:
    choice = AtlasChoice(
        first=dt.date(2020, 11, 1), last=dt.date(2020, 12, 1), dates="step", step_days=10
    )
    assert atlas_days(synthetic, dt.date(2021, 2, 23), choice) == (
        dt.date(2020, 11, 1),
        dt.date(2020, 11, 11),
        dt.date(2020, 11, 21),
        dt.date(2020, 12, 1),
    )
    events = AtlasChoice(dates="events")
    assert atlas_days(synthetic, dt.date(2021, 2, 23), events) == tuple(
        sorted({e.date for e in synthetic.events} | {dt.date(2021, 2, 23)})
    )


def test_the_atlas_pdf_is_deterministic(synthetic: Dataset) -> None:
    view = View(day=dt.date(2020, 11, 10), bounds=BOUNDS)
    assert paper_atlas.atlas_pdf(AtlasPlan(dataset=synthetic, view=view)) == paper_atlas.atlas_pdf(
        AtlasPlan(dataset=synthetic, view=view)
    )


def test_atlas_stops_at_the_view_date(synthetic: Dataset) -> None:
    assert atlas_days(synthetic, dt.date(2020, 11, 9)) == (
        dt.date(1993, 7, 23),
        dt.date(1995, 3, 16),
        dt.date(2020, 11, 9),
    )


def test_flow_fills_columns_in_turn() -> None:
    assert layouts.flow([1.0, 1.0, 1.0], 2.5, 2) == [0, 0, 1]
    assert layouts.flow([1.0, 1.0, 1.0], 2.5, 1) is None
    assert layouts.flow([3.0], 2.5, 2) is None


def test_long_timeline_shrinks_then_drops_oldest(make_data_dir: MakeDataDir) -> None:
    dataset = load_dataset(make_data_dir(events=many_events(40)))
    events = state_at(dataset, dt.date(2021, 1, 1)).events
    layout = layouts.fit_timeline(dataset, events, 4.0, 6.5)
    assert layout.fit == layouts.FITS[-1]
    assert 0 < layout.dropped < 40
    heights = [layouts.paragraphs_height(b) for b in layout.blocks]
    for column in range(layout.fit.columns):
        used = sum(h for h, c in zip(heights, layout.columns, strict=True) if c == column)
        assert used <= 6.5
    few = layouts.fit_timeline(dataset, events[:3], 4.0, 6.5)
    assert few.fit == layouts.FITS[0] and few.dropped == 0


def test_crowded_briefing_says_events_were_left_out(make_data_dir: MakeDataDir) -> None:
    dataset = load_dataset(make_data_dir(events=many_events(40)))
    view = View(day=dt.date(2021, 1, 1), bounds=BOUNDS)
    text = read(layouts.briefing_pdf(dataset, view)).pages[0].extract_text()
    assert "earlier events not shown" in text
    assert "Event number 39" in text  # the newest event is kept


def test_real_briefing_credits_the_article(dataset: Dataset) -> None:
    reader = read(layouts.briefing_pdf(dataset, View()))
    text = reader.pages[0].extract_text()
    assert "Timeline up to 23 February 2021" in text
    assert "Armenia Invites More Russian Troops to Its Territory" in text


def test_dollar_signs_in_data_are_printed_as_text_not_maths(make_data_dir: MakeDataDir) -> None:
    title = r"Paid US$ 1bn {\frac and $^ later"
    events = [{**EVENTS[0], "title": title, "quote": "It cost $2bn, then $3bn."}]
    data = load_dataset(make_data_dir(events=events))
    view = View(bounds=BOUNDS, title="Costs in $ and $^")
    pdf = PdfReader(io.BytesIO(export_bytes(data, view, "briefing-pdf")))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "US$ 1bn" in text
    assert "$2bn, then $3bn" in text
    assert "Costs in $ and $^" in text
    png = export_bytes(data, View(bounds=BOUNDS, title="A $ title with $^"), "png")
    assert png.startswith(b"\x89PNG")


def test_an_event_whose_quote_is_left_out_cites_all_its_sources(
    make_data_dir: MakeDataDir,
) -> None:
    from tests.conftest import SOURCES

    other = {"id": "src-b", "title": "Another page", "publisher": "Elsewhere"}
    context_event = {**EVENTS[0], "in_article": False, "sources": ["src-b"]}
    data = load_dataset(make_data_dir(sources=[*SOURCES, other], events=[context_event]))
    (row,) = data.events
    fits = {fit.context: fit for fit in layouts.FITS}
    with_quote = layouts.event_paragraphs(data, row, fits["full"], 3.0)
    without_quote = layouts.event_paragraphs(data, row, fits["no-quote"], 3.0)
    assert "Somebody" in " ".join(with_quote[-1][0])  # the quote's own source
    assert "Elsewhere" in " ".join(without_quote[-1][0])
    assert "Somebody" not in " ".join(line for lines, _ in without_quote for line in lines)


@pytest.mark.parametrize("fmt", ["pdf", "compare-pdf"])
def test_a_long_multi_line_title_wraps_to_two_lines_on_the_page(
    synthetic: Dataset, fmt: str
) -> None:
    """A typed title with blank lines and thousands of characters (issue 8) takes at most
    two lines (issue 22), the second ending with "…": it used to run off the page."""
    title = "Title {{7*7}}\n\n# heading\n\n" + "word " * 2000
    options = ExportOptions(compare=(dt.date(2020, 9, 26), dt.date(2020, 11, 10)))
    view = View(bounds=BOUNDS, title=title)
    pdf = PdfReader(io.BytesIO(export_bytes(synthetic, view, fmt, options)))
    lines = pdf.pages[0].extract_text().splitlines()
    first = lines.index(next(line for line in lines if "{{7*7}}" in line))
    assert lines[first].startswith("Title {{7*7}} # heading word word")
    assert lines[first + 1].startswith("word word") and lines[first + 1].endswith("…")
    assert not any(line.startswith("word") for line in lines[first + 2 :])
