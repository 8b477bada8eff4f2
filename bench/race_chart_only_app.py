"""The race's chart alone on the reference page: one slider (run 1's learning rate) and the race figure of
bench/bench_app.py's link (AdaMax, Adam, SGD on Rosenbrock, 500 steps), shown the way the app shows it
(ui/figure.show_figure). Nothing else: no sidebar, header, table or player.

bench/bench_app.py --only floor measures it against bench/reference_app.py: what a page with this chart costs
before any of the app's other elements, the floor of the race's own slider → chart figure.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import streamlit as st

from figures import ExplorerRun, explorer_figure, run_color
from optimizers import SGD, Adam, AdaMax, run
from surfaces import SURFACES
from ui.figure import show_figure

LEARNING_RATES = (0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15)


@st.cache_data(max_entries=len(LEARNING_RATES))
def race_figure(lr: float) -> dict:
    surface = SURFACES["rosenbrock"]
    optimizers = (AdaMax(lr=lr), Adam(lr=0.05), SGD(lr=0.001, momentum=0.9))
    runs = [ExplorerRun(optimizer.label(), run_color(index),
                        run(optimizer, surface, np.array([-1.2, 1.0]), 500, record_state=True))
            for index, optimizer in enumerate(optimizers)]
    return explorer_figure(surface, runs)


st.set_page_config(layout="wide")
lr = st.select_slider("run 1's learning rate", LEARNING_RATES, value=0.1)
show_figure(race_figure(lr), key="race_chart")
