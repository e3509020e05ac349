"""The shape of a movement arrow, in screen units: one outline for paper and the web map.

An arrow annotation (:mod:`layers.briefing.annotations`) is a path from its tail to its
head. It is drawn as one filled outline: a body that widens from the tail to the head's
base (tapered), then a head whose tip is the path's last point. A curved arrow follows a
smooth curve through its points (Catmull-Rom). Sizes are in the units of the points
given (display pixels on paper and on the web map, so an arrow looks the same at every
zoom). The web map's script (:mod:`layers.web.annotations`) computes the same outline
with the same numbers (:data:`WEB_SIZES`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

XY = tuple[float, float]


@dataclass(frozen=True)
class ArrowSizes:
    """Widths and head size of an arrow (screen units)."""

    tail: float
    body: float
    head_width: float
    head_length: float


#: Sizes on the web map (CSS pixels) and on paper (points).
WEB_SIZES = ArrowSizes(tail=3.0, body=9.0, head_width=22.0, head_length=18.0)
PAPER_SIZES = ArrowSizes(tail=1.6, body=5.0, head_width=12.0, head_length=10.0)
#: Points of a curve between two of its given points.
CURVE_STEPS = 12


def smooth(points: Sequence[XY], steps: int = CURVE_STEPS) -> list[XY]:
    """A Catmull-Rom curve through ``points`` (``steps`` segments between two of them);
    two points or fewer are returned as they are.

    >>> smooth([(0, 0), (10, 0)])
    [(0, 0), (10, 0)]
    >>> curve = smooth([(0, 0), (10, 10), (20, 0)], steps=2)
    >>> curve[0], curve[2], curve[-1], len(curve)
    ((0, 0), (10.0, 10.0), (20, 0), 5)
    """
    if len(points) < 3:
        return list(points)
    padded = [points[0], *points, points[-1]]
    curve: list[XY] = [points[0]]
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for step in range(1, steps + 1):
            t = step / steps
            t2, t3 = t * t, t * t * t
            curve.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    curve[-1] = points[-1]
    return curve


def _unit(dx: float, dy: float) -> XY:
    length = math.hypot(dx, dy)
    return (dx / length, dy / length) if length else (1.0, 0.0)


def arrow_outline(points: Sequence[XY], sizes: ArrowSizes, *, curved: bool = False) -> list[XY]:
    """The closed outline (first point not repeated) of an arrow along ``points`` (tail
    first, head last), in the units of ``points``.

    The head keeps its size while the path is longer than twice the head; a shorter
    arrow is scaled down whole, so the head never overshoots the tail.

    >>> outline = arrow_outline([(0, 0), (100, 0)], ArrowSizes(2, 6, 20, 10))
    >>> outline[len(outline) // 2]  # the tip
    (100.0, 0.0)
    >>> max(y for _, y in outline), min(y for _, y in outline)
    (10.0, -10.0)
    """
    path = smooth(points) if curved else list(points)
    path = [p for i, p in enumerate(path) if i == 0 or p != path[i - 1]]
    if len(path) < 2:
        return []
    lengths = [0.0]
    for a, b in itertools.pairwise(path):
        lengths.append(lengths[-1] + math.hypot(b[0] - a[0], b[1] - a[1]))
    total = lengths[-1]
    scale = min(1.0, total / (2 * sizes.head_length)) if sizes.head_length else 1.0
    head_length = sizes.head_length * scale
    base_at = total - head_length
    body = [p for p, d in zip(path, lengths, strict=True) if d < base_at]
    index = len(body)
    a, b = path[index - 1], path[index]
    span = lengths[index] - lengths[index - 1]
    t = (base_at - lengths[index - 1]) / span if span else 0.0
    base = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
    body.append(base)
    left: list[XY] = []
    right: list[XY] = []
    for i, p in enumerate(body):
        before = body[max(0, i - 1)]
        after = body[min(len(body) - 1, i + 1)]
        ux, uy = _unit(after[0] - before[0], after[1] - before[1])
        share = lengths[i] / base_at if i < len(body) - 1 and base_at else 1.0
        half = (sizes.tail + (sizes.body - sizes.tail) * share) * scale / 2
        left.append((p[0] - uy * half, p[1] + ux * half))
        right.append((p[0] + uy * half, p[1] - ux * half))
    tip = path[-1]
    ux, uy = _unit(tip[0] - base[0], tip[1] - base[1])
    half_head = sizes.head_width * scale / 2
    head_left = (base[0] - uy * half_head, base[1] + ux * half_head)
    head_right = (base[0] + uy * half_head, base[1] - ux * half_head)
    outline = [*left, head_left, (float(tip[0]), float(tip[1])), head_right, *reversed(right)]
    return [(round(x, 3), round(y, 3)) for x, y in outline]
