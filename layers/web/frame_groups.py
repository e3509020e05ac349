"""Send a kept group in full only once to a mounted map frame (issue 25, "send only what
changed").

streamlit-folium (0.27) sends the whole ``feature_group_to_add`` script whenever any of
it changes, and the date stamp changes on every date change: each change sent again
every kept group (:func:`layers.web.prepared.kept_script`), about half of them unchanged.
:class:`FrameGroups` is the server's record of the groups one mounted frame has: a
group the frame has gets a stub of a few dozen bytes ("keep group ``key`` at
``index``", :meth:`layers.web.prepared.PreparedScript.stub`) instead of its script.

A record stubs nothing until the frame has reported (:attr:`FrameGroups.confirmed`: the
map reports its view when it is mounted): a session's first runs, and the runs after a
remount the server saw, send every group in full, so a frame that mounts with the last
of several runs' scripts never has to fetch them one by one. The record follows the
frame's own rule (:data:`layers.web.prepared.RESET`): the frame
keeps the groups it made by key, at most :data:`~layers.web.prepared.FRAME_GROUPS`, the
least recently used out first, and every kept group of a run, full or stub, is used in
the run's order; the record is used in the same order when the run is sent. When the
record and the frame disagree (a remount the server did not see, a run the browser
never got, a reload), the stub finds no group and the frame fetches its script
synchronously from ``/briefing-groups/<key>.js`` (:mod:`layers.web.group_route`) and runs
it before the next group: a layer can be late, never missing or out of order. Every
script named in a run is registered in :mod:`layers.web.group_store` as the run is made,
so the route has it.

Pure logic: no Streamlit (the app keeps one record per map and mount in the session).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from textwrap import dedent

import folium

from layers.web.group_store import STORE
from layers.web.prepared import FRAME_GROUPS, PreparedGroup, kept_script


class FrameGroups:
    """The groups one mounted map frame has, by key (see the module docstring)."""

    def __init__(self, capacity: int = FRAME_GROUPS) -> None:
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()
        #: Whether the frame has reported since this record was made (it is mounted and
        #: ran what it was sent); until then every group is sent in full.
        self.confirmed = False
        #: Groups sent in full and as stubs by the last :meth:`send`.
        self.full = 0
        self.stubs = 0

    def has(self, key: str) -> bool:
        """Whether the frame has the group ``key`` (as far as the server knows)."""
        return key in self._keys

    def _use(self, key: str) -> None:
        self._keys.pop(key, None)
        self._keys[key] = None
        while len(self._keys) > self.capacity:
            self._keys.popitem(last=False)

    def send(self, groups: Iterable[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
        """``groups`` as this run sends them: each kept group the frame has as its stub
        once the frame is :attr:`confirmed`, the others as they are (recorded as the
        frame's from now on)."""
        sent: list[folium.FeatureGroup] = []
        self.full = self.stubs = 0
        for group in groups:
            kept = group.kept if isinstance(group, PreparedGroup) else None
            if kept is None:
                sent.append(group)
                continue
            STORE.register(kept.body, kept.key)
            if self.confirmed and self.has(kept.key):
                sent.append(kept.stub())
                self.stubs += 1
            else:
                sent.append(group)
                self.full += 1
            self._use(kept.key)
        return sent


#: A stub as it appears in the ``feature_group`` script.
STUB = re.compile(
    r'var feature_group_feature_group_(\d+) = window\.briefingKeep\(\1, "([0-9a-f]{24})"\);\n'
)


def expand(feature_group: str) -> str:
    """``feature_group`` (the script st_folium sends) with each stub replaced by its kept
    group in full, its script from the store: what the frame draws (tests, benchmarks).
    A stub of a script the store lacks is left as it is."""

    def full(match: re.Match[str]) -> str:
        script = STORE.script_of(match.group(2))
        if script is None:
            return match.group(0)
        return dedent(kept_script(script, int(match.group(1))))  # as st_folium sends a group

    return STUB.sub(full, feature_group)
