"""The ground of ``data/ground.gpkg`` (rivers and lakes, issue 21) as records, and their
names from ``waters.yaml``: EPSG:4326 geometries, one :class:`geo.model.GroundFeature` per
row. Disk access goes through :mod:`geo.io`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from geo import io, settings
from geo.errors import DataError
from geo.model import GroundFeature, Water


def load_ground(
    path: Path, broken: list[str], problems: list[str]
) -> dict[str, tuple[GroundFeature, ...]] | None:
    """The rivers and lakes of ``ground.gpkg`` as records (EPSG:4326; unnamed), ``{}``
    without the file, ``None`` when it cannot be used. A file that cannot be read adds
    its problems to ``broken``; a missing layer or column adds one to ``problems``."""
    if not path.exists():
        return {}
    try:
        layers = io.read_boundaries(path)
    except DataError as exc:
        broken.extend(exc.problems)
        return None
    ground: dict[str, tuple[GroundFeature, ...]] = {}
    for name, columns in settings.GROUND_LAYERS.items():
        frame = layers.get(name)
        missing = [c for c in columns if frame is not None and c not in frame.columns]
        if frame is None or missing:
            lacks = "is missing" if frame is None else f"lacks columns {missing}"
            problems.append(f"{path.name}: layer {name!r} {lacks}")
            continue
        ground[name] = tuple(
            GroundFeature(
                layer=name,
                row=index,
                river_class=int(row["class"]) if "class" in columns else None,
                class_name=str(row["class_name"]) if "class_name" in columns else None,
                area_km2=float(row["area_km2"]) if "area_km2" in columns else None,
                geometry=row["geometry"],
            )
            for index, row in enumerate(frame.to_dict("records"))
        )
    return ground


def named_ground(
    ground: Mapping[str, tuple[GroundFeature, ...]],
    waters: list[tuple[Water, tuple[int, ...]]],
    problems: list[str],
) -> dict[str, tuple[GroundFeature, ...]]:
    """``ground`` with each feature named by the water selecting it; a feature selected
    by two waters is a problem."""
    names: dict[tuple[str, int], Water] = {}
    for water, rows in waters:
        for row in rows:
            other = names.setdefault((water.layer, row), water)
            if other is not water:
                problems.append(
                    f"{settings.WATERS_FILE}: record {water.id!r}, field 'at': feature {row} of "
                    f"{water.layer!r} is already named by {other.id!r}"
                )
    return {
        layer: tuple(
            replace(f, water=w.id, names=w.names) if (w := names.get((layer, f.row))) else f
            for f in features
        )
        for layer, features in ground.items()
    }
