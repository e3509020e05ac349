"""The bounds on reading one user file (README, Security, "What an upload can and cannot
do"). Documented constants; :class:`Limits` carries them to the worker process, so a
caller (a test) can read with smaller ones."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: Largest file accepted, in bytes (refused before parsing): 10 MiB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Most features kept from one file; further rows are left out and listed once.
MAX_USER_FEATURES = 5000
#: Most rows looked at in one file (kept or not); later rows are left out, counted.
MAX_ROWS_READ = 100_000
#: Most vertices the geometries of one file may hold; rows beyond are left out unread.
MAX_FILE_VERTICES = 200_000
#: Most vertices one feature may hold (its row is left out, with the count).
MAX_FEATURE_VERTICES = 100_000
#: Largest invalid geometry repaired with ``shapely.make_valid``, in vertices; a larger
#: invalid one is left out. (Repair time grows with the crossings, not the vertices: a
#: star of 1,000 vertices whose edges all cross takes seconds; the wall-clock limit
#: below bounds it.)
MAX_REPAIR_VERTICES = 10_000
#: Wall-clock limit of a read (parse, checks, repairs), in seconds, counted from the
#: moment the worker is ready; the worker is killed when it is reached.
READ_SECONDS = 4.0
#: Wall-clock limit of the worker's start (Python, numpy, shapely: 0.2 s on the quiet
#: 2-core machine, 1 s and more when it is loaded), in seconds. Apart from the read's
#: limit, so a busy server does not refuse a small file because its reader started late;
#: no byte of the file is parsed before the worker is ready.
START_SECONDS = 10.0
#: Address space of the worker process, in bytes (its resident memory cannot exceed it).
WORKER_MEMORY_BYTES = 300 * 1024 * 1024
#: Longest a single SQLite statement on an uploaded GeoPackage may run, in seconds.
SQL_SECONDS = 2.0
#: Most JSON objects and arrays in a GeoJSON file, counted before it is parsed (``{`` and
#: ``[``, an upper bound): the parsed objects then take at most about 100 MB. Each vertex
#: is an array, so 200,000 vertices and 5,000 features take about 230,000; a file beyond
#: (such as a polygon of 500,000 vertices) is refused unparsed.
MAX_JSON_CONTAINERS = 400_000
#: Most XML elements in a KML file, and their deepest nesting.
MAX_XML_ELEMENTS = 1_000_000
MAX_XML_DEPTH = 32
#: Most problems kept for one file (a screenful is shown; the rest are counted).
MAX_PROBLEMS_KEPT = 1000


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The bounds of one read (defaults: the constants above)."""

    max_bytes: int = MAX_UPLOAD_BYTES
    features: int = MAX_USER_FEATURES
    rows: int = MAX_ROWS_READ
    file_vertices: int = MAX_FILE_VERTICES
    feature_vertices: int = MAX_FEATURE_VERTICES
    repair_vertices: int = MAX_REPAIR_VERTICES
    seconds: float = READ_SECONDS
    start_seconds: float = START_SECONDS
    memory_bytes: int = WORKER_MEMORY_BYTES
    sql_seconds: float = SQL_SECONDS
    json_containers: int = MAX_JSON_CONTAINERS
    xml_elements: int = MAX_XML_ELEMENTS
    xml_depth: int = MAX_XML_DEPTH
    problems: int = MAX_PROBLEMS_KEPT

    def to_json(self) -> dict[str, Any]:
        """The limits as a JSON object (sent to the worker)."""
        return asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> Limits:
        """Limits from :meth:`to_json`'s object (unknown keys refused)."""
        if not isinstance(value, dict):
            raise ValueError("limits must be an object")
        return cls(**{str(k): v for k, v in value.items()})
