"""Streaming resampling of client audio to the rate the recognizer and the VAD work at.

Clients send PCM16 at any rate from 8 kHz to 48 kHz in small chunks. Resampling each chunk on
its own would click at every boundary (each chunk's filter starts from silence) and round the
sample count per chunk; ``soxr.ResampleStream`` keeps the filter state between chunks, so the
chunked result equals resampling the whole signal at once.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import soxr

MIN_INPUT_RATE: Final = 8_000
MAX_INPUT_RATE: Final = 48_000


class UnsupportedSampleRateError(ValueError):
    """The client's sample rate is outside what the local engine accepts."""

    def __init__(self, sample_rate: int) -> None:
        super().__init__(
            f"sample_rate {sample_rate} is not supported: use {MIN_INPUT_RATE}-{MAX_INPUT_RATE} Hz"
        )
        self.sample_rate = sample_rate


def check_input_rate(sample_rate: int) -> None:
    """Raise :class:`UnsupportedSampleRateError` for a rate the engine cannot take."""
    if not MIN_INPUT_RATE <= sample_rate <= MAX_INPUT_RATE:
        raise UnsupportedSampleRateError(sample_rate)


class StreamingResampler:
    """PCM16 mono bytes at ``in_rate`` in, PCM16 mono bytes at ``out_rate`` out.

    soxr holds back a few milliseconds of output (its filter delay) until more input or
    :meth:`flush` arrives; call ``flush`` at the end of a turn so the tail is not lost.
    """

    def __init__(self, in_rate: int, out_rate: int, *, quality: str = "HQ") -> None:
        check_input_rate(in_rate)
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._stream = (
            soxr.ResampleStream(in_rate, out_rate, 1, dtype="int16", quality=quality)
            if in_rate != out_rate
            else None
        )
        self._odd_byte = b""

    def feed(self, pcm: bytes) -> bytes:
        """Resample the next chunk; may return less (or nothing) while the filter fills."""
        if self._odd_byte:
            pcm = self._odd_byte + pcm
        whole = len(pcm) - len(pcm) % 2
        self._odd_byte = pcm[whole:]
        if self._stream is None:
            return pcm[:whole]
        if whole == 0:
            return b""
        samples = np.frombuffer(pcm, dtype="<i2", count=whole // 2)
        return self._convert(samples, last=False)

    def flush(self) -> bytes:
        """The held-back tail; the resampler is then ready for a new, unrelated signal."""
        self._odd_byte = b""
        if self._stream is None:
            return b""
        tail = self._convert(np.zeros(0, dtype="<i2"), last=True)
        self._stream.clear()
        return tail

    def reset(self) -> None:
        """Forget buffered input without producing it (``input_audio_clear``)."""
        self._odd_byte = b""
        if self._stream is not None:
            self._stream.clear()

    def _convert(self, samples: np.ndarray, *, last: bool) -> bytes:
        assert self._stream is not None
        out: np.ndarray = self._stream.resample_chunk(samples, last=last)
        return out.astype("<i2", copy=False).tobytes()
