"""The measured distance on paper: the dashed line between the two measured points and
its length written on it (as on the web map, :func:`layers.web.groups.measure_group`)."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patheffects import withStroke

from geo.measure import Measurement
from layers.paper.page import INK


def measure_label(measurement: Measurement) -> str:
    """``12.3 km`` (geodesic)."""
    return f"{measurement.km:,.1f} km"


def draw_measurement(ax: Axes, measurement: Measurement) -> None:
    """Draw ``measurement`` into a map axes in EPSG:4326 degrees: a dashed line with
    round ends and its length at its middle, turned along the line and haloed."""
    (x0, y0), (x1, y1) = measurement.start.coords[0], measurement.end.coords[0]
    halo = [withStroke(linewidth=3.2, foreground="white")]
    ax.plot(
        [x0, x1], [y0, y1], color=INK, linewidth=1.6, linestyle=(0, (5, 3)),
        solid_capstyle="round", zorder=9, path_effects=halo,
    )  # fmt: skip
    ax.scatter([x0, x1], [y0, y1], s=14, color=INK, edgecolor="white", linewidth=0.8, zorder=9)
    angle = _screen_angle(ax, (x0, y0), (x1, y1))
    ax.annotate(
        measure_label(measurement), ((x0 + x1) / 2, (y0 + y1) / 2), xytext=(0, 4),
        textcoords="offset points", ha="center", va="bottom", rotation=angle,
        rotation_mode="anchor", fontsize=7.5, fontweight="bold", color=INK, zorder=10,
        path_effects=[withStroke(linewidth=2.4, foreground="white")], parse_math=False,
    )  # fmt: skip


def _screen_angle(ax: Axes, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Angle in degrees of the segment a-b as drawn (aspect included), kept readable
    (between -90 and 90)."""
    (ax0, ay0), (bx0, by0) = ax.transData.transform([a, b])
    angle = math.degrees(math.atan2(by0 - ay0, bx0 - ax0))
    if angle > 90:
        angle -= 180
    elif angle < -90:
        angle += 180
    return angle
