"""Web rendering: the Folium/Leaflet map (:mod:`layers.web.map`, its GeoJSON, groups and
elements), the layers prepared once for every session (:mod:`layers.web.situations`), its
legend, the timeline panel beside it, the one escaping path for HTML
(:mod:`layers.web.html`) and the vendored Leaflet assets."""
