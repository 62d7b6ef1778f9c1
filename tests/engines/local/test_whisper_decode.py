"""whisper_decode: tiny.en in a window the size of the turn, on the packaged weights.

In-process (no worker) and few: each decode costs a few hundred ms of both cores. Transcripts
are checked for the words that carry the meaning, never for their spelling.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from scenario_engine.engines.local.vocabulary import load_vocabulary
from scenario_engine.engines.local.whisper_decode import (
    DecodeOptions,
    TurnDecoder,
    compression_ratio,
    window_frames,
)
from scenario_engine.engines.local.whisper_model import verified_weights
from scenario_engine.engines.local.whisper_prompt import vocabulary_prompt
from tests.engines.local.audio import CHECK_IN, pcm_array, silence, synthesize

RATE = 16_000


@pytest.fixture(scope="module")
def decoder() -> TurnDecoder:
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(verified_weights().folder), device="cpu", compute_type="int8", cpu_threads=2,
        local_files_only=True,
    )  # fmt: skip
    prompt = vocabulary_prompt(load_vocabulary())  # the service's own
    return TurnDecoder(model, DecodeOptions(initial_prompt=prompt))


def audio(pcm: bytes) -> np.ndarray:
    return pcm_array(silence(0.3, RATE) + pcm).astype(np.float32) / 32768.0


@pytest.mark.parametrize(
    ("frames", "window"),
    [(300, 1000), (800, 1000), (900, 1100), (2900, 3000), (3000, 3000)],
)
def test_the_window_is_ten_seconds_or_the_turn_and_two_seconds_at_most_thirty(
    frames: int, window: int
) -> None:
    assert window_frames(frames, DecodeOptions()) == window


def test_a_thirty_second_shortest_window_is_whispers_own_padding() -> None:
    assert window_frames(300, DecodeOptions(min_window_s=30)) == 3000


def test_a_short_turn_is_heard_in_the_short_window(decoder: TurnDecoder) -> None:
    decoded = decoder.decode(audio(asyncio.run(synthesize(CHECK_IN, RATE))))
    words = decoded.text.lower()
    assert "hotel" in words and "receptionist" in words, decoded.text
    assert decoded.avg_logprob > -0.8  # sure of it: not taken for another language


def test_a_turn_longer_than_thirty_seconds_is_decoded_window_by_window(
    decoder: TurnDecoder,
) -> None:
    first = asyncio.run(synthesize(CHECK_IN, RATE))
    second = asyncio.run(synthesize("I want to order a coffee.", RATE))
    gap = silence(30.5 - len(first) / 2 / RATE, RATE)
    decoded = decoder.decode(audio(first + gap + second))
    words = decoded.text.lower()
    assert "hotel" in words and "coffee" in words, decoded.text
    assert decoded.seconds > 30


def test_silence_decodes_to_nothing(decoder: TurnDecoder) -> None:
    decoded = decoder.decode(audio(silence(2.0, RATE)))
    assert decoded.text == ""
    assert decoded.no_speech_prob > 0.6


def test_a_looping_text_compresses_well_and_a_sentence_does_not() -> None:
    assert compression_ratio("the department, " * 12) > 2.4
    assert compression_ratio("I'm at a hotel talking to the receptionist to check in.") < 1.5
    assert compression_ratio("") == 0.0
