"""ReplySpeaker.prepare over real speech (eSpeak): speech of a reply is made before it is
known whether it will be said; it goes out only if that reply is said next, else never."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.sentences import split_sentences
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol.server_events import AUDIO_DELTA_PREFIX
from scenario_engine.session.speaker import ReplySpeaker
from tests.domain.scripted_llm import text_stream

DRAFT = "Who are you talking to at the hotel? For example, the receptionist."
TEMPLATE = "What do you want to do there?"


class RecordingVoice(LocalSpeechOutput):
    """eSpeak, noting each text it is asked to speak and when its first audio is made."""

    def __init__(self) -> None:
        super().__init__(24_000)
        self.texts: list[str] = []
        self.made = asyncio.Event()

    async def stream(self, text: str, language: str) -> AsyncIterator[bytes]:
        self.texts.append(text)
        async for pcm in super().stream(text, language):
            self.made.set()
            yield pcm


@pytest.fixture
async def voice() -> AsyncIterator[RecordingVoice]:
    output = RecordingVoice()
    yield output
    output.close()


class Client:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def emit(self, event: Any) -> None:
        self.sent.append(event)

    def audio_bytes(self) -> int:
        return sum(len(base64.b64decode(json.loads(e)["delta"])) for e in self.sent
                   if isinstance(e, str) and e.startswith(AUDIO_DELTA_PREFIX))

    def transcripts(self) -> list[str]:
        return [e.transcript for e in self.sent if type(e).__name__ ==
                "ResponseAudioTranscriptDone"]


async def spoken_bytes(voice: LocalSpeechOutput, text: str) -> int:
    return sum([len(pcm) for sentence in split_sentences(text)
                async for pcm in voice.stream(sentence, "en")])


async def test_a_prepared_reply_said_next_goes_out_from_the_speech_already_made(
    voice: RecordingVoice,
) -> None:
    client = Client()
    speaker = ReplySpeaker(voice, client.emit, Metrics(), lead_s=0.25)
    draft = ReplyText(text_stream(DRAFT[:20], DRAFT[20:]), "")

    speaker.prepare(draft)
    await asyncio.wait_for(voice.made.wait(), 30)  # its speech is being made...
    await asyncio.sleep(0.2)
    assert client.sent == []  # ...and none of it goes out before it is said

    await asyncio.wait_for(speaker.say(draft, "en", interruptible=True), 30)

    assert voice.texts == split_sentences(DRAFT)  # each sentence synthesized once
    assert client.transcripts() == [DRAFT]
    expected = await spoken_bytes(voice, DRAFT)
    assert client.audio_bytes() == expected


async def test_a_prepared_reply_not_said_never_reaches_the_client(voice: RecordingVoice) -> None:
    client = Client()
    metrics = Metrics()
    speaker = ReplySpeaker(voice, client.emit, metrics, lead_s=0.25)
    draft = ReplyText(text_stream(DRAFT), "")

    speaker.prepare(draft)
    await asyncio.wait_for(voice.made.wait(), 30)
    await asyncio.wait_for(speaker.say(TEMPLATE, "en", interruptible=True), 30)

    assert voice.texts[0] == split_sentences(DRAFT)[0]  # its speech was made, then dropped
    assert client.transcripts() == [TEMPLATE]
    assert client.audio_bytes() == await spoken_bytes(voice, TEMPLATE)  # the template's alone
    assert metrics.draft_replies_dropped._value.get() == 1


async def test_a_prepared_reply_dropped_sends_nothing(voice: RecordingVoice) -> None:
    client = Client()
    metrics = Metrics()
    speaker = ReplySpeaker(voice, client.emit, metrics, lead_s=0.25)

    speaker.prepare(ReplyText(text_stream(DRAFT), ""))
    await asyncio.wait_for(voice.made.wait(), 30)
    await speaker.drop_prepared()
    await speaker.drop_prepared()  # nothing left: a no-op

    assert client.sent == []
    assert metrics.draft_replies_dropped._value.get() == 1


async def test_a_prepared_reply_cancelled_by_barge_in_while_thinking_sends_only_its_text(
    voice: RecordingVoice,
) -> None:
    client = Client()
    speaker = ReplySpeaker(voice, client.emit, Metrics(), lead_s=0.25)
    speaker.expect()
    draft = ReplyText(text_stream(DRAFT), "")
    speaker.prepare(draft)
    await asyncio.wait_for(voice.made.wait(), 30)
    assert await speaker.interrupt()  # the learner spoke while the service was thinking

    assert await asyncio.wait_for(speaker.say(draft, "en", interruptible=True), 30) is None

    assert client.audio_bytes() == 0
    assert [type(e).__name__ for e in client.sent] == [
        "ResponseAudioCancelled", "ResponseAudioTranscriptDone"]
