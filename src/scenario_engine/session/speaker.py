"""Speak one reply: audio deltas as they are synthesized, then the reply's full text.

The reply's text may still be arriving from the model. It is cut into sentences (or long
clauses) as it comes, and each is synthesized as soon as it is whole, so the first audio
waits for the first sentence only. Sentences are synthesized one after another into an
AudioPacer, which sends them on at the client's pace (session/audio_pacer.py says why).

Barge-in (session/barge_in.py) drives the rest. A reply is *listening* from the moment the
session starts answering a learner turn (``expect``: the service is thinking) until its audio
has played out at the client. Meanwhile ``hold`` stops its audio at once and ``resume`` goes
on with it; ``interrupt`` stops it for good: what is still queued for the client is dropped,
the client is told ``response.audio.cancelled``, and nothing of that reply follows. A reply
interrupted before it began is not synthesized at all. A reply said without
``interruptible`` (the last words of a phase) ignores all three.

Speech of a reply may be made before it is known whether it will be said (``prepare``: the
model wrote its reply before the slots the builder judges it on). Its audio waits in its
pacer, unsent, until ``say`` is given that same reply next; any other reply said, or
``drop_prepared``, throws it away unheard (counted: ``scenario_draft_replies_dropped``).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
from scenario_engine.session.audio_pacer import AudioPacer

Emit = Callable[
    [ErrorEvent | ResponseAudioDone | ResponseAudioCancelled | ResponseAudioTranscriptDone | str],
    Awaitable[None],
]
"""Queue a server event; a ``str`` is an event already encoded (the audio deltas)."""

PLAYOUT_SLACK_S = 0.2
"""How long after its audio's real-time end a reply may still be playing at the client
(its jitter lead, the way out)."""
FRAME_S = 0.04
"""The longest audio delta: a hold stops the audio within one of them."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Speech of ``reply`` being made into ``pacer``, none of it sent yet."""

    reply: ReplyText
    pacer: AudioPacer
    synthesizing: asyncio.Task[SpeechOutputError | None]


class ReplySpeaker:
    def __init__(
        self,
        output: SpeechOutput,
        emit: Emit,
        metrics: Metrics,
        drop_queued_audio: Callable[[], object] = lambda: None,
        *,
        lead_s: float | None = None,
    ) -> None:
        """``lead_s``: how far ahead of the client's playback audio is sent (None: as made)."""
        self._output = output
        self._emit = emit
        self._metrics = metrics
        self._drop_queued_audio = drop_queued_audio
        self._lead_s = lead_s
        self._making: asyncio.Task[None] | None = None
        """The interruptible reply being made now."""
        self._pacer: AudioPacer | None = None
        self._expecting = False
        """A learner turn is being answered and its reply has not started yet."""
        self._held = False
        self._cancel_next = False
        """The learner interrupted while the service was thinking: drop the next reply."""
        self._interrupted = False
        self._plays_until = 0.0
        """When the last interruptible reply, already sent, ends playing at the client."""
        self._prepared: _Prepared | None = None

    @property
    def listening(self) -> bool:
        """Learner speech now would be over a reply: coming, being made or still playing."""
        return self._expecting or self._making is not None or time.monotonic() < self._plays_until

    def expect(self) -> None:
        """A learner turn is being answered: speech from now on is over its reply."""
        self._expecting, self._cancel_next = True, False

    def settle(self) -> None:
        """The turn is answered: nothing it still owes can be held or cancelled."""
        self._expecting = self._cancel_next = self._held = False

    def hold(self) -> None:
        self._held = True
        if self._pacer is not None:
            self._pacer.hold()

    def resume(self) -> None:
        self._held = False
        if self._pacer is not None:
            self._pacer.resume()

    def prepare(self, reply: ReplyText, language: str = "en") -> None:
        """Start making speech of ``reply``, to be sent only if ``say`` is given it next."""
        assert self._prepared is None, "one prepared reply at a time"
        pacer = AudioPacer(self._emit, self._lead_s)
        synthesizing = asyncio.create_task(self._synthesize(reply, language, pacer))
        self._prepared = _Prepared(reply, pacer, synthesizing)

    async def drop_prepared(self) -> None:
        """The prepared reply will not be said: stop making it (none of it went out)."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            return
        prepared.synthesizing.cancel()
        await asyncio.gather(prepared.synthesizing, return_exceptions=True)
        await prepared.reply.aclose()
        self._metrics.draft_replies_dropped.inc()

    async def say(self, text: ReplyText | str, language: str, *, interruptible: bool = False) -> (
        float | None
    ):
        """Speak ``text``; returns when its first audio went out (monotonic), if any did.

        A synthesis failure costs the audio, never the text: the learner still reads the reply.
        """
        reply = ReplyText.fixed(text) if isinstance(text, str) else text
        prepared = self._prepared if self._prepared and self._prepared.reply is reply else None
        if prepared is None:
            await self.drop_prepared()
        self._prepared = None
        cancelled, held = self._cancel_next and interruptible, self._held and interruptible
        self._expecting = self._cancel_next = False
        self._plays_until = 0.0
        if cancelled:
            if prepared is not None:  # its synthesis read part of the text: read on from there
                prepared.synthesizing.cancel()
                await asyncio.gather(prepared.synthesizing, return_exceptions=True)
            await self._cancelled()
            await self._emit(ResponseAudioTranscriptDone(transcript=await reply.read_all()))
            return None
        lead_s = self._lead_s if interruptible else None
        if prepared is None:
            pacer = AudioPacer(self._emit, lead_s, held=held)
            synthesizing = asyncio.create_task(self._synthesize(reply, language, pacer))
        else:
            pacer, synthesizing = prepared.pacer, prepared.synthesizing
            pacer.lead_s = lead_s
            if held:
                pacer.hold()
        making = asyncio.create_task(self._make(pacer, synthesizing))
        if interruptible:
            self._making, self._pacer = making, pacer
        try:
            await making
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not self._interrupted or (task is not None and task.cancelling()):
                raise  # the session is going away, not a barge-in
            await reply.aclose()
            await self._cancelled()
        else:
            if interruptible and pacer.first_sent_at is not None:
                self._plays_until = pacer.plays_until + PLAYOUT_SLACK_S
        finally:
            self._making, self._pacer, self._interrupted = None, None, False
            if not synthesizing.done():  # the making was cancelled before it began
                synthesizing.cancel()
                await asyncio.gather(synthesizing, return_exceptions=True)
        await self._emit(ResponseAudioTranscriptDone(transcript=reply.text))
        return pacer.first_sent_at

    async def interrupt(self) -> bool:
        """Barge-in: stop the interruptible reply coming, being made or played. False if there
        is none."""
        self._held = False
        if self._making is not None:
            self._interrupted = True
            self._making.cancel()  # say() tells the client once the making has stopped
            return True
        if self._expecting:
            self._cancel_next = True  # say() tells the client, if that reply is interruptible
            return True
        if time.monotonic() < self._plays_until:
            self._plays_until = 0.0
            await self._cancelled()
            return True
        return False

    async def _cancelled(self) -> None:
        self._drop_queued_audio()
        await self._emit(ResponseAudioCancelled())

    async def _make(
        self, pacer: AudioPacer, synthesizing: asyncio.Task[SpeechOutputError | None]
    ) -> None:
        """Send what ``synthesizing`` makes into ``pacer``; then ``response.audio.done``, or
        the error after the audio that was made."""
        try:
            await pacer.send_all()
            failure = await synthesizing
        finally:
            synthesizing.cancel()
            await asyncio.gather(synthesizing, return_exceptions=True)
        if failure is None:
            await self._emit(ResponseAudioDone())
            return
        logger.warning("speech output failed: %s", failure.code)
        await self._emit(
            ErrorEvent(
                code=ErrorCode.TTS_FAILED, message=f"the reply could not be spoken: {failure}"
            )
        )

    async def _synthesize(
        self, reply: ReplyText, language: str, pacer: AudioPacer
    ) -> SpeechOutputError | None:
        """Every sentence into ``pacer``; how synthesis failed, if it did (the text is still
        read to its end: the learner reads the reply)."""
        sentences = 0
        try:
            splitter = SentenceSplitter()
            async for piece in reply.pieces():
                for sentence in splitter.feed(piece):
                    await self._speak(sentence, language, pacer, timed=not sentences)
                    sentences += 1
            if rest := splitter.flush():
                await self._speak(rest, language, pacer, timed=not sentences)
            return None
        except SpeechOutputError as exc:
            await reply.read_all()
            return exc
        finally:
            pacer.close()

    async def _speak(self, sentence: str, language: str, pacer: AudioPacer, *, timed: bool) -> (
        None
    ):
        """Synthesize one sentence into deltas of at most ``FRAME_S``; ``timed``: the reply's
        first, whose time to the first audio is the synthesis latency."""
        started = time.monotonic()
        rate = self._output.sample_rate
        longest = round(rate * FRAME_S) * PCM16_SAMPLE_WIDTH
        async for pcm in self._output.stream(sentence, language):
            if timed:
                timed = False
                self._metrics.tts.observe(time.monotonic() - started)
            for start in range(0, len(pcm), longest):
                frame = pcm[start : start + longest]
                encoded = encode_audio_delta(base64.b64encode(frame).decode("ascii"), rate)
                pacer.put(encoded, len(frame) / (PCM16_SAMPLE_WIDTH * rate))
