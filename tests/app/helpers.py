"""Helpers shared by the AppTest modules: the app's path, a run with URL parameters,
and the arguments the app passed to the map component."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from layers.web.frame_groups import expand

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run_app(query: dict[str, str] | None = None, *, timeout: float = 60) -> AppTest:
    """A first run of the app with ``query`` as its URL parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def sent_map_args(at: AppTest) -> dict[str, Any]:
    """The arguments the app passed to the st_folium component, as sent (a kept group the
    map's frame has is a stub, :mod:`layers.web.frame_groups`)."""
    (component,) = at.get("component_instance")
    args: dict[str, Any] = json.loads(component.proto.json_args)
    return args


def map_args(at: AppTest) -> dict[str, Any]:
    """The arguments the app passed to the st_folium component, each stub of a kept group
    replaced by the group's script (what the map's frame draws)."""
    args = sent_map_args(at)
    if args.get("feature_group"):
        args["feature_group"] = expand(args["feature_group"])
    return args


def timeline_cards(at: AppTest) -> list[list[Any]]:
    """The cards a browser's session gave the timeline's component (``[id, html, past]``
    in order; :mod:`layers.web.timeline_cards`)."""
    (component,) = [
        e for e in at.get("bidi_component") if e.proto.component_name == "briefing.timeline_cards"
    ]
    cards: list[list[Any]] = json.loads(component.proto.json)["cards"]
    return cards
