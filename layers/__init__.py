"""Map layers: the catalogue, one style definition, and the features both renderers draw.

``layers.catalog`` and ``layers.styles`` are renderer-neutral; the Folium bridge and the
static (matplotlib) renderer both read them, so the web map and exports match.
"""
