"""AdaMax Lab for a class: several Streamlit processes behind nginx, one command.

    bash deploy/serve                       # one process per core, the class opens http://<this machine>:8080/
    bash deploy/serve --processes 4 --port 80 --server-name lab.example.org

One Streamlit process runs every session's script on one Python interpreter, so one core; a class needs more
(Streamlit docs, "architecture"). This starts N processes of `streamlit run app.py` on 127.0.0.1 (deploy/backend.py: the
app's modules imported before it listens; the repository's .streamlit/config.toml: no tracebacks to users, no
file watcher), and nginx
on the public address, from deploy/nginx.conf: websocket upgrade, sessions spread without a cookie, Streamlit's
static files from disk. A process that exits is restarted (and, with --max-memory-mb, one that holds more).
Ctrl-C stops everything.

The processes share nothing but the cookie secret (generated here for the run): the view lives in the link,
the cached results in each process (bounded, ui/compute.py). More machines: run this on each, or point one
nginx's upstream at several machines' processes — the config is the same with other addresses.
Needs nginx (Debian: apt-get install nginx-light).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import streamlit

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
STREAMLIT_STATIC = Path(streamlit.__file__).parent / "static"


def healthy(port: int, scheme: str = "http") -> bool:
    # Our own certificate on 127.0.0.1: not verified (the name would not match it anyway).
    context = ssl._create_unverified_context() if scheme == "https" else None
    try:
        with urllib.request.urlopen(f"{scheme}://127.0.0.1:{port}/_stcore/health", timeout=2,
                                    context=context) as reply:
            return reply.read().decode().strip() == "ok"
    except OSError:
        return False


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 90.0, scheme: str = "http") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {process.returncode}")
        if healthy(port, scheme):
            return
        time.sleep(0.3)
    raise RuntimeError(f"nothing healthy on port {port} after {timeout:.0f} s")


@dataclass
class Deployment:
    """The running processes: Streamlit backends by port, and nginx."""

    port: int
    backend_ports: list[int]
    run_dir: Path
    backends: dict[int, subprocess.Popen] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None
    environment: dict[str, str] = field(default_factory=dict)

    def start_backend(self, port: int) -> subprocess.Popen:
        log = open(self.run_dir / f"streamlit-{port}.log", "ab")  # noqa: SIM115 (the child keeps it)
        process = subprocess.Popen(
            [sys.executable, str(DEPLOY / "backend.py"), "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT)
        self.backends[port] = process
        return process

    def pids(self) -> list[int]:
        return [process.pid for process in self.backends.values()]

    def stop(self) -> None:
        for process in [self.nginx, *self.backends.values()]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.nginx, *self.backends.values()]:
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def nginx_config(deployment: Deployment, listen: str, server_name: str, *, certificate: str = "",
                 certificate_key: str = "", frame_ancestors: str = "") -> str:
    backends = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;"
                         for port in deployment.backend_ports)
    text = (DEPLOY / "nginx.conf").read_text()
    # nginx started by root runs its workers as nobody, who may not read root's site-packages: they then
    # serve a copy of Streamlit's front end in the run directory (25 MB), readable by all.
    static = STREAMLIT_STATIC / "static"
    user = ""
    if os.geteuid() == 0:
        user = "user nobody nogroup;"
        static = deployment.run_dir / "static"
        shutil.copytree(STREAMLIT_STATIC / "static", static)
        for folder in (deployment.run_dir, static):
            folder.chmod(folder.stat().st_mode | 0o755)
    shutil.copy(DEPLOY / "link-too-long.html", deployment.run_dir / "link-too-long.html")
    tls = ""
    if certificate:  # HTTPS: what a course page served over HTTPS needs to frame the lab (no mixed content)
        listen += " ssl"
        tls = (f"        ssl_certificate {Path(certificate).resolve()};\n"
               f"        ssl_certificate_key {Path(certificate_key).resolve()};")
    # Which sites may show the lab in a frame (CSP frame-ancestors); without it, any site may, as Streamlit allows.
    frame_policy = (f'        add_header Content-Security-Policy "frame-ancestors \'self\' {frame_ancestors}" always;'
                    if frame_ancestors else "")
    for name, value in {"TLS": tls, "FRAME_POLICY": frame_policy,
                        "RUN_DIR": str(deployment.run_dir), "BACKENDS": backends, "LISTEN": listen,
                        "SERVER_NAME": server_name, "DEPLOY_DIR": str(deployment.run_dir), "USER": user,
                        "STATIC_DIR": str(static)}.items():
        text = text.replace(f"@{name}@", value)
    return text


def start(processes: int, port: int, *, address: str = "0.0.0.0", server_name: str = "_",
          first_backend_port: int = 8601, backend_ports: list[int] | None = None, certificate: str = "",
          certificate_key: str = "", frame_ancestors: str = "") -> Deployment:
    """Start `processes` Streamlit backends and nginx on address:port; returns once all answer."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        raise SystemExit("deploy/serve needs nginx: apt-get install nginx-light")
    run_dir = Path(tempfile.mkdtemp(prefix="adamax-lab-"))
    ports = backend_ports or [first_backend_port + index for index in range(processes)]
    environment = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_hex(32),
                       STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    deployment = Deployment(port, ports, run_dir, environment=environment)
    try:
        for backend_port in ports:
            deployment.start_backend(backend_port)
        for backend_port, process in deployment.backends.items():
            wait_healthy(backend_port, process)
        listen = f"{address}:{port}" if address not in ("", "*") else str(port)
        config = run_dir / "nginx.conf"
        config.write_text(nginx_config(deployment, listen, server_name, certificate=certificate,
                                       certificate_key=certificate_key, frame_ancestors=frame_ancestors))
        deployment.nginx = subprocess.Popen([nginx, "-p", str(run_dir), "-e", str(run_dir / "error.log"),
                                             "-c", str(config)], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.PIPE)
        wait_healthy(port, deployment.nginx, timeout=20, scheme="https" if certificate else "http")
    except BaseException:
        deployment.stop()
        raise
    return deployment


MEMORY_GRACE_SECONDS = 60.0   # a process is not restarted for its memory in its first minute, nor two in a minute


def rss_megabytes(pid: int) -> float:
    """A process's resident memory (Linux /proc; 0 where unknown)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def log(message: str) -> None:
    print(time.strftime("%H:%M:%S ") + message, file=sys.stderr, flush=True)


def supervise(deployment: Deployment, max_memory_mb: float = 0.0) -> None:
    """Restart a backend that exits, or whose memory passed `max_memory_mb` (0: no limit), until interrupted;
    nginx exiting ends the deployment. A restarted backend's students reconnect to the others at once (nginx
    passes a refused connection on), and new students reach it again once it listens."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = {port: time.monotonic() for port in deployment.backends}
    last_memory_restart = -float("inf")
    while not stopping:
        if deployment.nginx is not None and deployment.nginx.poll() is not None:
            log("nginx exited: " + deployment.nginx.stderr.read().decode()[-500:])
            break
        for port, process in list(deployment.backends.items()):
            if process.poll() is not None:
                log(f"Streamlit on port {port} exited ({process.returncode}); restarting it")
                deployment.start_backend(port)
                started[port] = time.monotonic()
            elif (max_memory_mb and time.monotonic() - started[port] > MEMORY_GRACE_SECONDS
                  and time.monotonic() - last_memory_restart > MEMORY_GRACE_SECONDS
                  and (size := rss_megabytes(process.pid)) > max_memory_mb):
                # One process at a time, none in its first minute: the others take its students meanwhile.
                log(f"Streamlit on port {port} holds {size:.0f} MB (limit {max_memory_mb:.0f} MB); restarting it: "
                    "its students reconnect to the other processes")
                last_memory_restart = started[port] = time.monotonic()
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                deployment.start_backend(port)
        time.sleep(0.5)
    deployment.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                        help="Streamlit processes (default: one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port the class opens (default 8080)")
    parser.add_argument("--address", default="0.0.0.0", help="the address nginx listens on (default: all)")
    parser.add_argument("--server-name", default="_", help="nginx server_name: the host name(s) to answer")
    parser.add_argument("--first-backend-port", type=int, default=8601,
                        help="Streamlit processes listen on 127.0.0.1 from this port up (default 8601)")
    parser.add_argument("--certificate", default="", help="TLS certificate (PEM): serve HTTPS, as a course page "
                        "served over HTTPS needs to frame the lab")
    parser.add_argument("--certificate-key", default="", help="the certificate's private key (PEM)")
    parser.add_argument("--frame-ancestors", default="",
                        help="the sites allowed to show the lab in a frame, e.g. 'https://moodle.example.org' "
                        "(default: any site)")
    parser.add_argument("--max-memory-mb", type=float, default=0.0,
                        help="restart a Streamlit process whose resident memory passes this (default: no limit)")
    arguments = parser.parse_args()
    if bool(arguments.certificate) != bool(arguments.certificate_key):
        parser.error("--certificate and --certificate-key go together")
    deployment = start(max(arguments.processes, 1), arguments.port, address=arguments.address,
                       server_name=arguments.server_name, first_backend_port=arguments.first_backend_port,
                       certificate=arguments.certificate, certificate_key=arguments.certificate_key,
                       frame_ancestors=arguments.frame_ancestors)
    scheme = "https" if arguments.certificate else "http"
    print(f"AdaMax Lab for a class: {scheme}://{arguments.address}:{arguments.port}/ → {len(deployment.backends)} "
          f"Streamlit processes on 127.0.0.1:{deployment.backend_ports} (logs in {deployment.run_dir}). "
          "Ctrl-C stops it.", flush=True)
    supervise(deployment, arguments.max_memory_mb)


if __name__ == "__main__":
    main()
