"""Realtime wire events <-> speech input events, without I/O.

The speech input feeds every server event it receives into ``InputEventMapper`` and relays
what comes out; the session configuration it sends is built by ``transcription_session``.
Keeping this pure (websockets' sans-I/O core is the model) lets tests check the mapping and
the ordering of transcripts without a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from openai.types.realtime import (
    ConversationItemInputAudioTranscriptionCompletedEvent,
    ConversationItemInputAudioTranscriptionFailedEvent,
    InputAudioBufferCommittedEvent,
    RealtimeErrorEvent,
    RealtimeServerEvent,
)
from openai.types.realtime.realtime_transcription_session_audio_input_turn_detection_param import (
    RealtimeTranscriptionSessionAudioInputTurnDetectionParam as TurnDetectionParam,
)
from openai.types.realtime.realtime_transcription_session_create_request_param import (
    RealtimeTranscriptionSessionCreateRequestParam,
)

from scenario_engine.engines.base import (
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TranscriptReady,
)

REALTIME_SAMPLE_RATE: Final = 24_000
"""The only PCM rate the Realtime API accepts (``audio/pcm`` at 24 kHz)."""

UPSTREAM_ERROR_CODES: dict[str, str] = {
    "input_audio_buffer_commit_empty": "input_audio_commit_empty",
}
"""Upstream ``error.code`` -> public error code (docs/protocol.md); else ``upstream_error``."""


COMMIT_EVENT = '{"type":"input_audio_buffer.commit"}'
CLEAR_EVENT = '{"type":"input_audio_buffer.clear"}'


def append_event(audio_b64: str) -> str:
    """``input_audio_buffer.append`` as wire JSON, built directly: the hot path of the relay.

    The SDK's typed ``input_audio_buffer.append`` runs its parameter transform on every call
    (about 0.3 ms of CPU per chunk); base64 needs no JSON escaping, so a template is exact
    and costs microseconds. The frame still goes out through the SDK connection's
    ``send_raw`` and its reconnect-aware send queue.
    """
    return '{"type":"input_audio_buffer.append","audio":"' + audio_b64 + '"}'


def turn_detection(
    kind: Literal["server_vad", "semantic_vad"],
    silence_ms: int,
    eagerness: Literal["auto", "low", "medium", "high"],
) -> TurnDetectionParam:
    """Upstream turn detection: ``server_vad`` ends a turn after ``silence_ms`` of silence;
    ``semantic_vad`` lets a model judge whether the learner finished (``eagerness``).
    Neither creates responses: this is a transcription session."""
    if kind == "semantic_vad":
        return {"type": "semantic_vad", "eagerness": eagerness}
    return {"type": "server_vad", "silence_duration_ms": silence_ms}


def transcription_session(
    model: str, detection: TurnDetectionParam | None, language: str | None = None
) -> RealtimeTranscriptionSessionCreateRequestParam:
    """The ``session.update`` payload (GA shape) for a transcription-only session.

    With ``detection`` None, ``turn_detection`` is ``null`` and the client's commit ends a turn.
    """
    transcription = {"model": model, **({"language": language} if language else {})}
    return {
        "type": "transcription",
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": REALTIME_SAMPLE_RATE},
                "transcription": transcription,  # type: ignore[typeddict-item]
                "turn_detection": detection,
            }
        },
    }


def fault_for_error(event: RealtimeErrorEvent) -> InputFault:
    """A non-fatal fault for an upstream ``error`` event, without echoing upstream text."""
    upstream = event.error.code or event.error.type
    code = UPSTREAM_ERROR_CODES.get(upstream, "upstream_error")
    return InputFault(code=code, message=f"speech recognition service reported {upstream}")


@dataclass
class InputEventMapper:
    """Turns server events into speech input events, delivering transcripts in turn order.

    Transcriptions finish asynchronously, so a later turn may complete first; turns are
    ordered by ``input_audio_buffer.committed`` and a transcript waits for earlier ones.
    """

    _order: list[str] = field(default_factory=list)
    _done: dict[str, SpeechInputEvent | None] = field(default_factory=dict)

    @property
    def pending_items(self) -> list[str]:
        return list(self._order)

    def forget_pending(self) -> None:
        """A new upstream session (after reconnect) will never finish the old items."""
        self._order.clear()
        self._done.clear()

    def expire(self, item_id: str) -> list[SpeechInputEvent]:
        """The transcript of ``item_id`` took too long: report it and release later turns."""
        if item_id not in self._order or item_id in self._done:
            return []
        fault = InputFault("transcription_failed", "a transcript did not arrive in time")
        return self._finish(item_id, fault)

    def feed(self, event: RealtimeServerEvent) -> list[SpeechInputEvent]:
        if event.type == "input_audio_buffer.speech_started":
            return [SpeechStarted()]
        if event.type == "input_audio_buffer.speech_stopped":
            return [SpeechStopped()]
        if isinstance(event, InputAudioBufferCommittedEvent):
            self._order.append(event.item_id)
            return []
        if isinstance(event, ConversationItemInputAudioTranscriptionCompletedEvent):
            # A blank transcript is still the answer to a turn: the session tells the learner
            # no words were heard (as with the local engine), rather than leaving them waiting.
            return self._finish(event.item_id, TranscriptReady(event.transcript.strip()))
        if isinstance(event, ConversationItemInputAudioTranscriptionFailedEvent):
            fault = InputFault("transcription_failed", "a turn could not be transcribed")
            return self._finish(event.item_id, fault)
        if isinstance(event, RealtimeErrorEvent):
            return [fault_for_error(event)]
        return []

    def _finish(self, item_id: str, result: SpeechInputEvent | None) -> list[SpeechInputEvent]:
        if item_id not in self._order:
            return [result] if result is not None else []
        self._done[item_id] = result
        ready: list[SpeechInputEvent] = []
        while self._order and self._order[0] in self._done:
            outcome = self._done.pop(self._order.pop(0))
            if outcome is not None:
                ready.append(outcome)
        return ready
