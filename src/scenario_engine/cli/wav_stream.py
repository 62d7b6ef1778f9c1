"""WAV files as the service wants audio: PCM16 mono at 24 kHz, sent at real-time pace.

Any PCM WAV a learner or a recorder produces is accepted — 8/16/24/32-bit integer or 32/64-bit
float, any channel count and rate, plain or WAVE_FORMAT_EXTENSIBLE — because the ``wave`` module
of Python 3.11 reads only integer PCM in the plain format. Audio is mixed down to mono and
resampled to 24 kHz, the service's native rate, so no turn depends on server-side resampling.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

SEND_RATE = 24_000
CHUNK_MS = 20
"""A microphone delivers 20 ms at a time; so does the CLI, at the pace it was recorded."""

_PCM, _FLOAT, _EXTENSIBLE = 0x0001, 0x0003, 0xFFFE


class WavError(ValueError):
    """The file is not a WAV this client can read; the message says why."""


@dataclass(frozen=True, slots=True)
class WavAudio:
    """PCM16 mono little-endian at ``sample_rate``, and what the file held originally."""

    pcm: bytes
    sample_rate: int
    source: str

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


def read_wav(path: Path, sample_rate: int = SEND_RATE) -> WavAudio:
    """Decode ``path`` and convert it to PCM16 mono at ``sample_rate``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WavError(f"cannot read {path}: {exc.strerror or exc}") from None
    fmt, frames = _chunks(data, path)
    tag, channels, rate, bits = fmt
    samples = _decode(frames, tag, bits, channels, path)
    mono = samples.mean(axis=1) if channels > 1 else samples[:, 0]
    if rate != sample_rate:
        mono = soxr.resample(mono, rate, sample_rate, quality="HQ")
    pcm = (np.clip(mono, -1.0, 1.0 - 1 / 32768) * 32768).astype("<i2").tobytes()
    kind = "float" if tag == _FLOAT else "bit"
    source = f"{rate} Hz, {channels} channel{'s' if channels > 1 else ''}, {bits}-{kind}"
    return WavAudio(pcm=pcm, sample_rate=sample_rate, source=source)


def _chunks(data: bytes, path: Path) -> tuple[tuple[int, int, int, int], bytes]:
    """The ``fmt `` fields (format tag, channels, rate, bits) and the ``data`` bytes."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{path} is not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    offset = 12
    while offset + 8 <= len(data):
        name, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8 : offset + 8 + size]
        if name == b"fmt " and len(body) >= 16:
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack_from("<H", body, 24)[0]  # first bytes of the SubFormat GUID
            fmt = (tag, channels, rate, bits)
        elif name == b"data":
            if fmt is None:
                raise WavError(f"{path}: the data chunk comes before the fmt chunk")
            return fmt, body
        offset += 8 + size + (size & 1)
    raise WavError(f"{path}: no {'data' if fmt else 'fmt'} chunk")


def _decode(frames: bytes, tag: int, bits: int, channels: int, path: Path) -> np.ndarray:
    """Samples as float64 in [-1, 1), one column per channel."""
    if channels < 1:
        raise WavError(f"{path}: the file declares no channels")
    width = bits // 8
    usable = len(frames) - len(frames) % (width * channels) if width else 0
    raw = frames[:usable]
    if tag == _PCM and bits == 8:
        values = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) / 128
    elif tag == _PCM and bits in (16, 32):
        values = np.frombuffer(raw, f"<i{width}").astype(np.float64) / 2 ** (bits - 1)
    elif tag == _PCM and bits == 24:
        triples = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        joined = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        values = np.where(joined >= 1 << 23, joined - (1 << 24), joined) / 2**23
    elif tag == _FLOAT and bits in (32, 64):
        values = np.frombuffer(raw, f"<f{width}").astype(np.float64)
    else:
        raise WavError(
            f"{path}: unsupported WAV encoding (format {tag:#06x}, {bits} bits); "
            "expected integer PCM or float (e.g. ffmpeg -i in -c:a pcm_s16le out.wav)"
        )
    return values.reshape(-1, channels)


async def stream_pcm(
    pcm: bytes,
    sample_rate: int,
    send: Callable[[bytes], Awaitable[None]],
    chunk_ms: int = CHUNK_MS,
) -> None:
    """Send ``pcm`` in ``chunk_ms`` chunks, each when a live microphone would have it.

    Deadlines are computed from the start, not from the previous send, so a slow send never
    makes the stream drift behind real time.
    """
    size = sample_rate * chunk_ms // 1000 * 2
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index, offset in enumerate(range(0, len(pcm), size)):
        await send(pcm[offset : offset + size])
        due = start + (index + 1) * chunk_ms / 1000
        await asyncio.sleep(max(0.0, due - loop.time()))


def silence(seconds: float, sample_rate: int = SEND_RATE) -> bytes:
    return bytes(2 * round(seconds * sample_rate))
