"""Interfaces every engine implements, and the events its speech input reports.

A session talks to an engine only through these types, so that the local and the OpenAI
engines are interchangeable (pipecat's twin provider folders are the model).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal, Protocol

from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.domain.practice import PracticeLLM

PCM16_SAMPLE_WIDTH = 2
"""Bytes per sample of the PCM16 audio used everywhere in the service."""


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A validated chunk of learner audio: PCM16 mono little-endian at ``sample_rate``.

    ``base64`` is the chunk as the client sent it, so an engine whose upstream wants base64
    forwards it without encoding again.
    """

    pcm: bytes
    base64: str
    sample_rate: int


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """Voice activity detection heard the learner start speaking."""


@dataclass(frozen=True, slots=True)
class SpeechStopped:
    """Voice activity detection heard the learner stop; a transcript will follow."""


@dataclass(frozen=True, slots=True)
class TranscriptReady:
    """A learner turn was transcribed."""

    text: str


@dataclass(frozen=True, slots=True)
class TranscriptTentative:
    """The learner paused and this is what they said so far, heard before the silence that
    ends a turn has run out: the turn may be over with these words (a session may start
    answering them speculatively), or the learner goes on (``TentativeWithdrawn``). Only
    ``TranscriptReady`` is a turn."""

    text: str


@dataclass(frozen=True, slots=True)
class TentativeWithdrawn:
    """Speech went on after the pause: the last ``TranscriptTentative`` is not the turn."""


@dataclass(frozen=True, slots=True)
class InputReconnecting:
    """The upstream connection dropped and is being re-established; state is kept."""

    attempt: int


@dataclass(frozen=True, slots=True)
class InputFault:
    """Something went wrong in speech input.

    ``fatal`` faults end the speech input for good: the session tells the learner (in Korean)
    and closes. Non-fatal faults (one transcription failed, an empty commit) are reported to
    the client as an ``error`` event with ``code`` and the session goes on.
    """

    code: str
    message: str
    fatal: bool = False


SpeechInputEvent = (
    SpeechStarted
    | SpeechStopped
    | TranscriptReady
    | TranscriptTentative
    | TentativeWithdrawn
    | InputReconnecting
    | InputFault
)


class SpeechInput(Protocol):
    """One learner's audio stream: turn detection and speech recognition.

    One instance per session. ``start`` must return only once the engine is ready to accept
    audio (the session sends ``session.ready`` after it).
    """

    async def start(self) -> None: ...

    async def append_audio(self, chunk: AudioChunk) -> None: ...

    async def commit(self) -> None:
        """End of the learner's turn when turn detection is off."""
        ...

    async def clear(self) -> None:
        """Drop buffered audio that was not committed yet."""
        ...

    def events(self) -> AsyncIterator[SpeechInputEvent]:
        """Events in the order they happened; ends when the input is closed."""
        ...

    async def aclose(self) -> None: ...


class SpeechOutput(Protocol):
    """Text to speech, streamed."""

    sample_rate: int

    def stream(self, text: str, language: str) -> AsyncIterator[bytes]:
        """PCM16 mono chunks at ``sample_rate`` as they are produced.

        ``language`` is a BCP 47 tag: ``en`` for questions and final texts, ``ko`` for the
        Korean fallback message. Raises ``SpeechOutputError`` on failure.
        """
        ...


class SpeechInputUnavailable(Exception):
    """``start`` could not open or configure the speech input (an upstream unreachable,
    refusing or silent): an outage, not a bug. ``code`` is stable; the message holds no secret.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SpeechOutputError(Exception):
    """Synthesis failed; ``code`` is stable and machine-readable, the message holds no secret."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What a client is told about the engine in ``session.ready``."""

    name: str
    speech_input: str
    llm: str
    speech_output: str
    turn_detection: Literal["server_vad", "manual"]
    """``server_vad`` (the service detects end of turn) or ``manual`` (the client commits)."""


class Engine(Protocol):
    """A process-wide engine: shared models, and a factory for per-session speech input."""

    info: EngineInfo
    llm: ScenarioLLM
    practice: PracticeLLM
    """The role-play partner, its feedback and Korean help (only used when a client opts in)."""
    speech_output: SpeechOutput

    async def start(self) -> None:
        """Load what takes time (models, worker processes); runs once, after start-up, while
        ``unready_reason`` says so. Sessions opened earlier wait in their speech input."""
        ...

    def open_speech_input(self) -> SpeechInput: ...

    def unready_reason(self) -> str | None:
        """Why the engine cannot serve a session now (for ``/readyz``), or None when it can."""
        ...

    async def aclose(self) -> None: ...
