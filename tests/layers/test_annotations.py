"""Annotations (issue 24): the model, its checks, its GeoJSON file and its address form."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import random
import zlib

import pytest

from geo.dataset import load_dataset
from geo.errors import DataError
from layers.briefing import annotations as ann
from layers.briefing import deck_file as df
from layers.briefing.annotations import Annotation
from layers.briefing.view import View, view_from_query
from tests.conftest import MakeDataDir

ARROW = Annotation("arrow", ((46.5, 39.6), (46.75, 39.76), (46.9, 39.8)), "Advance", "red", True)
PKF = "~1,960 Russian peacekeepers"
CALLOUT = Annotation("callout", ((46.75, 39.82), (46.2, 40.3)), PKF, "blue")
TEXT = Annotation("text", ((45.0, 40.2),), "Lake Sevan", "black")
LINE = Annotation("line", ((45.5, 39.0), (46.0, 39.2)), "", "green")
AREA = Annotation("area", ((46.3, 39.5), (46.6, 39.5), (46.6, 39.7)), "Corridor", "orange")
POINT = Annotation("point", ((43.84, 40.79),), "102nd base", "black", symbol="star")
EVERY_KIND = (ARROW, CALLOUT, TEXT, LINE, AREA, POINT)


def feature(kind: str, geometry: object, **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": {"kind": kind, **props}, "geometry": geometry}


def test_every_kind_round_trips_through_geojson_features() -> None:
    features = [a.feature() for a in EVERY_KIND]
    assert ann.annotations_from_features(features) == EVERY_KIND
    assert {f["properties"]["kind"] for f in features} == set(ann.KINDS)  # type: ignore[index]
    ring = features[4]["geometry"]["coordinates"][0]  # type: ignore[index]
    assert ring[0] == ring[-1]  # closed in the file


def test_every_problem_is_listed_with_the_feature_number_and_field() -> None:
    features = [
        feature("arrow", {"type": "LineString", "coordinates": [[46, 39], [46.5, 39.5]]}),
        feature("balloon", {"type": "Point", "coordinates": [46, 39]}),
        feature("callout", {"type": "LineString", "coordinates": [[46, 39], [46.5, 39.5]]}),
        feature("text", {"type": "Point", "coordinates": [46, 39]}, label="x", colour="pink"),
        feature("line", {"type": "LineString", "coordinates": [[10, 10], [11, 11]]}),
        feature("area", {"type": "Point", "coordinates": [46, 39]}),
        feature(
            "arrow", {"type": "LineString", "coordinates": [[46, 39], [46.5, 39]]}, curved="perhaps"
        ),
        feature("point", {"type": "Point", "coordinates": [46, 39]}, label="x" * 201),
        feature("line", {"type": "LineString", "coordinates": [[46, 39], ["a", 39]]}),
    ]
    with pytest.raises(DataError) as caught:
        ann.annotations_from_features(features, "mine.geojson")
    problems = caught.value.problems
    assert problems[0].startswith("mine.geojson: feature 2, field 'kind': must be one of arrow")
    expected = [
        ("feature 3, field 'label'", "a callout needs a label"),
        ("feature 4, field 'colour'", "'pink'"),
        ("feature 5, field 'geometry'", "outside the region"),
        ("feature 6, field 'geometry'", "an area is a Polygon"),
        ("feature 7, field 'curved'", "true or false"),
        ("feature 8, field 'label'", "longer than 200"),
        ("feature 9, field 'geometry'", "numbers"),
    ]
    assert len(problems) == 1 + len(expected)
    for problem, (where, what) in zip(problems[1:], expected, strict=True):
        assert where in problem and what in problem, problem


def test_limits_on_count_and_vertices() -> None:
    many = [TEXT.feature()] * (ann.MAX_ANNOTATIONS + 1)
    with pytest.raises(DataError, match="more than 60"):
        ann.annotations_from_features(many)
    long_line = [[45 + i / 1000, 40.0] for i in range(ann.MAX_VERTICES + 1)]
    with pytest.raises(DataError, match="2 to 200 points"):
        line = feature("line", {"type": "LineString", "coordinates": long_line})
        ann.annotations_from_features([line])


def test_labels_are_normalised_to_one_line_of_clean_text() -> None:
    label = "\ufeffStep\u200banakert\n  now "
    raw = feature("text", {"type": "Point", "coordinates": [46, 39]}, label=label)
    (only,) = ann.annotations_from_features([raw])
    assert only.label == "Stepanakert now"


def test_the_palette_prints_as_distinct_greys() -> None:
    def grey(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    greys = sorted(grey(c) for c in ann.PALETTE.values())
    assert all(b - a >= 0.09 for a, b in itertools.pairwise(greys)), greys
    assert greys[-1] < 0.75  # every colour stands out on the light land (0.95)


def test_the_address_form_round_trips_and_is_bounded() -> None:
    encoded = ann.encode_query(EVERY_KIND)
    assert encoded is not None and len(encoded) < 400
    assert ann.decode_query(encoded) == EVERY_KIND
    view = View(day=dt.date(2020, 11, 10), annotations=EVERY_KIND)
    parsed, messages = view_from_query(view.to_query())
    assert messages == [] and parsed == view
    rng = random.Random(24)
    too_many = tuple(
        Annotation("line", tuple((rng.uniform(44, 47), rng.uniform(39, 41)) for _ in range(30)))
        for _ in range(60)
    )
    assert ann.encode_query(too_many) is None
    assert "ann" not in View(annotations=too_many).to_query()


@pytest.mark.parametrize(
    "raw",
    [
        "not base64!",
        "A" * (ann.MAX_QUERY_CHARS + 1),
        base64.urlsafe_b64encode(zlib.compress(b"x" * 10_000_000)).decode().rstrip("="),
        base64.urlsafe_b64encode(zlib.compress(b'{"a": 1}')).decode().rstrip("="),
    ],
)
def test_a_bad_address_form_is_one_message_and_the_view_stays(raw: str) -> None:
    view, messages = view_from_query({"date": "2020-11-10", "ann": raw})
    assert view.annotations == () and view.day == dt.date(2020, 11, 10)
    assert len(messages) == 1 and messages[0].startswith("Ignored URL parameter ann=")


def test_a_checked_address_form_reports_the_feature() -> None:
    rows = [["arrow", "red", 0, "x", [4600000, 3900000]]]  # one point: not an arrow
    raw = base64.urlsafe_b64encode(zlib.compress(json.dumps(rows).encode())).decode().rstrip("=")
    _, messages = view_from_query({"ann": raw})
    assert "feature 1, field 'geometry': an arrow has 2 to 200 points" in messages[0]


def test_the_file_round_trips_through_the_bounded_reader() -> None:
    text = ann.geojson_text(EVERY_KIND)
    assert json.loads(text)["features"][0]["properties"] == {
        "kind": "arrow", "label": "Advance", "colour": "red", "curved": True,
    }  # fmt: skip
    assert ann.read_annotation_file(text.encode(), "mine.geojson") == EVERY_KIND
    empty = b'{"type": "FeatureCollection", "features": []}'
    assert ann.read_annotation_file(empty, "a.json") == ()


def test_a_file_is_sniffed_capped_and_checked() -> None:
    with pytest.raises(DataError, match=r"not a file type|GeoJSON"):
        ann.read_annotation_file(b"<kml/>", "mine.kml")
    with pytest.raises(DataError, match="OGR VRT"):
        ann.read_annotation_file(b"<OGRVRTDataSource></OGRVRTDataSource>", "mine.geojson")
    with pytest.raises(DataError, match="more than 524,288"):
        ann.read_annotation_file(b" " * (ann.MAX_FILE_BYTES + 1), "mine.geojson")
    broken = {"type": "FeatureCollection", "features": [
        feature("text", {"type": "Point", "coordinates": [46, 39]}, label="ok"),
        feature("text", {"type": "Point", "coordinates": [46, 39]}, colour="teal", label="a"),
        feature("arrow", None),
    ]}  # fmt: skip
    with pytest.raises(DataError) as caught:
        ann.read_annotation_file(json.dumps(broken).encode(), "mine.geojson")
    assert any("row 3" in p and "no geometry" in p for p in caught.value.problems), caught.value
    del broken["features"][2]  # type: ignore[attr-defined]
    with pytest.raises(DataError) as caught:
        ann.read_annotation_file(json.dumps(broken).encode(), "mine.geojson")
    assert caught.value.problems == [
        "mine.geojson: feature 2, field 'colour': must be one of black, red, blue, green, "
        "orange (got 'teal')"
    ]


DECK = """\
title: Drawn
slides:
  - title: The corridor
    view: {date: 2020-11-10}
    annotations:
      - kind: callout
        label: ~1,960 Russian peacekeepers
        colour: blue
        coordinates: [[46.75, 39.82], [46.2, 40.3]]
      - {kind: arrow, curved: true, coordinates: [[46.5, 39.6], [46.75, 39.76], [46.9, 39.8]]}
"""


def test_a_deck_slide_keeps_its_annotations(make_data_dir: MakeDataDir) -> None:
    small = load_dataset(make_data_dir())
    deck = df.deck_from_text(DECK, "deck.yaml", small)
    drawn = deck.slides[0].view.annotations
    assert [a.kind for a in drawn] == ["callout", "arrow"]
    assert drawn[0].label == PKF and drawn[0].colour == "blue" and drawn[1].curved
    assert df.deck_from_text(df.deck_to_yaml(deck), "again.yaml", small) == deck
    broken = DECK.replace("colour: blue", "colour: teal").replace("curved: true", "bend: 2")
    with pytest.raises(DataError) as caught:
        df.deck_from_text(broken, "deck.yaml", small)
    assert len(caught.value.problems) == 2
    assert "slide 1, field 'annotations[2].bend': is not a known field" in caught.value.problems[0]
    assert "slide 1, field 'annotations': feature 1, field 'colour'" in caught.value.problems[1]
