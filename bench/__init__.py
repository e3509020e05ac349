"""Benchmark of the briefing map against the usual ways of showing the same layers.

Run ``make bench`` (or ``python -m bench``). It prints figures; it passes or fails
nothing. See README.md, "Performance", for the budgets and the last figures.
"""
