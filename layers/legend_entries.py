"""The legend entries of what a map actually draws: on its day, in its extent.

Both renderers build their legend from :func:`drawn_legend_entries`: a catalogue
:class:`~layers.catalog.LegendEntry` is listed only when a feature drawn with its palette
style is in the frames (so a layer outside its validity in time, or a site of a kind not in
force on the day, lists nothing) and, given an ``extent``, intersects it (a base off the
chosen extent is not listed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import box

from layers import catalog, styles

Bounds = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (EPSG:4326)


@dataclass(frozen=True)
class DrawnLegendEntry:
    """A catalogue legend ``entry`` of layer ``layer`` as drawn: ``status`` is
    ``confirmed``, or an uncertain status when every feature it stands for is uncertain
    (the swatch is then dashed and hatched like the features)."""

    entry: catalog.LegendEntry
    layer: str
    status: str

    @property
    def uncertain(self) -> bool:
        """Whether the swatch is drawn as uncertain."""
        return self.status in styles.UNCERTAIN_STATUSES

    def style(self) -> styles.Style:
        """The palette style of the swatch, adjusted for :attr:`status`."""
        return styles.style(self.entry.style_key, self.status)


def drawn_legend_entries(
    frames: Mapping[str, gpd.GeoDataFrame], extent: Bounds | None = None
) -> list[DrawnLegendEntry]:
    """The legend entries of the features in ``frames`` (EPSG:4326, the columns of
    :mod:`layers.features`; keyed by layer id) inside ``extent`` (``None``: anywhere), in
    frame order then catalogue entry order."""
    window = None if extent is None else box(*extent)
    drawn: list[DrawnLegendEntry] = []
    for layer_id, frame in frames.items():
        if frame.empty:
            continue
        spec = catalog.find(layer_id)
        pairs = list(zip(frame["style_key"], frame["status"], strict=True))
        if window is not None:  # a mask on the pairs: no frame made per layer
            inside = frame.geometry.intersects(window).to_numpy()
            pairs = [pair for pair, kept in zip(pairs, inside, strict=True) if kept]
        for entry in spec.legend if spec is not None else ():  # derived layers: own legend
            statuses = {status for key, status in pairs if key == entry.style_key}
            if not statuses:
                continue
            uncertain = statuses <= set(styles.UNCERTAIN_STATUSES)
            status = sorted(statuses)[0] if uncertain else "confirmed"
            drawn.append(DrawnLegendEntry(entry, layer_id, status))
    return drawn


__all__ = ["DrawnLegendEntry", "drawn_legend_entries"]
