"""LocalSpeechInput: synthesized speech in, speech input events out, with and without VAD."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from scenario_engine.engines.base import (
    AudioChunk,
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TranscriptReady,
)
from scenario_engine.engines.local.recognizer import LocalRecognizer
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from tests.engines.local.audio import chunks, silence, synthesize

pytestmark = pytest.mark.asyncio(loop_scope="session")

DOCTOR = "I need to see a doctor"
"""A sentence the recognizer gets right every time (eSpeak's noise varies the audio)."""


def audio(pcm: bytes, rate: int) -> AudioChunk:
    return AudioChunk(pcm=pcm, base64=base64.b64encode(pcm).decode(), sample_rate=rate)


async def send(speech: LocalSpeechInput, pcm: bytes, rate: int) -> None:
    for piece in chunks(pcm, rate, 20):
        await speech.append_audio(audio(piece, rate))


async def next_events(speech: LocalSpeechInput, until: type) -> list[SpeechInputEvent]:
    """Events up to and including the first of type ``until``."""
    seen: list[SpeechInputEvent] = []

    async def collect() -> None:
        async for event in speech.events():
            seen.append(event)
            if isinstance(event, until):
                return

    await asyncio.wait_for(collect(), 20)
    return seen


def transcript(events: list[SpeechInputEvent]) -> str:
    return next(e.text for e in events if isinstance(e, TranscriptReady))


@pytest_asyncio.fixture(loop_scope="session")
async def vad_on(recognizer: LocalRecognizer) -> AsyncIterator[LocalSpeechInput]:
    speech = LocalSpeechInput(recognizer, server_vad=True)
    await speech.start()
    yield speech
    await speech.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def vad_off(recognizer: LocalRecognizer) -> AsyncIterator[LocalSpeechInput]:
    speech = LocalSpeechInput(recognizer, server_vad=False)
    await speech.start()
    yield speech
    await speech.aclose()


@pytest.mark.parametrize("rate", [16_000, 48_000])
async def test_server_vad_finds_the_turn_and_transcribes_it(
    vad_on: LocalSpeechInput, check_in_16k: bytes, check_in_48k: bytes, rate: int
) -> None:
    speech = check_in_16k if rate == 16_000 else check_in_48k
    await send(vad_on, silence(0.5, rate) + speech + silence(1.0, rate), rate)

    events = await next_events(vad_on, TranscriptReady)

    assert [type(e) for e in events] == [SpeechStarted, SpeechStopped, TranscriptReady]
    words = transcript(events).split()
    assert {"hotel", "receptionist"} <= set(words)


async def test_without_vad_the_commit_ends_the_turn(
    vad_off: LocalSpeechInput, check_in_48k: bytes
) -> None:
    await send(vad_off, check_in_48k + silence(3.0, 48_000), 48_000)
    await asyncio.sleep(0.2)
    assert vad_off._events.empty()  # no turn detection: nothing until the commit

    await vad_off.commit()
    events = await next_events(vad_off, TranscriptReady)

    assert [type(e) for e in events] == [TranscriptReady]
    assert "receptionist" in transcript(events)


@pytest.mark.parametrize("server_vad", [False, True])
async def test_empty_commit_is_a_non_fatal_fault(
    recognizer: LocalRecognizer, check_in_16k: bytes, server_vad: bool
) -> None:
    speech = LocalSpeechInput(recognizer, server_vad=server_vad)
    await speech.start()
    try:
        await send(speech, silence(0.05, 16_000), 16_000)
        await speech.commit()
        (fault,) = await next_events(speech, InputFault)
        assert isinstance(fault, InputFault)
        assert (fault.code, fault.fatal) == ("input_audio_commit_empty", False)

        await send(speech, check_in_16k + silence(0.8, 16_000), 16_000)  # still works after
        await speech.commit()
        assert "hotel" in transcript(await next_events(speech, TranscriptReady))
    finally:
        await speech.aclose()


async def test_clear_drops_uncommitted_audio(
    vad_off: LocalSpeechInput, check_in_16k: bytes
) -> None:
    await send(vad_off, check_in_16k, 16_000)
    await vad_off.clear()
    await send(vad_off, await synthesize(DOCTOR, 16_000), 16_000)
    await vad_off.commit()

    text = transcript(await next_events(vad_off, TranscriptReady))

    assert "doctor" in text
    assert "receptionist" not in text and "hotel" not in text


async def test_clear_during_a_vad_turn_drops_it(
    vad_on: LocalSpeechInput, check_in_16k: bytes
) -> None:
    await send(vad_on, check_in_16k[: len(check_in_16k) // 2], 16_000)
    await vad_on.clear()
    await send(vad_on, silence(1.0, 16_000), 16_000)
    await send(vad_on, await synthesize(DOCTOR, 16_000) + silence(1.0, 16_000), 16_000)

    events = await next_events(vad_on, TranscriptReady)

    assert [type(e) for e in events] == [
        SpeechStarted,
        SpeechStarted,
        SpeechStopped,
        TranscriptReady,
    ]
    assert "hotel" not in transcript(events) and "doctor" in transcript(events)


async def test_unsupported_sample_rate_is_reported_and_dropped(vad_off: LocalSpeechInput) -> None:
    await vad_off.append_audio(audio(silence(0.1, 96_000), 96_000))
    (fault,) = await next_events(vad_off, InputFault)
    assert isinstance(fault, InputFault)
    assert fault.code == "unsupported_sample_rate" and not fault.fatal


async def test_aclose_ends_the_event_stream_and_frees_the_decoder(
    recognizer: LocalRecognizer, check_in_16k: bytes
) -> None:
    for _ in range(3):  # more sessions than the two decoders, each closed mid-turn
        speech = LocalSpeechInput(recognizer, server_vad=False)
        await speech.start()
        await send(speech, check_in_16k[:16_000], 16_000)
        await asyncio.sleep(0.05)
        await speech.aclose()
        assert [e async for e in speech.events()] == []
    utterance = await asyncio.wait_for(recognizer.begin(), 5)
    utterance.abandon()
