"""The service as an operator runs it: ``scenario-engine serve`` in its own process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


READY_TIMEOUT_S = 120
"""Kiwi and Whisper load in every process at start-up: ~10 s on an idle 2-core machine, over
40 s seen on a loaded one."""
pytestmark = pytest.mark.timeout(300)  # start-up, talks and the drain, on a loaded machine

WORKERS_2 = ("--workers", "2")
ONE_RECOGNIZER_EACH = {"SCENARIO_ENGINE_LOCAL_ASR_WORKERS": "1"}
"""Two service workers with one Whisper process each: a process per core, as the settings
advise (two each would be four Whisper processes loading at once on two cores)."""


@contextmanager
def _serving(*flags: str, env: dict[str, str] | None = None) -> Iterator[int]:
    with _service(*flags, env=env) as (port, _):
        yield port


@contextmanager
def _service(
    *flags: str, env: dict[str, str] | None = None
) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """``serve`` on a free port, ready; yields the port and the process. Its log goes to a
    file: a pipe nobody reads while it runs could fill and block the server."""
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCENARIO_"))}
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [BIN / "scenario-engine", "serve", "--port", str(port), "--engine", "local", *flags],
            env={**clean, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, _read(log)
                time.sleep(0.2)
            else:
                pytest.fail(f"the service did not become ready in {READY_TIMEOUT_S} s")
            yield port, process
        finally:
            process.send_signal(signal.SIGTERM)
            # uvicorn re-raises the signal it handled once shut down: -SIGTERM is a clean exit.
            assert process.wait(timeout=60) in (0, -signal.SIGTERM)
            assert "Application shutdown complete" in _read(log)


def _read(log: IO[str]) -> str:
    log.seek(0)
    return log.read()


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
    with _serving(*WORKERS_2, env=ONE_RECOGNIZER_EACH) as port:
        for _ in range(3):
            assert _talk(port, "--say", "호텔에서 프런트 직원이랑 체크인하고 싶어요") == HOTEL


def test_metrics_with_workers_count_every_worker_s_sessions() -> None:
    """Each scrape is answered by whichever worker accepts it; every one gives the sums."""
    with _serving(*WORKERS_2, env=ONE_RECOGNIZER_EACH) as port:
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


def test_workers_finish_the_reply_then_close_1012_on_sigterm() -> None:
    """Issue 15: on SIGTERM each worker stops admitting, lets the reply being spoken finish
    and closes the rest with 1012 (after ``server_shutting_down``), so clients resume on
    another instance. The workers' uvicorn closed every socket with a bare 1012 at once."""
    with _service(*WORKERS_2, env=ONE_RECOGNIZER_EACH) as (port, process):
        with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=30, max_size=None) as ws:
            assert json.loads(ws.recv(30))["type"] == "session.ready"
            ws.send(json.dumps({"type": "text", "text": "um i am in the hotel"}))
            assert json.loads(ws.recv(30))["type"] == "response.audio.delta"  # it speaks
            process.send_signal(signal.SIGTERM)
            events = []
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    events.append(json.loads(ws.recv(30)))
        kinds = [event["type"] for event in events]
        assert "response.audio_transcript.done" in kinds, kinds  # the reply was not cut
        assert events[-1]["type"] == "error" and events[-1]["code"] == "server_shutting_down"
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012


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
