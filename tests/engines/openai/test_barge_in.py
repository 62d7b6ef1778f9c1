"""Barge-in on the OpenAI engine, end to end: the fake peer, the real server, a paced client.

The learner's audio goes out at real-time pace, as from a microphone: the service counts the
voice it hears after the upstream VAD reports speech, so audio sent all at once would have
passed before the VAD said anything.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

from scenario_engine.config import AppConfig
from tests.engines.openai.audio import silence, speech
from tests.engines.openai.dialog import (
    QUESTIONS,
    audio_frames,
    phrase_audio,
    phrase_tone,
    script_dialog,
)
from tests.fake_openai import FakeOpenAI
from tests.fake_openai.latency import LatencyModel
from tests.live import LiveClient, live_client, running_server


async def say_paced(client: LiveClient, pcm: bytes) -> None:
    """``pcm`` in 100 ms chunks at real-time pace."""
    for frame in audio_frames(pcm):
        await client.send(frame)
        await asyncio.sleep(0.1)


def after(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return events[[e["type"] for e in events].index(kind) + 1 :]


async def test_speech_over_a_reply_being_made_cancels_it_and_is_the_next_turn(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    hold = peer.speech.hold_after_first_chunk = asyncio.Event()
    script_dialog(peer)
    async with running_server(make_config()) as url, live_client(url) as client:
        await say_paced(client, phrase_audio(0))
        await client.until("response.audio.delta")  # the reply is being made: TTS holds
        speaking = asyncio.create_task(say_paced(client, phrase_tone(1) + silence(800)))
        events = await client.until("response.audio.cancelled")
        assert events[-1] == {"type": "response.audio.cancelled", "reason": "barge_in"}
        later = await client.until("input_audio.transcript")
        assert later[-1]["transcript"] == "the receptionist"
        assert not [e for e in later if e["type"] == "response.audio.delta"]
        assert later[0]["type"] == "response.audio_transcript.done"  # what was said so far
        assert "response.audio.done" not in [e["type"] for e in events + later]
        hold.set()
        await speaking
        reply = await client.reply()
        assert reply == QUESTIONS["goal"]  # the interrupting speech was answered as a turn


async def test_speech_over_a_reply_still_playing_at_the_client_cancels_it(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.speech.bytes_per_char = 4800  # 0.1 s of audio a character: it plays for seconds
    unpaced = make_config(reply_audio_lead_ms=0)  # the reply's audio goes out as it is made
    async with running_server(unpaced) as url, live_client(url) as client:
        await say_paced(client, phrase_audio(0))
        await client.reply()  # every delta was sent; the client plays it for ~3.6 s
        await say_paced(client, phrase_tone(1) + silence(800))
        events = await client.until("response.audio.cancelled")
        assert not [e for e in events if e["type"] == "response.audio.delta"]
        later = await client.until("input_audio.transcript")
        assert not [e for e in later if e["type"] == "response.audio.delta"]


async def test_a_back_channel_holds_the_reply_which_then_plays_on_unanswered(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.speech.bytes_per_char = 4800  # 0.1 s of audio a character: paced, it plays for seconds
    mhm = speech(200, frequency=1000)  # 200 ms: under the 300 ms minimum
    peer.realtime.transcripts[mhm] = "mhm"
    async with running_server(make_config()) as url, live_client(url) as client:
        await say_paced(client, phrase_audio(0))
        events = await client.until("response.audio.delta")
        await say_paced(client, mhm + silence(800))
        events += await client.until("response.audio_transcript.done")
        kinds = [e["type"] for e in events]
        assert "input_audio.speech_started" in kinds  # heard over the reply
        assert "response.audio.cancelled" not in kinds
        assert "response.audio.done" in kinds
        audio = sum(len(base64.b64decode(e["delta"])) for e in events if "delta" in e)
        assert audio == len(QUESTIONS["partner"]) * 4800  # held, then all of it sent
        await say_paced(client, phrase_audio(1))
        later = await client.until("input_audio.transcript")
        assert later[-1]["transcript"] == "the receptionist"  # "mhm" was not a turn
        assert [e["transcript"] for e in events + later if e["type"] == "input_audio.transcript"
                ] == ["I am at a hotel", "the receptionist"]
        assert await client.reply() == QUESTIONS["goal"]


async def test_speech_while_the_service_thinks_drops_the_reply_and_is_the_next_turn(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.latency = LatencyModel(chat_first_token_s=2.5)  # the learner speaks meanwhile
    config = make_config(openai_timeout_s=20.0)
    async with running_server(config) as url, live_client(url) as client:
        await say_paced(client, phrase_audio(0))
        await client.until("input_audio.transcript")
        await say_paced(client, phrase_tone(1) + silence(800))
        events = await client.until("response.audio.cancelled")
        assert not [e for e in events if e["type"] == "response.audio.delta"]
        later = await client.until("response.audio_transcript.done")
        assert not [e for e in later if e["type"] == "response.audio.delta"]
        assert later[-1]["transcript"] == QUESTIONS["partner"]  # dropped unspoken
        assert await client.reply() == QUESTIONS["goal"]  # the speech was answered as a turn


async def test_barge_in_off_lets_the_reply_play(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.speech.bytes_per_char = 4800
    async with running_server(make_config(barge_in=False)) as url, live_client(url) as client:
        await say_paced(client, phrase_audio(0))
        await client.reply()
        await say_paced(client, phrase_tone(1) + silence(800))
        events = await client.until("input_audio.transcript")
        assert "response.audio.cancelled" not in [e["type"] for e in events]
