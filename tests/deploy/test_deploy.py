"""deploy/serve's nginx configuration: sessions without a cookie, a process's files found on any process, HTTPS and
the frame policy when asked for; `nginx -t` accepts every variant (where nginx is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy import serve


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    monkeypatch.setattr(serve.os, "geteuid", lambda: 1000)   # no copy of Streamlit's front end for a test
    return serve.Deployment(8080, [8601, 8602], tmp_path)


def _config(deployment, **options) -> str:
    return serve.nginx_config(deployment, "127.0.0.1:8080", "_", **options)


def test_no_cookie_and_websockets_to_the_least_busy_process(deployment):
    text = _config(deployment)
    assert "@" not in re.sub(r"#.*", "", text)                  # every placeholder filled
    assert "Set-Cookie" not in text and "$cookie_" not in text and "hash " not in text
    upstream = text[text.index("upstream streamlit"):text.index("}", text.index("upstream streamlit"))]
    assert "least_conn;" in upstream
    assert upstream.count("server 127.0.0.1:") == 2 and "max_fails=1" in upstream


def test_a_process_files_are_looked_for_on_every_process(deployment):
    text = _config(deployment)
    files = text[text.index("location ~ ^/(media"):]
    files = files[:files.index("}")]
    assert "http_404" in files and "proxy_next_upstream_tries 0" in files
    assert "/(media|component|_stcore/bidi-components|_stcore/upload_file)/" in text
    everything = text[text.index("location / {"):]
    assert "proxy_next_upstream error timeout" in everything and "Upgrade $http_upgrade" in everything


def test_https_and_the_frame_policy_only_when_asked(deployment):
    plain = _config(deployment)
    assert "ssl" not in plain and "frame-ancestors" not in plain
    text = _config(deployment, certificate="/etc/lab/cert.pem", certificate_key="/etc/lab/key.pem",
                   frame_ancestors="https://moodle.example.org")
    assert "listen 127.0.0.1:8080 ssl;" in text
    assert "ssl_certificate /etc/lab/cert.pem;" in text and "ssl_certificate_key /etc/lab/key.pem;" in text
    assert "frame-ancestors 'self' https://moodle.example.org" in text


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="no nginx here")
@pytest.mark.parametrize("tls", [False, True])
def test_nginx_accepts_the_configuration(deployment, tmp_path, tls):
    options = {}
    if tls:
        key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        options = {"certificate": str(cert), "certificate_key": str(key), "frame_ancestors": "https://lms.test"}
    config = tmp_path / "nginx.conf"
    config.write_text(_config(deployment, **options))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


class _Process:
    """A stand-in for a backend's Popen: alive until terminated."""

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode, self.terminated = pid, None, False

    def poll(self):
        return self.returncode

    def terminate(self):
        self.terminated, self.returncode = True, -15

    def wait(self, timeout=None):
        return self.returncode


def test_the_supervisor_restarts_a_process_over_its_memory_one_at_a_time(deployment, monkeypatch, capsys):
    processes = {8601: _Process(101), 8602: _Process(102)}
    deployment.backends = dict(processes)
    deployment.nginx = None
    started = []

    def start_backend(port):
        started.append(port)
        deployment.backends[port] = _Process(200 + len(started))
        return deployment.backends[port]

    monkeypatch.setattr(deployment, "start_backend", start_backend)
    monkeypatch.setattr(serve, "rss_megabytes", lambda pid: 900.0 if pid < 200 else 100.0)  # both old ones over
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)
    clock = [0.0]
    monkeypatch.setattr(serve.time, "monotonic", lambda: clock[0])
    restarted = []

    def sleep(seconds):   # a minute and more passes between two rounds
        restarted.append(list(started))
        clock[0] += 100.0
        if len(restarted) == 4:
            raise KeyboardInterrupt

    monkeypatch.setattr(serve.time, "sleep", sleep)
    with pytest.raises(KeyboardInterrupt):
        serve.supervise(deployment, max_memory_mb=500)
    # Not in their first minute; then one, and the other a round (a minute) later, never both at once.
    assert restarted == [[], [8601], [8601, 8602], [8601, 8602]]
    assert processes[8601].terminated and processes[8602].terminated
    log = capsys.readouterr().err
    assert "port 8601 holds 900 MB (limit 500 MB); restarting it" in log
