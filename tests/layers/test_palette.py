"""The one palette survives greyscale and the common colour-vision deficiencies.

Simulated here without any colour library: sRGB is linearised, deuteranopia and protanopia
are the Machado, Oliveira & Fernandes (2009) matrices at severity 1 (applied to linear
RGB), greyscale is the CIE L* of the luminance, and colours are compared in CIE L*a*b*
(D65, CIE76 difference). Each fill is composited over the land colour at its opacity, as
the map draws it.
"""

from __future__ import annotations

import numpy as np
import pytest

from layers import styles
from layers.paper.map_content import LAND_COLOUR

HOLDERS = ("control-armenian", "control-azerbaijani")
SIMULATIONS: dict[str, np.ndarray] = {
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.01182, 0.04294, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
}
_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    t = (_XYZ @ np.clip(linear_rgb, 0, 1)) / _WHITE
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def drawn(key: str, status: str) -> np.ndarray:
    """Linear RGB of the fill of ``key`` for ``status`` as drawn over the land."""
    look = styles.style(key, status)
    assert look.fill is not None
    return linear(look.fill_opacity * rgb(look.fill) + (1 - look.fill_opacity) * rgb(LAND_COLOUR))


@pytest.mark.parametrize("status", ["confirmed", "approximate"])
def test_holders_differ_in_greyscale_lightness(status: str) -> None:
    armenian, azerbaijani = (lab(drawn(key, status))[0] for key in HOLDERS)
    assert abs(armenian - azerbaijani) >= styles.HOLDER_LIGHTNESS_MARGIN
    # the same margin as 0-255 grey levels of a greyscale print (Rec. 709 luma)
    luma = [
        255 * float(np.array([0.2126, 0.7152, 0.0722]) @ drawn(k, status)) ** (1 / 2.2)
        for k in HOLDERS
    ]
    assert abs(luma[0] - luma[1]) >= 60


@pytest.mark.parametrize("deficiency", sorted(SIMULATIONS))
@pytest.mark.parametrize("status", ["confirmed", "approximate"])
def test_holders_stay_apart_with_colour_vision_deficiencies(deficiency: str, status: str) -> None:
    matrix = SIMULATIONS[deficiency]
    armenian, azerbaijani = (lab(matrix @ drawn(key, status)) for key in HOLDERS)
    assert float(np.linalg.norm(armenian - azerbaijani)) >= styles.HOLDER_CVD_MARGIN


def test_uncertain_holders_are_hatched_at_different_angles() -> None:
    specs = [styles.hatch_spec(styles.style(key, "approximate")) for key in HOLDERS]
    assert specs[0] is not None and specs[1] is not None
    assert set(specs[0].angles).isdisjoint(specs[1].angles)
    assert all(len(styles.style(k, "approximate").hatch or "") == 1 for k in HOLDERS)  # light


def test_the_simulation_can_tell_apart_what_deficient_vision_confuses() -> None:
    """Red and green of equal lightness are far apart normally, close for a deuteranope."""
    red, green = linear(rgb("#d0574d")), linear(rgb("#5f9a2e"))
    normal = float(np.linalg.norm(lab(red) - lab(green)))
    matrix = SIMULATIONS["deuteranopia"]
    deuteranope = float(np.linalg.norm(lab(matrix @ red) - lab(matrix @ green)))
    assert normal > 3 * deuteranope


def overlay_contrast(key: str, ground: np.ndarray, matrix: np.ndarray | None = None) -> float:
    """How far the ink of overlay ``key`` that stands out most (its line, its casing, a
    point symbol's fill) lies from ``ground`` (linear RGB): CIE L* difference, or, with a
    colour-vision ``matrix``, CIE76 difference of the simulated colours."""
    look = styles.style(key, "confirmed")
    inks = [look.color, *([look.casing] if look.casing else [])]
    if look.marker and look.fill and not look.hollow:
        inks.append(look.fill)
    if matrix is None:
        return max(float(abs(lab(linear(rgb(ink)))[0] - lab(ground)[0])) for ink in inks)
    return max(
        float(np.linalg.norm(lab(matrix @ linear(rgb(ink))) - lab(matrix @ ground)))
        for ink in inks
    )


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("key", styles.OVERLAY_KEYS)
def test_overlays_keep_greyscale_contrast_against_both_holders(key: str, holder: str) -> None:
    """Issue 22: the peacekeeping HQ, zone and corridor disappeared into the dark grey of
    the Armenian-held area on greyscale prints."""
    ground = drawn(holder, "confirmed")
    assert overlay_contrast(key, ground) >= styles.OVERLAY_LIGHTNESS_MARGIN


@pytest.mark.parametrize("deficiency", sorted(SIMULATIONS))
@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("key", styles.OVERLAY_KEYS)
def test_overlays_stay_apart_from_both_holders_with_colour_vision_deficiencies(
    key: str, holder: str, deficiency: str
) -> None:
    ground = drawn(holder, "confirmed")
    assert overlay_contrast(key, ground, SIMULATIONS[deficiency]) >= styles.HOLDER_CVD_MARGIN


def test_article_and_context_events_differ_in_greyscale() -> None:
    article, context = (
        lab(linear(rgb(styles.style(key, "confirmed").fill or "")))[0]
        for key in ("event", "event-context")
    )
    assert abs(article - context) >= styles.EVENT_LIGHTNESS_MARGIN
