"""LocalSpeechOutput: real eSpeak NG synthesis, checked as PCM."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import numpy as np
import pytest

from scenario_engine.engines.base import SpeechOutputError
from scenario_engine.engines.local.espeak import espeak_library
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from tests.engines.local.audio import pcm_array

QUESTION = "Who are you talking to in this situation?"
LONG_TEXT = " ".join(
    f"This is sentence number {n} of a long reply that keeps the synthesizer busy."
    for n in range(30)
)


@pytest.fixture
def output() -> Iterator[LocalSpeechOutput]:
    speech = LocalSpeechOutput()
    yield speech
    speech.close()


async def collect(output: LocalSpeechOutput, text: str, language: str = "en") -> list[bytes]:
    return [chunk async for chunk in output.stream(text, language)]


async def test_english_is_valid_pcm16_at_24khz_in_100ms_chunks(output: LocalSpeechOutput) -> None:
    chunks = await collect(output, QUESTION)

    assert output.sample_rate == 24_000
    assert all(len(chunk) == 4800 for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= 4800 and len(chunks[-1]) % 2 == 0
    samples = pcm_array(b"".join(chunks))
    seconds = len(samples) / 24_000
    assert 1.0 < seconds < 6.0  # eight words at a normal speaking rate
    assert np.abs(samples).max() > 3000  # speech, not silence


async def test_korean_fallback_message_is_spoken(output: LocalSpeechOutput) -> None:
    samples = pcm_array(b"".join(await collect(output, "죄송합니다. 다시 말씀해 주세요.", "ko-KR")))

    assert len(samples) / 24_000 > 1.0
    assert np.abs(samples).max() > 3000


async def test_other_output_rates_are_honoured() -> None:
    speech = LocalSpeechOutput(16_000)
    try:
        at_16k = len(b"".join(await collect(speech, QUESTION))) / 2 / 16_000
    finally:
        speech.close()
    at_24k = len(b"".join(await collect(LocalSpeechOutput(), QUESTION))) / 2 / 24_000
    assert at_16k == pytest.approx(at_24k, rel=0.05)


async def test_unknown_language_is_a_speech_output_error(output: LocalSpeechOutput) -> None:
    with pytest.raises(SpeechOutputError) as caught:
        await collect(output, "Bonjour", "fr")
    assert caught.value.code == "tts_unsupported_language"


async def test_empty_text_yields_nothing(output: LocalSpeechOutput) -> None:
    assert await collect(output, "   ") == []


async def test_first_chunk_arrives_while_synthesis_is_still_running(
    output: LocalSpeechOutput,
) -> None:
    library = espeak_library()
    received_during_synthesis = 0
    total = 0
    async for _chunk in output.stream(LONG_TEXT, "en"):
        total += 1
        if library.lock.locked():
            received_during_synthesis += 1
    assert received_during_synthesis > 1
    assert total > received_during_synthesis  # the rest came after synthesis ended


async def test_leaving_early_aborts_and_frees_the_synthesizer(output: LocalSpeechOutput) -> None:
    stream = output.stream(LONG_TEXT, "en")
    await anext(stream)
    await stream.aclose()

    assert not espeak_library().lock.locked()
    assert len(await collect(output, QUESTION)) > 5


async def test_concurrent_streams_do_not_mix(output: LocalSpeechOutput) -> None:
    texts = ["Yes.", QUESTION, LONG_TEXT[:300], "안녕하세요"]
    languages = ["en", "en", "en", "ko"]
    alone = [
        len(b"".join(await collect(output, t, lang)))
        for t, lang in zip(texts, languages, strict=True)
    ]

    together = await asyncio.gather(
        *(collect(output, t, lang) for t, lang in zip(texts * 2, languages * 2, strict=True))
    )

    for expected, chunks in zip(alone * 2, together, strict=True):
        # eSpeak adds random noise, so lengths differ by a few samples run to run; a stream that
        # received another stream's audio would differ by whole words.
        assert len(b"".join(chunks)) == pytest.approx(expected, rel=0.02)
