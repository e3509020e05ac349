"""Paper rendering with matplotlib: the map drawn into an Axes (:mod:`layers.paper.map`),
the page kit around it (:mod:`layers.paper.page`) and the pages (:mod:`layers.paper.layouts`)."""
