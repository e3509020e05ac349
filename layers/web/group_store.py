"""The scripts of the map's kept groups by key, for the route the map's frame fetches them
from (:mod:`layers.web.group_route`, ``/briefing-groups/<key>.js``).

A kept group (:func:`layers.web.prepared.kept_script`) is named by a digest of its
Leaflet script (:func:`script_key`). Once a session's map has been sent a group, later
runs send only a stub naming the key; a frame that lacks the group (a remount, a reload)
fetches its script from this store. The store is one per process (each replica behind
HAProxy has its own; the SERVERID cookie keeps a browser on the replica that sent it the
stub) and shared by every session, so a script is held once however many sessions use it.

Bounded by entries and by bytes (:data:`MAX_ENTRIES`, :data:`MAX_BYTES`), the least
recently registered or fetched first out. The app registers a group's script each time it
sends its key (in full or as a stub), so a key a frame can be asked to fetch was
registered a few milliseconds earlier and is among the newest entries; the bounds are set
so that every script the shared caches keep (:data:`layers.web.situations.SITUATIONS_KEPT`
identities of each dated layer) fits at once.

Pure Python: no Streamlit, no Folium. Thread-safe (the app's script threads register,
the server's event loop reads).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict

#: Path of the route serving the scripts (``<GROUP_ROUTE>/<key>.js``), on the app's origin.
GROUP_ROUTE = "/briefing-groups"
#: Bytes of the digest naming a script (hex: twice as many characters).
DIGEST_SIZE = 12
#: A well-formed key: exactly this many lowercase hex digits and nothing else.
KEY_PATTERN = re.compile(rf"[0-9a-f]{{{2 * DIGEST_SIZE}}}")

#: Scripts kept at most. The shared caches keep at most 128 scripts of each dated layer
#: (15 in the catalogue; ``SITUATIONS_KEPT``, the main map's and a comparison side's
#: together: a layer's identities, :mod:`layers.web.situations`), plus the fixed layers'
#: scripts (32 sets of 9) and the empty groups (512): 128 * 15 + 32 * 9 + 512 = 2,720 < 4,096.
MAX_ENTRIES = 4096
#: Characters of script kept at most (counted as UTF-8 bytes would be, about the same for
#: this ASCII-escaped script). A situation's dated groups are about 370 KiB on the
#: committed data (the whole map's groups 714 KiB), so 128 of each layer are at most
#: about 46 MiB; the strings are the very objects the layers' caches hold, so the store
#: adds little while they are kept there.
MAX_BYTES = 96 * 1024 * 1024


def script_key(script: str) -> str:
    """The key of ``script``: a hex digest of its UTF-8 text (the same key names the
    group in the map's frame, ``window.briefingKept``)."""
    return hashlib.blake2b(script.encode("utf-8"), digest_size=DIGEST_SIZE).hexdigest()


def valid_key(key: str) -> bool:
    """Whether ``key`` has the form of a key (never looked up otherwise)."""
    return isinstance(key, str) and KEY_PATTERN.fullmatch(key) is not None


class GroupStore:
    """At most ``max_entries`` scripts and ``max_bytes`` characters of script by key, the
    least recently used out first (thread-safe)."""

    def __init__(self, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._scripts: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def register(self, script: str, key: str | None = None) -> str:
        """Keep ``script`` (or mark it used again) and return its key. ``key``, when the
        caller has it, must be :func:`script_key` of ``script`` (not computed again). A
        script larger than the store's bytes is not kept (its key is still returned)."""
        key = script_key(script) if key is None else key
        with self._lock:
            if key in self._scripts:
                self._scripts.move_to_end(key)
                return key
            if len(script) > self.max_bytes:
                return key
            self._scripts[key] = script
            self._bytes += len(script)
            while len(self._scripts) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._scripts.popitem(last=False)
                self._bytes -= len(dropped)
        return key

    def script_of(self, key: str) -> str | None:
        """The script registered under ``key`` (marked used), None for an unknown key or
        one of the wrong form."""
        if not valid_key(key):
            return None
        with self._lock:
            script = self._scripts.get(key)
            if script is not None:
                self._scripts.move_to_end(key)
            return script

    def __len__(self) -> int:
        with self._lock:
            return len(self._scripts)

    @property
    def size(self) -> int:
        """Characters of script kept."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        """Forget every script (tests, benchmarks)."""
        with self._lock:
            self._scripts.clear()
            self._bytes = 0


#: The process's store.
STORE = GroupStore()


def register(script: str) -> str:
    """Keep ``script`` in the process's store; its key (:func:`script_key`)."""
    return STORE.register(script)


def script_of(key: str) -> str | None:
    """The script of ``key`` in the process's store, None if unknown or malformed."""
    return STORE.script_of(key)
