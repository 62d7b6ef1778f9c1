"""Speak one reply: audio deltas as they are synthesized, then the reply's full text."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Awaitable, Callable

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

    async def say(self, text: str, language: str) -> float | None:
        """Speak ``text``; returns when its first audio went out (monotonic), if any did.

        A synthesis failure costs the audio, never the text: the learner still reads the reply.
        """
        started = time.monotonic()
        first_audio_at: float | None = None
        try:
            async for pcm in self._output.stream(text, language):
                if first_audio_at is None:
                    first_audio_at = time.monotonic()
                    self._metrics.tts.observe(first_audio_at - started)
                await self._emit(
                    encode_audio_delta(
                        base64.b64encode(pcm).decode("ascii"), self._output.sample_rate
                    )
                )
            await self._emit(ResponseAudioDone())
        except SpeechOutputError as exc:
            logger.warning("speech output failed: %s", exc.code)
            await self._emit(
                ErrorEvent(
                    code=ErrorCode.TTS_FAILED, message=f"the reply could not be spoken: {exc}"
                )
            )
        await self._emit(ResponseAudioTranscriptDone(transcript=text))
        return first_audio_at
