"""WAV files in the formats learners' recorders produce, written byte by byte for the tests."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from tests.engines.local.audio import silence, synthesize


def write_wav(
    path: Path,
    mono: np.ndarray,
    rate: int,
    *,
    channels: int = 1,
    bits: int = 16,
    float_samples: bool = False,
    extensible: bool = False,
) -> Path:
    """``mono`` (floats in [-1, 1)) written with every channel carrying the same signal."""
    frames = np.repeat(mono[:, None], channels, axis=1).reshape(-1)
    if float_samples:
        data = frames.astype(f"<f{bits // 8}").tobytes()
    elif bits == 8:
        data = (frames * 127 + 128).astype(np.uint8).tobytes()
    elif bits == 24:
        ints = (frames * (2**23 - 1)).astype("<i4")
        data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    else:
        data = (frames * (2 ** (bits - 1) - 1)).astype(f"<i{bits // 8}").tobytes()
    tag = 3 if float_samples else 1
    block = channels * bits // 8
    fmt = struct.pack(
        "<HHIIHH", 0xFFFE if extensible else tag, channels, rate, rate * block, block, bits
    )
    if extensible:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt += struct.pack("<HHI", 22, bits, 0) + struct.pack("<H", tag) + guid_tail
    body = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(b"LIST", b"INFOjunk") + _chunk(b"data", data)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _chunk(name: bytes, body: bytes) -> bytes:
    return name + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


async def spoken_wav(
    path: Path, text: str, rate: int = 24_000, voice: str = "en-us+klatt", **fmt: object
) -> Path:
    """``text`` said by eSpeak with a little silence around it, in the given format."""
    pcm = silence(0.3, rate) + await synthesize(text, rate, voice) + silence(0.2, rate)
    mono = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
    return write_wav(path, mono, rate, **fmt)  # type: ignore[arg-type]
