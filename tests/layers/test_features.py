"""Layer features: one frame per layer with the documented columns, in the chosen naming."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dataset import Dataset, load_dataset
from geo.errors import StateError
from geo.situation import state_at
from layers.catalog import LAYER_IDS, LAYERS
from layers.features import EXTRA_COLUMNS, FEATURE_COLUMNS, layer_features
from tests.conftest import MakeDataDir


def test_every_layer_has_the_documented_columns(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    frames = layer_features(data, state_at(data, dt.date(2021, 2, 23)), LAYER_IDS, "dual")
    assert tuple(frames) == LAYER_IDS
    for layer_id, frame in frames.items():
        assert list(frame.columns) == [*FEATURE_COLUMNS, *EXTRA_COLUMNS, "geometry"], layer_id
        assert frame.crs == "EPSG:4326"
        assert (frame["layer"] == layer_id).all()


def test_control_style_follows_the_holder_on_the_date(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    before = layer_features(data, state_at(data, dt.date(2020, 9, 26)), ["control"], "dual")
    after = layer_features(data, state_at(data, dt.date(2021, 2, 23)), ["control"], "dual")
    assert before["control"]["style_key"].tolist() == ["control-armenian"]
    assert after["control"]["style_key"].tolist() == ["control-azerbaijani"]
    details = dict(after["control"].iloc[0]["details"])
    assert details["Held by"] == "Azerbaijan"
    assert details["Period"] == "since 20 November 2020"


@pytest.mark.parametrize(
    ("convention", "expected"),
    [("dual", "Alpha / Alfa / Alfa-az"), ("hy", "Alfa"), ("az", "Alfa-az")],
)
def test_place_labels_follow_the_convention(
    make_data_dir: MakeDataDir, convention: str, expected: str
) -> None:
    data = load_dataset(make_data_dir())
    places = layer_features(data, state_at(data, dt.date(2021, 2, 23)), ["places"], convention)
    assert places["places"].set_index("id").loc["place-alpha", "label"] == expected


def test_source_ids_travel_beside_their_citations(make_data_dir: MakeDataDir) -> None:
    data = load_dataset(make_data_dir())
    frames = layer_features(data, state_at(data, dt.date(2021, 2, 23)), ["events"], "dual")
    event = frames["events"].iloc[0]
    assert event["source_ids"] == ("src-a",)
    assert event["citations"] == ("Somebody, 'A page'",)
    assert ("Quote", "“It happened.”") in event["details"]
    assert event["style_key"] == "event"


def test_district_outlines_take_their_names_from_the_gazetteer(dataset: Dataset) -> None:
    situation = state_at(dataset, dt.date(2021, 2, 23))
    armenian = layer_features(dataset, situation, ["districts"], "hy")["districts"]
    azerbaijani = layer_features(dataset, situation, ["districts"], "az")["districts"]
    assert any("Kashatagh" in name for name in armenian["label"])
    assert any("Laçın" in name for name in azerbaijani["label"])
    countries = layer_features(dataset, situation, ["countries"], "hy")["countries"]
    assert "Հայաստան" in set(countries["label"])  # by language: boundary_names.yaml


def test_layers_that_do_not_change_with_the_date_need_no_situation(
    make_data_dir: MakeDataDir,
) -> None:
    data = load_dataset(make_data_dir())
    fixed = [spec.id for spec in LAYERS if not spec.dated]
    assert set(layer_features(data, None, fixed, "dual")) == set(fixed)
    with pytest.raises(StateError, match="changes with the date"):
        layer_features(data, None, ["control"], "dual")
