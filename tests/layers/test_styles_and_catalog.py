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
    with pytest.raises(StateError, match="unknown layers \\['roads'\\]"):
        catalog.check_layer_ids(["roads"])
    assert catalog.layer("nkao").title.startswith("Nagorno-Karabakh")
