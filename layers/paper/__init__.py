"""Paper rendering with matplotlib: the map drawn into an Axes (:mod:`layers.paper.map`),
the page kit around it (:mod:`layers.paper.page`), the pages (:mod:`layers.paper.layouts`,
:mod:`layers.paper.atlas`, :mod:`layers.paper.compare`), the animation and the deck's
slides and files."""
