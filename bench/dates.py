"""Dates the server-side date-change timings cycle through (no imports beyond the
standard library, so that ``bench.growth``'s measuring process stays light)."""

from __future__ import annotations

import datetime as dt

#: Before, during and after the 2020 war, and the 1990s.
DATE_CYCLE = (
    dt.date(2020, 9, 26),
    dt.date(2020, 11, 15),
    dt.date(2021, 2, 23),
    dt.date(1994, 5, 12),
    dt.date(2020, 11, 10),
)
