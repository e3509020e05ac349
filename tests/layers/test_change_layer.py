"""Wording of the change layer (layers/change_layer.py): the unmapped side of a change."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from geo.change import UNMAPPED, compare
from geo.dataset import Dataset
from layers.change_layer import area_direction_label, change_features, place_direction_label

BEFORE, AFTER = dt.date(2020, 11, 9), dt.date(2020, 12, 1)
CORRIDOR = "Lachin corridor (under Russian peacekeepers), no control record"


def test_ground_left_without_a_record_is_named_by_the_corridor_over_it(dataset: Dataset) -> None:
    change = compare(dataset, BEFORE, AFTER)
    (unmapped,) = [a for a in change.areas if a.to_holder == UNMAPPED]
    assert area_direction_label(dataset, change, unmapped) == f"Armenian forces → {CORRIDOR}"
    handed = [a for a in change.areas if a.to_holder == "azerbaijani"]
    assert handed and all(
        area_direction_label(dataset, change, a) == "Armenian forces → Azerbaijan" for a in handed
    )
    (lachin,) = [p for p in change.places if p.place_id == "lachin"]
    assert place_direction_label(dataset, change, lachin) == f"Armenian forces → {CORRIDOR}"
    details = dict(change_features(dataset, change).iloc[-1]["details"])
    assert details["Change"] == f"Armenian forces → {CORRIDOR}"


def test_the_wording_comes_from_the_data_not_from_ids(dataset: Dataset) -> None:
    renamed = tuple(
        dataclasses.replace(s, name="Corridor X") if s.id == "lachin-corridor" else s
        for s in dataset.sites
    )
    change = compare(dataset, BEFORE, AFTER)
    (unmapped,) = [a for a in change.areas if a.to_holder == UNMAPPED]
    data = dataclasses.replace(dataset, sites=renamed)
    assert area_direction_label(data, change, unmapped).endswith("→ Corridor X, no control record")
    # Without not_held_by the site is no stand-in for a holder: the plain words remain.
    unmarked = tuple(dataclasses.replace(s, not_held_by=()) for s in dataset.sites)
    data = dataclasses.replace(dataset, sites=unmarked)
    assert area_direction_label(data, change, unmapped) == "Armenian forces → no holder mapped"


def test_a_changed_area_is_measured_against_the_sites_once(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison words its areas on every run (the table): the share of an area a
    site covers is measured once per area and site (issue 25); the same words follow."""
    from shapely.geometry.base import BaseGeometry

    change = compare(dataset, BEFORE, AFTER)
    (unmapped,) = [a for a in change.areas if a.to_holder == UNMAPPED]
    measured: list[object] = []
    real = BaseGeometry.intersection

    def counted(self: BaseGeometry, other: BaseGeometry, grid_size: float | None = None) -> Any:
        measured.append(other)
        return real(self, other, grid_size=grid_size)

    monkeypatch.setattr(BaseGeometry, "intersection", counted)
    first = area_direction_label(dataset, change, unmapped)
    count = len(measured)  # 0 if an earlier test measured it
    again = area_direction_label(dataset, compare(dataset, BEFORE, AFTER), unmapped)
    assert again == first == f"Armenian forces → {CORRIDOR}"
    assert len(measured) == count
