"""Browser tests: the real app, served by `streamlit run`, driven by Playwright in Debian's Chromium.

Never `playwright install` (it downloads a browser): we launch /usr/bin/chromium (docs/REFERENCE.md §9). Without
Chromium these tests skip with the reason — except under CI=true, where they must run and so fail instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(script: Path, port: int, timeout: float = 90.0, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`streamlit run` headless on 127.0.0.1:port (with `env` added to this process's environment); returns once
    /_stcore/health says ok."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                if reply.read().decode().strip() == "ok":
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="session")
def app_url():
    port = free_port()
    process = start_server(ROOT / "app.py", port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def sized_page(browser, request):
    """A page in its own window of (width, height): parametrize with indirect=True; 1920×1080 by default."""
    width, height = getattr(request, "param", (1920, 1080))
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def wait_for_app(page, *, charts: int = 1) -> None:
    """Wait until the script has finished and `charts` Plotly charts are drawn with their data."""
    page.wait_for_selector(IDLE, state="attached")
    # the rerun a new page makes to report the window's size (ui/player.py), if it is still to come
    with contextlib.suppress(PlaywrightTimeoutError):  # a report that made no rerun: the page stays as it is
        page.wait_for_function("() => document.documentElement.dataset.viewportSettled !== '0'", timeout=10_000)
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot').length >= n && "
        "[...document.querySelectorAll('.js-plotly-plot')].every(gd => gd.data && gd.data.length)", arg=charts)
    page.wait_for_selector(IDLE, state="attached")


def pytest_collection_modifyitems(config, items) -> None:
    """Every test in this folder drives Chromium: it is an `e2e` test whether or not its module says so."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
