"""Streamlit panels of the app: widgets only; logic lives in geo/ and layers/."""
