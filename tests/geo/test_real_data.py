"""The committed data: it loads, covers the article, and tells the right story on key days."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point

from geo.dataset import Dataset
from geo.measure import measure
from geo.situation import state_at

ARTICLE = Path(__file__).resolve().parents[2] / "docs/sources/warsaw-institute-2021-02-23.txt"
SEVEN = ("aghdam", "fuzuli", "jabrayil", "zangilan", "qubadli", "lachin", "kalbajar")


def _holders(dataset: Dataset, day: str) -> dict[str, str]:
    control = state_at(dataset, dt.date.fromisoformat(day)).control
    return {period.id.rsplit("-", 1)[0]: period.holder for period in control}


def _boundary(dataset: Dataset, layer: str, name: str) -> shapely.Geometry:
    frame = dataset.boundaries[layer]
    return shapely.union_all(frame[frame["name"] == name].geometry.to_numpy())


def test_before_the_2020_war_armenian_forces_held_all_seven_districts(dataset: Dataset) -> None:
    holders = _holders(dataset, "2020-09-26")
    assert {holders[f"{d}-district"] for d in SEVEN} == {"armenian"}
    assert holders["shusha-area"] == "armenian"


def test_on_15_november_2020_only_the_handover_districts_were_still_armenian_held(
    dataset: Dataset,
) -> None:
    holders = _holders(dataset, "2020-11-15")
    for district in ("aghdam", "kalbajar", "lachin"):
        assert holders[f"{district}-district"] == "armenian", district
    for district in ("fuzuli", "jabrayil", "zangilan", "qubadli"):
        assert holders[f"{district}-district"] == "azerbaijani", district
    assert holders["shusha-area"] == "azerbaijani"


@pytest.mark.parametrize(
    ("district", "day_before", "handover"),
    [
        ("aghdam", "2020-11-19", "2020-11-20"),
        ("kalbajar", "2020-11-24", "2020-11-25"),
        ("lachin", "2020-11-30", "2020-12-01"),
    ],
)
def test_handover_days_of_the_ceasefire_statement(
    dataset: Dataset, district: str, day_before: str, handover: str
) -> None:
    assert _holders(dataset, day_before)[f"{district}-district"] == "armenian"
    assert _holders(dataset, handover)[f"{district}-district"] == "azerbaijani"


def test_on_the_article_date_the_russian_presence_is_all_there(dataset: Dataset) -> None:
    situation = state_at(dataset, dt.date(2021, 2, 23))
    holders = _holders(dataset, "2021-02-23")
    assert {holders[f"{d}-district"] for d in SEVEN} == {"azerbaijani"}
    sites = {site.id: site for site in situation.sites}
    assert {
        "russian-102nd-base",
        "peacekeeping-hq-stepanakert",
        "lachin-corridor",
        "russian-turkish-monitoring-centre",
        "proposed-eastern-deployment",
    } <= set(sites)
    assert sites["proposed-eastern-deployment"].provenance.status == "proposed"
    assert len(situation.events) == len(dataset.events)


def test_sites_lie_where_the_sources_put_them(dataset: Dataset) -> None:
    sites = {s.id: s for s in dataset.sites}
    assert _boundary(dataset, "provinces", "Shirak").contains(sites["russian-102nd-base"].geometry)
    assert _boundary(dataset, "nkao", "Nagorno-Karabakh Autonomous Oblast").contains(
        sites["peacekeeping-hq-stepanakert"].geometry
    )
    assert _boundary(dataset, "districts", "Aghdam").contains(
        sites["russian-turkish-monitoring-centre"].geometry
    )
    deployment = sites["proposed-eastern-deployment"].geometry
    syunik = _boundary(dataset, "provinces", "Syunik")
    assert deployment.difference(syunik).area < 1e-6
    assert deployment.area > 0.02 * syunik.area


def test_every_article_quote_is_verbatim_and_every_article_place_is_on_the_map(
    dataset: Dataset,
) -> None:
    if not ARTICLE.is_file():
        pytest.skip(f"article text not found at {ARTICLE}")
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    article_events = [e for e in dataset.events if e.in_article]
    assert len(article_events) >= 10
    for event in article_events:
        assert event.quote, event.id
        assert " ".join(event.quote.split()) in text, event.id
    english = {p.names.en for p in dataset.places.values()}
    assert {"Gyumri", "Yerevan", "Stepanakert", "Nakhchivan"} <= english
    assert set(dataset.boundaries["provinces"]["name"]) >= {"Syunik", "Shirak"}
    assert {"Armenia", "Azerbaijan", "Turkey", "Georgia", "Russia"} <= set(
        dataset.boundaries["countries"]["name"]
    )


def test_uncertain_records_explain_themselves(dataset: Dataset) -> None:
    records = [*dataset.sites, *dataset.control, *dataset.events, *dataset.places.values()]
    for record in records:
        if record.provenance.status in ("approximate", "proposed"):
            assert record.provenance.note, record.id


def test_names_include_the_contested_alternatives(dataset: Dataset) -> None:
    forms = {pid: set(p.names.all()) for pid, p in dataset.places.items()}
    assert {"Stepanakert"} < forms["stepanakert"]
    assert any(re.match("Khankendi|Xank", f) for f in forms["stepanakert"])
    assert {"Shusha", "Shushi"} <= forms["shusha"]
    assert any(f.startswith("Berdzor") for f in forms["lachin"])
    assert any(f.startswith("Karvachar") for f in forms["kalbajar"])


def test_distances_the_briefing_quotes(dataset: Dataset) -> None:
    gyumri_to_turkey = measure(dataset, "site:russian-102nd-base", "country:Turkey")
    assert 5 < gyumri_to_turkey.km < 20
    syunik_width = measure(dataset, "area:nakhchivan", "area:azerbaijan-mainland")
    assert 20 < syunik_width.km < 45
    assert Point(syunik_width.start).within(
        _boundary(dataset, "nakhchivan", "Nakhchivan").buffer(0.01)
    )
