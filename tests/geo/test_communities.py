"""Communities (communities.yaml): validation, the areas drawn from them, and the committed
data's line of contact on the key days of issue 21."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from geo import communities as recipe
from geo.communities import AREAS_FROM, CEASEFIRE_1994, LINE_BAND_KM, community_areas
from geo.dataset import Dataset, load_dataset
from geo.errors import DataError
from geo.locate import locate
from geo.metric import geodesic_area_km2, to_metric
from geo.model import Community, HeldPeriod, Names, Provenance, Span
from geo.situation import key_dates, state_at
from tests.conftest import MakeDataDir

SURE = Provenance("confirmed", ("src-a",))


def _community(ident: str, lon: float, lat: float, *held: tuple[str, str]) -> Community:
    """A community of the oblast with periods ``(holder, ISO day)`` in order."""
    days = [dt.date.fromisoformat(day) for _, day in held]
    periods = tuple(
        HeldPeriod(holder, Span(day, days[i + 1] if i + 1 < len(days) else None), SURE)
        for i, ((holder, _), day) in enumerate(zip(held, days, strict=True))
    )
    return Community(ident, Names(en=ident.title()), lon, lat, "askeran", periods, SURE)


def _boundaries(line: LineString) -> dict[str, gpd.GeoDataFrame]:
    oblast = gpd.GeoDataFrame({"name": ["O"]}, geometry=[box(46.0, 40.0, 46.4, 40.2)], crs=4326)
    cut = gpd.GeoDataFrame({"name": ["Line"]}, geometry=[line], crs=4326)
    return {"nkao": oblast, "ceasefire_line": cut}


#: A line cutting the oblast's eastern tenth off (longitude 46.36).
EAST_LINE = LineString([(46.36, 39.9), (46.36, 40.3)])


def _km2(geometry: shapely.Geometry) -> float:
    return geodesic_area_km2(geometry)


def test_each_side_holds_the_cells_of_its_communities_and_the_fringe_after_1994() -> None:
    west = _community("west", 46.1, 40.1, ("armenian", "1992-01-01"))
    east = _community("east", 46.3, 40.1, ("azerbaijani", "1992-01-01"), ("armenian", "1993-06-27"))
    areas = community_areas([west, east], _boundaries(EAST_LINE), {"karabakhfacts-ceasefire-1994"})
    oblast = _km2(box(46.0, 40.0, 46.4, 40.2))
    ids = [p.id for p in areas.periods]
    assert ids == [
        "oblast-armenian-1992-01-01",
        "oblast-armenian-1993-06-27",
        "oblast-armenian-1994-05-12",
        "oblast-azerbaijani-1992-01-01",
        "oblast-fringe-azerbaijani",
    ]
    periods = {p.id: p for p in areas.periods}
    # Before the capture each holds half the oblast (the bisector is at 46.2 E).
    assert _km2(periods["oblast-armenian-1992-01-01"].geometry) == pytest.approx(oblast / 2, 0.01)
    assert periods["oblast-azerbaijani-1992-01-01"].span.end == dt.date(1993, 6, 27)
    assert _km2(periods["oblast-armenian-1993-06-27"].geometry) == pytest.approx(oblast, 0.01)
    # From the 1994 ceasefire the tenth beyond the line is Azerbaijani whatever the cells say.
    fringe = periods["oblast-fringe-azerbaijani"]
    assert (fringe.span.start, fringe.span.end) == (CEASEFIRE_1994, None)
    assert _km2(fringe.geometry) == pytest.approx(oblast / 10, 0.02)
    assert fringe.provenance.sources[0] == "karabakhfacts-ceasefire-1994"
    later = periods["oblast-armenian-1994-05-12"]
    assert _km2(later.geometry) == pytest.approx(oblast * 0.9, 0.02)
    assert all(p.provenance.status == "approximate" for p in areas.periods)
    assert all(p.derived_from == "communities.yaml" for p in areas.periods)
    # The line between the sides is drawn (hatched) only while both sides hold cells.
    assert [(line.span.start, line.span.end) for line in areas.lines] == [
        (AREAS_FROM, dt.date(1993, 6, 27))
    ]
    height_km = 0.2 * 111.0  # the oblast box is 0.2 degrees of latitude high
    band_km2 = _km2(areas.lines[0].geometry)
    assert band_km2 == pytest.approx(2 * LINE_BAND_KM * height_km, rel=0.03)


def test_unknown_sides_and_days_before_1992_draw_nothing() -> None:
    early = _community("early", 46.1, 40.1, ("armenian", "1991-10-30"), ("unknown", "1992-07-04"))
    areas = community_areas([early], _boundaries(LineString([(50, 50), (51, 51)])))
    assert [(p.id, p.span.end) for p in areas.periods] == [
        ("oblast-armenian-1992-01-01", dt.date(1992, 7, 4))
    ]
    assert areas.held("armenian", dt.date(1992, 7, 3)).area > 0
    assert areas.held("armenian", dt.date(1992, 7, 4)).is_empty
    assert areas.lines == ()


def test_communities_outside_the_oblast_take_no_part_in_the_cells() -> None:
    inside = _community("inside", 46.1, 40.1, ("armenian", "1992-01-01"))
    outside = Community(
        "outside", Names(en="Outside"), 46.35, 40.1, "aghdam-district",
        (HeldPeriod("azerbaijani", Span(dt.date(1992, 1, 1)), SURE),), SURE,
    )  # fmt: skip
    areas = community_areas([inside, outside], _boundaries(LineString([(50, 50), (51, 51)])))
    assert [p.holder for p in areas.periods] == ["armenian"]


# --- communities.yaml validation ---------------------------------------------------------


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "gamma",
        "names": {"en": "Gamma", "hy": "Gamma-hy"},
        "lon": 46.3,
        "lat": 40.3,
        "soviet_region": "askeran",
        "status": "confirmed",
        "sources": ["src-a"],
        "held": [
            {"holder": "armenian", "from": "1992-01-01", "precision": "year",
             "status": "approximate", "sources": ["src-a"]},
            {"holder": "azerbaijani", "from": "2020-11-09", "status": "approximate",
             "claim": "An announcement", "sources": ["src-a"]},
        ],
    }  # fmt: skip
    record.update(changes)
    return record


def test_a_valid_community_loads_with_its_periods(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir(communities=[_record()]))
    (gamma,) = data.communities
    assert [(p.holder, p.span.start, p.span.end) for p in gamma.held] == [
        ("armenian", dt.date(1992, 1, 1), dt.date(2020, 11, 9)),
        ("azerbaijani", dt.date(2020, 11, 9), None),
    ]
    assert gamma.held[0].span.start_precision == "year"
    assert gamma.held[1].claim == "An announcement"
    assert gamma.held[1].describe() == "since 9 November 2020"
    assert dt.date(2020, 11, 9) in key_dates(data)
    # The fixture's oblast is drawn from its one community.
    holders = {c.holder for c in state_at(data, dt.date(2021, 1, 1)).control if c.derived_from}
    assert holders == {"azerbaijani"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"soviet_region": "lachin"}, "field 'soviet_region': must be one of"),
        ({"place": "nowhere", "names": None, "lon": None, "lat": None}, "field 'place': unknown"),
        ({"place": "alpha"}, "field 'names': comes from the gazetteer place 'alpha'"),
        ({"held": []}, "field 'held': must be a non-empty list"),
    ],
)
def test_bad_community_fields_are_named(
    make_data_dir: MakeDataDir, change: dict[str, Any], expected: str
) -> None:
    record = {k: v for k, v in _record(**change).items() if v is not None}
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(communities=[record]))
    assert any(
        p.startswith("communities.yaml: line 1, record 'gamma'") and expected in p
        for p in caught.value.problems
    ), caught.value.problems


@pytest.mark.parametrize(
    ("index", "change", "expected"),
    [
        (1, {"holder": "russian"}, "'held[1].holder': must be one of armenian, azerbaijani, unk"),
        (1, {"from": "1991-05-01"}, "field 'held[1].from': must be after the period before"),
        (1, {"holder": "armenian"}, "field 'held[1].holder': repeats the side"),
        (1, {"status": "reported"}, "'held[1].status': must be 'approximate' for a period"),
        (0, {"from": "2101-01-01"}, "field 'held[0].from': must be between"),
        (0, {"sources": ["nope"]}, "field 'held[0].sources': unknown source id 'nope'"),
        (0, {"when": "x"}, "field 'held[0].when': is not a known field"),
    ],
)  # fmt: skip
def test_bad_held_periods_are_named(
    make_data_dir: MakeDataDir, index: int, change: dict[str, Any], expected: str
) -> None:
    record = _record()
    record["held"] = copy.deepcopy(record["held"])
    record["held"][index].update(change)
    with pytest.raises(DataError) as caught:
        load_dataset(make_data_dir(communities=[record]))
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_two_communities_of_the_oblast_may_not_share_a_point(make_data_dir: MakeDataDir) -> None:
    twin = _record(id="delta")
    with pytest.raises(DataError, match="the point of 'gamma'"):
        load_dataset(make_data_dir(communities=[_record(), twin]))


# --- the committed data -------------------------------------------------------------------


def _side(dataset: Dataset, place: str, day: str) -> str | None:
    control = state_at(dataset, dt.date.fromisoformat(day)).control
    return locate(dataset.places[place], dataset.boundaries, control).holder


def _community_side(dataset: Dataset, ident: str, day: str) -> str | None:
    """The holder the map shows at a community's point on ``day``."""
    community = next(c for c in dataset.communities if c.id == ident)
    point = Point(community.lon, community.lat)
    control = state_at(dataset, dt.date.fromisoformat(day)).control
    return next((c.holder for c in control if c.geometry.covers(point)), None)


@pytest.mark.parametrize(
    ("ident", "sides"),
    [
        # The December 2020 pocket: Hin Tagher on 12 December, Khtsaberd by 13 December.
        ("hin-tagher", {"2020-12-11": "armenian", "2020-12-12": "azerbaijani"}),
        ("khtsaberd", {"2020-12-12": "armenian", "2020-12-13": "azerbaijani"}),
        # Villages Azerbaijan claimed on 9 November 2020 that stayed Armenian-held.
        ("shosh", {"2020-11-10": "armenian", "2021-02-23": "armenian"}),
        ("mkhitarishen", {"2021-02-23": "armenian"}),
        # Operation Goranboy: Talish Azerbaijani-held from summer 1992 until April 1994.
        ("talish", {"1992-07-03": "armenian", "1993-12-31": "azerbaijani", "1994-04-11": "armenian"}),  # noqa: E501
        # A village whose 1992-93 side is not established: no holder drawn.
        ("haterk", {"1992-07-03": "armenian", "1992-12-01": None, "1993-06-27": "armenian"}),
        # Maragha, beyond the 1994 line, stays Azerbaijani-held.
        ("maragha", {"1992-04-09": "armenian", "1992-04-10": "azerbaijani", "2021-02-23": "azerbaijani"}),  # noqa: E501
    ],
)  # fmt: skip
def test_the_line_of_contact_follows_the_communities(
    dataset: Dataset, ident: str, sides: dict[str, str | None]
) -> None:
    assert {day: _community_side(dataset, ident, day) for day in sides} == sides


def test_the_oblast_is_no_longer_one_armenian_area_with_discs(dataset: Dataset) -> None:
    ids = {c.id for c in dataset.control}
    assert not ids & {"nkao-armenian", "shusha-area-armenian", "hadrut-area-azerbaijani"}
    on_article_day = state_at(dataset, dt.date(2021, 2, 23))
    derived = [c for c in on_article_day.control if c.derived_from == "communities.yaml"]
    # One area per side plus the ground beyond the 1994 line: no hundreds of cell borders.
    assert sorted(c.id for c in derived) == [
        "oblast-armenian-2020-12-13",
        "oblast-azerbaijani-2020-12-13",
        "oblast-fringe-azerbaijani",
    ]
    assert on_article_day.lines  # the approximate line is drawn
    assert _side(dataset, "hadrut", "2021-02-23") == "azerbaijani"
    assert _side(dataset, "stepanakert", "2021-02-23") == "armenian"


def test_the_band_is_about_half_the_distance_between_neighbours_across_the_line(
    dataset: Dataset,
) -> None:
    """:data:`geo.communities.LINE_BAND_KM` is half the median distance between two
    neighbouring communities held by different sides on 23 February 2021 (within 20 %)."""
    cells = recipe._Cells.build(dataset.communities, dataset.boundaries)
    assert cells is not None
    day = dt.date(2021, 2, 23)
    sides = {c.id: p.holder for c in cells.communities if (p := c.held_on(day))}
    points = dict(
        zip(
            [c.id for c in cells.communities],
            to_metric([Point(c.lon, c.lat) for c in cells.communities]),
            strict=True,
        )
    )
    distances = []
    for a, b in ((a, b) for a in sides for b in sides if a < b):
        if {sides[a], sides[b]} != {"armenian", "azerbaijani"}:
            continue
        shared = cells.inside[a].buffer(1.0).intersection(cells.inside[b].buffer(1.0))
        if shared.area > 100.0:  # neighbours: their cells share an edge
            distances.append(points[a].distance(points[b]) / 1000.0)
    median = float(np.median(distances))
    assert len(distances) >= 20
    assert 5.0 < median < 6.2  # the 5.6 km the constant's comment gives
    assert pytest.approx(median / 2, rel=0.2) == LINE_BAND_KM
