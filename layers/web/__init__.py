"""Web rendering: the Folium/Leaflet map, its legend, the timeline panel beside it, the
one escaping path for HTML (:mod:`layers.web.html`) and the vendored Leaflet assets."""
