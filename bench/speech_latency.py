"""End of a spoken turn -> transcript -> first audio of the reply, inside one process.

Each utterance is streamed in 20 ms chunks at ``pace`` x real time, followed by silence,
through ``LocalSpeechInput`` with server VAD. Two clocks: from ``SpeechStopped`` (the end of
the turn: ``end_silence_ms`` after the speech), and from the end of speech itself (when the
chunk holding the utterance's last voiced sample was sent: what the learner feels). The reply
is the real one: the local rule-based "LLM" and eSpeak's first chunk. One session at a time,
so the figure is a learner's, not a queue's.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import numpy as np

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.engines.base import AudioChunk, InputFault, SpeechStopped, TranscriptReady
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.recognition import TurnRecognizer
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.local.vad import VadSettings
from speech_metrics import CHUNK_MS, Sample, pieces

_VOICED: int = 328
"""A sample above 1 % of full scale is voice (eSpeak's silences are digital zero)."""


@dataclass(frozen=True)
class TurnTimes:
    to_text: float
    """ms from ``SpeechStopped`` to the transcript."""
    to_audio: float
    """ms from ``SpeechStopped`` to the first reply chunk."""
    speech_to_audio: float
    """ms from the end of speech to the first reply chunk."""


def _last_voiced_chunk(sample: Sample) -> int:
    """Index of the 20 ms chunk that holds the utterance's last voiced sample."""
    voiced = np.flatnonzero(np.abs(np.frombuffer(sample.pcm, dtype="<i2")) > _VOICED)
    last = int(voiced[-1]) if voiced.size else 0
    return last // (sample.rate * CHUNK_MS // 1000)


async def one_turn(
    recognizer: TurnRecognizer, tts: LocalSpeechOutput, sample: Sample, vad: VadSettings,
    pace: float,
) -> TurnTimes:  # fmt: skip
    """The turn's times (``TurnTimes``)."""
    speech = LocalSpeechInput(recognizer, server_vad=True, vad=vad)
    builder = ScenarioBuilder(LocalScenarioLLM(), max_attempts=3)
    await speech.start()

    async def reply() -> tuple[float, float, float]:
        ended = transcribed = 0.0
        async for event in speech.events():
            if isinstance(event, SpeechStopped):
                ended = time.perf_counter()
            elif isinstance(event, TranscriptReady) and ended:
                transcribed = time.perf_counter()
                answer = await builder.respond(event.text or "hm")
                async for _ in tts.stream(answer.text, answer.language):
                    return transcribed, ended, time.perf_counter()
            elif isinstance(event, InputFault):
                raise RuntimeError(f"{event.code}: {event.message}")
        raise RuntimeError("no transcript")

    replying = asyncio.create_task(reply())
    try:
        audio = sample.pcm + bytes(sample.rate * 2)  # a second of silence ends the turn
        last_voiced = _last_voiced_chunk(sample)
        speech_ended = started = time.perf_counter()
        for index, piece in enumerate(pieces(audio, sample.rate)):
            if replying.done():
                break
            await speech.append_audio(AudioChunk(pcm=piece, base64="", sample_rate=sample.rate))
            if index == last_voiced:
                speech_ended = time.perf_counter()
            due = started + (index + 1) * CHUNK_MS / 1000 / pace
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        transcribed, ended, replied = await asyncio.wait_for(replying, 30)
        return TurnTimes(
            to_text=(transcribed - ended) * 1000,
            to_audio=(replied - ended) * 1000,
            speech_to_audio=(replied - speech_ended) * 1000,
        )
    finally:
        replying.cancel()
        await speech.aclose()


async def latency_ms(
    recognizer: TurnRecognizer, samples: list[Sample], vad: VadSettings, pace: float
) -> list[TurnTimes]:
    """Per utterance that got a reply: its times."""
    tts = LocalSpeechOutput()
    times = []
    try:
        for sample in samples:
            try:
                times.append(await one_turn(recognizer, tts, sample, vad, pace))
            except (RuntimeError, TimeoutError) as exc:
                print(f"  no reply ({type(exc).__name__}: {exc}): {sample.text!r}")
    finally:
        tts.close()
    return times
