"""LocalRecognizer: real pocketsphinx worker processes decoding synthesized speech."""

from __future__ import annotations

import asyncio

import pytest

from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.recognizer import (
    LocalRecognizer,
    RecognitionError,
    RecognizerSettings,
)
from scenario_engine.engines.local.sphinx_models import Biasing, build_recipe
from tests.engines.local.audio import chunks

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def recognize(recognizer: LocalRecognizer, pcm: bytes) -> str:
    utterance = await recognizer.begin()
    for chunk in chunks(pcm, 16_000, 20):
        await utterance.feed(chunk)
    return await utterance.finish()


async def test_check_in_sentence_is_recognized(
    recognizer: LocalRecognizer, check_in_16k: bytes
) -> None:
    text = await recognize(recognizer, check_in_16k)
    for word in ("hotel", "receptionist", "check"):
        assert word in text.split()


async def test_more_turns_than_decoders_wait_and_all_complete(
    recognizer: LocalRecognizer, check_in_16k: bytes
) -> None:
    texts = await asyncio.gather(*(recognize(recognizer, check_in_16k) for _ in range(5)))
    assert all("receptionist" in text for text in texts)


async def test_abandoned_turns_give_their_decoder_back(
    recognizer: LocalRecognizer, check_in_16k: bytes
) -> None:
    for _ in range(5):  # more than the two decoders
        utterance = await asyncio.wait_for(recognizer.begin(), 5)
        await utterance.feed(check_in_16k[:16_000])
        utterance.abandon()
    assert "hotel" in await recognize(recognizer, check_in_16k)


async def test_a_crashed_worker_fails_one_turn_and_is_replaced(check_in_16k: bytes) -> None:
    settings = RecognizerSettings(
        phrases=DomainPhrases(places=("hotel",)), workers=1, decoders_per_worker=1
    )
    recognizer = await asyncio.to_thread(LocalRecognizer.build, settings)
    try:
        utterance = await recognizer.begin()
        await utterance.feed(check_in_16k[:8000])
        recognizer.pool.slots[0].process.kill()  # type: ignore[union-attr]
        with pytest.raises(RecognitionError):
            await utterance.feed(check_in_16k)
            await utterance.finish()
        assert "hotel" in await recognize(recognizer, check_in_16k)
    finally:
        await recognizer.aclose()


async def test_closed_recognizer_refuses_new_turns() -> None:
    recognizer = LocalRecognizer(
        build_recipe(Biasing.GENERAL, DomainPhrases(), sample_rate=16_000),
        workers=1,
        decoders_per_worker=1,
    )
    await recognizer.aclose()
    with pytest.raises(RecognitionError):
        await recognizer.begin()
