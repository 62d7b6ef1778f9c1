"""How each upstream fault of the Realtime session ends, one test per fault."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import (
    InputFault,
    InputReconnecting,
    SpeechInputUnavailable,
    TranscriptReady,
)
from scenario_engine.engines.openai.engine import OpenAIEngine
from scenario_engine.engines.openai.speech_input import OpenAISpeechInput
from tests.engines.openai.audio import chunks, speech
from tests.engines.openai.test_speech_input import is_transcript, next_events
from tests.fake_openai import FakeOpenAI


@pytest.fixture
async def opened(
    make_config: Callable[..., AppConfig],
) -> AsyncIterator[Callable[..., OpenAISpeechInput]]:
    closers: list[OpenAIEngine | OpenAISpeechInput] = []

    def open_input(**overrides: object) -> OpenAISpeechInput:
        engine = OpenAIEngine(make_config(server_vad=False, **overrides))
        speech_input = engine.open_speech_input()
        closers[:0] = [speech_input, engine]
        return speech_input

    yield open_input
    for closer in closers:
        await closer.aclose()


@pytest.mark.parametrize(
    "close_code",
    [1011, 1001, 1012],  # server error; going away (the 60-minute session cap); restart
)
async def test_a_dropped_socket_reconnects_and_replays_the_unfinished_turn(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput], close_code: int
) -> None:
    said = speech(1000, frequency=350)
    peer.realtime.transcripts[said] = "I want to check in"
    speech_input = opened()
    await speech_input.start()
    events = speech_input.events()
    parts = chunks(said)

    for chunk in parts[:5]:
        await speech_input.append_audio(chunk)
    await peer.drop_sessions(code=close_code)
    for chunk in parts[5:]:  # spoken while the upstream is away: kept, not lost
        await speech_input.append_audio(chunk)
    await speech_input.commit()

    seen = await next_events(events, is_transcript)
    assert seen == [InputReconnecting(attempt=1), TranscriptReady("I want to check in")]
    assert peer.realtime.handshakes == 2
    second = peer.sessions[1]
    assert second.session["audio"]["input"]["turn_detection"] is None  # reconfigured


async def test_a_turn_committed_before_the_drop_is_transcribed_after_it(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(500, frequency=370)
    peer.realtime.transcripts[said] = "at the airport"
    peer.realtime.transcription_delay_s = 0.3  # the transcript is still out when the socket drops
    speech_input = opened()
    await speech_input.start()
    events = speech_input.events()

    for chunk in chunks(said):
        await speech_input.append_audio(chunk)
    await speech_input.commit()
    await peer.wait_for_sessions(1)
    async with asyncio.timeout(5):
        while not peer.sessions[0].last_item_id:  # noqa: ASYNC110 - wait until committed upstream
            await asyncio.sleep(0.01)
    await peer.drop_sessions()

    seen = await next_events(events, is_transcript)
    assert seen == [InputReconnecting(attempt=1), TranscriptReady("at the airport")]


async def test_an_upstream_error_event_is_a_non_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(400, frequency=390)
    peer.realtime.transcripts[said] = "still here"
    speech_input = opened()
    await speech_input.start()
    events = speech_input.events()

    await peer.send_error("server_error", "The server had an error")
    seen = await next_events(events, lambda e: isinstance(e, InputFault))
    assert seen == [InputFault("upstream_error", seen[0].message, fatal=False)]
    assert "server_error" in seen[0].message

    for chunk in chunks(said):
        await speech_input.append_audio(chunk)
    await speech_input.commit()
    assert await next_events(events, is_transcript) == [TranscriptReady("still here")]


async def test_an_upstream_that_stays_away_is_a_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    speech_input = opened(realtime_reconnect_attempts=2)
    await speech_input.start()
    events = speech_input.events()

    peer.realtime.reject_handshakes = 10
    await peer.drop_sessions()

    seen = [event async for event in events]  # the stream ends after the fatal fault
    assert seen[:-1] == [InputReconnecting(attempt=1), InputReconnecting(attempt=2)]
    assert seen[-1] == InputFault("engine_unavailable", seen[-1].message, fatal=True)
    assert "unreachable" in seen[-1].message


async def test_an_upstream_that_ends_the_session_normally_is_a_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    speech_input = opened()
    await speech_input.start()

    await peer.drop_sessions(code=1000)

    seen = [event async for event in speech_input.events()]
    assert seen == [InputFault("engine_unavailable", seen[0].message, fatal=True)]
    assert "ended the session" in seen[0].message


async def test_start_fails_cleanly_when_the_upstream_refuses_the_handshake(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    peer.realtime.reject_handshakes = 1
    with pytest.raises(SpeechInputUnavailable) as caught:
        await opened().start()
    assert caught.value.code == "upstream_unavailable"


async def test_start_times_out_when_the_session_is_never_confirmed(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    peer.realtime.update_delay_s = 3.0
    with pytest.raises(SpeechInputUnavailable) as caught:
        await opened(openai_timeout_s=0.3).start()
    assert caught.value.code == "upstream_timeout"


async def test_a_transcript_that_never_comes_is_a_non_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    peer.realtime.transcription_delay_s = 3.0
    speech_input = opened(openai_timeout_s=0.5)
    await speech_input.start()

    for chunk in chunks(speech(300)):
        await speech_input.append_audio(chunk)
    await speech_input.commit()

    seen = await next_events(speech_input.events(), lambda e: isinstance(e, InputFault))
    assert seen == [InputFault("transcription_failed", seen[0].message, fatal=False)]
    assert "in time" in seen[0].message


async def test_an_unreadable_upstream_frame_is_skipped_as_a_non_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(400, frequency=410)
    peer.realtime.transcripts[said] = "after the noise"
    speech_input = opened()
    await speech_input.start()
    events = speech_input.events()

    await peer.send_raw("this is not JSON")
    seen = await next_events(events, lambda e: isinstance(e, InputFault))
    assert seen == [InputFault("upstream_error", seen[0].message, fatal=False)]

    for chunk in chunks(said):
        await speech_input.append_audio(chunk)
    await speech_input.commit()
    assert await next_events(events, is_transcript) == [TranscriptReady("after the noise")]


async def test_a_reconnected_session_that_is_never_configured_is_a_fatal_fault(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    speech_input = opened(openai_timeout_s=0.5)
    await speech_input.start()

    peer.realtime.update_delay_s = 3.0  # the new session never confirms in time
    await peer.drop_sessions()

    seen = [event async for event in speech_input.events()]
    assert seen[0] == InputReconnecting(attempt=1)
    assert seen[-1] == InputFault("engine_unavailable", seen[-1].message, fatal=True)
    assert "did not accept" in seen[-1].message


async def test_an_upstream_that_drops_every_socket_spends_the_reconnect_budget(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    """Each reconnect succeeds and the SDK's attempt counter restarts; the budget of drops
    per turn does not, so the input fails for good instead of reconnecting forever."""
    peer.realtime.drop_after_update_s = 0.05
    speech_input = opened(realtime_drops_per_turn=3)
    await speech_input.start()
    events = speech_input.events()
    for chunk in chunks(speech(300)):  # a turn in progress: replayed on every socket
        await speech_input.append_audio(chunk)

    async with asyncio.timeout(20):
        seen = [event async for event in events]  # the stream ends after the fatal fault
    assert seen[:-1] == [InputReconnecting(attempt=1)] * 3
    assert seen[-1] == InputFault("engine_unavailable", seen[-1].message, fatal=True)
    assert "dropped 4 times in one turn" in seen[-1].message
    assert peer.realtime.handshakes == 4


async def test_a_transcript_renews_the_turn_budget_but_not_the_session_budget(
    peer: FakeOpenAI, opened: Callable[..., OpenAISpeechInput]
) -> None:
    said = speech(400, frequency=410)
    peer.realtime.transcripts[said] = "one more"
    speech_input = opened(realtime_drops_per_turn=1, realtime_drops_per_session=2)
    await speech_input.start()
    events = speech_input.events()
    for turn in range(2):  # one drop in each turn: within both budgets
        await peer.wait_for_sessions(1)
        await peer.drop_sessions()
        for chunk in chunks(said):
            await speech_input.append_audio(chunk)
        await speech_input.commit()
        seen = await next_events(events, is_transcript)
        assert seen == [InputReconnecting(attempt=1), TranscriptReady("one more")], turn
    await peer.wait_for_sessions(1)
    await peer.drop_sessions()  # the third drop of the session
    async with asyncio.timeout(20):
        seen = [event async for event in events]
    assert seen[-1] == InputFault("engine_unavailable", seen[-1].message, fatal=True)
    assert "dropped 3 times in this session" in seen[-1].message
