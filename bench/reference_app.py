"""The minimal reference page the app's budgets are measured against (bench/bench_app.py).

One slider, a static contour and three 500-point line traces that follow the slider: the least a
Streamlit + Plotly page can do when a slider moves.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(layout="wide")
k = st.slider("k", 1, 20, 5)
grid = np.linspace(-2, 2, 120)
X, Y = np.meshgrid(grid, grid)
figure = go.Figure(go.Contour(x=grid, y=grid, z=np.log1p((1 - X) ** 2 + 100 * (Y - X**2) ** 2), showscale=False))
t = np.linspace(0, 1, 500)
for i in range(3):
    figure.add_scatter(x=np.cos(2 * np.pi * t * (i + 1)) * t * 2, y=np.sin(2 * np.pi * t * k / 5) * t * 2,
                       mode="lines", name=f"line {i} k={k}")
figure.update_layout(height=700)
st.plotly_chart(figure)
