"""The briefing model: what a briefing shows, apart from how it is drawn.

A map view (:mod:`layers.briefing.view`: date, layers, naming, extent, basemap, title)
and its print options (:mod:`layers.briefing.print_options`), the dates of an atlas
(:mod:`layers.briefing.atlas`), and a deck of slides (:mod:`layers.briefing.deck`) read
from and written to its YAML file (:mod:`layers.briefing.deck_file`). No rendering
here: the web map (:mod:`layers.web`), paper (:mod:`layers.paper`) and the exports
(:mod:`layers.exports`) take these objects and draw them.
"""
