"""Page layout: a compact header, then the map with the timeline beside it or below it.

The map comes first and wide: at 1366 x 768 it starts in the first screen, at 1600 px it
takes at least two thirds of the width, and on a phone it comes before the timeline.
The timeline sits to the right of the map only where both fit (:data:`MAP_MIN_PX` of map
beside :data:`TIMELINE_MIN_PX` of timeline); otherwise it wraps below the map.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo.dates import DaySpan

#: Narrowest map beside which the timeline may stand (else the timeline goes below).
MAP_MIN_PX = 1060
#: Narrowest timeline column.
TIMELINE_MIN_PX = 300
#: The page's padding left and right of its content, and Streamlit's sidebar's width
#: (beside the content from :data:`SIDEBAR_MIN_VW` px wide, folded below).
PAGE_PADDING_PX = 16
SIDEBAR_PX = 300
SIDEBAR_MIN_VW = 768


class MapBox(NamedTuple):
    """The live map's box for viewports ``min_vw`` to ``max_vw`` px wide: ``left`` and
    ``right`` px in from the viewport's sides, its top about ``top`` px down (what stands
    above it: the header and the date row), its height the viewport's less ``h_less``,
    kept between ``h_min`` and ``h_max``."""

    min_vw: int
    max_vw: int
    left: int
    right: int
    top: int
    h_less: int
    h_min: int
    h_max: int

    @property
    def height_css(self) -> str:
        """The height as a CSS length.

        >>> MAP_BOXES[0].height_css
        'clamp(420px, calc(100svh - 225px), 600px)'
        """
        return f"clamp({self.h_min}px, calc(100svh - {self.h_less}px), {self.h_max}px)"


_WIDE = PAGE_PADDING_PX + SIDEBAR_PX
#: The live map's box, the one table for the app's CSS (:data:`_CSS`), the static first
#: map's overlay (:mod:`ui.static_first`) and its images' zooms, widest viewports first,
#: each row up to the next's ``min_vw``. The map's height: the screen's height less what
#: stands above the map (title and date controls: about 210 px on a laptop, 375 px at 430
#: px wide), at most its full 600 px, so that the whole map (its legend and scale too) is
#: in the first screen.
MAP_BOXES = (
    MapBox(1400, 99_999, _WIDE, PAGE_PADDING_PX, 212, 225, 420, 600),  # the date row on one line
    MapBox(SIDEBAR_MIN_VW, 1399, _WIDE, PAGE_PADDING_PX, 268, 225, 420, 600),  # it wraps
    MapBox(641, SIDEBAR_MIN_VW - 1, PAGE_PADDING_PX, PAGE_PADDING_PX, 355, 225, 420, 600),
    MapBox(1, 640, PAGE_PADDING_PX, PAGE_PADDING_PX, 355, 400, 320, 600),  # a phone
)


def box_rules(rule: str) -> str:
    """CSS giving each row of :data:`MAP_BOXES` its ``rule`` (a template of the box's
    fields, ``{height_css}`` too): the widest row's unconditionally, each narrower row's
    under ``@media (max-width: ...)``, so every width, fractions too, gets one row.

    >>> print(box_rules("h: {height_css}").splitlines()[-1])
    @media (max-width: 640px) { h: clamp(320px, calc(100svh - 400px), 600px) }
    """
    rules = []
    for n, box in enumerate(MAP_BOXES):
        body = rule.format(height_css=box.height_css, **box._asdict())
        rules.append(body if n == 0 else f"@media (max-width: {box.max_vw}px) {{ {body} }}")
    return "\n".join(rules)


#: The page title; ``{years}`` is the data's span (:attr:`geo.dates.DaySpan.years`).
TITLE = "South Caucasus: Russian military presence, {years}"
CAPTION = (
    "For the Warsaw Institute article 'Armenia Invites More Russian Troops to Its "
    "Territory' (23 February 2021). Dashed: approximate or proposed."
)

_MAP_FRAME = '.st-key-map-col iframe[title="streamlit_folium.st_folium"]'
#: Page CSS (no data in it): less space above the header, a small title (no caption on
#: phones: the legend says what dashes mean), the map row, the map's height, and text
#: colours with enough contrast (WCAG AA, 4.5:1; axe-core, tests/e2e/test_accessibility.py).
#: Streamlit wraps each container of a horizontal one in a layout wrapper: the flex
#: sizes go on that wrapper (``div:has(> .st-key-...)``).
_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 3.75rem; padding-bottom: 2rem;
  padding-left: {PAGE_PADDING_PX}px; padding-right: {PAGE_PADDING_PX}px; }}
.st-key-page-header h3 {{ font-size: 1.2rem; padding: 0 0 0.1rem 0; margin: 0;
  line-height: 1.35; }}
.st-key-page-header {{ gap: 0.1rem; }}
.st-key-page-header [data-testid="stMarkdownContainer"],
.st-key-page-header [data-testid="stCaptionContainer"],
.st-key-page-header p {{ margin-bottom: 0; }}
[data-testid="stCaptionContainer"] {{ color: #575655; opacity: 1; }}  /* contrast 6.6:1 (was 2.8) */
button[data-variant="segmented_control"][aria-checked="true"] p {{ color: #a0283a; }}  /* 5.9:1 */
.st-key-map-row, .st-key-date-row {{ flex-wrap: wrap; }}
.st-key-map-row > div:has(> .st-key-map-col) {{ flex: 3 1 {MAP_MIN_PX}px; min-width: 0; }}
.st-key-map-row > div:has(> .st-key-timeline-col) {{ flex: 1 1 {TIMELINE_MIN_PX}px; min-width: 0; }}
{box_rules(_MAP_FRAME + " {{ height: {height_css} !important; }}")}
@media (max-width: {MAP_BOXES[-1].max_vw}px) {{
  .st-key-page-header [data-testid="stCaptionContainer"] {{ display: none; }}
}}
.st-key-date-row > div:has(> .st-key-date-slider) {{ flex: 1 1 320px; min-width: 240px; }}
</style>
"""


def page_style() -> None:
    """Apply the page CSS (takes no space on the page)."""
    st.html(_CSS)


def header(span: DaySpan) -> None:
    """Title (with the years of the data's ``span``) and one short caption."""
    with st.container(key="page-header"):
        st.subheader(TITLE.format(years=span.years))
        st.caption(CAPTION)


def map_row() -> tuple[DeltaGenerator, DeltaGenerator]:
    """The map's column and the timeline's column (beside it, or below it when narrow)."""
    row = st.container(horizontal=True, key="map-row", gap="medium")
    return row.container(key="map-col"), row.container(key="timeline-col")
