"""Whisper as the local recognizer: real worker processes, the packaged tiny.en weights.

Kept few and short (each decode costs ~0.5 s of both cores): the sentence pocketsphinx always
cut short, the early decode kept and dropped, and Korean speech refused.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from scenario_engine.engines.base import AudioChunk, InputFault, SpeechInputEvent, TranscriptReady
from scenario_engine.engines.local.speech_input import NOT_ENGLISH_HINT, LocalSpeechInput
from scenario_engine.engines.local.vad import VadSettings
from scenario_engine.engines.local.whisper_model import verified_weights
from scenario_engine.engines.local.whisper_recognizer import WhisperRecognizer, WhisperSettings
from tests.engines.local.audio import chunks, silence, synthesize

pytestmark = pytest.mark.asyncio(loop_scope="session")

RATE = 16_000
VAD = VadSettings(pause_ms=200, end_silence_ms=500)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def whisper() -> AsyncIterator[WhisperRecognizer]:
    recognizer = WhisperRecognizer(WhisperSettings(weights=verified_weights(), workers=1))
    await recognizer.start()
    yield recognizer
    await recognizer.aclose()


async def one_turn(recognizer: WhisperRecognizer, pcm: bytes) -> SpeechInputEvent:
    """Stream ``pcm`` at real-time pace through server VAD; the turn's transcript or fault."""
    speech = LocalSpeechInput(recognizer, server_vad=True, vad=VAD)
    await speech.start()

    async def outcome() -> SpeechInputEvent:
        async for event in speech.events():
            if isinstance(event, TranscriptReady | InputFault):
                return event
        raise AssertionError("speech input ended without a transcript")

    answer = asyncio.create_task(outcome())
    try:
        for piece in chunks(pcm + silence(0.8, RATE), RATE, 20):
            await speech.append_audio(
                AudioChunk(pcm=piece, base64=base64.b64encode(piece).decode(), sample_rate=RATE)
            )
            await asyncio.sleep(0.02)
        return await asyncio.wait_for(answer, 20)
    finally:
        answer.cancel()
        await speech.aclose()


async def test_i_want_to_check_in_keeps_its_last_word(whisper: WhisperRecognizer) -> None:
    kept = whisper.counts.early_kept
    event = await one_turn(whisper, await synthesize("I want to check in.", RATE))
    assert isinstance(event, TranscriptReady)
    # the words, not their spelling: Whisper writes the noun "check-in" on some CPUs
    words = event.text.lower().replace("-", " ").strip(".").split()
    assert words[-2:] == ["check", "in"], event.text
    assert whisper.counts.early_kept == kept + 1  # decoded at the pause, and that was kept


async def test_speech_after_a_pause_drops_the_early_decode(whisper: WhisperRecognizer) -> None:
    first = await synthesize("I'm at the hotel.", RATE)
    second = await synthesize("I want to check in.", RATE)
    dropped = whisper.counts.early_dropped
    event = await one_turn(whisper, first + silence(0.35, RATE) + second)
    assert isinstance(event, TranscriptReady)
    words = event.text.lower().replace("-", " ")
    assert "hotel" in words and "check in" in words, event.text
    assert whisper.counts.early_dropped > dropped


async def test_korean_speech_gets_the_hint_to_speak_english_or_type(
    whisper: WhisperRecognizer,
) -> None:
    korean = await synthesize("카페에서 바리스타한테 커피 주문하려고요", RATE, voice="ko")
    event = await one_turn(whisper, korean)
    assert event == InputFault("speech_not_english", NOT_ENGLISH_HINT)
