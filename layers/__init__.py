"""Map layers: the catalogue, one style definition, the features, and their renderers.

``catalog`` (the one description of each layer), ``styles`` (one style definition),
``features`` (records to feature frames) and ``view`` (the state of a map view) are
renderer-neutral. ``web/`` renders them with Folium/Leaflet, ``paper/`` with matplotlib,
and ``exports/`` turns a view into files (``python -m layers.exports``), so the web map and
the exports match.
"""
