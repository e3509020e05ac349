"""The area the map gives each side, beside the published figures (issue 21).

Published figures of the area held by the Armenian side (none is a neutral survey):

- realkarabakh.com, "The Occupied Territories of Artsakh" (Armenian-side site, undated, after
  August 2022), http://realkarabakh.com/en/occupation/ : "the Republic of Artsakh maintained
  about 2900 square km from its entire territory of 11.458 square km".
- G. Tabakian, cartographer, quoted by Western Armenia TV (French, undated): about 11,500 km2
  before the war, about 2,800 km2 after it;
  https://westernarmeniatv.com/fr/139489/quelques-faits-pour-comprendre-ce-que-nous-avons-perdu-georges-tabakian
- Wikipedia, "Republic of Artsakh", revision 1083777382 (April 2022), infobox: 3,170 km2
  (weakly sourced; equal to 27.7 % of 11,458).
- Caucasian Knot, 21 November 2020, https://www.eng.kavkaz-uzel.eu/articles/52845/ ,
  citing G. Mikaelyan (Caucasus Institute): 27.7 % of the territory held on 26 September
  2020 remained under Armenian-Russian control.
- A table of the NKAO by raion (English Wikipedia, reproduced on Google Groups,
  https://groups.google.com/g/google-mapmaker/c/LMRnd1YIBoo ): 3,824 of 4,384 km2 (87.2 %)
  of the oblast under NKR control before the war; Azerbaijan held about 560 km2 of its
  eastern edge (400 in Mardakert, 160 in Martuni raion).

The same figures are in data/figures.yaml (checked below), which the comparison tables show
beside the map's own. Areas are geodesic km2 on WGS 84 (:mod:`geo.figures`).
"""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from geo.communities import FRINGE_ID
from geo.dataset import Dataset
from geo.figures import held_km2, map_value
from geo.metric import geodesic_area_km2
from geo.situation import state_at

ARTICLE_DAY = dt.date(2021, 2, 23)
BEFORE_WAR = dt.date(2020, 9, 26)

#: (id in figures.yaml, value, source id) as stated in the module docstring.
PUBLISHED = {
    "realkarabakh-before-war": (11_458, "realkarabakh-com-occupied-territories-artsakh"),
    "tabakian-before-war": (11_500, "westernarmeniatv-tabakian-losses"),
    "nkao-table-before-war": (87.2, "groups-google-nkao-by-raion"),
    "realkarabakh-after-war": (2_900, "realkarabakh-com-occupied-territories-artsakh"),
    "tabakian-after-war": (2_800, "westernarmeniatv-tabakian-losses"),
    "wikipedia-artsakh-after-war": (3_170, "wp-en-republic-of-artsakh-1083777382"),
    "mikaelyan-share-kept": (27.7, "kavkaz-uzel-2020-11-21-two-thirds"),
}
AFTER_WAR_KM2 = (2_800, 2_900, 3_170)
BEFORE_WAR_KM2 = (11_458, 11_500)
#: The oblast's edge beyond the 1994 line in the published table (km2 of its 4,384).
PUBLISHED_FRINGE_KM2 = 400 + 160


def test_the_published_figures_are_in_the_data_with_their_sources(dataset: Dataset) -> None:
    figures = {f.id: f for f in dataset.figures}
    for ident, (value, source) in PUBLISHED.items():
        assert figures[ident].value == value, ident
        assert source in figures[ident].provenance.sources, ident
    assert dataset.source("kavkaz-uzel-2020-11-21-two-thirds").date == dt.date(2020, 11, 21)


def test_on_the_article_day_the_armenian_side_holds_what_the_published_figures_say(
    dataset: Dataset,
) -> None:
    """23 February 2021: 3,006 km2 inside the former oblast (Natural Earth's 4,281 km2
    outline), inside the published spread of 2,800-3,170 km2 (about 3 % above
    realkarabakh.com's 2,900).

    Two biases, in opposite directions, are known and left as they are (README, "Area
    figures"): the published totals may count the Lachin corridor (about 70 km2 of it lies
    outside the oblast in the map's schematic band), and Natural Earth's 1994 line leaves
    only about 160 km2 of the oblast on its far side where the published table has about
    560 km2 — with the table's edge the map would give about 2,600 km2, below the spread.
    """
    oblast = held_km2(dataset, "armenian", ARTICLE_DAY, "oblast")
    whole = held_km2(dataset, "armenian", ARTICLE_DAY, "whole")
    assert min(AFTER_WAR_KM2) <= oblast <= max(AFTER_WAR_KM2)
    assert whole == pytest.approx(oblast, rel=1e-3)  # nothing else is Armenian-held
    for ident in ("realkarabakh-after-war", "tabakian-after-war", "wikipedia-artsakh-after-war"):
        figure = next(f for f in dataset.figures if f.id == ident)
        assert map_value(dataset, figure, ARTICLE_DAY) == pytest.approx(whole)
    # Mikaelyan's share of the pre-war territory kept, computed the same way: 25.3 %.
    kept = next(f for f in dataset.figures if f.id == "mikaelyan-share-kept")
    assert map_value(dataset, kept, ARTICLE_DAY) == pytest.approx(27.7, abs=3.0)


def test_before_the_war_the_map_exceeds_the_published_figures_by_the_1994_line(
    dataset: Dataset,
) -> None:
    """26 September 2020: the map gives the Armenian side 11,896 km2 (4,070 inside the
    oblast, 7,826 in the seven districts), OUTSIDE the published 11,458-11,500 km2, by
    about 3.5 %; and 95.1 % of the oblast where the published table has 87.2 %.

    The cause is the schematic 1994 line of Natural Earth (1:10m) that cuts the oblast and
    the districts: beyond it lie 163 km2 of the oblast (the table: about 560 km2 of 4,384,
    i.e. 547 of the map's 4,281 km2 outline), and it gives Aghdam and Fuzuli larger Armenian
    parts than the often-quoted shares (data/README.md). With the table's edge in place of
    Natural Earth's, the map's figure falls within 1 % of the published spread: the rest of
    the recipe adds nothing unexplained. Nothing is tuned to reach the published figures.
    """
    whole = held_km2(dataset, "armenian", BEFORE_WAR, "whole")
    assert whole > max(BEFORE_WAR_KM2)  # outside the spread: say so (README, report)
    assert whole == pytest.approx(sum(BEFORE_WAR_KM2) / 2, rel=0.05)
    fringe = next(c for c in dataset.control if c.id == FRINGE_ID)
    fringe_km2 = geodesic_area_km2(fringe.geometry)
    outline = geodesic_area_km2(shapely.union_all(dataset.boundaries["nkao"].geometry.to_numpy()))
    published_fringe = PUBLISHED_FRINGE_KM2 * outline / 4_384
    assert fringe_km2 < published_fringe / 3
    corrected = whole - (published_fringe - fringe_km2)
    assert min(BEFORE_WAR_KM2) * 0.99 <= corrected <= max(BEFORE_WAR_KM2) * 1.01
    share = next(f for f in dataset.figures if f.id == "nkao-table-before-war")
    assert map_value(dataset, share, BEFORE_WAR) > share.value  # the same edge, as a share


def test_the_areas_follow_the_war_day_by_day(dataset: Dataset) -> None:
    """The Armenian-held part of the oblast shrinks on the days the communities fell and
    not otherwise; before 1992 the map draws none."""
    days = [BEFORE_WAR, dt.date(2020, 10, 20), dt.date(2020, 11, 10), ARTICLE_DAY]
    areas = [held_km2(dataset, "armenian", day, "oblast") for day in days]
    assert areas == sorted(areas, reverse=True) and areas[0] - areas[-1] > 1_000
    assert held_km2(dataset, "armenian", dt.date(1991, 6, 1), "oblast") == 0.0
    assert state_at(dataset, ARTICLE_DAY).lines  # the approximate line is drawn too


def test_the_area_held_is_measured_once_per_situation(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every day with the same control records in force holds the same area: it is
    measured once (a comparison asks on every run, issue 25)."""
    import geo.figures

    measured: list[float] = []

    def counted(geometry: shapely.Geometry) -> float:
        measured.append(geodesic_area_km2(geometry))
        return measured[-1]

    monkeypatch.setattr(geo.figures, "geodesic_area_km2", counted)
    first = held_km2(dataset, "armenian", dt.date(2020, 12, 20), "whole")
    count = len(measured)  # 1, or 0 if an earlier test measured it
    assert state_at(dataset, dt.date(2021, 1, 15)).control is state_at(
        dataset, dt.date(2020, 12, 20)
    ).control  # the same records in force: one resolved situation
    assert held_km2(dataset, "armenian", dt.date(2021, 1, 15), "whole") == first
    assert len(measured) == count
    assert held_km2(dataset, "armenian", dt.date(2021, 1, 15), "oblast") < first
    assert first < held_km2(dataset, "armenian", BEFORE_WAR, "whole")
