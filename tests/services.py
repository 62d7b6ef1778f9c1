"""Real Redis and nginx for the tests, on free ports of 127.0.0.1, stopped after.

Debian's packages, installed by scripts/ensure-services.sh (``make test``); where they are
missing the tests that need them skip, saying so. Each server runs in the foreground as a
child of the test, with its files in the test's temporary directory.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _need(binary: str, package: str) -> None:
    if not Path(binary).exists():
        pytest.skip(f"{package} is not installed (scripts/ensure-services.sh installs it as root)")


def _wait_for_port(port: int, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{name} did not listen on {port} within {START_TIMEOUT_S:g} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A throw-away redis-server (no persistence); yields its ``redis://`` URL."""
    _need(REDIS_SERVER, "redis-server")
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
{body}
}}
"""


@contextmanager
def nginx(workdir: Path, http_body: str) -> Iterator[int]:
    """nginx with ``http_body`` (upstream + server blocks; ``{port}`` is the listen port)."""
    _need(NGINX, "nginx")
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workdir=workdir, body=http_body.format(port=port)))
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(conf)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(port, process, "nginx")
        yield port
    finally:
        _stop(process)


SERVE_READY_TIMEOUT_S = 90.0


@contextmanager
def service_instance(port: int, **settings: str) -> Iterator[subprocess.Popen[bytes]]:
    """``scenario-engine serve --engine local`` on ``port``, settings as SCENARIO_ENGINE_*
    variables; yields once ``/readyz`` says ready. Stopped with SIGTERM unless already dead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCENARIO_"))}
    env |= {f"SCENARIO_ENGINE_{name.upper()}": value for name, value in settings.items()}
    command = [str(Path(sys.executable).parent / "scenario-engine"), "serve", "--port", str(port),
               "--engine", "local", "--log-format", "json"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + SERVE_READY_TIMEOUT_S
        while not _ready(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service on {port} did not become ready")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process.stderr is not None:
            process.stderr.close()


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def metric(port: int, series: str) -> float:
    """The value of ``series`` (a name, with its labels if it has any, as /metrics writes
    them) on the instance on ``port``; 0 when absent."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
        text = answer.read().decode()
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[1])
    return 0.0
