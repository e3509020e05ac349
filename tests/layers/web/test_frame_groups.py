"""The server's record of a map frame's kept groups (issue 25, "send only what changed")."""

from __future__ import annotations

from collections.abc import Sequence

import folium

from layers.web import group_store, prepared
from layers.web.frame_groups import STUB, FrameGroups, expand
from layers.web.prepared import FRAME_GROUPS, PreparedGroup, PreparedScript


def script(index: int, text: str = "") -> PreparedScript:
    body = f"var feature_group_feature_group_{index} = L.featureGroup({{}});\n// {text}\n"
    return PreparedScript(f"layer {index}", body, index)


def texts(groups: Sequence[folium.FeatureGroup]) -> list[str]:
    return [g.prepared_script if isinstance(g, PreparedGroup) else "plain" for g in groups]


def text(group: folium.FeatureGroup) -> str:
    assert isinstance(group, PreparedGroup)
    return group.prepared_script


def test_nothing_is_stubbed_before_the_frame_reported() -> None:
    frame = FrameGroups()
    ready = [script(0).group(), script(1).group()]
    assert texts(frame.send(ready)) == texts(ready)
    assert texts(frame.send(ready)) == texts(ready)  # not confirmed: in full again
    assert (frame.full, frame.stubs) == (2, 0)


def test_a_group_the_frame_has_is_a_stub_of_a_few_dozen_bytes() -> None:
    frame = FrameGroups()
    first, second, changed = script(0, "a" * 5000), script(1, "b" * 5000), script(1, "c")
    plain = folium.FeatureGroup(name="date stamp")
    frame.send([first.group(), second.group(), plain])
    frame.confirmed = True
    sent = frame.send([first.group(), changed.group(), plain])
    assert sent[2] is plain  # not a kept group: as it is
    assert text(sent[1]) == changed.script  # not had: in full
    stub = text(sent[0])
    assert stub.startswith(prepared.RESET)  # the frame's helpers come with the first group
    assert len(stub) - len(prepared.RESET) < 100 and "a" * 50 not in stub
    assert STUB.fullmatch(stub[len(prepared.RESET) :])
    assert (frame.full, frame.stubs) == (1, 1)
    again = frame.send([first.group(), second.group(), plain])  # back: had before
    assert texts(again)[:2] == [first.stub().prepared_script, second.stub().prepared_script]


def test_the_record_forgets_as_the_frame_does() -> None:
    frame = FrameGroups()
    frame.confirmed = True
    made = [script(1, str(n)) for n in range(FRAME_GROUPS + 1)]
    for one in made:
        frame.send([one.group()])
    assert not frame.has(made[0].key)  # the frame keeps FRAME_GROUPS groups: the oldest went
    assert all(frame.has(one.key) for one in made[1:])
    assert f"made.size > {FRAME_GROUPS})" in prepared.RESET  # the frame's own bound


def test_every_key_sent_is_fetchable_and_expands_to_the_full_group() -> None:
    group_store.STORE.clear()
    frame = FrameGroups()
    frame.confirmed = True
    one = script(3, "</script><script>alert(1)</script>")
    frame.send([one.group()])
    assert group_store.script_of(one.key) == one.body
    (stub,) = frame.send([one.group()])
    assert expand(text(stub)) == prepared.kept_script(one.body, 3)
    group_store.STORE.clear()
    assert expand(text(stub)) == text(stub)  # unknown: left as it is


def test_a_prepared_script_names_its_group_by_the_stores_key() -> None:
    one = script(2, "x")
    assert one.key == group_store.script_key(one.body)
    assert f'slot.key === "{one.key}"' in one.script
    assert one.script == prepared.kept_script(one.body, 2)
    assert script(0).script.startswith(prepared.RESET)
