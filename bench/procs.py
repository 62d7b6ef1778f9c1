"""Processes of the benchmarks: start them (pinned to a core), read their CPU time and memory.

Figures come from ``/proc``: CPU time is the sum of every thread's on-CPU nanoseconds
(``/proc/PID/task/*/schedstat``, exact, unlike the 10 ms ticks of ``/proc/PID/stat``), and
memory is ``VmRSS``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def raise_priority() -> None:
    """nice -20 where allowed (root), for a process that leads its own session.

    The machine may be shared, and other processes on a pinned core would take turns with
    the relay and show up as its latency. With autogroup scheduling (Linux's default for
    desktops and many VMs) a process's nice only counts inside its session's group, so the
    group's nice is set too; a new session is a new group holding only bench processes.
    """
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, -20)
    with contextlib.suppress(OSError), open("/proc/self/autogroup", "w") as group:
        group.write("-20")


def in_own_session(argv: list[str]) -> None:
    """Run this script again as the leader of a new session (see raise_priority), unless it is."""
    if os.getsid(0) == os.getpid():
        raise_priority()
        return
    done = subprocess.run([sys.executable, *argv], start_new_session=True, check=False)
    raise SystemExit(done.returncode)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_ns(pid: int) -> int:
    """On-CPU time of every thread of ``pid`` so far, in ns."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        path = f"/proc/{pid}/task/{task}/schedstat"
        with contextlib.suppress(FileNotFoundError), open(path) as stat:
            total += int(stat.read().split()[0])
    return total


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


@dataclass
class Proc:
    """A child process pinned to ``core``, with its own log file."""

    name: str
    popen: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def _spawn(name: str, argv: list[str], core: int | None, env: dict[str, str], log: Path) -> (
    subprocess.Popen[bytes]
):
    pin = {core} if core is not None and (os.cpu_count() or 1) > 1 else None

    def preexec() -> None:
        if pin:
            os.sched_setaffinity(0, pin)
        raise_priority()

    with open(log, "wb") as out:
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                                preexec_fn=preexec, cwd=ROOT, start_new_session=True)


def _wait_line(log: Path, popen: subprocess.Popen[bytes], word: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{log.name} exited: {log.read_text()[-2000:]}")
        if word in log.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{log.name}: no {word!r} in {timeout_s} s")


def _wait_ready(url: str, popen: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready in {timeout_s} s")


def start_peer(core: int, logs: Path) -> Proc:
    port = free_port()
    log = logs / "peer.log"
    popen = _spawn("peer", [sys.executable, str(BENCH / "relay_peer.py"), str(port)], core,
                   dict(os.environ), log)
    _wait_line(log, popen, "ready", 20)
    return Proc("peer", popen, port)


def start_bare_proxy(core: int, peer_port: int, logs: Path) -> Proc:
    port = free_port()
    log = logs / "bare.log"
    argv = [sys.executable, str(BENCH / "bare_proxy.py"), str(port),
            f"ws://127.0.0.1:{peer_port}/v1/realtime"]
    popen = _spawn("bare", argv, core, dict(os.environ), log)
    _wait_line(log, popen, "ready", 20)
    return Proc("bare proxy", popen, port)


def start_service(core: int | None, peer_port: int, logs: Path, max_sessions: int) -> Proc:
    """``scenario-engine serve --engine openai`` against the peer, with the default settings
    (log level info included) except the session limit."""
    return start_server("openai", core, logs, {
        "OPENAI_API_KEY": "bench-key",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{peer_port}/v1",
        "SCENARIO_ENGINE_MAX_SESSIONS": str(max_sessions),
    })  # fmt: skip


def start_server(engine: str, core: int | None, logs: Path, settings: dict[str, str]) -> Proc:
    """``scenario-engine serve`` on a free port with ``settings`` in its environment."""
    port = free_port()
    log = logs / f"service-{engine}-{port}.log"
    env = {**os.environ, "SCENARIO_ENGINE_LOG_FORMAT": "json", **settings}
    argv = [sys.executable, "-m", "scenario_engine", "serve", "--engine", engine,
            "--port", str(port)]
    popen = _spawn("service", argv, core, env, log)
    _wait_ready(f"http://127.0.0.1:{port}/readyz", popen, log, 120)
    return Proc("service", popen, port)


@contextlib.contextmanager
def running(proc: Proc) -> Iterator[Proc]:
    try:
        yield proc
    finally:
        proc.stop()


def start_redis(logs: Path) -> Proc:
    """A throw-away redis-server (Debian's, scripts/ensure-services.sh) on a free port."""
    port = free_port()
    log = logs / "redis.log"
    argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
            "--appendonly", "no", "--dir", str(logs)]
    popen = _spawn("redis", argv, None, dict(os.environ), log)
    _wait_line(log, popen, "Ready to accept connections", 20)
    return Proc("redis", popen, port)
