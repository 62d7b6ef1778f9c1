"""The documented commands, as an operator runs them: the fake peer and the service, each a
process of its own, and a spoken dialog through them (``--log-level debug`` included)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.engines.openai.conftest import API_KEY
from tests.engines.openai.dialog import FINAL_TEXT, HOTEL, audio_frames, phrase_audio
from tests.live import LiveClient

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    peer_port: int
    service_port: int
    service_log: Path


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """The two documented commands, started as separate processes and stopped afterwards."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([
        {"place": "hotel", "partner": "receptionist", "goal": "check in", "asks_about": None,
         "reply": FINAL_TEXT}
    ]))
    ports = Running(free_port(), free_port(), tmp_path / "service.log")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = [subprocess.Popen(
        [sys.executable, "-m", "tests.fake_openai", "--port", str(ports.peer_port),
         "--say", "I'm at a hotel talking to the receptionist to check in",
         "--answers", str(answers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )]
    with ports.service_log.open("wb") as log_file:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "scenario_engine", "serve", "--engine", "openai",
             "--port", str(ports.service_port), "--log-level", "debug"],
            cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
            env={**env, "OPENAI_API_KEY": API_KEY,
                 "OPENAI_BASE_URL": f"http://127.0.0.1:{ports.peer_port}/v1"},
        ))
    try:
        yield ports
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_for_port(port: int, timeout_s: float = 30.0) -> None:
    async with asyncio.timeout(timeout_s):
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            await writer.wait_closed()
            return


async def test_serve_with_the_openai_engine_against_the_peer_completes_a_dialog(
    running: Running,
) -> None:
    await wait_for_port(running.peer_port)
    await wait_for_port(running.service_port)

    async with connect(f"ws://127.0.0.1:{running.service_port}/ws") as ws:
        client = LiveClient(ws)
        ready = await client.next()
        assert ready["type"] == "session.ready"
        assert ready["engine"]["name"] == "openai"
        for frame in audio_frames(phrase_audio(0)):
            await client.send(frame)
        events = await client.until("scenario.completed")

    kinds = [e["type"] for e in events]
    assert "input_audio.transcript" in kinds and "response.audio.delta" in kinds
    assert events[-2] == {"type": "response.audio_transcript.done", "transcript": FINAL_TEXT}
    assert events[-1]["json"] == HOTEL
    logged = running.service_log.read_text(errors="replace")
    assert "Authorization: [redacted]" in logged  # the handshake was logged, without the key
    assert API_KEY not in logged
