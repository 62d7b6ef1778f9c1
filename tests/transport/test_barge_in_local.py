"""Barge-in on the local engine, end to end: webrtcvad, pocketsphinx and eSpeak behind the real
server, and a client whose microphone starts the second sentence 0.5 s into the reply."""

from __future__ import annotations

import asyncio

from scenario_engine.config import AppConfig
from tests.engines.local.audio import synthesize
from tests.live import live_client, running_server
from tests.microphone import Microphone

RATE = 24_000


async def test_speech_over_a_reply_cancels_it_and_becomes_the_next_turn() -> None:
    first = await synthesize("I am at a hotel.", RATE)
    second = await synthesize("The receptionist.", RATE)
    async with running_server(AppConfig(engine="local")) as url, live_client(url) as client:
        mic = Microphone(client.send, RATE)
        try:
            mic.say(first)
            await client.until("response.audio.delta")
            await asyncio.sleep(0.5)
            mic.say(second)
            events = await client.until("response.audio.cancelled")
            assert events[-1] == {"type": "response.audio.cancelled", "reason": "barge_in"}
            later = await client.until("input_audio.transcript")
            assert not [e for e in later if e["type"] == "response.audio.delta"]
            assert later[-1]["transcript"]  # the interrupting speech, recognized as a turn
            assert (await client.reply()).endswith("?")  # and answered
        finally:
            await mic.aclose()
