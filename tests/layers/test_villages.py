"""The villages layer and the approximate line (issue 21): features, web map, paper, GIS."""

from __future__ import annotations

import datetime as dt

import folium

from geo.dataset import Dataset
from geo.situation import state_at
from layers import catalog
from layers.briefing.view import DEFAULT_BOUNDS, View
from layers.exports.gis import gis_rows
from layers.features import Feature, features, view_features
from layers.legend_entries import drawn_legend_entries
from layers.paper.map_content import at_paper_scale, prepare
from layers.web.geojson import FROM_ZOOM_CLASS, feature_collections
from layers.web.groups import layer_group
from layers.web.legend import drawn_legend_html

ARTICLE_DAY = dt.date(2021, 2, 23)
#: The former oblast and the Lachin corridor (about 100 km across).
KARABAKH = (46.4, 39.4, 47.4, 40.4)
VILLAGES = next(spec for spec in catalog.LAYERS if isinstance(spec.source, catalog.CommunitySource))
CONTROL = next(spec for spec in catalog.LAYERS if isinstance(spec.source, catalog.ControlSource))


def _villages(dataset: Dataset, day: dt.date, convention: str = "dual") -> dict[str, Feature]:
    rows = features(dataset, state_at(dataset, day), VILLAGES, convention)
    return {row.id: row for row in rows}


def test_each_village_shows_its_side_that_day(dataset: Dataset) -> None:
    villages = _villages(dataset, ARTICLE_DAY)
    assert len(villages) == len(dataset.communities)
    shusha, stepanakert = villages["village-shusha"], villages["village-stepanakert"]
    assert shusha.style_key == "village-azerbaijani"
    assert stepanakert.style_key == "village-armenian"
    details = dict(shusha.details)
    assert details["Held by"] == "Azerbaijan, since 8 November 2020"
    assert details["Before"] == "Armenian forces, since 8 May 1992"
    # A day resting on President Aliyev's announcement says so, with the source's words.
    togh = dict(villages["village-togh"].details)
    assert togh["Dated by"] == "President Aliyev's announcement of 9 November 2020 (a claim)"
    assert "Tugh" in togh["Quote"]
    # Names follow the convention; the sources are the period's and the point's.
    assert _villages(dataset, ARTICLE_DAY, "az")["village-togh"].label == "Tuğ"
    togh_row = villages["village-togh"]
    community = next(c for c in dataset.communities if c.id == "togh")
    assert set(togh_row.source_ids) == {
        *community.held[-1].provenance.sources,
        *community.provenance.sources,
    }


def test_before_its_first_period_a_village_has_no_side(dataset: Dataset) -> None:
    villages = _villages(dataset, dt.date(1991, 6, 1))
    togh = villages["village-togh"]
    assert togh.style_key == "village-unknown"
    assert dict(togh.details)["Held by"] == "no record before 1991-10-30"
    # Operation Goranboy: a Martakert village whose 1992-93 side is not established.
    haterk = _villages(dataset, dt.date(1992, 12, 1))["village-haterk"]
    assert haterk.style_key == "village-unknown"
    assert dict(haterk.details)["Held by"].startswith("not known")


def test_the_control_layer_draws_the_approximate_line(dataset: Dataset) -> None:
    rows = features(dataset, state_at(dataset, ARTICLE_DAY), CONTROL, "dual")
    bands = [r for r in rows if r.style_key == "approximate-line"]
    assert len(bands) == 1 and bands[0].status == "approximate"
    assert any(e.style_key == "approximate-line" for e in CONTROL.legend)
    before_1992 = features(dataset, state_at(dataset, dt.date(1991, 6, 1)), CONTROL, "dual")
    assert before_1992 == []


def test_paper_draws_the_villages_only_at_karabakh_scale(dataset: Dataset) -> None:
    (detail,) = VILLAGES.detail
    assert catalog.span_deg(DEFAULT_BOUNDS) > detail.max_span_deg >= catalog.span_deg(KARABAKH)
    frames = view_features(dataset, View(day=ARTICLE_DAY, layers=catalog.LAYER_IDS))
    assert not frames[VILLAGES.id].empty
    assert at_paper_scale(frames, DEFAULT_BOUNDS)[VILLAGES.id].empty
    near = prepare(dataset, View(day=ARTICLE_DAY, bounds=KARABAKH), frames, (8.0, 6.0))
    far = prepare(dataset, View(day=ARTICLE_DAY), frames, (8.0, 6.0))
    labels = [d.entry.label for d in drawn_legend_entries(near.frames, near.extent)]
    assert "Village held by Armenian forces" in labels and "Village held by Azerbaijan" in labels
    assert far.frames[VILLAGES.id].empty


def test_the_web_map_hides_the_villages_when_zoomed_out(dataset: Dataset) -> None:
    frames = view_features(dataset, View(day=ARTICLE_DAY, layers=catalog.LAYER_IDS))
    collections = feature_collections(frames)
    fmap = folium.Map()
    layer_group(VILLAGES.id, collections[VILLAGES.id]).add_to(fmap)
    html = fmap.get_root().render()
    (detail,) = VILLAGES.detail
    assert f'"className": "{FROM_ZOOM_CLASS}{detail.min_zoom}"' in html
    other = folium.Map()
    layer_group(CONTROL.id, collections[CONTROL.id]).add_to(other)
    assert FROM_ZOOM_CLASS not in other.get_root().render()
    legend = drawn_legend_html(collections)
    row = legend.split("Village held by Armenian forces")[0].rsplit("<div", 1)[1]
    assert f"{FROM_ZOOM_CLASS}{detail.min_zoom}" in row  # the row hides with the villages
    assert "Line of contact: uncertain band" in legend


def test_gis_exports_carry_each_village_with_its_side(dataset: Dataset) -> None:
    view = View(day=ARTICLE_DAY, layers=(VILLAGES.id, CONTROL.id))
    tables = gis_rows(dataset, view)
    villages = {row["id"]: row for row in tables["villages_points"]}
    assert len(villages) == len(dataset.communities)
    hin_tagher = villages["village-hin-tagher"]
    assert (hin_tagher["kind"], hin_tagher["holder"]) == ("village", "azerbaijani")
    assert hin_tagher["start"] == dt.date(2020, 12, 12) and hin_tagher["end"] is None
    lines = [r for r in tables["control_areas"] if r["style_key"] == "approximate-line"]
    assert len(lines) == 1 and lines[0]["holder"] is None
    assert lines[0]["start"] == dt.date(2020, 12, 13)
