"""The naming convention widget names countries and the oblast in its language on the map
(issue 22: country names were English in every convention)."""

from __future__ import annotations

import json

from tests.app.helpers import map_args, run_app


def on_map(args: dict[str, object], name: str) -> bool:
    """Whether ``name`` is in the map the app sent (as text, or JSON-escaped as the
    GeoJSON in its scripts writes it: "\\u0410...")."""
    text = " ".join(value for value in args.values() if isinstance(value, str))
    return name in text or json.dumps(name)[1:-1] in text


def test_the_convention_widget_names_countries_in_its_language() -> None:
    at = run_app({"date": "2020-11-10", "names": "ru"})
    assert not at.exception
    args = map_args(at)
    assert on_map(args, "АРМЕНИЯ") and on_map(args, "АЗЕРБАЙДЖАН")
    assert on_map(args, "Нагорно-Карабахская")  # the oblast (wrapped after this word)
    at.sidebar.selectbox(key="convention").set_value("az").run()
    args = map_args(at)
    assert on_map(args, "ERMƏNİSTAN") and on_map(args, "TÜRKİYƏ")
    assert not on_map(args, "АРМЕНИЯ")
