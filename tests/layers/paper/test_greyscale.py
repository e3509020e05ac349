"""A greyscale page never changes the path effects it shares with other pages."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.patheffects import Stroke

from layers.paper.greyscale import greyscale
from layers.paper.halo import HALO


def test_a_shared_path_effect_is_greyed_on_the_page_only() -> None:
    figure = Figure()
    axes = figure.add_subplot()
    shared = Stroke(linewidth=2.0, foreground="red")
    text = axes.text(0.5, 0.5, "Shusha / Şuşa", path_effects=[shared])
    label = axes.text(0.2, 0.2, "Gyumri", path_effects=[HALO])
    greyscale(figure)
    assert shared._gc["foreground"] == "red"  # type: ignore[attr-defined]
    assert HALO._gc["foreground"] == "white"  # type: ignore[attr-defined]
    (grey,) = text.get_path_effects()
    assert grey is not shared
    assert grey._gc["foreground"] == pytest.approx((0.2126, 0.2126, 0.2126, 1.0))  # type: ignore[attr-defined]
    assert grey._gc["linewidth"] == 2.0  # type: ignore[attr-defined]
    assert label.get_path_effects()[0]._gc["foreground"] == (1.0, 1.0, 1.0, 1.0)  # type: ignore[attr-defined]
