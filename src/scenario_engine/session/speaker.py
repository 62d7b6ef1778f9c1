"""Speak one reply: audio deltas as they are synthesized, then the reply's full text.

The reply's text may still be arriving from the model. It is cut into sentences (or long
clauses) as it comes, and each is synthesized as soon as it is whole, so the first audio
waits for the first sentence only. Sentences are synthesized one after another: the audio
goes out faster than real time, so the client has the first sentence buffered while the
next one is requested.

A reply said with ``interruptible`` can be stopped by barge-in (``interrupt``) while it is
made and until its audio has played out at the client, which is later: the client plays
it in real time. Stopping it drops what is still queued for the client and tells the client
``response.audio.cancelled``; nothing of that reply follows.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable

from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.sentences import SentenceSplitter
from scenario_engine.engines.base import PCM16_SAMPLE_WIDTH, SpeechOutput, SpeechOutputError
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import (
    ErrorCode,
    ErrorEvent,
    ResponseAudioCancelled,
    ResponseAudioDone,
    ResponseAudioTranscriptDone,
    encode_audio_delta,
)

Emit = Callable[
    [ErrorEvent | ResponseAudioDone | ResponseAudioCancelled | ResponseAudioTranscriptDone | str],
    Awaitable[None],
]
"""Queue a server event; a ``str`` is an event already encoded (the audio deltas)."""

PLAYOUT_SLACK_S = 0.2
"""How long after its audio's real-time end a reply may still be playing at the client
(its jitter lead, the way out)."""

logger = logging.getLogger(__name__)


class ReplySpeaker:
    def __init__(
        self,
        output: SpeechOutput,
        emit: Emit,
        metrics: Metrics,
        drop_queued_audio: Callable[[], object] = lambda: None,
    ) -> None:
        self._output = output
        self._emit = emit
        self._metrics = metrics
        self._drop_queued_audio = drop_queued_audio
        self._making: asyncio.Task[None] | None = None
        """The interruptible reply being made now."""
        self._interrupted = False
        self._first_audio_at: float | None = None
        self._audio_s = 0.0
        self._plays_until = 0.0
        """When the last interruptible reply, already sent, ends playing at the client."""

    @property
    def interruptible(self) -> bool:
        """An interruptible reply is being made or still plays at the client."""
        return self._making is not None or time.monotonic() < self._plays_until

    async def say(self, text: ReplyText | str, language: str, *, interruptible: bool = False) -> (
        float | None
    ):
        """Speak ``text``; returns when its first audio went out (monotonic), if any did.

        A synthesis failure costs the audio, never the text: the learner still reads the reply.
        """
        reply = ReplyText.fixed(text) if isinstance(text, str) else text
        self._first_audio_at, self._audio_s, self._plays_until = None, 0.0, 0.0
        making = asyncio.create_task(self._make(reply, language))
        if interruptible:
            self._making = making
        try:
            await making
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not self._interrupted or (task is not None and task.cancelling()):
                raise  # the session is going away, not a barge-in
            await reply.aclose()
            await self._cancelled()
        else:
            if interruptible and self._first_audio_at is not None:
                self._plays_until = self._first_audio_at + self._audio_s + PLAYOUT_SLACK_S
        finally:
            self._making, self._interrupted = None, False
        await self._emit(ResponseAudioTranscriptDone(transcript=reply.text))
        return self._first_audio_at

    async def interrupt(self) -> bool:
        """Barge-in: stop the interruptible reply being made or played. False if there is none."""
        if self._making is not None:
            self._interrupted = True
            self._making.cancel()  # say() tells the client once the making has stopped
            return True
        if time.monotonic() < self._plays_until:
            self._plays_until = 0.0
            await self._cancelled()
            return True
        return False

    async def _cancelled(self) -> None:
        self._drop_queued_audio()
        await self._emit(ResponseAudioCancelled())

    async def _make(self, reply: ReplyText, language: str) -> None:
        try:
            splitter = SentenceSplitter()
            async for piece in reply.pieces():
                for sentence in splitter.feed(piece):
                    await self._speak(sentence, language)
            if rest := splitter.flush():
                await self._speak(rest, language)
            await self._emit(ResponseAudioDone())
        except SpeechOutputError as exc:
            logger.warning("speech output failed: %s", exc.code)
            await self._emit(
                ErrorEvent(
                    code=ErrorCode.TTS_FAILED, message=f"the reply could not be spoken: {exc}"
                )
            )
            await reply.read_all()

    async def _speak(self, sentence: str, language: str) -> None:
        """Synthesize one sentence into audio deltas."""
        started = time.monotonic()
        rate = self._output.sample_rate
        async for pcm in self._output.stream(sentence, language):
            if self._first_audio_at is None:
                self._first_audio_at = time.monotonic()
                self._metrics.tts.observe(self._first_audio_at - started)
            self._audio_s += len(pcm) / (PCM16_SAMPLE_WIDTH * rate)
            await self._emit(encode_audio_delta(base64.b64encode(pcm).decode("ascii"), rate))
