"""Stable error codes of the ``error`` event, and the coded error the parser returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Machine-readable reasons; their values never change once published (docs/protocol.md)."""

    # The frame itself.
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    BINARY_FRAME = "binary_frame"
    FRAME_TOO_LARGE = "frame_too_large"
    # The event in it.
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    UNKNOWN_FIELD = "unknown_field"
    INVALID_AUDIO = "invalid_audio"
    UNSUPPORTED_SAMPLE_RATE = "unsupported_sample_rate"
    EMPTY_TEXT = "empty_text"
    INVALID_TEXT = "invalid_text"
    TEXT_TOO_LONG = "text_too_long"
    # Limits and access.
    RATE_LIMITED = "rate_limited"
    AUDIO_TOO_FAST = "audio_too_fast"
    AUDIO_BUFFER_FULL = "audio_buffer_full"
    IDLE_TIMEOUT = "idle_timeout"
    SESSION_TIMEOUT = "session_timeout"
    SERVER_BUSY = "server_busy"
    SERVER_SHUTTING_DOWN = "server_shutting_down"
    UNAUTHORIZED = "unauthorized"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    # The session's state.
    SESSION_COMPLETED = "session_completed"
    EVENT_NOT_ALLOWED = "event_not_allowed"
    SESSION_NOT_FOUND = "session_not_found"
    SESSION_IN_USE = "session_in_use"
    SESSION_TAKEN_OVER = "session_taken_over"
    RESUME_NOT_FIRST = "resume_not_first"
    STORE_UNAVAILABLE = "store_unavailable"
    INPUT_AUDIO_COMMIT_EMPTY = "input_audio_commit_empty"
    # Engines.
    TRANSCRIPTION_FAILED = "transcription_failed"
    NO_SPEECH_RECOGNIZED = "no_speech_recognized"
    SPEECH_NOT_ENGLISH = "speech_not_english"
    LLM_FAILED = "llm_failed"
    TTS_FAILED = "tts_failed"
    ENGINE_UNAVAILABLE = "engine_unavailable"
    UPSTREAM_ERROR = "upstream_error"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True, slots=True)
class ProtocolError:
    """A client frame that could not be accepted; the session answers it and goes on."""

    code: ErrorCode
    message: str
