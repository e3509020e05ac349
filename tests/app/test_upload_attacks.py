"""Issue 19 in the app (AppTest): every attack file uploaded through "Your layers" is
refused with its one-line message or listed as a layer read within bounds, and a deck
nested 50,000 deep uploaded through the deck panel is one line; never an exception,
never a request to a loopback listener, never a worker left running."""

from __future__ import annotations

import threading

from streamlit.testing.v1 import AppTest

from geo.dataset import Dataset
from tests.app.helpers import APP
from tests.app.test_upload import upload
from tests.upload_attacks import ATTACKS, Listener, deck_nested, running_children

READ = {"gpkg-3-million-row-view": "1 feature, 0 dated", "gpkg-attributes-table": "1 feature"}


def test_every_attack_file_is_one_line_in_the_panel_and_the_app_goes_on(
    dataset: Dataset,
) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    children = running_children()
    with Listener() as listener:
        for attack in ATTACKS:
            data = attack.build(listener.url)
            at = upload(at, attack.filename, data)
            assert not at.exception, attack.id
            if attack.id in READ:
                assert not at.sidebar.error, attack.id
                panel = [m.value for m in at.sidebar.markdown if "GeoPackage" in m.value]
                assert panel and READ[attack.id] in panel[-1], attack.id
                notes = "\n".join(c.value for c in at.sidebar.code)
                assert "ignored" in notes, attack.id
            else:
                (error,) = at.sidebar.error
                assert "could not be used" in error.value, attack.id
                (code,) = [c.value for c in at.sidebar.code if attack.filename in c.value]
                assert code.startswith(f"{attack.filename}: "), attack.id
                assert "Traceback" not in code, attack.id
            assert at.get("component_instance"), attack.id  # the map is still drawn
        assert listener.hits == []
    assert running_children() == children
    assert [t for t in threading.enumerate() if t.name == "bounded-read"] == []


def test_a_deck_nested_50000_deep_is_one_line_in_the_deck_panel(dataset: Dataset) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key="deck_upload").set_value(("deep.yaml", deck_nested(), "text/yaml")).run()
    assert not at.exception
    assert [c.value for c in at.code] == [
        "deep.yaml at line 2: not valid YAML (nested deeper than 32 levels of lists and mappings)"
    ]
