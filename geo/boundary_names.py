"""Names of boundary features (``boundary_names.yaml``, issue 22): the countries, the
oblast and the provinces of ``data/boundaries.gpkg`` in each naming convention's language.

A country has no point, so it is no gazetteer place; a record names one feature of a
boundary layer by its English ``name`` (the row's ``name`` column) and gives its forms
(``names``, as in places.yaml) with their sources. Loading reports an unknown layer, a
feature the layer lacks and a feature named twice, each with file, record and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from geo import settings
from geo._validate import RecordChecker, shown
from geo.model import BoundaryName, Names

if TYPE_CHECKING:
    import geopandas as gpd

#: Fields of a record.
FIELDS = ("id", "status", "sources", "note", "layer", "feature", "names")

#: Boundary layers whose features may be named here (the others have no names of their
#: own, or take them from the gazetteer: the districts, ``district-<name>``).
NAMED_LAYERS: tuple[str, ...] = ("countries", "nkao", "provinces")


def boundary_name(
    check: RecordChecker,
    sources: Iterable[str] | None,
    boundaries: Mapping[str, gpd.GeoDataFrame] | None,
) -> BoundaryName:
    """One record of ``boundary_names.yaml``; ``boundaries`` is ``None`` when the
    GeoPackage could not be read (the feature is then not checked)."""
    check.unknown_fields(FIELDS)
    layer = check.choice("layer", NAMED_LAYERS)
    if check.record.get("layer") not in NAMED_LAYERS:
        layer = ""  # reported: names no feature
    feature = check.text("feature") or ""
    record = BoundaryName(
        id=check.slug(),
        layer=layer,
        feature=feature,
        names=check.names() or Names(en=feature or check.id or "?"),
        provenance=check.provenance(sources),
    )
    if boundaries is not None and feature and layer in boundaries:
        known = [str(name) for name in boundaries[layer]["name"]]
        if feature not in known:
            check.problem(
                "feature",
                f"layer {layer!r} of {settings.BOUNDARIES_FILE} has no feature named "
                f"{shown(feature)} (it has {known})",
            )
    return record


def by_feature(
    records: Iterable[BoundaryName], lines: Mapping[str, int | None], problems: list[str]
) -> dict[tuple[str, str], BoundaryName]:
    """The records keyed by ``(layer, feature)``; a feature named by two records is a
    problem (appended to ``problems``)."""
    keyed: dict[tuple[str, str], BoundaryName] = {}
    for record in records:
        key = (record.layer, record.feature)
        if not record.layer:
            continue
        if key in keyed:
            problems.append(
                f"{settings.BOUNDARY_NAMES_FILE}: line {lines.get(record.id)}, record "
                f"{record.id!r}, field 'feature': {record.feature!r} of layer {record.layer!r} "
                f"is already named by record {keyed[key].id!r}"
            )
            continue
        keyed[key] = record
    return keyed
