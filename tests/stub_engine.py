"""A far-end engine for client tests: it hears by loudness and 'transcribes' from a script.

The clients (browser page, CLI) are what is under test; this engine swaps only the speech
recognizer and the language model for deterministic stand-ins, and records what audio arrived
and when, so tests can check chunk sizes, pacing and commits. Replies are real eSpeak speech.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from scenario_engine.domain.llm import TurnAnswer
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.base import (
    AudioChunk,
    EngineInfo,
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TranscriptReady,
)
from scenario_engine.engines.local.practice import LocalPracticeLLM
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from tests.domain.scripted_llm import ScriptedLLM

LOUD_RMS = 500
"""A chunk louder than this (PCM16 RMS) is speech; digital silence and room noise are not."""
END_OF_TURN_MS = 500
MIN_TURN_MS = 150


@dataclass
class HeardAudio:
    """Everything one session received: (arrival time, chunk) pairs and the commits."""

    chunks: list[tuple[float, AudioChunk]] = field(default_factory=list)
    commits: int = 0

    def speech_ms(self) -> float:
        return sum(_ms(chunk) for _, chunk in self.chunks if _rms(chunk) > LOUD_RMS)

    def total_ms(self) -> float:
        return sum(_ms(chunk) for _, chunk in self.chunks)


class LoudnessSpeechInput:
    """Turns are loud stretches ended by a pause (server VAD) or by a commit (manual)."""

    def __init__(self, transcripts: list[str], server_vad: bool, fail_start: bool = False) -> None:
        self.heard = HeardAudio()
        self._fail_start = fail_start
        self._transcripts = list(transcripts)
        self._server_vad = server_vad
        self._events: asyncio.Queue[SpeechInputEvent | None] = asyncio.Queue()
        self._speech_ms = 0.0
        self._quiet_ms = 0.0

    async def start(self) -> None:
        if self._fail_start:
            raise ConnectionRefusedError("the stub engine was told to fail")

    async def append_audio(self, chunk: AudioChunk) -> None:
        self.heard.chunks.append((time.monotonic(), chunk))
        if _rms(chunk) > LOUD_RMS:
            if self._speech_ms == 0 and self._server_vad:
                self._events.put_nowait(SpeechStarted())
            self._speech_ms += _ms(chunk)
            self._quiet_ms = 0.0
        elif self._speech_ms:
            self._quiet_ms += _ms(chunk)
            if self._server_vad and self._quiet_ms >= END_OF_TURN_MS:
                self._events.put_nowait(SpeechStopped())
                self._end_turn()

    async def commit(self) -> None:
        self.heard.commits += 1
        if self._speech_ms < MIN_TURN_MS:
            self._events.put_nowait(InputFault("input_audio_commit_empty", "no speech buffered"))
            return
        self._end_turn()

    async def clear(self) -> None:
        self._speech_ms = self._quiet_ms = 0.0

    async def events(self) -> AsyncIterator[SpeechInputEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    async def aclose(self) -> None:
        self._events.put_nowait(None)

    def _end_turn(self) -> None:
        if self._speech_ms >= MIN_TURN_MS:
            text = self._transcripts.pop(0) if self._transcripts else ""
            self._events.put_nowait(TranscriptReady(text))
        self._speech_ms = self._quiet_ms = 0.0


class PhrasedLLM(ScriptedLLM):
    """Scripted extraction and no text of its own, so the builder speaks the domain's real
    wording and pages and logs read naturally."""

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        TurnAnswer
    ):
        answer = await super().turn(utterance, state, ask_order)
        await answer.discard()
        return TurnAnswer(answer.slots)

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        answer = await super().fallback(state)
        await answer.discard()
        return TurnAnswer(answer.slots)


class StubEngine:
    """Implements ``Engine``; ``transcripts`` are what each session 'hears', turn by turn."""

    def __init__(
        self,
        transcripts: list[str],
        extractions: dict[str, SlotValues],
        *,
        server_vad: bool = True,
        fail_start: bool = False,
    ) -> None:
        self.info = EngineInfo(
            name="stub",
            speech_input="loudness+script",
            llm="scripted",
            speech_output="espeak-ng",
            turn_detection="server_vad" if server_vad else "manual",
        )
        self.llm = PhrasedLLM(extractions)
        self.practice = LocalPracticeLLM()
        self.speech_output = LocalSpeechOutput()
        self.inputs: list[LoudnessSpeechInput] = []
        self._transcripts = transcripts
        self._server_vad = server_vad
        self._fail_start = fail_start

    def open_speech_input(self) -> LoudnessSpeechInput:
        speech_input = LoudnessSpeechInput(self._transcripts, self._server_vad, self._fail_start)
        self.inputs.append(speech_input)
        return speech_input

    async def start(self) -> None:
        """Nothing to load."""

    def unready_reason(self) -> str | None:
        return None

    async def aclose(self) -> None:
        self.speech_output.close()


def _ms(chunk: AudioChunk) -> float:
    return len(chunk.pcm) / 2 / chunk.sample_rate * 1000


def _rms(chunk: AudioChunk) -> float:
    samples = np.frombuffer(chunk.pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
