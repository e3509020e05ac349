"""The one percentile every benchmark figure uses."""

from __future__ import annotations

import math

from bench.timing import quantile


def test_the_median_and_p95_interpolate_between_observations() -> None:
    values = [float(v) for v in range(1, 21)]  # 1 .. 20
    assert quantile(values, 50) == 10.5
    assert quantile(values, 95) == 19.05  # between the 19th and 20th, never beyond
    assert quantile([3.0, 1.0, 2.0], 50) == 2.0  # order does not matter


def test_one_value_is_every_percentile_and_none_is_nan() -> None:
    assert quantile([0.4], 95) == 0.4
    assert math.isnan(quantile([], 50))
