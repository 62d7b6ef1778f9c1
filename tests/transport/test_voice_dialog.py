"""Spoken dialogs through the real server and a real WebSocket client (local engine).

The learner's audio is a WAV file the test makes with the service's own TTS, streamed in
20-40 ms chunks at real-time pace, the way a browser microphone sends it. eSpeak adds random
noise, so a transcript differs a little from run to run; the assertions hold for the words
the recognizer gets reliably (see docs/benchmarks.md for how often it gets which).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from pathlib import Path
from typing import Any

import pytest

from scenario_engine.config import AppConfig
from tests.engines.local.audio import CHECK_IN, read_wav, silence, synthesize, write_wav
from tests.live import LiveClient, live_client, running_server

GOAL_ANSWER = "I want to check in"


async def wav_of(text: str, rate: int, directory: Path, name: str) -> Path:
    return write_wav(directory / f"{name}-{rate}.wav", await synthesize(text, rate), rate)


async def stream(client: LiveClient, wav: Path, chunk_ms: int, tail_silence_s: float = 0.0) -> None:
    pcm, rate = read_wav(wav)
    pcm += silence(tail_silence_s, rate)
    size = rate * chunk_ms // 1000 * 2
    started = time.monotonic()
    for index, offset in enumerate(range(0, len(pcm), size)):
        piece = base64.b64encode(pcm[offset : offset + size]).decode()
        await client.send({"type": "input_audio_chunk", "audio": piece, "sample_rate": rate})
        await asyncio.sleep(max(0.0, started + (index + 1) * chunk_ms / 1000 - time.monotonic()))


async def speak_until_completed(
    client: LiveClient, turns: list[Path], chunk_ms: int, *, commit: bool
) -> list[dict[str, Any]]:
    """Say each turn (the later ones answer follow-up questions) until the scenario is done."""
    events: list[dict[str, Any]] = []
    for wav in turns:
        await stream(client, wav, chunk_ms, tail_silence_s=0.3 if commit else 1.0)
        if commit:
            await client.send({"type": "input_audio_commit"})
        events.append(await client.next())
        while events[-1]["type"] not in ("response.audio_transcript.done", "scenario.completed"):
            events.append(await client.next())
        if events[-1]["type"] == "response.audio_transcript.done":
            # The final text is followed at once by scenario.completed; a question by nothing.
            with contextlib.suppress(TimeoutError):
                events.append(await asyncio.wait_for(client.next(), 2.0))
        if events[-1]["type"] == "scenario.completed":
            break
    assert events[-1]["type"] == "scenario.completed", [e["type"] for e in events]
    return events


def transcripts(events: list[dict[str, Any]]) -> list[str]:
    return [e["transcript"] for e in events if e["type"] == "input_audio.transcript"]


def assert_valid_audio(events: list[dict[str, Any]]) -> None:
    deltas = [e for e in events if e["type"] == "response.audio.delta"]
    assert deltas and all(e["sample_rate"] == 24_000 for e in deltas)
    pcm = b"".join(base64.b64decode(e["delta"]) for e in deltas)
    assert len(pcm) % 2 == 0 and len(pcm) > 24_000


def assert_hotel_scenario(events: list[dict[str, Any]]) -> None:
    scenario = events[-1]["json"]
    assert (scenario["place"], scenario["conversation_partner"]) == ("hotel", "receptionist")
    assert scenario["conversation_goal"]


@pytest.mark.parametrize(("rate", "chunk_ms"), [(16_000, 20), (48_000, 40)])
async def test_spoken_dialog_with_server_vad(tmp_path: Path, rate: int, chunk_ms: int) -> None:
    turns = [
        await wav_of(CHECK_IN, rate, tmp_path, "first"),
        await wav_of(GOAL_ANSWER, rate, tmp_path, "goal"),
    ]
    config = AppConfig(engine="local", server_vad=True)
    async with running_server(config) as url, live_client(url) as client:
        events = await speak_until_completed(client, turns, chunk_ms, commit=False)

    kinds = [e["type"] for e in events]
    assert kinds.index("input_audio.speech_started") < kinds.index("input_audio.speech_stopped")
    assert kinds.index("input_audio.speech_stopped") < kinds.index("input_audio.transcript")
    assert "receptionist" in transcripts(events)[0]
    assert_valid_audio(events)
    assert_hotel_scenario(events)


async def test_spoken_dialog_with_commits_when_vad_is_off(tmp_path: Path) -> None:
    turns = [
        await wav_of(CHECK_IN, 48_000, tmp_path, "first"),
        await wav_of(GOAL_ANSWER, 16_000, tmp_path, "goal"),  # the rate may change per chunk
    ]
    config = AppConfig(engine="local", server_vad=False)
    async with running_server(config) as url, live_client(url) as client:
        events = await speak_until_completed(client, turns, 40, commit=True)

    assert not any(e["type"].startswith("input_audio.speech_") for e in events)
    assert "receptionist" in transcripts(events)[0]
    assert_valid_audio(events)
    assert_hotel_scenario(events)


async def test_clear_drops_the_audio_sent_before_it(tmp_path: Path) -> None:
    cafe = "I'm at the cafe talking to the barista to order coffee"
    dropped = await wav_of(cafe, 24_000, tmp_path, "cafe")
    turns = [
        await wav_of(CHECK_IN, 24_000, tmp_path, "first"),
        await wav_of(GOAL_ANSWER, 24_000, tmp_path, "goal"),
    ]
    config = AppConfig(engine="local", server_vad=False)
    async with running_server(config) as url, live_client(url) as client:
        await stream(client, dropped, 20)
        await client.send({"type": "input_audio_clear"})
        events = await speak_until_completed(client, turns, 20, commit=True)

    for word in ("cafe", "barista", "coffee"):
        assert word not in transcripts(events)[0]
    assert_hotel_scenario(events)
