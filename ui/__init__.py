"""The Streamlit side of AdaMax Lab: app state, its URL form, presets, cached computations, page sections."""
