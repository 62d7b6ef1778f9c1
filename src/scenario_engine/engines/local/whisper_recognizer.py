"""Whisper (tiny.en, faster-whisper) as the local recognizer, with its latency hidden.

Whisper decodes a whole turn at once, in a window of at least 10 s (``whisper_decode``), so a
short turn costs about the same whatever its length (~0.15-0.3 s on 2 cores, idle): it cannot
stream like pocketsphinx. So a turn keeps its audio here and is decoded early, when the
learner pauses (the turn detector's ``pause_ms`` of silence, before the end-of-turn silence
has run out). If no more speech comes, the end of the turn finds the transcript ready or
nearly so; if the learner goes on, the early result is thrown away and the turn is decoded
again when it really ends.

Each worker process decodes one turn at a time (a worker slot is taken from sending the audio
until its result is back, even when the turn that asked has gone), so a busy machine queues
turns in the service, where a stale one can still be dropped before it costs anything.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Final

from scenario_engine.dropped_tasks import retrieve_failure
from scenario_engine.engines.local import asr_worker as wire
from scenario_engine.engines.local import whisper_worker
from scenario_engine.engines.local.english_check import EnglishCheck
from scenario_engine.engines.local.recognition import SpeechNotEnglish
from scenario_engine.engines.local.transcript_text import spoken_words
from scenario_engine.engines.local.whisper_decode import Decoded
from scenario_engine.engines.local.whisper_model import WhisperWeights
from scenario_engine.engines.local.worker_pool import RecognitionError, WorkerPool, WorkerProcess

_DECODE_TIMEOUT_S: Final = 30.0
_FRAME_BYTES: Final = 1 << 20


@dataclass(slots=True)
class DecodeCounts:
    """How the early decodes fared (for the benchmarks: each dropped one cost a decode)."""

    decodes: int = 0
    early_kept: int = 0
    early_dropped: int = 0


@dataclass(frozen=True, slots=True)
class WhisperSettings:
    weights: WhisperWeights
    workers: int = 2
    threads: int = 2
    """CTranslate2 threads per worker: 2 decoded one turn in 0.46 s where 1 took 0.66 s."""
    beam_size: int = 5
    """dev split, eSpeak en-us+klatt: beam 5 20.3 % WER, greedy 25.1 % (30 s window); in the
    10 s window 20.0 % and 28.3 %."""
    min_window_s: float = 10.0
    """The encoder's shortest window (``whisper_decode``): 30 is faster-whisper's padding."""
    compute_type: str = "int8"
    """float32 was no more accurate (19.4 % both, beam 5) and ~1.5x slower."""
    initial_prompt: str = ""
    hotwords: str = ""
    english: EnglishCheck = field(default_factory=EnglishCheck)


class WhisperTurn:
    """One learner turn: its audio, and the decode started at the last pause (if any)."""

    def __init__(self, recognizer: WhisperRecognizer) -> None:
        self._recognizer = recognizer
        self._audio = bytearray()
        self._early: asyncio.Task[Decoded] | None = None
        self._done = False

    async def feed(self, pcm: bytes) -> None:
        self._audio += pcm

    def pause(self) -> None:
        if self._early is None and self._audio and not self._done:
            self._early = asyncio.create_task(self._recognizer.decode(bytes(self._audio)))
            self._early.add_done_callback(retrieve_failure)

    def resume(self) -> None:
        self._drop_early()

    async def finish(self) -> str:
        self._done = True
        early, self._early = self._early, None
        self._recognizer.counts.early_kept += early is not None
        decoded = await (early or self._recognizer.decode(bytes(self._audio)))
        self._audio.clear()
        return self._recognizer.verdict(decoded)

    def abandon(self) -> None:
        self._done = True
        self._drop_early()
        self._audio.clear()

    def _drop_early(self) -> None:
        if self._early is not None:
            self._early.cancel()
            self._early = None
            self._recognizer.counts.early_dropped += 1


class WhisperRecognizer:
    """Process-wide: the pool of Whisper worker processes."""

    sample_rate: Final = whisper_worker.SAMPLE_RATE
    name: Final = "whisper-tiny.en"

    def __init__(self, settings: WhisperSettings) -> None:
        self.settings = settings
        config = json.dumps({
            "folder": str(settings.weights.folder),
            "threads": settings.threads,
            "beam_size": settings.beam_size,
            "min_window_s": settings.min_window_s,
            "compute_type": settings.compute_type,
            "initial_prompt": settings.initial_prompt,
            "hotwords": settings.hotwords,
        })  # fmt: skip
        self.pool = WorkerPool(
            whisper_worker.__name__, config, workers=settings.workers, capacity=1
        )
        self._streams = itertools.count(1)
        self.counts = DecodeCounts()

    @property
    def ready(self) -> bool:
        return self.pool.started

    async def start(self) -> None:
        """Start every worker (model load and a warm-up decode, ~2 s) before the first turn."""
        await self.pool.start()

    async def begin(self) -> WhisperTurn:
        return WhisperTurn(self)

    async def decode(self, pcm: bytes) -> Decoded:
        """Decode a whole turn on the next free worker; waits while all are busy."""
        worker = await self.pool.acquire()
        self.counts.decodes += 1
        stream = next(self._streams)
        freed = False

        def free(_: object = None) -> None:
            nonlocal freed
            if not freed:
                freed = True
                self.pool.release(worker)

        try:
            result = worker.open(stream)
            result.add_done_callback(free)  # the worker is free when it answers, not before
            _send_turn(worker, stream, pcm)
            await worker.drain()
        except BaseException:
            free()
            raise
        try:
            payload = await asyncio.wait_for(asyncio.shield(result), _DECODE_TIMEOUT_S)
        except TimeoutError:
            raise RecognitionError("speech recognition timed out") from None
        return Decoded(**json.loads(payload))

    def verdict(self, decoded: Decoded) -> str:
        """The spoken words of ``decoded``; raises ``SpeechNotEnglish`` when it was not."""
        if not self.settings.english.is_english(decoded):
            raise SpeechNotEnglish(
                f"avg_logprob {decoded.avg_logprob:.2f}, "
                f"compression ratio {decoded.compression_ratio:.2f}"
            )
        return spoken_words(decoded.text)

    def worker_pids(self) -> list[int]:
        return self.pool.worker_pids()

    async def aclose(self) -> None:
        await self.pool.aclose()


def _send_turn(worker: WorkerProcess, stream: int, pcm: bytes) -> None:
    for offset in range(0, len(pcm), _FRAME_BYTES):
        worker.send(wire.AUDIO, stream, pcm[offset : offset + _FRAME_BYTES])
    worker.send(wire.FINISH, stream)
