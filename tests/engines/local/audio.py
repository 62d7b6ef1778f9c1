"""Test audio made with our own TTS: real speech at any rate, no fixture files to ship."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from scenario_engine.engines.local.speech_output import LocalSpeechOutput

CHECK_IN = "I'm at a hotel talking to the receptionist to check in"


async def synthesize(
    text: str, sample_rate: int = 16_000, voice: str = "en-us+klatt", words_per_minute: int = 165
) -> bytes:
    """The whole utterance as PCM16 mono at ``sample_rate``."""
    output = LocalSpeechOutput(sample_rate, voices={"en": voice}, words_per_minute=words_per_minute)
    try:
        return b"".join([chunk async for chunk in output.stream(text, "en")])
    finally:
        output.close()


def silence(seconds: float, sample_rate: int) -> bytes:
    return bytes(2 * round(seconds * sample_rate))


def pcm_array(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2")


def write_wav(path: Path, pcm: bytes, sample_rate: int) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return path


def read_wav(path: Path) -> tuple[bytes, int]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        return wav.readframes(wav.getnframes()), wav.getframerate()


def chunks(pcm: bytes, sample_rate: int, ms: int = 20) -> list[bytes]:
    """Split like a client does: ``ms`` of audio per chunk."""
    size = sample_rate * ms // 1000 * 2
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]
