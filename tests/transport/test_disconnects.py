"""Clients that vanish: a TCP reset or a half-close at any moment of a turn.

The server must end that session alone — tasks cancelled, the borrowed speech decoder given
back, the session count back to zero — and serve the next learner as if nothing happened.
The recognizer here has a single decoder, so a decoder leaked by a dead session would make
the next voice turn wait forever (and the test time out).
"""

from __future__ import annotations

import asyncio
import base64
import socket
import struct
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from scenario_engine.config import AppConfig
from scenario_engine.engines.local.engine import LocalEngine
from scenario_engine.transport.server import GracefulServer
from tests.engines.local.audio import chunks, silence, synthesize
from tests.live import LiveClient, live_client, serving

CONFIG = AppConfig(engine="local", local_asr_workers=1, local_asr_decoders_per_worker=1)
RATE = 16_000


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def speech() -> bytes:
    # Half a scenario: the voice turn alone can never complete the dialog, so the typed turn
    # that follows it in _next_learner_is_served always has an open session to go to.
    return await synthesize("I'm at the hotel", RATE)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[tuple[str, GracefulServer]]:
    engine = await asyncio.to_thread(LocalEngine, CONFIG)
    async with serving(CONFIG, engine) as running:
        yield running


def _chunk(pcm: bytes) -> dict[str, Any]:
    audio = base64.b64encode(pcm).decode()
    return {"type": "input_audio_chunk", "audio": audio, "sample_rate": RATE}


async def _send_speech(client: LiveClient, pcm: bytes) -> None:
    for piece in chunks(pcm, RATE, ms=100):
        await client.send(_chunk(piece))


def reset(client: LiveClient) -> None:
    """Drop the connection with a TCP RST, as a phone losing its network does."""
    sock = client.ws.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.ws.transport.abort()


def half_close(client: LiveClient) -> None:
    """Send FIN and never a close frame, while still able to read."""
    client.ws.transport.write_eof()


async def _sessions_ended(server: GracefulServer) -> None:
    """Every session has ended, and none of them as a fault of the service."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30.0  # a half-closed one waits out the close timeout; headroom
    while server._lifecycle.active != 0:
        assert loop.time() < deadline, "sessions still open after 30 s"
        await asyncio.sleep(0.05)
    outcomes = server.config.app.state.metrics.registry.get_sample_value
    assert not outcomes("scenario_sessions_total", {"outcome": "error"})


async def _next_learner_is_served(url: str, speech: bytes) -> None:
    """A whole voice turn then a typed one: needs the (only) decoder and a working writer."""
    async with live_client(url) as client:
        await _send_speech(client, speech + silence(1.0, RATE))
        transcript = (await client.until("input_audio.transcript"))[-1]["transcript"]
        assert transcript
        await client.reply()
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        assert (await client.until("scenario.completed"))[-1]["completed"] is True


MOMENTS = ["mid-upload", "during recognition", "mid-reply", "right after a typed turn"]


async def _reach(moment: str, client: LiveClient, speech: bytes) -> None:
    if moment == "mid-upload":
        await _send_speech(client, speech[: len(speech) // 2])
        await client.until("input_audio.speech_started")  # a decoder is borrowed now
    elif moment == "during recognition":
        await _send_speech(client, speech + silence(1.0, RATE))
        await client.until("input_audio.speech_stopped")  # the final pass is running
    elif moment == "mid-reply":
        await client.say("I'm at the bank")
        await client.until("response.audio.delta")
    else:
        await client.say("I'm at the bank")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("drop", [reset, half_close], ids=["reset", "half-close"])
async def test_client_vanishing_ends_its_session_and_frees_its_decoder(
    server: tuple[str, GracefulServer], speech: bytes, moment: str, drop: Any
) -> None:
    url, running = server
    async with live_client(url) as client:
        await _reach(moment, client, speech)
        drop(client)
    await _sessions_ended(running)
    await _next_learner_is_served(url, speech)
    await _sessions_ended(running)
