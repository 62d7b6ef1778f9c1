"""VoiceTurns: the learner's voice in — audio to the speech input, its events out as turns.

The speech input (an engine's VAD and recognizer) reports speech starting and stopping and
transcripts; this module relays them to the client, tells barge-in (session/barge_in.py)
what the learner is doing over a reply, and hands each transcript that is a turn to the
session with the moment the turn ended. A pause's words before the turn is known to be over
(early commit) go to ``foresee`` (None: the learner went on), unless a reply is listening:
that speech may be a back-channel or a barge-in, and a turn is being answered. A back-channel
over a reply is not a turn; a blank transcript is answered with ``no_speech_recognized``; a
fatal fault ends the session.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import (
    AudioChunk,
    InputFault,
    InputReconnecting,
    SpeechInput,
    SpeechStarted,
    SpeechStopped,
    TentativeWithdrawn,
    TranscriptReady,
    TranscriptTentative,
)
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import (
    ErrorCode,
    ErrorEvent,
    InputAudioChunk,
    InputAudioSpeechStarted,
    InputAudioSpeechStopped,
    InputAudioTranscript,
    ProtocolError,
    SessionReconnecting,
)
from scenario_engine.protocol.server_events import AnyServerEvent
from scenario_engine.protocol.text_form import canonical_text
from scenario_engine.session.audio_budget import AudioBudget
from scenario_engine.session.barge_in import BargeIn
from scenario_engine.session.speaker import ReplySpeaker

logger = logging.getLogger(__name__)


def error_code(code: str) -> ErrorCode:
    """Engines report plain strings; anything not in the public catalogue is an upstream error."""
    try:
        return ErrorCode(code)
    except ValueError:
        return ErrorCode.UPSTREAM_ERROR


class VoiceTurns:
    def __init__(
        self,
        speech_input: SpeechInput,
        speaker: ReplySpeaker,
        config: AppConfig,
        metrics: Metrics,
        emit: Callable[[AnyServerEvent], Awaitable[None]],
        turn: Callable[[str, float], Awaitable[None]],
        foresee: Callable[[str | None], None] = lambda text: None,
    ) -> None:
        """``turn(text, ended_at)`` takes a learner turn (``ended_at``: monotonic)."""
        self._input = speech_input
        self._speaker = speaker
        self._foresee = foresee
        self._barge_in = BargeIn(
            speaker, metrics, enabled=config.barge_in, min_speech_ms=config.barge_in_min_speech_ms
        )
        self._budget = AudioBudget(config.max_audio_ahead_s, config.max_turn_audio_s)
        self._metrics = metrics
        self._emit = emit
        self._turn = turn
        self._ended_at: float | None = None
        """When the learner's last turn ended (VAD or commit), for its recognition time."""

    async def audio(self, event: InputAudioChunk) -> ProtocolError | None:
        """Pass a chunk on; the refusal if it is over the audio budget."""
        refusal = self._budget.admit(event.pcm, event.sample_rate, time.monotonic())
        if refusal is not None:
            return refusal
        await self._input.append_audio(
            AudioChunk(pcm=event.pcm, base64=event.audio, sample_rate=event.sample_rate)
        )
        await self._barge_in.heard(event.pcm, event.sample_rate)
        return None

    def reply_expected(self) -> None:
        """The session starts answering a turn: speech from now on is over its reply."""
        self._barge_in.reply_expected()

    async def commit(self) -> None:
        self._ended_at = time.monotonic()
        self._budget.end_turn()
        self._barge_in.forget_verdicts()
        await self._input.commit()

    async def clear(self) -> None:
        self._budget.end_turn()
        self._barge_in.forget_verdicts()
        await self._input.clear()

    async def pump(self) -> InputFault | None:
        """Relay the speech input's events; returns the fault that ended it for good, if one
        did (text turns go on without it otherwise)."""
        async for event in self._input.events():
            if isinstance(event, TranscriptReady):
                await self._transcript(event.text)
            elif isinstance(event, TranscriptTentative):
                if (words := canonical_text(event.text).strip()) and not self._speaker.listening:
                    self._foresee(words)
            elif isinstance(event, TentativeWithdrawn):
                self._foresee(None)
            elif isinstance(event, SpeechStarted):
                self._barge_in.speech_started()
                await self._emit(InputAudioSpeechStarted())
            elif isinstance(event, SpeechStopped):
                self._barge_in.speech_stopped()
                self._ended_at = time.monotonic()
                self._budget.end_turn()
                await self._emit(InputAudioSpeechStopped())
            elif isinstance(event, InputReconnecting):
                logger.warning("speech input reconnecting (attempt %d)", event.attempt)
                self._metrics.upstream_reconnects.inc()
                await self._emit(SessionReconnecting(attempt=event.attempt))
            elif isinstance(event, InputFault):
                if event.fatal:
                    return event
                await self._emit(ErrorEvent(code=error_code(event.code), message=event.message))
        return None

    async def _transcript(self, text: str) -> None:
        now = time.monotonic()
        ended_at, self._ended_at = self._ended_at or now, None
        self._metrics.recognition.observe(now - ended_at)
        if self._barge_in.next_is_back_channel():
            self._metrics.back_channels.inc()
            logger.debug("back-channel over a reply, not answered: %s", text)
            return
        text = canonical_text(text).strip()
        if not text:
            await self._emit(
                ErrorEvent(
                    code=ErrorCode.NO_SPEECH_RECOGNIZED,
                    message="no words were recognized in the last turn; please say it again",
                )
            )
            return
        await self._emit(InputAudioTranscript(transcript=text))
        await self._turn(text, ended_at)
