"""Map layers: the catalogue, one style definition, the features, the briefing model and
their renderers.

``catalog`` (the one description of each layer), ``styles`` (one style definition) and
``features`` (records to feature frames) are renderer-neutral; ``briefing/`` holds what a
briefing shows (view, print options, atlas dates, decks). ``web/`` renders them with
Folium/Leaflet, ``paper/`` with matplotlib, and ``exports/`` turns a view into files
(``python -m layers.exports``), so the web map and the exports match.
"""
