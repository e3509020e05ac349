"""Geodesic areas: holes are subtracted whichever way the rings turn; reprojection gives
geopandas' coordinates with a transformer made once."""

from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from geo.dataset import Dataset
from geo.metric import geodesic_area_km2

OUTER = [(45.0, 40.0), (46.0, 40.0), (46.0, 41.0), (45.0, 41.0)]
HOLE = [(45.25, 40.25), (45.75, 40.25), (45.75, 40.75), (45.25, 40.75)]


@pytest.mark.parametrize(
    ("outer", "hole"),
    [
        (OUTER, HOLE),  # both counter-clockwise: the hole was added (12,801-style error)
        (OUTER, HOLE[::-1]),  # the usual orientation
        (OUTER[::-1], HOLE[::-1]),  # both clockwise
        (OUTER[::-1], HOLE),
    ],
)
def test_a_hole_is_subtracted_whatever_the_orientation(
    outer: list[tuple[float, float]], hole: list[tuple[float, float]]
) -> None:
    whole = geodesic_area_km2(box(45.0, 40.0, 46.0, 41.0))
    inner = geodesic_area_km2(box(45.25, 40.25, 45.75, 40.75))
    assert 9_400 < whole < 9_420  # one degree square at 40-41 N
    assert geodesic_area_km2(Polygon(outer, [hole])) == pytest.approx(whole - inner, rel=1e-9)


def test_parts_of_a_multipolygon_each_lose_their_holes() -> None:
    holed = Polygon(OUTER, [HOLE])
    shifted = Polygon([(x + 2.0, y) for x, y in OUTER], [[(x + 2.0, y) for x, y in HOLE]])
    one = geodesic_area_km2(holed)
    assert geodesic_area_km2(MultiPolygon([holed, shifted])) == pytest.approx(
        one + geodesic_area_km2(shifted), rel=1e-9
    )
    assert geodesic_area_km2(holed.exterior) == 0.0


# --- reprojection: geopandas' coordinates, the transformer made once (issue 25) ----------

_PAIRS = [
    ("EPSG:4326", "EPSG:32638"),
    ("EPSG:32638", "EPSG:4326"),
    ("EPSG:4326", "laea"),
    ("laea", "EPSG:4326"),
]


def _crs(name: str) -> object:
    from geo.change import EQUAL_AREA_CRS

    return EQUAL_AREA_CRS if name == "laea" else name


@pytest.mark.parametrize(("source", "target"), _PAIRS)
def test_project_gives_geopandas_coordinates(dataset: Dataset, source: str, target: str) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.metric import project

    shapes = [c.geometry for c in dataset.control]
    shapes += [Point(p.lon, p.lat) for p in dataset.places.values()]
    if source != "EPSG:4326":  # points of the region, in the source CRS
        shapes = list(gpd.GeoSeries(shapes, crs="EPSG:4326").to_crs(_crs(source)))
    shapes += [Point(45.0, 40.0, 1200.0), Polygon()]  # a 3-D point keeps its height
    expected = list(gpd.GeoSeries(shapes, crs=_crs(source)).to_crs(_crs(target)))
    got = project(shapes, source=_crs(source), target=_crs(target))  # type: ignore[arg-type]
    assert [g.wkb for g in got] == [g.wkb for g in expected]


def test_project_makes_no_new_operation_search_in_a_new_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Streamlit runs each script run in a new thread: the transformer must not search
    PROJ's database for the operation again there (6 ms a pair)."""
    import threading

    import pyproj.transformer
    from shapely.geometry import Point

    from geo.change import EQUAL_AREA_CRS
    from geo.metric import project

    project([Point(45.0, 40.0)], source="EPSG:4326", target=EQUAL_AREA_CRS)  # made once
    searches: list[object] = []
    real = pyproj.transformer.TransformerFromCRS.__call__

    def counted(self: object) -> object:
        searches.append(self)
        return real(self)  # type: ignore[arg-type]

    monkeypatch.setattr(pyproj.transformer.TransformerFromCRS, "__call__", counted)
    results: list[object] = []
    for _ in range(3):
        worker = threading.Thread(
            target=lambda: results.append(
                project([Point(45.0, 40.0)], source="EPSG:4326", target=EQUAL_AREA_CRS)
            )
        )
        worker.start()
        worker.join()
    assert len(results) == 3
    assert searches == []
