"""The real server with the OpenAI engine, aimed at the fake peer, and a real WebSocket client."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from scenario_engine.config import AppConfig
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.sentences import split_sentences
from tests.engines.openai.audio import silence, speech
from tests.engines.openai.conftest import API_KEY
from tests.engines.openai.dialog import (
    FINAL_TEXT,
    HOTEL,
    PHRASES,
    audio_frames,
    phrase_audio,
    script_dialog,
)
from tests.fake_openai import FakeOpenAI, HttpFault
from tests.live import LiveClient, live_client, running_server
from tests.observability.log_capture import service_logs


async def speak(client: LiveClient, index: int) -> list[dict[str, Any]]:
    """Stream phrase ``index`` in 100 ms chunks; events up to its transcript."""
    for frame in audio_frames(phrase_audio(index)):
        await client.send(frame)
    return await client.until("input_audio.transcript")


def spoken_bytes(events: list[dict[str, Any]]) -> int:
    deltas = [e for e in events if e["type"] == "response.audio.delta"]
    assert all(e["sample_rate"] == 24_000 for e in deltas)
    return sum(len(base64.b64decode(e["delta"])) for e in deltas)


async def close_code(client: LiveClient) -> int:
    try:
        while True:
            await client.next()
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code


def assert_no_secret(client: LiveClient) -> None:
    for event in client.received:
        assert API_KEY not in str(event)


async def test_a_spoken_dialog_completes_with_the_scenario(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    async with running_server(make_config()) as url, live_client(url) as client:
        for index, (text, _) in enumerate(PHRASES[:2]):
            events = await speak(client, index)
            kinds = [e["type"] for e in events]
            assert "input_audio.speech_started" in kinds
            assert "input_audio.speech_stopped" in kinds
            assert events[-1] == {"type": "input_audio.transcript", "transcript": text}
            reply = await client.until("response.audio_transcript.done")
            question = reply[-1]["transcript"]
            assert question.endswith("?")
            deltas = [e for e in reply if e["type"] == "response.audio.delta"]
            assert len(deltas) > 1  # streamed in chunks, not one blob
            assert spoken_bytes(reply) == len(question) * peer.speech.bytes_per_char

        await speak(client, 2)
        events = await client.until("scenario.completed")
        assert events[-2] == {"type": "response.audio_transcript.done", "transcript": FINAL_TEXT}
        sentences = split_sentences(FINAL_TEXT)  # each is synthesized as soon as it is whole
        assert [r["input"] for r in peer.speech.requests[-len(sentences) :]] == sentences
        assert spoken_bytes(events) == len("".join(sentences)) * peer.speech.bytes_per_char
        assert events[-1] == {"type": "scenario.completed", "json": HOTEL, "completed": True}
        assert await close_code(client) == 1000
        assert_no_secret(client)
    assert peer.realtime.auth_headers == [f"Bearer {API_KEY}"]


async def test_manual_commits_and_16k_audio(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.realtime.unmatched_transcripts.append(
        "I am at a hotel with the receptionist and I want to check in"
    )
    peer.chat.responder = lambda request: {
        "place": "hotel", "partner": "receptionist", "goal": "check in", "asks_about": None,
        "reply": FINAL_TEXT,
    }
    async with running_server(make_config(server_vad=False)) as url, live_client(url) as client:
        for frame in audio_frames(phrase_audio(0)[: 16_000 * 2], rate=16_000):
            await client.send(frame)
        await client.send({"type": "input_audio_commit"})
        events = await client.until("scenario.completed")
        assert events[0]["type"] == "input_audio.transcript"
        assert events[-1]["json"] == HOTEL


async def test_an_upstream_drop_reconnects_and_keeps_the_dialog(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    async with running_server(make_config()) as url, live_client(url) as client:
        await speak(client, 0)
        await client.until("response.audio_transcript.done")

        await peer.drop_sessions()
        event = await client.next()
        assert event == {"type": "session.reconnecting", "attempt": 1}
        await peer.wait_for_sessions(1)

        await speak(client, 1)
        await client.until("response.audio_transcript.done")
        await speak(client, 2)
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL  # the place, said before the drop, was kept


async def test_an_upstream_gone_for_good_ends_with_the_korean_message(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    config = make_config(realtime_reconnect_attempts=2)
    async with running_server(config) as url, live_client(url) as client:
        peer.realtime.reject_handshakes = 10
        await peer.drop_sessions()

        events = await client.until("error")
        kinds = [e["type"] for e in events]
        assert kinds.count("session.reconnecting") == 2
        spoken = [e for e in events if e["type"] == "response.audio_transcript.done"]
        assert spoken == [
            {"type": "response.audio_transcript.done", "transcript": KOREAN_FALLBACK_MESSAGE}
        ]
        assert spoken_bytes(events) > 0  # spoken, since TTS still works
        assert events[-1]["code"] == "engine_unavailable"
        assert await close_code(client) == 1011


async def test_an_unreachable_upstream_at_start_ends_with_the_korean_message(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    peer.realtime.reject_handshakes = 1
    async with running_server(make_config()) as url, connect(url) as ws:
        client = LiveClient(ws)
        events = await client.until("error")
        assert "session.ready" not in [e["type"] for e in events]
        assert events[-2]["transcript"] == KOREAN_FALLBACK_MESSAGE
        assert events[-1]["code"] == "engine_unavailable"
        assert await close_code(client) == 1011
        assert_no_secret(client)


async def test_an_llm_outage_is_reported_and_the_turn_is_kept(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.chat.replies.extend([HttpFault(status=500)] * 3)  # one call and its two retries
    async with running_server(make_config()) as url, live_client(url) as client:
        await speak(client, 0)
        events = await client.until("response.audio_transcript.done")
        assert [e["code"] for e in events if e["type"] == "error"] == ["llm_failed"]
        assert events[-1]["transcript"] == KOREAN_FALLBACK_MESSAGE

        await speak(client, 1)
        await client.until("response.audio_transcript.done")
        await speak(client, 2)
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL  # the place from the failed turn was not lost


async def test_a_tts_outage_still_delivers_the_text_and_an_error(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.speech.faults.extend([HttpFault(status=500)] * 3)
    async with running_server(make_config()) as url, live_client(url) as client:
        await speak(client, 0)
        events = await client.until("response.audio_transcript.done")
        errors = [e for e in events if e["type"] == "error"]
        assert [e["code"] for e in errors] == ["tts_failed"]
        assert spoken_bytes(events) == 0
        assert events[-1]["transcript"].endswith("?")


async def test_an_upstream_error_event_is_reported_and_the_dialog_goes_on(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    async with running_server(make_config()) as url, live_client(url) as client:
        await peer.send_error("server_error", "The server had an error")
        event = await client.next()
        assert event["type"] == "error" and event["code"] == "upstream_error"
        events = await speak(client, 0)
        assert events[-1]["transcript"] == PHRASES[0][0]


async def test_the_key_stays_out_of_logs_and_frames(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.chat.replies.append(HttpFault(status=429))
    config = make_config()
    with service_logs("debug", config.secrets()) as logs:
        async with running_server(config) as url, live_client(url) as client:
            await speak(client, 0)
            await client.until("response.audio_transcript.done")
            await peer.drop_sessions()
            await client.until("session.reconnecting")
            assert_no_secret(client)
    assert "Authorization: [redacted]" in logs.getvalue()
    assert API_KEY not in logs.getvalue()


async def test_an_upstream_that_drops_every_socket_ends_with_the_korean_message(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    """Every reconnect succeeds, then drops: the budget of drops per turn ends it, where
    before the session reconnected forever with the learner hearing nothing."""
    script_dialog(peer)
    config = make_config(realtime_drops_per_turn=2)
    async with running_server(config) as url, live_client(url) as client:
        peer.realtime.drop_after_update_s = 0.05
        await peer.drop_sessions()
        events = await client.until("error")
        assert [e for e in events if e["type"] == "session.reconnecting"] == [
            {"type": "session.reconnecting", "attempt": 1}
        ] * 2
        assert events[-2]["transcript"] == KOREAN_FALLBACK_MESSAGE
        assert events[-1]["code"] == "engine_unavailable"
        assert await close_code(client) == 1011


async def test_a_stalled_model_is_answered_within_the_turn_deadline(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    """Chat that takes 30 s, a 15 s timeout per call and two retries: the learner waited
    46.5 s per turn. One deadline per turn answers at the deadline, and keeps the turn."""
    script_dialog(peer)
    peer.chat.replies.append(HttpFault(stall_s=30))  # the deadline leaves no time to retry
    config = make_config(openai_timeout_s=15, turn_deadline_s=1.0)
    async with running_server(config) as url, live_client(url) as client:
        started = time.monotonic()
        await client.say(PHRASES[0][0])
        events = await client.until("response.audio_transcript.done")
        assert time.monotonic() - started < 5.0
        errors = [e for e in events if e["type"] == "error"]
        assert [e["code"] for e in errors] == ["llm_failed"] and "1 s" in errors[0]["message"]
        assert events[-1]["transcript"] == KOREAN_FALLBACK_MESSAGE
        await client.say(PHRASES[1][0])
        await client.until("response.audio_transcript.done")
        await client.say(PHRASES[2][0])
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL  # the place, said in the stalled turn, was kept


async def test_a_model_that_keeps_failing_ends_the_session_with_the_korean_message(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.chat.replies.extend([HttpFault(status=500)] * 100)
    config = make_config(max_failed_turns=2, max_retries=0)
    async with running_server(config) as url, live_client(url) as client:
        await client.say(PHRASES[0][0])
        events = await client.until("response.audio_transcript.done")
        assert [e["code"] for e in events if e["type"] == "error"] == ["llm_failed"]
        await client.say(PHRASES[1][0])
        events = await client.until("error")
        assert events[-2]["transcript"] == KOREAN_FALLBACK_MESSAGE
        assert events[-1]["code"] == "engine_unavailable"
        assert "2 turns in a row" in events[-1]["message"]
        assert await close_code(client) == 1011


async def test_a_blank_transcript_is_answered_with_no_speech_recognized(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    """An upstream transcript of " " left the learner with nothing for 74 s."""
    script_dialog(peer)
    peer.realtime.unmatched_transcripts.append(" ")
    async with running_server(make_config()) as url, live_client(url) as client:
        for frame in audio_frames(silence(300) + speech(700, frequency=900) + silence(700)):
            await client.send(frame)
        events = await client.until("error")
        assert "input_audio.speech_stopped" in [e["type"] for e in events]
        assert events[-1]["code"] == "no_speech_recognized"
        assert "input_audio.transcript" not in [e["type"] for e in events]
        for index in range(3):  # the dialog goes on
            await speak(client, index)
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL


async def test_an_unreachable_upstream_is_a_warning_not_an_error_with_a_traceback(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    """An outage is not a bug: an operator's ERROR level must mean "look at me"."""
    peer.realtime.reject_handshakes = 1
    with service_logs("info") as logs:
        async with running_server(make_config()) as url, connect(url) as ws:
            client = LiveClient(ws)
            assert (await client.until("error"))[-1]["code"] == "engine_unavailable"
            assert await close_code(client) == 1011
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    assert not [line for line in lines if line["level"] == "error" or "exc" in line]
    assert any(line["message"].startswith("speech input could not start") for line in lines)
