"""What an atlas page computes once and reuses (layers/paper/map_content.py,
layers/paper/symbols.py, layers/paper/labels.py): the places whose holder changed, once
per map content; the style groups, point groups and rows cut to the extent of a frame,
once per frame object (the layers that do not change with the day are the same clipped
frames on every page of an extent); boundary lines tested against label boxes in
pieces, with the same answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import LineString, MultiLineString

from geo.dataset import Dataset
from layers.briefing.view import View
from layers.features import place_feature_id, view_features
from layers.paper import labels, map_content, symbols
from layers.paper.map_content import MapContent
from layers.paper.placement import Placer

FRAME_IN = (6.0, 5.0)
BOUNDS = (44.8, 39.8, 47.2, 41.2)


def content_on(dataset: Dataset, day: dt.date) -> MapContent:
    view = replace(View(), day=day)
    return map_content.prepare(dataset, view, view_features(dataset, view), FRAME_IN)


def test_changed_places_are_found_once_per_map_content(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    real = place_feature_id

    def counted(place_id: str) -> str:
        asked.append(place_id)
        return real(place_id)

    monkeypatch.setattr(map_content, "place_feature_id", counted)
    shusha_taken = content_on(dataset, dt.date(2020, 11, 10))
    first = shusha_taken.changed_points
    assert (46.7483, 39.7583) in first  # Shusha (taken on 8 November 2020)
    made = len(asked)
    assert made == len(shusha_taken.story.changed_places)
    assert shusha_taken.changed_points is first and len(asked) == made  # reused
    later = content_on(dataset, dt.date(2020, 11, 20))
    assert later.changed_points != first and len(asked) > made  # another day: found again
    assert content_on(dataset, dt.date(2019, 1, 1)).changed_points == ()


def test_style_and_point_groups_are_made_once_per_frame(dataset: Dataset) -> None:
    content = content_on(dataset, dt.date(2020, 11, 10))
    frame = next(
        f
        for name, f in content.frames.items()
        if len(f) > 3 and (f.geom_type == "Point").any() and not symbols.marked(name)
    )
    map_content.clear_kept()
    groups = symbols._drawn_groups(frame, False)
    points = symbols._frame_points(frame)
    assert symbols._drawn_groups(frame, False) is groups  # the same frame: reused
    assert symbols._frame_points(frame) is points
    columns = (frame["style_key"], frame["status"], frame.geom_type)
    assert groups == symbols.style_groups(frame, columns)
    copy = frame.copy()  # another frame object (another day's): made again, alike
    again = symbols._drawn_groups(copy, False)
    assert again is not groups and again == groups
    assert symbols._frame_points(copy) is not points
    without_points = symbols._drawn_groups(frame, True)  # event markers: points left out
    assert without_points is not groups
    assert all(not str(key[2]).endswith("Point") for key, _ in without_points)
    shown = frame[frame.geom_type == "Point"]
    coords = np.concatenate([xy for _, xy in points])
    assert sorted(map(tuple, coords)) == sorted((g.x, g.y) for g in shown.geometry)


def test_rows_inside_the_extent_are_cut_once_per_frame_and_extent(dataset: Dataset) -> None:
    content = content_on(dataset, dt.date(2020, 11, 10))
    frame = next(f for f in content.frames.values() if len(f) > 3)
    map_content.clear_kept()
    rows = labels.rows_inside(frame, content.extent)
    assert labels.rows_inside(frame, content.extent) is rows  # reused
    inner = shapely.box(*content.extent)
    assert [part for _, part in rows] == [g.intersection(inner) for g in frame.geometry]
    smaller = (content.extent[0], content.extent[1], *BOUNDS[2:])
    other = labels.rows_inside(frame, smaller)  # another extent: cut again
    assert other is not rows
    assert [part for _, part in other] == [
        g.intersection(shapely.box(*smaller)) for g in frame.geometry
    ]


def test_a_label_box_crosses_a_boundary_line_as_it_crosses_the_whole_line() -> None:
    """The lines are tested in pieces (``placement.LINE_PIECE`` segments): a box crosses
    one where it crosses the whole line, along it, at a vertex, or nowhere."""
    figure = Figure(figsize=(4, 4), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    xs = np.linspace(0.5, 9.5, 60)
    line = LineString(np.column_stack((xs, 5 + 3 * np.sin(xs * 2.1))))
    placer = Placer(ax, lines=[line, MultiLineString([[(1, 1), (1, 9)], [(2, 2), (3, 2)]])])
    whole = shapely.STRtree(list(placer._display_lines()))
    assert len(whole) > 8  # in pieces
    shown = [LineString(ax.transData.transform(np.asarray(g.coords))) for g in
             (line, LineString([(1, 1), (1, 9)]), LineString([(2, 2), (3, 2)]))]  # fmt: skip
    hits = 0
    for x in np.linspace(0, 390, 40):
        for y in np.linspace(0, 390, 40):
            extent = (x, y, x + 23.0, y + 7.0)
            expected = any(shapely.box(*extent).intersects(g) for g in shown)
            assert placer.crossed(extent) == expected
            hits += expected
    assert 100 < hits < 1500  # both answers were met
