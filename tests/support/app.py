"""Opening the page as a student would, through Streamlit's AppTest, and reading what it shows."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

TIMEOUT = 60
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(link: dict[str, str | list[str]] | None = None, *, timeout: float = TIMEOUT) -> AppTest:
    """The page opened from a link's query (`link`: key → value or values), run once."""
    app = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (link or {}).items():
        app.query_params[key] = value
    return app.run()


def open_panels(app: AppTest, *keys: str) -> AppTest:
    """Open lazy expanders (a run's panel "run0_panel", "teach_panel", "handout_panel"), as a click on their titles
    does: their contents are drawn only while open."""
    for key in keys:
        app.session_state[key] = True
    return app.run()


def query(app: AppTest) -> dict[str, list[str]]:
    """The page's URL query, each key's values as a list."""
    return {key: value if isinstance(value, list) else [value] for key, value in app.query_params.items()}


def chart(app: AppTest, index: int = 0) -> dict:
    return json.loads(app.get("plotly_chart")[index].proto.spec)


def legend_names(figure: dict) -> list[str]:
    return [t["name"] for t in figure["data"] if t.get("showlegend") and t.get("mode") == "lines"]


def widget(app, kind: str, key: str):
    return next(element for element in app.get(kind) if element.key == key)


def open_scene(name: str, number: int) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params["lesson"] = name
    app.query_params["scene"] = str(number)
    return app.run()
