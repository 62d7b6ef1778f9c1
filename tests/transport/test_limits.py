"""Every limit answers with its error code; the session survives where it can."""

import asyncio
import base64
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from scenario_engine.config import AppConfig
from tests.live import EVENT_TIMEOUT_S, LiveClient, live_client, running_server, serving


def _silence(seconds: float, rate: int = 16000) -> dict[str, Any]:
    pcm = bytes(int(seconds * rate) * 2)
    return {
        "type": "input_audio_chunk",
        "audio": base64.b64encode(pcm).decode(),
        "sample_rate": rate,
    }


async def _close_code(client: LiveClient) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await client.next()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def _refused(url: str, **options: Any) -> tuple[dict[str, Any], int]:
    """Connect, expect an error event instead of session.ready, then the close code."""
    async with connect(url, open_timeout=EVENT_TIMEOUT_S, **options) as ws:
        error = json.loads(await asyncio.wait_for(ws.recv(), EVENT_TIMEOUT_S))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), EVENT_TIMEOUT_S)
        assert closed.value.rcvd is not None
        return error, closed.value.rcvd.code


async def test_frame_flood_is_throttled_and_the_session_goes_on() -> None:
    config = AppConfig(engine="local", max_frames_per_second=5)
    async with running_server(config) as url, live_client(url) as client:
        for _ in range(40):
            await client.send({"type": "input_audio_clear"})
        error = await client.until("error")
        assert error[-1]["code"] == "rate_limited"
        await asyncio.sleep(2.5)  # the bucket refills
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        assert sum(event.get("code") == "rate_limited" for event in events) <= 1


async def test_audio_faster_than_real_time_is_refused() -> None:
    config = AppConfig(engine="local", server_vad=False, max_audio_ahead_s=1.0)
    async with running_server(config) as url, live_client(url) as client:
        await client.say("I'm at the airport")
        assert "airport" in await client.reply()
        for _ in range(6):
            await client.send(_silence(0.5))
        assert (await client.until("error"))[-1]["code"] == "audio_too_fast"
        await client.send({"type": "input_audio_clear"})
        await client.say("I am talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        assert events[-1]["json"]["place"] == "airport"


async def test_audio_over_the_turn_buffer_is_refused_until_commit_or_clear() -> None:
    config = AppConfig(engine="local", server_vad=False, max_turn_audio_s=1.0)
    async with running_server(config) as url, live_client(url) as client:
        for _ in range(3):
            await client.send(_silence(0.5))
        assert (await client.until("error"))[-1]["code"] == "audio_buffer_full"
        await client.send({"type": "input_audio_clear"})
        await client.send(_silence(0.5))
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        assert not [event for event in events if event["type"] == "error"]


async def test_idle_client_is_closed_with_a_reason() -> None:
    config = AppConfig(engine="local", idle_timeout_s=0.3)
    async with running_server(config) as url, live_client(url) as client:
        assert (await client.next())["code"] == "idle_timeout"
        assert await _close_code(client) == 1008


async def test_session_time_limit() -> None:
    config = AppConfig(engine="local", max_session_s=0.5)
    async with running_server(config) as url, live_client(url) as client:
        await client.say("I'm at the bank")
        events = await client.until("error")
        assert events[-1]["code"] == "session_timeout"
        assert await _close_code(client) == 1008


async def test_sessions_over_the_cap_are_refused_politely() -> None:
    config = AppConfig(engine="local", max_sessions=1)
    async with running_server(config) as url, live_client(url):
        error, code = await _refused(url)
        assert error["code"] == "server_busy" and code == 1013


async def test_shutdown_lets_the_reply_finish_then_closes_1012() -> None:
    async with serving(AppConfig(engine="local")) as (url, server), live_client(url) as client:
        await client.say("I'm at the bank")
        await client.next()  # the reply has started
        server.should_exit = True
        events = await client.until("error")
        kinds = [event["type"] for event in events]
        assert "response.audio_transcript.done" in kinds
        assert events[-1]["code"] == "server_shutting_down"
        assert await _close_code(client) == 1012
