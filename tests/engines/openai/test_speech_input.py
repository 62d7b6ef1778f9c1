"""OpenAISpeechInput against the fake peer, through the official SDK: relay, VAD, transcripts."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable

import pytest

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import (
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TranscriptReady,
    TranscriptTentative,
)
from scenario_engine.engines.openai.engine import OpenAIEngine
from scenario_engine.engines.openai.speech_input import OpenAISpeechInput
from tests.engines.openai.audio import chunks, silence, speech
from tests.fake_openai import FakeOpenAI


async def next_events(
    events: AsyncIterator[SpeechInputEvent],
    until: Callable[[SpeechInputEvent], bool],
    timeout_s: float = 5.0,
) -> list[SpeechInputEvent]:
    """Events up to and including the first one ``until`` accepts."""
    seen: list[SpeechInputEvent] = []
    async with asyncio.timeout(timeout_s):
        async for event in events:
            seen.append(event)
            if until(event):
                return seen
    raise AssertionError(f"events ended early: {seen}")


def is_transcript(event: SpeechInputEvent) -> bool:
    return isinstance(event, TranscriptReady)


@pytest.fixture
async def opened(
    make_config: Callable[..., AppConfig],
) -> AsyncIterator[Callable[..., OpenAISpeechInput]]:
    """Factory of started-later speech inputs on one engine; everything is closed afterwards."""
    engines: list[OpenAIEngine] = []
    inputs: list[OpenAISpeechInput] = []

    def open_input(**overrides: object) -> OpenAISpeechInput:
        engine = OpenAIEngine(make_config(**overrides))
        engines.append(engine)
        speech_input = engine.open_speech_input()
        inputs.append(speech_input)
        return speech_input

    yield open_input
    for speech_input in inputs:
        await speech_input.aclose()
    for engine in engines:
        await engine.aclose()


async def test_start_returns_once_the_transcription_session_is_configured(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    speech_input = opened(transcription_model="gpt-4o-mini-transcribe")
    await speech_input.start()

    assert peer.realtime.queries == [{"intent": "transcription"}]
    update = peer.realtime.received[0]
    assert update["type"] == "session.update"
    assert update["session"]["type"] == "transcription"
    audio_in = update["session"]["audio"]["input"]
    assert audio_in["format"] == {"type": "audio/pcm", "rate": 24000}
    assert audio_in["transcription"] == {"model": "gpt-4o-mini-transcribe"}
    # Early commit (pause_turns.py): the upstream commits at a 200 ms pause; the turn's
    # 500 ms silence is kept by the service.
    assert audio_in["turn_detection"] == {"type": "server_vad", "silence_duration_ms": 200}


async def test_server_vad_turn_becomes_started_stopped_and_transcript(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(800)
    peer.realtime.transcripts[said] = "I am at a hotel"
    speech_input = opened()
    await speech_input.start()
    events = speech_input.events()

    for chunk in chunks(silence(300) + said + silence(800)):
        await speech_input.append_audio(chunk)

    seen = await next_events(events, is_transcript)
    turn = [e for e in seen if not isinstance(e, TranscriptTentative)]  # a pause's words, if
    assert turn == [SpeechStarted(), SpeechStopped(), TranscriptReady("I am at a hotel")]


@pytest.mark.parametrize(
    ("settings", "sent"),
    [
        ({"vad_silence_ms": 250}, {"type": "server_vad", "silence_duration_ms": 200}),
        ({"vad_silence_ms": 250, "early_commit_ms": 0},
         {"type": "server_vad", "silence_duration_ms": 250}),
        ({"vad_silence_ms": 150, "early_commit_ms": 200},
         {"type": "server_vad", "silence_duration_ms": 150}),
        ({"turn_detection": "semantic_vad", "semantic_vad_eagerness": "high"},
         {"type": "semantic_vad", "eagerness": "high"}),
    ],
)
async def test_the_configured_turn_detection_goes_upstream_and_ends_turns(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput], settings: dict[str, object],
    sent: dict[str, object],
) -> None:
    said = speech(500)
    peer.realtime.transcripts[said] = "the receptionist"
    speech_input = opened(**settings)
    await speech_input.start()
    update = next(e for e in peer.realtime.received if e["type"] == "session.update")
    assert update["session"]["audio"]["input"]["turn_detection"] == sent

    for chunk in chunks(silence(300) + said + silence(800)):
        await speech_input.append_audio(chunk)
    seen = await next_events(speech_input.events(), is_transcript)
    assert seen[-1] == TranscriptReady("the receptionist")


async def test_manual_turns_are_committed_by_the_client(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(500, frequency=440)
    peer.realtime.transcripts[said] = "the receptionist"
    speech_input = opened(server_vad=False)
    await speech_input.start()
    assert peer.realtime.received[0]["session"]["audio"]["input"]["turn_detection"] is None

    for chunk in chunks(said):
        await speech_input.append_audio(chunk)
    await speech_input.commit()

    seen = await next_events(speech_input.events(), is_transcript)
    assert seen == [TranscriptReady("the receptionist")]


async def test_clear_drops_the_buffer_and_an_empty_commit_is_a_non_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(500, frequency=520)
    peer.realtime.transcripts[said] = "to check in"
    speech_input = opened(server_vad=False)
    await speech_input.start()
    events = speech_input.events()

    for chunk in chunks(speech(300, frequency=700)):
        await speech_input.append_audio(chunk)
    await speech_input.clear()
    await speech_input.commit()
    seen = await next_events(events, lambda e: isinstance(e, InputFault))
    assert seen == [InputFault("input_audio_commit_empty", seen[0].message, fatal=False)]
    assert [e["type"] for e in peer.realtime.received][-2:] == [
        "input_audio_buffer.clear",
        "input_audio_buffer.commit",
    ]

    for chunk in chunks(said):  # the session goes on
        await speech_input.append_audio(chunk)
    await speech_input.commit()
    assert await next_events(events, is_transcript) == [TranscriptReady("to check in")]


async def test_other_client_rates_are_resampled_to_24k(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    peer.realtime.unmatched_transcripts.append("hello")
    speech_input = opened(server_vad=False)
    await speech_input.start()

    for chunk in chunks(speech(1000, rate=16_000), rate=16_000):
        await speech_input.append_audio(chunk)
    await speech_input.commit()
    assert await next_events(speech_input.events(), is_transcript) == [TranscriptReady("hello")]

    appended = [e for e in peer.realtime.received if e["type"] == "input_audio_buffer.append"]
    total = sum(len(base64.b64decode(e["audio"])) for e in appended)
    assert total == 48_000  # one second at 24 kHz: the commit flushed the resampler


async def test_transcripts_are_delivered_in_turn_order(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    first, second = speech(400, frequency=330), speech(400, frequency=660)
    peer.realtime.transcripts.update({first: "first turn", second: "second turn"})
    speech_input = opened(server_vad=False)
    await speech_input.start()

    for said in (first, second):
        for chunk in chunks(said):
            await speech_input.append_audio(chunk)
        await speech_input.commit()

    seen = await next_events(speech_input.events(), lambda e: e == TranscriptReady("second turn"))
    assert seen == [TranscriptReady("first turn"), TranscriptReady("second turn")]
