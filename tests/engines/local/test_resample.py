"""StreamingResampler: chunked resampling equals resampling the whole signal."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
import soxr
from hypothesis import given, settings
from hypothesis import strategies as st

from scenario_engine.engines.local.resample import (
    StreamingResampler,
    UnsupportedSampleRateError,
    check_input_rate,
)


def sine(rate: int, seconds: float = 0.5, hz: float = 440.0) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return (12_000 * np.sin(2 * np.pi * hz * t)).astype("<i2")


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    """Cut at the given byte offsets, including odd ones (half a sample)."""
    edges = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    return [data[a:b] for a, b in pairwise(edges)]


def run(resampler: StreamingResampler, pieces: list[bytes]) -> np.ndarray:
    out = b"".join(resampler.feed(piece) for piece in pieces) + resampler.flush()
    return np.frombuffer(out, dtype="<i2").astype(np.float64)


@settings(max_examples=40, deadline=None)
@given(
    in_rate=st.sampled_from([8_000, 11_025, 22_050, 24_000, 44_100, 48_000]),
    cuts=st.lists(st.integers(min_value=0, max_value=200_000), max_size=40),
)
def test_random_chunking_matches_whole_signal(in_rate: int, cuts: list[int]) -> None:
    signal = sine(in_rate)
    whole = soxr.resample(signal, in_rate, 16_000).astype(np.float64)

    chunked = run(StreamingResampler(in_rate, 16_000), split_at(signal.tobytes(), cuts))

    assert abs(len(chunked) - len(signal) * 16_000 / in_rate) <= 1
    n = min(len(whole), len(chunked))
    assert abs(len(whole) - len(chunked)) <= 1
    assert np.max(np.abs(whole[:n] - chunked[:n])) <= 2  # int16 rounding only


def test_no_click_at_chunk_boundaries() -> None:
    """The step between neighbouring samples never exceeds what a clean sine allows."""
    signal = sine(48_000, seconds=1.0)
    pieces = split_at(signal.tobytes(), list(range(0, len(signal) * 2, 1922)))  # 20 ms + 2 bytes
    out = run(StreamingResampler(48_000, 16_000), pieces)
    steady = out[200:-200]
    max_step = 12_000 * 2 * np.pi * 440 / 16_000
    assert np.max(np.abs(np.diff(steady))) <= max_step * 1.05


def test_same_rate_passes_through() -> None:
    signal = sine(16_000).tobytes()
    resampler = StreamingResampler(16_000, 16_000)
    assert resampler.feed(signal[:101]) + resampler.feed(signal[101:]) == signal


def test_reset_forgets_pending_audio() -> None:
    resampler = StreamingResampler(48_000, 16_000)
    resampler.feed(sine(48_000).tobytes() + b"\x01")
    resampler.reset()

    after = run(resampler, [sine(48_000, seconds=0.25).tobytes()])

    assert abs(len(after) - 4_000) <= 1  # only the new quarter second comes out


@pytest.mark.parametrize("rate", [0, 7_999, 48_001, 96_000])
def test_rates_outside_8k_48k_are_refused(rate: int) -> None:
    with pytest.raises(UnsupportedSampleRateError):
        check_input_rate(rate)
    with pytest.raises(UnsupportedSampleRateError):
        StreamingResampler(rate, 16_000)
