"""Pure core of the briefing map: data loading, validation, geometry, time and measurement.

Nothing in this package imports Streamlit or Folium.
"""
