"""BargeIn over a real ReplySpeaker (eSpeak): speech over a reply holds it at once; a short
sound lets it go on and is not a turn; enough speech stops it. No timing: each step is an
event the test feeds (the VAD's, the learner's audio) and what the client was sent since."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest

from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol.server_events import AUDIO_DELTA_PREFIX
from scenario_engine.session.barge_in import MAX_GAP_MS, BargeIn
from scenario_engine.session.speaker import ReplySpeaker

RATE = 16_000
REPLY = "Who are you talking to at the hotel? For example, the receptionist."


def loud(ms: int) -> bytes:
    t = np.arange(RATE * ms // 1000) / RATE
    return (np.sin(2 * np.pi * 200 * t) * 8000).astype("<i2").tobytes()


def quiet(ms: int) -> bytes:
    return bytes(RATE * ms // 1000 * 2)


@pytest.fixture
async def voice() -> AsyncIterator[LocalSpeechOutput]:
    output = LocalSpeechOutput(24_000)
    yield output
    output.close()


def deltas(sent: list[Any]) -> int:
    return sum(isinstance(e, str) and e.startswith(AUDIO_DELTA_PREFIX) for e in sent)


def kinds(sent: list[Any]) -> list[str]:
    return [type(e).__name__ for e in sent if not isinstance(e, str)]


async def test_a_back_channel_holds_the_reply_then_it_plays_on_and_is_no_turn(
    voice: LocalSpeechOutput,
) -> None:
    sent: list[Any] = []

    async def emit(event: Any) -> None:
        sent.append(event)

    speaker = ReplySpeaker(voice, emit, Metrics(), lead_s=0.25)
    barge_in = BargeIn(speaker, Metrics(), enabled=True, min_speech_ms=300)
    barge_in.reply_expected()  # the service is thinking about a turn
    barge_in.speech_started()  # and the learner says "mhm"
    saying = asyncio.create_task(speaker.say(REPLY, "en", interruptible=True))
    await barge_in.heard(loud(200), RATE)
    await asyncio.sleep(0.3)
    assert deltas(sent) == 0  # held from its first frame
    await barge_in.heard(quiet(MAX_GAP_MS), RATE)  # a pause: it was a back-channel
    await asyncio.wait_for(saying, 30)
    assert deltas(sent) > 0
    assert kinds(sent) == ["ResponseAudioDone", "ResponseAudioTranscriptDone"]
    barge_in.speech_stopped()
    assert barge_in.next_is_back_channel()
    assert not barge_in.next_is_back_channel()  # one verdict per stopped speech


async def test_speech_over_a_held_reply_stops_it_and_is_a_turn(voice: LocalSpeechOutput) -> (
    None
):
    sent: list[Any] = []
    audio = asyncio.Event()

    async def emit(event: Any) -> None:
        sent.append(event)
        audio.set()

    metrics = Metrics()
    speaker = ReplySpeaker(voice, emit, metrics, lead_s=0.25)
    barge_in = BargeIn(speaker, metrics, enabled=True, min_speech_ms=300)
    barge_in.reply_expected()
    saying = asyncio.create_task(speaker.say(REPLY, "en", interruptible=True))
    await asyncio.wait_for(audio.wait(), 30)  # the first delta went out
    barge_in.speech_started()
    before = deltas(sent)
    await barge_in.heard(loud(200), RATE)
    await asyncio.sleep(0.3)
    assert deltas(sent) == before  # held: nothing more went out
    await barge_in.heard(loud(120), RATE)  # 320 ms of speech: a barge-in
    await asyncio.wait_for(saying, 30)
    assert deltas(sent) == before
    assert kinds(sent) == ["ResponseAudioCancelled", "ResponseAudioTranscriptDone"]
    barge_in.speech_stopped()
    assert not barge_in.next_is_back_channel()


async def test_a_last_word_is_neither_held_nor_stopped(voice: LocalSpeechOutput) -> None:
    sent: list[Any] = []

    async def emit(event: Any) -> None:
        sent.append(event)

    speaker = ReplySpeaker(voice, emit, Metrics(), lead_s=0.25)
    barge_in = BargeIn(speaker, Metrics(), enabled=True, min_speech_ms=300)
    barge_in.reply_expected()
    barge_in.speech_started()
    await barge_in.heard(loud(400), RATE)  # would stop an interruptible reply
    await asyncio.wait_for(speaker.say(REPLY, "en"), 30)
    assert deltas(sent) > 0
    assert kinds(sent) == ["ResponseAudioDone", "ResponseAudioTranscriptDone"]
