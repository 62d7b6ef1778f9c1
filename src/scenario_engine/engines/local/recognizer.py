"""Streaming speech recognition with pocketsphinx (the ``fast`` recognizer) in worker processes.

``workers`` processes (one per core is right: recognition is CPU-bound) each hold up to
``decoders_per_worker`` decoders, and a session borrows one only while a turn is being
recognized (``worker_pool``). A session streams a turn's audio as it arrives, so when the turn
ends only ``end_utt`` remains (~0.1 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Final

from scenario_engine.engines.local import asr_worker as wire
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.sphinx_models import Biasing, DecoderRecipe, build_recipe
from scenario_engine.engines.local.worker_pool import (
    RecognitionError,
    WorkerPool,
    WorkerProcess,
)

RECOGNIZER_SAMPLE_RATE: Final = 16_000
_FINISH_TIMEOUT_S: Final = 30.0

__all__ = ["LocalRecognizer", "RecognitionError", "RecognizerSettings", "Utterance"]


@dataclass(frozen=True, slots=True)
class RecognizerSettings:
    biasing: Biasing = Biasing.BLEND
    phrases: DomainPhrases = field(default_factory=DomainPhrases)
    """What the blended model is built around (``DomainPhrases.from_vocabulary``)."""
    workers: int = 2
    decoders_per_worker: int = 8
    general_words: int = 10_000
    general_weight: float = 0.2
    """Share of the unigram mass given to common English words (see domain_lm.build_arpa)."""


class Utterance:
    """One turn on a borrowed decoder: ``feed`` audio as it arrives, then ``finish``."""

    def __init__(self, pool: WorkerPool, worker: WorkerProcess, stream: int) -> None:
        self._pool = pool
        self._worker = worker
        self._stream = stream
        self._result = worker.open(stream)
        self._done = False

    async def feed(self, pcm: bytes) -> None:
        """16 kHz PCM16 mono; waits only if the worker is far behind (pipe back-pressure)."""
        if pcm:
            self._worker.send(wire.AUDIO, self._stream, pcm)
            await self._worker.drain()

    def pause(self) -> None:
        """The learner paused: nothing to do, the decoder is already up to date."""

    def resume(self) -> None:
        """The learner went on after a pause: nothing to undo."""

    async def finish(self) -> str:
        """The transcript (lower case, may be empty); the decoder goes back to the pool."""
        try:
            self._worker.send(wire.FINISH, self._stream)
            return await asyncio.wait_for(asyncio.shield(self._result), _FINISH_TIMEOUT_S)
        except TimeoutError:
            # An overloaded worker, most likely: killing it would fail every other turn on
            # it too. The late result is dropped when it comes (no one waits for it).
            raise RecognitionError("speech recognition timed out") from None
        finally:
            self._release()

    def abandon(self) -> None:
        """Drop the turn (``clear``, session closing); never raises."""
        if self._done:
            return
        with contextlib.suppress(RecognitionError):
            self._worker.send(wire.ABANDON, self._stream)
        self._release()

    def _release(self) -> None:
        if not self._done:
            self._done = True
            self._pool.release(self._worker)


class LocalRecognizer:
    """Process-wide: the decoder recipe and the pool of pocketsphinx worker processes."""

    sample_rate: Final = RECOGNIZER_SAMPLE_RATE
    name: Final = "pocketsphinx"

    def __init__(self, recipe: DecoderRecipe, *, workers: int, decoders_per_worker: int) -> None:
        self.recipe = recipe
        settings = json.dumps({"options": recipe.options, "max_decoders": decoders_per_worker})
        self.pool = WorkerPool(
            wire.__name__, settings, workers=workers, capacity=decoders_per_worker
        )
        self._streams = itertools.count(1)

    @classmethod
    def build(cls, settings: RecognizerSettings) -> LocalRecognizer:
        """Write the models (~2 s with blending: run it off the event loop)."""
        recipe = build_recipe(
            settings.biasing,
            settings.phrases,
            sample_rate=RECOGNIZER_SAMPLE_RATE,
            general_words=settings.general_words,
            general_weight=settings.general_weight,
        )
        return cls(
            recipe, workers=settings.workers, decoders_per_worker=settings.decoders_per_worker
        )

    @property
    def ready(self) -> bool:
        return self.pool.started

    async def start(self) -> None:
        """Start every worker now, so the first turn does not pay for it."""
        await self.pool.start()

    async def begin(self) -> Utterance:
        """A new utterance on the least busy worker; waits while every decoder is in use."""
        worker = await self.pool.acquire()
        return Utterance(self.pool, worker, next(self._streams))

    def worker_pids(self) -> list[int]:
        return self.pool.worker_pids()

    async def aclose(self) -> None:
        await self.pool.aclose()
