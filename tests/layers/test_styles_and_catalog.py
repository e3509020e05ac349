"""One style definition serves both renderers; the catalogue is consistent."""

from __future__ import annotations

import pytest

from geo.errors import StateError
from layers import catalog, styles


def test_uncertain_statuses_are_dashed_and_hatched_in_both_renderers() -> None:
    sure = styles.style("corridor", "confirmed")
    unsure = styles.style("corridor", "approximate")
    assert sure.dash is None and unsure.dash is not None
    assert "dashArray" not in styles.leaflet_style(sure)
    assert styles.leaflet_style(unsure)["dashArray"] == "6 4"
    assert styles.matplotlib_style(unsure, "Polygon")["hatch"] == "/"
    assert styles.matplotlib_style(sure, "Polygon")["hatch"] is None
    assert styles.matplotlib_style(sure, "Polygon")["linestyle"] == "solid"
    assert styles.leaflet_style(unsure)["fillOpacity"] == styles.leaflet_style(sure)["fillOpacity"]
    assert styles.hatch_spec(sure) is None
    spec = styles.hatch_spec(unsure)
    assert spec is not None and spec.angles == (45.0,) and spec.colour == unsure.color


def test_both_renderers_get_the_same_colours() -> None:
    armenian = styles.STYLES["control-armenian"]
    web = styles.leaflet_style(armenian)
    static = styles.matplotlib_style(armenian, "MultiPolygon")
    assert web["fillColor"] == armenian.fill
    red, green, blue, alpha = static["facecolor"]
    assert f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}" == (
        armenian.fill
    )
    assert alpha == pytest.approx(armenian.fill_opacity)
    assert styles.matplotlib_style(styles.STYLES["base"], "Point")["marker"] == "s"


def test_every_legend_entry_has_a_palette_style_and_groups_are_known() -> None:
    for spec in catalog.LAYERS:
        assert spec.group in catalog.GROUPS, spec.id
        assert spec.legend, spec.id
        for entry in spec.legend:
            assert entry.style_key in styles.STYLES, (spec.id, entry.style_key)
            assert entry.shape in ("polygon", "line", "point")


def test_layer_ids_are_checked_and_put_in_catalogue_order() -> None:
    assert catalog.check_layer_ids(["events", "countries"]) == ("countries", "events")
    with pytest.raises(StateError, match="unknown layers \\['highways'\\]"):
        catalog.check_layer_ids(["highways"])
    assert catalog.layer("nkao").title.startswith("Nagorno-Karabakh")


def test_the_catalogue_names_one_land_and_the_roles_renderers_ask_for() -> None:
    lands = [spec for spec in catalog.LAYERS if spec.land]
    assert lands == [catalog.LAND]
    assert isinstance(catalog.LAND.source, catalog.BoundarySource)
    assert catalog.LAND.source.layer == catalog.LAND_BOUNDARIES
    assert [s.id for s in catalog.LAYERS if s.frames_karabakh] == ["nkao"]
    assert [s.id for s in catalog.LAYERS if s.carries_holder] == ["control"]
    # every minor style is a palette style of its own layer's legend
    for spec in catalog.LAYERS:
        for key in spec.label.minor_styles if spec.label else ():
            assert key in styles.STYLES and key in [e.style_key for e in spec.legend], spec.id
    villages = ("village-armenian", "village-azerbaijani", "village-unknown")
    assert list(catalog.MINOR_STYLES) == ["place-minor", *villages, "village-ground"]
    detailed = ["villages", "rivers", "roads", "railways", "ground-villages"]
    assert [s.id for s in catalog.LAYERS if s.detail] == detailed


def test_every_holder_has_a_label_and_a_palette_style() -> None:
    """A holder is one entry of geo.settings.HOLDER_LABELS plus a style control-<holder>
    (data/SCHEMA.md, "Holders and region")."""
    from geo import settings

    assert tuple(settings.HOLDER_LABELS) == settings.HOLDERS
    for holder in settings.HOLDERS:
        assert f"control-{holder}" in styles.STYLES
        assert settings.HOLDER_LABELS[holder]
