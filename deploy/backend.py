"""One Streamlit process of deploy/serve: the app's modules imported first, then `streamlit run` as usual.

    python deploy/backend.py run app.py --server.port 8601 …      (the arguments of `streamlit run`)

A process restarted mid-class (after a crash, or the memory limit) starts listening only once NumPy, Plotly and
the app's own modules are imported, so the first students it takes do not wait for those imports (≈ 2–3 s of a
core, and longer with several sessions opening at once). The script then finds them in sys.modules.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def preload() -> None:
    sys.path.insert(0, str(ROOT))
    # Declaring a cached function before the runtime exists logs a harmless warning (the cache itself is made
    # at its first call, inside the runtime): not for the log of every restart.
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)
    try:
        import ui.page  # noqa: F401
    finally:
        caching.setLevel(level)


if __name__ == "__main__":
    preload()
    from streamlit.web import cli

    sys.argv[0] = "streamlit"
    sys.exit(cli.main())
