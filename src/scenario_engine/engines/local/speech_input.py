"""LocalSpeechInput: one session's audio -> resampling -> turn detection -> recognition.

The event loop does only cheap work per chunk (soxr and webrtcvad take tens of microseconds
per 20 ms); recognition runs in the recognizer's worker processes. Each session has one task
that talks to its turn in order (begin, audio..., pauses, finish), so pocketsphinx recognizes
a turn while the learner speaks and Whisper starts at the learner's pause: either way the end
of a turn costs as little of the final pass as can be.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

from scenario_engine.engines.base import (
    AudioChunk,
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TranscriptReady,
)
from scenario_engine.engines.local.recognition import (
    RecognizerTurn,
    SpeechNotEnglish,
    TurnRecognizer,
)
from scenario_engine.engines.local.resample import (
    StreamingResampler,
    UnsupportedSampleRateError,
    check_input_rate,
)
from scenario_engine.engines.local.vad import (
    VAD_SAMPLE_RATE,
    TurnDetector,
    VadSettings,
    VoiceAudio,
    VoiceEnded,
    VoiceEvent,
    VoicePaused,
    VoiceResumed,
    VoiceStarted,
)
from scenario_engine.engines.local.worker_pool import RecognitionError

MIN_COMMIT_MS: Final = 100
"""A commit with less audio than this is empty (the OpenAI upstream has the same rule)."""

NOT_ENGLISH_HINT: Final = "영어로 말씀해 주시거나, 한국어는 글로 입력해 주세요."
"""Told (as the message of ``speech_not_english``) when a spoken turn was not English: speech
is recognized in English only, Korean can be typed."""


@dataclass(frozen=True, slots=True)
class _Begin:
    pass


@dataclass(frozen=True, slots=True)
class _Audio:
    pcm: bytes


@dataclass(frozen=True, slots=True)
class _Finish:
    pass


@dataclass(frozen=True, slots=True)
class _Abandon:
    pass


@dataclass(frozen=True, slots=True)
class _Pause:
    pass


@dataclass(frozen=True, slots=True)
class _Resume:
    pass


_Command = _Begin | _Audio | _Pause | _Resume | _Finish | _Abandon


class LocalSpeechInput:
    """Implements :class:`~scenario_engine.engines.base.SpeechInput` for one session.

    With ``server_vad`` the turn detector ends turns (SpeechStarted / SpeechStopped /
    TranscriptReady); without it all audio until :meth:`commit` is one turn. A transcript may
    be empty (noise, or nothing the recognizer could make out).
    """

    def __init__(
        self,
        recognizer: TurnRecognizer,
        *,
        server_vad: bool = True,
        vad: VadSettings | None = None,
    ) -> None:
        if recognizer.sample_rate != VAD_SAMPLE_RATE:
            raise ValueError("the turn detector and the recognizer must share a sample rate")
        self._recognizer = recognizer
        self._server_vad = server_vad
        self._detector = TurnDetector(vad)
        self._max_turn_bytes = self._detector.settings.max_turn_ms * VAD_SAMPLE_RATE // 500
        self._resampler: StreamingResampler | None = None
        self._turn_open = False
        self._turn_bytes = 0
        self._commands: collections.deque[_Command] = collections.deque()
        self._commands_ready = asyncio.Event()
        self._events: asyncio.Queue[SpeechInputEvent | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        """Returns at once: audio is accepted from now on, and a turn that ends before the
        recognizer's workers have started (the engine starts them at start-up) waits for
        them. A typed-only session never waits for a model it does not use."""
        self._task = asyncio.create_task(self._recognize_turns(), name="local-speech-input")

    async def append_audio(self, chunk: AudioChunk) -> None:
        if self._closed:
            return
        try:
            check_input_rate(chunk.sample_rate)
        except UnsupportedSampleRateError as exc:
            self._emit(InputFault("unsupported_sample_rate", str(exc)))
            return
        if self._resampler is None or self._resampler.in_rate != chunk.sample_rate:
            tail = self._resampler.flush() if self._resampler is not None else b""
            self._resampler = StreamingResampler(chunk.sample_rate, VAD_SAMPLE_RATE)
            self._take(tail)
        self._take(self._resampler.feed(chunk.pcm))

    async def commit(self) -> None:
        if self._closed:
            return
        if self._resampler is not None:
            self._take(self._resampler.flush())
        if self._server_vad:
            ended = self._detector.end_turn()
            if not ended:
                self._emit_empty_commit()
            self._on_voice(ended)
        elif self._turn_bytes < MIN_COMMIT_MS * VAD_SAMPLE_RATE // 500:
            if self._turn_open:
                self._end_turn(_Abandon())
            self._emit_empty_commit()
        else:
            self._end_turn(_Finish())

    async def clear(self) -> None:
        if self._resampler is not None:
            self._resampler.reset()
        self._detector.reset()
        if self._turn_open:
            self._end_turn(_Abandon())

    async def events(self) -> AsyncIterator[SpeechInputEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._events.put_nowait(None)

    # --- event loop side: cheap, synchronous ------------------------------------------------

    def _take(self, pcm: bytes) -> None:
        """Route 16 kHz audio to the turn detector, or straight into the open manual turn."""
        if not pcm:
            return
        if self._server_vad:
            self._on_voice(self._detector.feed(pcm))
            return
        if not self._turn_open:
            self._begin_turn()
        self._command(_Audio(pcm))
        self._turn_bytes += len(pcm)
        if self._turn_bytes >= self._max_turn_bytes:
            self._end_turn(_Finish())  # nobody committed: cut here, like server VAD does

    def _on_voice(self, events: list[VoiceEvent]) -> None:
        for event in events:
            if isinstance(event, VoiceStarted):
                self._emit(SpeechStarted())
                self._begin_turn()
                self._command(_Audio(event.audio))
            elif isinstance(event, VoiceAudio):
                self._command(_Audio(event.audio))
            elif isinstance(event, VoicePaused):
                self._command(_Pause())
            elif isinstance(event, VoiceResumed):
                self._command(_Resume())
            elif isinstance(event, VoiceEnded):
                self._emit(SpeechStopped())
                self._end_turn(_Finish())

    def _begin_turn(self) -> None:
        self._turn_open = True
        self._turn_bytes = 0
        self._command(_Begin())

    def _end_turn(self, how: _Finish | _Abandon) -> None:
        self._turn_open = False
        self._turn_bytes = 0
        self._command(how)

    def _command(self, command: _Command) -> None:
        self._commands.append(command)
        self._commands_ready.set()

    def _emit(self, event: SpeechInputEvent) -> None:
        if not self._closed:
            self._events.put_nowait(event)

    def _emit_empty_commit(self) -> None:
        self._emit(
            InputFault(
                "input_audio_commit_empty",
                f"nothing to commit: less than {MIN_COMMIT_MS} ms of audio since the last turn",
            )
        )

    # --- the session's recognition task -----------------------------------------------------

    async def _recognize_turns(self) -> None:
        utterance: RecognizerTurn | None = None
        try:
            while True:
                command = await self._next_command()
                if isinstance(command, _Begin):
                    if utterance is not None:
                        utterance.abandon()
                    utterance = await self._recognizer.begin()
                elif utterance is None:
                    continue  # the turn already failed and was reported
                elif isinstance(command, _Abandon):
                    utterance.abandon()
                    utterance = None
                elif isinstance(command, _Pause):
                    utterance.pause()
                elif isinstance(command, _Resume):
                    utterance.resume()
                else:
                    utterance = await self._advance(utterance, command)
        except RecognitionError as exc:  # from begin(): no recognizer to be had at all
            self._emit(InputFault("engine_unavailable", str(exc), fatal=True))
        finally:
            if utterance is not None:
                utterance.abandon()

    async def _advance(
        self, utterance: RecognizerTurn, command: _Audio | _Finish
    ) -> RecognizerTurn | None:
        """Feed or finish; a failure costs this turn only (the next turn gets a new worker)."""
        try:
            if isinstance(command, _Audio):
                await utterance.feed(command.pcm + self._queued_audio())
                return utterance
            self._emit(TranscriptReady(await utterance.finish()))
        except RecognitionError as exc:
            utterance.abandon()
            self._emit(InputFault("transcription_failed", str(exc)))
        except SpeechNotEnglish:
            self._emit(InputFault("speech_not_english", NOT_ENGLISH_HINT))
        return None

    async def _next_command(self) -> _Command:
        while not self._commands:
            self._commands_ready.clear()
            await self._commands_ready.wait()
        return self._commands.popleft()

    def _queued_audio(self) -> bytes:
        """Audio already queued behind this one, joined: one pipe write instead of many."""
        more = bytearray()
        while self._commands and isinstance(head := self._commands[0], _Audio):
            self._commands.popleft()
            more += head.pcm
        return bytes(more)
