"""End of a spoken turn -> transcript -> first audio of the reply, inside one process.

Each utterance is streamed in 20 ms chunks at ``pace`` x real time, followed by silence,
through ``LocalSpeechInput`` with server VAD; the clock starts at ``SpeechStopped`` (the end
of the turn: ``end_silence_ms`` after the speech). The reply is the real one: the local
rule-based "LLM" and eSpeak's first chunk. One session at a time, so the figure is a
learner's, not a queue's.
"""

from __future__ import annotations

import asyncio
import time

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.engines.base import AudioChunk, InputFault, SpeechStopped, TranscriptReady
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.recognition import TurnRecognizer
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.local.vad import VadSettings
from speech_metrics import CHUNK_MS, Sample, pieces


async def one_turn(
    recognizer: TurnRecognizer, tts: LocalSpeechOutput, sample: Sample, vad: VadSettings,
    pace: float,
) -> tuple[float, float]:  # fmt: skip
    """(ms to the transcript, ms to the first reply chunk), both from ``SpeechStopped``."""
    speech = LocalSpeechInput(recognizer, server_vad=True, vad=vad)
    builder = ScenarioBuilder(LocalScenarioLLM(), max_attempts=3)
    await speech.start()

    async def reply() -> tuple[float, float]:
        ended = transcribed = 0.0
        async for event in speech.events():
            if isinstance(event, SpeechStopped):
                ended = time.perf_counter()
            elif isinstance(event, TranscriptReady) and ended:
                transcribed = time.perf_counter()
                answer = await builder.respond(event.text or "hm")
                async for _ in tts.stream(answer.text, answer.language):
                    now = time.perf_counter()
                    return (transcribed - ended) * 1000, (now - ended) * 1000
            elif isinstance(event, InputFault):
                raise RuntimeError(f"{event.code}: {event.message}")
        raise RuntimeError("no transcript")

    replying = asyncio.create_task(reply())
    try:
        audio = sample.pcm + bytes(sample.rate * 2)  # a second of silence ends the turn
        started = time.perf_counter()
        for index, piece in enumerate(pieces(audio, sample.rate)):
            if replying.done():
                break
            await speech.append_audio(AudioChunk(pcm=piece, base64="", sample_rate=sample.rate))
            due = started + (index + 1) * CHUNK_MS / 1000 / pace
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        return await asyncio.wait_for(replying, 30)
    finally:
        replying.cancel()
        await speech.aclose()


async def latency_ms(
    recognizer: TurnRecognizer, samples: list[Sample], vad: VadSettings, pace: float
) -> tuple[list[float], list[float]]:
    """Per utterance: ms to the transcript and ms to the first reply audio."""
    tts = LocalSpeechOutput()
    to_text, to_audio = [], []
    try:
        for sample in samples:
            try:
                text_ms, audio_ms = await one_turn(recognizer, tts, sample, vad, pace)
            except (RuntimeError, TimeoutError) as exc:
                print(f"  no reply ({type(exc).__name__}: {exc}): {sample.text!r}")
                continue
            to_text.append(text_ms)
            to_audio.append(audio_ms)
    finally:
        tts.close()
    return to_text, to_audio
