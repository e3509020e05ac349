"""Features of the ground layers: rivers and lakes (``ground.gpkg``, named by
``waters.yaml``) and the routes (``routes.yaml``) in force on a day (issue 21).

Each function yields :class:`layers.features.Feature` records (EPSG:4326, plain text; see
:mod:`layers.features` for the columns), called by :func:`layers.features.features`.
"""

from __future__ import annotations

from collections.abc import Iterator

from geo import settings
from geo.dataset import Dataset
from geo.naming import label
from geo.situation import Situation
from layers.catalog import MAJOR_RIVER_CLASSES, GroundSource, RouteSource
from layers.features import (
    Feature,
    citations_of,
    name_details,
    provenance_details,
    record_label,
)


def ground_features(
    layer_id: str, source: GroundSource, dataset: Dataset, convention: str
) -> Iterator[Feature]:
    """Rivers (by WDBII class: ``river`` or ``river-minor``) or lakes (``lake``) of
    ``ground.gpkg``; a feature named by ``waters.yaml`` carries its names and sources."""
    for ground in dataset.ground.get(source.layer, ()):
        water = dataset.waters.get(ground.water) if ground.water else None
        if ground.river_class is None:
            style_key, kind = "lake", "lake"
        else:
            major = ground.river_class in MAJOR_RIVER_CLASSES
            style_key = "river" if major else "river-minor"
            kind = f"river, WDBII class {ground.river_class} ({ground.class_name})"
        details = [("Kind", kind), *name_details(ground.names, convention)]
        if ground.area_km2 is not None:
            area = f"{ground.area_km2:,.1f} km² (the whole lake, as GSHHG draws it)"
            details.append(("Area", area))
        source_ids: tuple[str, ...] = (settings.GSHHG_SOURCE_ID,)
        status = "confirmed"
        if water is not None:
            source_ids = tuple(dict.fromkeys((*water.provenance.sources, *source_ids)))
            status = water.provenance.status
            details += provenance_details(status, water.provenance.note)
        yield Feature(
            id=f"{layer_id}-{ground.row}",
            layer=layer_id,
            style_key=style_key,
            status=status,
            label=label(ground.names, convention) if ground.names else "",
            details=tuple(details),
            source_ids=source_ids,
            citations=citations_of(dataset, source_ids),
            names=ground.names,
            geometry=ground.geometry,
        )


def route_features(
    layer_id: str, source: RouteSource, dataset: Dataset, situation: Situation, convention: str
) -> Iterator[Feature]:
    """The routes of ``source.kinds`` in force in ``situation``, each in the palette style
    of its kind."""
    for route in situation.routes:
        if route.kind not in source.kinds:
            continue
        provenance = route.provenance
        yield Feature(
            id=route.id,
            layer=layer_id,
            style_key=route.kind,
            status=provenance.status,
            label=record_label(dataset, route, convention),
            details=(
                ("Kind", route.kind.replace("-", " ")),
                ("Period", route.span.describe()),
                *name_details(route.names, convention),
                *provenance_details(provenance.status, provenance.note),
            ),
            source_ids=provenance.sources,
            citations=citations_of(dataset, provenance.sources),
            names=route.names,
            geometry=route.geometry,
        )
