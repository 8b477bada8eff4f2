"""The sections "From Adam to AdaMax" (the Lp family's limit) and "Where ε goes" (AdaMax's three ε placements)."""

from __future__ import annotations

import streamlit as st

from .state import AppState


def draw_lp(state: AppState) -> None:
    st.info("coming")


def draw_eps(state: AppState) -> None:
    st.info("coming")
