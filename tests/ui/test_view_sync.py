"""The map's reports: which are the user's moves, which the fit of the map's origin."""

from __future__ import annotations

import dataclasses
from unittest import mock

from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

from ui import view_sync
from ui.view_sync import is_fit_of, reported_bounds

ORIGIN = (43.2, 38.7, 47.9, 41.4)


def report(west: float, south: float, east: float, north: float) -> dict[str, object]:
    corners = {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}
    return {"bounds": corners, "zoom": 8}


def test_reported_bounds_are_read_and_rounded() -> None:
    assert reported_bounds(report(45.123456789, 39.5, 46.5, 40.5)) == (45.1234568, 39.5, 46.5, 40.5)
    assert reported_bounds(None) is None
    assert reported_bounds({"bounds": {"_southWest": {"lat": None, "lng": None}}}) is None
    assert reported_bounds(report(46.0, 39.0, 45.0, 40.0)) is None  # not an extent


def test_the_fit_of_the_origin_is_not_a_move() -> None:
    # what Leaflet showed for the default view in a 1500 x 1100 window (measured)
    assert is_fit_of((42.7619416, 38.0124419, 48.3397297, 42.05511), ORIGIN)
    assert is_fit_of(ORIGIN, ORIGIN)  # a restored view in a window of the same size


def test_pans_and_zooms_are_moves() -> None:
    panned = (44.2923375, 38.0124419, 49.8701256, 42.05511)
    assert not is_fit_of(panned, ORIGIN)
    zoomed_in = (44.4, 39.3, 46.7, 40.8)  # same centre, smaller than the origin
    assert not is_fit_of(zoomed_in, ORIGIN)
    zoomed_out = (40.0, 36.3, 51.1, 43.7)  # same centre, two snaps larger
    assert not is_fit_of(zoomed_out, ORIGIN)


def test_a_history_step_is_read_from_streamlits_run_context() -> None:
    """Back and Forward are told by Streamlit's flag on the run context (AppTest cannot
    set it, so the app tests patch :func:`view_sync.history_step`): the field must exist
    under that name, and be what the function reads."""
    assert "is_history_navigation" in {f.name for f in dataclasses.fields(ScriptRunContext)}
    for flag in (True, False):
        ctx = mock.Mock(spec=ScriptRunContext, is_history_navigation=flag)
        with mock.patch.object(view_sync, "get_script_run_ctx", return_value=ctx):
            assert view_sync.history_step() is flag
    with mock.patch.object(view_sync, "get_script_run_ctx", return_value=None):
        assert view_sync.history_step() is False
