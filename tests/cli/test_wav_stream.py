"""The CLI reads WAVs of any common format and streams them like a live microphone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from scenario_engine.cli.wav_stream import SEND_RATE, WavError, read_wav, stream_pcm
from tests.cli.wav_files import write_wav

TONE_S = 0.5


def _tone(rate: int) -> np.ndarray:
    t = np.arange(int(rate * TONE_S)) / rate
    return 0.5 * np.sin(2 * np.pi * 440 * t)


@pytest.mark.parametrize(
    "fmt",
    [
        {"rate": 24_000},
        {"rate": 8_000, "bits": 8},
        {"rate": 44_100, "channels": 2, "bits": 24},
        {"rate": 48_000, "channels": 2, "bits": 32},
        {"rate": 16_000, "bits": 32, "float_samples": True},
        {"rate": 22_050, "bits": 64, "float_samples": True},
        {"rate": 96_000, "channels": 6, "bits": 16, "extensible": True},
        {"rate": 32_000, "channels": 2, "bits": 32, "float_samples": True, "extensible": True},
    ],
    ids=lambda fmt: "-".join(f"{k}={v}" for k, v in fmt.items()),
)
def test_any_pcm_or_float_wav_becomes_pcm16_mono_24khz(tmp_path: Path, fmt: dict) -> None:  # type: ignore[type-arg]
    rate = fmt.pop("rate")
    path = write_wav(tmp_path / "in.wav", _tone(rate), rate, **fmt)
    audio = read_wav(path)
    assert audio.sample_rate == SEND_RATE
    assert audio.seconds == pytest.approx(TONE_S, abs=0.01)
    samples = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64) / 32768
    middle = samples[len(samples) // 4 : -len(samples) // 4]
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)
    assert str(rate) in audio.source


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a WAV"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no fmt chunk"),
        (b"ID3\x03" + bytes(100), "not a WAV"),
    ],
)
def test_files_that_are_not_wavs_get_a_clear_error(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(WavError, match=reason):
        read_wav(path)


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(WavError, match=r"cannot read .*missing\.wav"):
        read_wav(tmp_path / "missing.wav")


def test_compressed_wavs_are_refused_with_a_hint(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "in.wav", _tone(8000), 8000)
    data = bytearray(path.read_bytes())
    data[20:22] = (0x0006).to_bytes(2, "little")  # A-law
    path.write_bytes(bytes(data))
    with pytest.raises(WavError, match=r"unsupported WAV encoding.*pcm_s16le"):
        read_wav(path)


async def test_chunks_are_20_ms_and_leave_at_the_pace_of_speech() -> None:
    pcm = bytes(2 * SEND_RATE // 2)  # 0.5 s
    loop = asyncio.get_running_loop()
    sent: list[tuple[float, int]] = []

    async def send(chunk: bytes) -> None:
        sent.append((loop.time(), len(chunk)))

    start = loop.time()
    await stream_pcm(pcm, SEND_RATE, send)
    assert [size for _, size in sent] == [960] * 25
    assert loop.time() - start >= 0.5
    # No chunk leaves before a microphone would have it (a late wake-up on a loaded machine
    # is the scheduler's, and the next deadline does not move with it).
    early = [index for index, (at, _) in enumerate(sent) if at - start < index * 0.02 - 0.005]
    assert early == []
    assert sent[12][0] - start == pytest.approx(0.24, abs=0.2)
