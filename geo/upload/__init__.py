"""Reading a user's file as data, in a format we decide, within bounds (issue 19).

An uploaded file (the app's "Your layers", the command line's ``--extra``) never reaches
GDAL. Its format is decided from its bytes (:mod:`geo.upload.sniff`) and must agree with
its name; it is then parsed by our own readers: GeoJSON with :mod:`json`
(:mod:`geo.upload.geojson`), KML with expat, no DOCTYPE (:mod:`geo.upload.kml`), a
GeoPackage with SQLite from memory, tables only (:mod:`geo.upload.gpkg`) and CSV with
:mod:`csv` (:mod:`geo.upload.table`). Rows, vertices and repairs are counted and capped
before geometries are built (:mod:`geo.upload.rows`, limits in :mod:`geo.upload.limits`),
and the whole read runs in a worker process with memory, CPU and wall-clock limits that
is killed at the limit (:mod:`geo.upload.worker`). Results come back as JSON.

Modules here import neither GDAL (pyogrio, geopandas) nor pandas: the worker starts in
about half a second.
"""
