"""Synthetic records for the span tests (issue 23): data whose records end in 2019, and
data whose records run to 2030 with a record of every kind of site added after the
article (EU mission, border-guard post, checkpoint, transit route).

Everything here is made up, for tests only, on the tiny geography of
tests/conftest.py (``make_data_dir``): the places Alpha (west, "Armenia") and Beta (east,
"Azerbaijan"). Nothing is a fact; the records cite the synthetic source ``src-a``. The
browser test of a 2024 date uses the committed data's real records of 2024.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import EVENTS

#: The last day of the data ending in 2019 and of the data running to 2030.
LAST_2019 = dt.date(2019, 12, 31)
LAST_2030 = dt.date(2030, 6, 1)
#: Site kinds added for the story after the article, with the layer that draws them.
NEW_KINDS: dict[str, str] = {
    "eu-mission-base": "eu-mission",
    "eu-mission-area": "eu-mission",
    "border-post": "border-guards",
    "checkpoint": "checkpoints",
    "transit-route": "transit-routes",
}


def _record(**fields: Any) -> dict[str, Any]:
    return {"status": "confirmed", **fields, "sources": ["src-a"]}


def _site(site_id: str, kind: str, geometry: dict[str, Any], **more: Any) -> dict[str, Any]:
    name = f"Synthetic {kind.replace('-', ' ')}"
    return _record(id=site_id, name=name, kind=kind, operator="Somebody", geometry=geometry, **more)


def _event(event_id: str, title: str, date: str, **more: Any) -> dict[str, Any]:
    return _record(
        id=event_id, title=title, date=date, precision="day", geometry={"place": "beta"}, **more
    )


def _area(area_id: str, holder: str, start: str, end: str | None = None) -> dict[str, Any]:
    span = {"start": start} | ({"end": end} if end else {})
    east = {"boundary": {"layer": "districts", "match": {"name": "East"}}}
    return _record(id=area_id, area_name="East", holder=holder, geometry=east, **span)


def records_to_2019() -> dict[str, list[dict[str, Any]]]:
    """``make_data_dir`` overrides: every period closed, the last record on 31 Dec 2019."""
    alpha = {"place": "alpha"}
    return {
        "sites": [_site("base-alpha", "base", alpha, start="1995-03-16", end="2019-07-01")],
        "control": [
            _area("east-a", "armenian", "1993-07-23", "2019-06-01"),
            _area("east-b", "azerbaijani", "2019-06-01", "2019-12-31"),
        ],
        "events": [_event("ev-2019", "Something in 2019", "2019-05-01")],
    }


def records_to_2030() -> dict[str, list[dict[str, Any]]]:
    """``make_data_dir`` overrides: the article's synthetic records, a site of every new
    kind, an event of 2024 and a planned one of 2030; a route proposed until 1 June 2030."""
    circle = {"place": "alpha", "buffer_km": 20}
    sites = [
        _site("base-alpha", "base", {"place": "alpha"}, start="1995-03-16"),
        _site("eu-base", "eu-mission-base", {"point": [45.7, 40.7]}, start="2023-02-20"),
        _site("eu-area", "eu-mission-area", circle, start="2023-02-20", status="approximate",
              note="A circle standing for the area patrolled (synthetic)."),
        _site("post", "border-post", {"point": [45.2, 40.2]}, start="1992-01-01",
              end="2024-08-01"),
        _site("checkpoint", "checkpoint", {"point": [46.1, 40.4]}, start="2023-04-23"),
        _site("route", "transit-route", {"path": ["alpha", "beta"]}, start="2025-08-08",
              end="2030-06-01", status="proposed"),
    ]
    events = [
        *EVENTS,
        _event("ev-2024", "Something in 2024", "2024-09-19"),
        _event("ev-2030", "Something planned for 2030", "2030-03-01", status="proposed"),
    ]
    return {"sites": sites, "events": events}
