"""The service as an operator runs it: ``scenario-engine serve`` in its own process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serving(*flags: str) -> Iterator[int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCENARIO_"))}
    process = subprocess.Popen(
        [BIN / "scenario-engine", "serve", "--port", str(port), "--engine", "local", *flags],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.2)
        else:
            pytest.fail("the service did not become ready in 60 s")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        # uvicorn re-raises the signal it handled once shut down, so -SIGTERM is a clean exit.
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
        assert process.stderr is not None
        with process.stderr:
            assert "Application shutdown complete" in process.stderr.read()


def _talk(port: int, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [BIN / "scenario-engine", "talk", f"ws://127.0.0.1:{port}/ws", "--json", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}


def test_talk_completes_the_readme_example_in_one_turn() -> None:
    with _serving() as port:
        assert (
            _talk(port, "--say", "I'm at a hotel talking to the receptionist to check in.") == HOTEL
        )


def test_workers_serve_behind_one_port() -> None:
    with _serving("--workers", "2") as port:
        for _ in range(3):
            assert _talk(port, "--say", "호텔에서 프런트 직원이랑 체크인하고 싶어요") == HOTEL


def test_metrics_with_workers_count_every_worker_s_sessions() -> None:
    """Each scrape is answered by whichever worker accepts it; every one gives the sums."""
    with _serving("--workers", "2") as port:
        for _ in range(4):
            assert _talk(port, "--say", "호텔에서 프런트 직원이랑 체크인하고 싶어요") == HOTEL
        completed = 'scenario_sessions_total{outcome="completed"} '
        # A worker counts a session once it has ended, just after the client saw the close.
        deadline = time.monotonic() + 20
        while not _settled(httpx.get(f"http://127.0.0.1:{port}/metrics").text, completed):
            assert time.monotonic() < deadline, "the four sessions were not counted in 20 s"
            time.sleep(0.05)
        for _ in range(6):
            scrape = httpx.get(f"http://127.0.0.1:{port}/metrics").text
            counts = [line for line in scrape.splitlines() if line.startswith(completed)]
            assert counts == [completed + "4.0"], counts
            assert "scenario_active_sessions 0.0" in scrape.splitlines()


def _settled(scrape: str, completed: str) -> bool:
    lines = scrape.splitlines()
    return completed + "4.0" in lines and "scenario_active_sessions 0.0" in lines


def test_invalid_setting_fails_with_one_line_naming_it() -> None:
    done = subprocess.run(
        [BIN / "scenario-engine", "serve"],
        env={**os.environ, "SCENARIO_ENGINE_MAX_ATTEMPTS": "0"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "scenario-engine: invalid setting SCENARIO_ENGINE_MAX_ATTEMPTS: "
        "Input should be greater than or equal to 1"
    ]
