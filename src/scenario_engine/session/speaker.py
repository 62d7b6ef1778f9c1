"""Speak one reply: audio deltas as they are synthesized, then the reply's full text.

The reply's text may still be arriving from the model. It is cut into sentences (or long
clauses) as it comes, and each is synthesized as soon as it is whole, so the first audio
waits for the first sentence only. Sentences are synthesized one after another: the audio
goes out faster than real time, so the client has the first sentence buffered while the
next one is requested.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Awaitable, Callable

from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.sentences import SentenceSplitter
from scenario_engine.engines.base import SpeechOutput, SpeechOutputError
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import (
    ErrorCode,
    ErrorEvent,
    ResponseAudioDone,
    ResponseAudioTranscriptDone,
    encode_audio_delta,
)

Emit = Callable[
    [ErrorEvent | ResponseAudioDone | ResponseAudioTranscriptDone | str], Awaitable[None]
]
"""Queue a server event; a ``str`` is an event already encoded (the audio deltas)."""

logger = logging.getLogger(__name__)


class ReplySpeaker:
    def __init__(self, output: SpeechOutput, emit: Emit, metrics: Metrics) -> None:
        self._output = output
        self._emit = emit
        self._metrics = metrics

    async def say(self, text: ReplyText | str, language: str) -> float | None:
        """Speak ``text``; returns when its first audio went out (monotonic), if any did.

        A synthesis failure costs the audio, never the text: the learner still reads the reply.
        """
        reply = ReplyText.fixed(text) if isinstance(text, str) else text
        first_audio_at: float | None = None
        try:
            splitter = SentenceSplitter()
            async for piece in reply.pieces():
                for sentence in splitter.feed(piece):
                    first_audio_at = await self._speak(sentence, language, first_audio_at)
            if rest := splitter.flush():
                first_audio_at = await self._speak(rest, language, first_audio_at)
            await self._emit(ResponseAudioDone())
        except SpeechOutputError as exc:
            logger.warning("speech output failed: %s", exc.code)
            await self._emit(
                ErrorEvent(
                    code=ErrorCode.TTS_FAILED, message=f"the reply could not be spoken: {exc}"
                )
            )
            await reply.read_all()
        await self._emit(ResponseAudioTranscriptDone(transcript=reply.text))
        return first_audio_at

    async def _speak(self, sentence: str, language: str, first_audio_at: float | None) -> (
        float | None
    ):
        """Synthesize one sentence into audio deltas; the reply's first audio time so far."""
        started = time.monotonic()
        async for pcm in self._output.stream(sentence, language):
            if first_audio_at is None:
                first_audio_at = time.monotonic()
                self._metrics.tts.observe(first_audio_at - started)
            await self._emit(
                encode_audio_delta(base64.b64encode(pcm).decode("ascii"), self._output.sample_rate)
            )
        return first_audio_at
