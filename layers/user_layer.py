"""The user's own layers (:mod:`geo.user_layers`) as runtime catalogue entries.

Each uploaded file becomes one :class:`layers.catalog.LayerSpec` with a
:class:`layers.catalog.UserSource`: its own title, legend entry and palette style
(``user-N`` of :data:`layers.styles.USER_COLOURS`, in upload order), drawn above the
curated layers. Inside :func:`showing` every renderer and export finds them like
catalogue layers (:func:`layers.catalog.layer`, :func:`layers.features.view_features`);
nothing is stored beyond the block.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from geo.user_layers import UserLayer
from layers.catalog import Label, LayerSpec, LegendEntry, UserSource, runtime_layers
from layers.styles import USER_COLOURS

#: The group of the user's layers in legends.
GROUP = "Your layers"
#: Web stacking rank of the first user layer (above every curated layer).
FIRST_DRAW_ORDER = 1000

_SHAPES = {"Point": "point", "LineString": "line", "Polygon": "polygon"}
_PLURAL = {"point": "points", "line": "lines", "polygon": "areas"}


#: Names of the user palette's colours (:data:`layers.styles.USER_COLOURS`), for menus.
COLOUR_NAMES: tuple[str, ...] = ("magenta", "teal", "brown", "green", "purple", "orange")
#: How a user layer's labels look and rank (after the curated layers' labels).
LABEL = Label(priority=80, look="site", permanent_on_web=True, on_slides=True)


def user_spec(user_layer: UserLayer, index: int) -> LayerSpec:
    """The runtime catalogue entry of the ``index``-th user layer (0-based): its colour
    the one the user chose (else by upload order), labelled when the user chose a label
    field (:attr:`geo.user_layers.UserLayer.label_field`)."""
    colour = index if user_layer.colour is None else user_layer.colour
    style_key = f"user-{colour % len(USER_COLOURS)}"
    shapes = dict.fromkeys(
        _SHAPES[f.geometry.geom_type.removeprefix("Multi")] for f in user_layer.features
    )
    legend = tuple(
        LegendEntry(
            label=user_layer.title
            if len(shapes) == 1
            else f"{user_layer.title} ({_PLURAL[shape]})",
            style_key=style_key,
            shape=shape,
        )
        for shape in ("polygon", "line", "point")
        if shape in shapes
    )
    dated = sum(f.date is not None for f in user_layer.features)
    return LayerSpec(
        id=user_layer.id,
        title=f"{user_layer.title} (your layer)",
        group=GROUP,
        description=(
            f"Your {user_layer.file_format} file: {len(user_layer.features)} features, "
            f"{dated} dated."
        ),
        source=UserSource(user_layer=user_layer, style_key=style_key),
        draw_order=FIRST_DRAW_ORDER + index,
        legend=legend,
        label=LABEL if user_layer.label_field else None,
    )


def user_specs(user_layers: Sequence[UserLayer]) -> tuple[LayerSpec, ...]:
    """:func:`user_spec` of each layer, in order."""
    return tuple(user_spec(layer, index) for index, layer in enumerate(user_layers))


@contextmanager
def showing(user_layers: Sequence[UserLayer]) -> Iterator[tuple[LayerSpec, ...]]:
    """Within the block, the user's layers are drawn and exported with the view's."""
    specs = user_specs(user_layers)
    with runtime_layers(specs):
        yield specs
