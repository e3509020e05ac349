"""A figure in greys (Rec. 709 luminance), for greyscale exports: every colour of every
artist, including the strokes of path effects (halos, casings), which are shared between
artists and exports and so are replaced by grey copies, never changed in place."""

from __future__ import annotations

import copy
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure


def _grey_effect(effect: Any) -> Any:
    """A copy of path effect ``effect`` with its stroke's colour grey: effects are shared
    between artists and exports (``layers.paper.halo.HALO``), so never changed in place."""
    style = getattr(effect, "_gc", None)
    if not isinstance(style, dict) or "foreground" not in style:
        return effect
    grey = copy.copy(effect)
    grey._gc = {**style, "foreground": _grey(style["foreground"])}
    return grey


def greyscale(figure: Figure) -> None:
    """Turn every colour of ``figure`` into its grey of equal luminance (Rec. 709), in
    place: faces, edges and text of every artist, the boxes of texts (event markers),
    the arrows of annotations (leader lines) and the strokes of path effects (halos,
    casings); alpha is kept."""
    artists = list(figure.findobj())
    for artist in list(artists):
        for extra in (
            getattr(artist, "get_bbox_patch", lambda: None)(),
            getattr(artist, "arrow_patch", None),
        ):
            if extra is not None:
                artists.append(extra)
    for artist in artists:
        effects = artist.get_path_effects() or []
        if any("foreground" in (getattr(effect, "_gc", None) or {}) for effect in effects):
            artist.set_path_effects([_grey_effect(effect) for effect in effects])
        for getter, setter in _COLOUR_ACCESSORS:
            get, put = getattr(artist, getter, None), getattr(artist, setter, None)
            if get is None or put is None:
                continue
            try:
                value = get()
            except (TypeError, ValueError, AttributeError):
                continue
            if isinstance(value, str) and value in ("none", "auto", "face"):
                continue
            try:
                rgba = mpl.colors.to_rgba_array(value)
            except (TypeError, ValueError):
                continue
            if rgba.size == 0:
                continue
            grey = rgba[:, :3] @ [0.2126, 0.7152, 0.0722]
            rgba[:, 0] = rgba[:, 1] = rgba[:, 2] = grey
            put(rgba if isinstance(value, np.ndarray) else tuple(rgba[0]))


def _grey(colour: Any) -> tuple[float, float, float, float]:
    """The grey of equal luminance (Rec. 709) of one colour."""
    red, green, blue, alpha = mpl.colors.to_rgba(colour)
    grey = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return (grey, grey, grey, alpha)


_COLOUR_ACCESSORS = (
    ("get_facecolor", "set_facecolor"),
    ("get_edgecolor", "set_edgecolor"),
    ("get_color", "set_color"),
    ("get_markerfacecolor", "set_markerfacecolor"),
    ("get_markeredgecolor", "set_markeredgecolor"),
)
