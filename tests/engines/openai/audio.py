"""Synthetic learner audio for the OpenAI engine tests: tones as speech, zeros as silence."""

from __future__ import annotations

import base64

from scenario_engine.engines.base import AudioChunk
from tests.fake_openai.http_routes import tone


def speech(ms: int, frequency: float = 300.0, rate: int = 24_000) -> bytes:
    """A loud tone: the fake peer's VAD hears speech; distinct frequencies give distinct bytes."""
    return tone(rate * ms // 1000 * 2, frequency * 24_000 / rate, amplitude=8000)


def silence(ms: int, rate: int = 24_000) -> bytes:
    return bytes(rate * ms // 1000 * 2)


def chunks(pcm: bytes, rate: int = 24_000, ms: int = 100) -> list[AudioChunk]:
    """``pcm`` cut into client-sized chunks, as the session hands them to the engine."""
    size = rate * ms // 1000 * 2
    return [
        AudioChunk(pcm=part, base64=base64.b64encode(part).decode("ascii"), sample_rate=rate)
        for part in (pcm[i : i + size] for i in range(0, len(pcm), size))
    ]
