"""AdaMax Lab — watch AdaMax race SGD and Adam across a loss surface, and see why it moves as it does.

    streamlit run app.py

Thin by design: the state comes from the URL and the sidebar, numbers from `optimizers` (cached in
ui/compute.py), figures from `figures`; this file only arranges the page.
"""

import streamlit as st

from ui.page import main

# A lesson's link opens with the sidebar closed: the scene sets the view, and the chart gets the width.
st.set_page_config(page_title="AdaMax Lab", page_icon="📉", layout="wide",
                   initial_sidebar_state="collapsed" if "lesson" in st.query_params else "auto")
main()
