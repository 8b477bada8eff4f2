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
