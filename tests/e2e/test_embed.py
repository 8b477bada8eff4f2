"""The lab inside a course page on another site (an LMS iframe), behind deploy/serve: it renders, plays, downloads.

The course page is served from `localhost`, the lab from `127.0.0.1` (two sites, as Moodle and a school's lab
server are): in that frame Chromium neither stores nor sends a SameSite=Lax cookie, so the deployment must not
need one to reach the process that holds a student's session.
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.e2e.conftest import IDLE, free_port

pytestmark = pytest.mark.e2e

LINK = "/?embed=true&surface=rosenbrock&steps=300&run=adamax(lr%3D0.05)&run=adam(lr%3D0.05)"
DOWNLOADS = 5   # each one a new file in the session's process: with 2 processes a wrong guess is 1 in 2 each time


def _nginx() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture(scope="module")
def lab():
    """deploy/serve with two Streamlit processes, nginx on 127.0.0.1."""
    if _nginx() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the deployment's browser test must run in CI: apt-get install nginx-light")
        pytest.skip("no nginx (apt-get install nginx-light)")
    from deploy import serve

    port = free_port()
    deployment = serve.start(2, port, address="127.0.0.1", backend_ports=[free_port(), free_port()])
    yield f"http://127.0.0.1:{port}"
    deployment.stop()


@pytest.fixture(scope="module")
def course_page(lab):
    """A course page on another site (localhost) with the lab in an iframe, as an LMS embeds it."""
    html = (f'<!doctype html><title>Course</title><h1>Week 3: AdaMax</h1><iframe id="lab" src="{lab}{LINK}" '
            'width="1500" height="950" allow="fullscreen; clipboard-write" style="border:0"></iframe>').encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


def test_the_lab_in_a_cross_site_iframe_renders_plays_and_downloads(browser, lab, course_page):
    context = browser.new_context(viewport={"width": 1600, "height": 1050}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(course_page)
    frame = page.frame_locator("#lab")
    frame.locator(IDLE).wait_for(state="attached", timeout=90_000)
    inner = next(f for f in page.frames if f.url.startswith(lab))
    inner.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(gd => gd.data && "
                            "gd.data.length)", timeout=90_000)
    assert page.evaluate("() => location.hostname") == "localhost" and inner.url.startswith("http://127.0.0.1")
    assert frame.locator('[data-testid="stToolbar"]').count() == 0   # ?embed=true: no Streamlit chrome

    frame.locator("g.updatemenu-button", has_text="Play").first.click()
    inner.wait_for_function("() => document.querySelector('.js-plotly-plot').layout.sliders[0].active > 5",
                            timeout=20_000)
    frame.locator("g.updatemenu-button", has_text="Pause").first.click()

    frame.get_by_text("Take it to slides").click()
    frame.locator(IDLE).wait_for(state="attached")
    button = frame.get_by_role("button", name="Runs (CSV)")
    button.wait_for()
    for _ in range(DOWNLOADS):
        with page.expect_download(timeout=20_000) as download:
            button.click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.splitlines()[0].startswith("run") and len(text.splitlines()) > 300, text[:300]
        assert download.value.suggested_filename == "adamax_lab_rosenbrock.csv"
    assert not [url for url in failed if url.startswith(lab)], failed   # no request of the lab failed
    assert context.cookies(lab) == [] or all(cookie["name"] != "adamax_lab_backend" for cookie in context.cookies())
    context.close()
