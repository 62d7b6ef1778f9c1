"""Streaming speech recognition on a bounded set of pocketsphinx worker processes.

Memory and CPU are bounded per process, not per session: ``workers`` processes (one per core
is right: recognition is CPU-bound) each hold up to ``decoders_per_worker`` decoders, and a
session borrows one only while a turn is being recognized. A session streams a turn's audio
as it arrives, so when the turn ends only ``end_utt`` remains (~0.1 s); a turn that finds
every decoder busy waits for one (its audio is kept, nothing is lost).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import sys
from dataclasses import dataclass, field
from typing import Final

from scenario_engine.engines.local import asr_worker as wire
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.sphinx_models import Biasing, DecoderRecipe, build_recipe

RECOGNIZER_SAMPLE_RATE: Final = 16_000
_FINISH_TIMEOUT_S: Final = 30.0
_START_TIMEOUT_S: Final = 30.0


class RecognitionError(Exception):
    """A turn could not be recognized (worker crashed or hung); the next turn may work."""


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


class _WorkerProcess:
    """One worker process and the transcripts it owes, by stream id."""

    def __init__(self, process: asyncio.subprocess.Process, capacity: int) -> None:
        self.process = process
        self.capacity = capacity
        self.active = 0
        self._pending: dict[int, asyncio.Future[str]] = {}
        self._reader = asyncio.create_task(self._read_results())

    @classmethod
    async def spawn(cls, recipe: DecoderRecipe, capacity: int) -> _WorkerProcess:
        settings = json.dumps({"options": recipe.options, "max_decoders": capacity})
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", wire.__name__, settings,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        try:
            header = await asyncio.wait_for(
                process.stdout.readexactly(wire.HEADER.size), _START_TIMEOUT_S
            )
        except (asyncio.IncompleteReadError, TimeoutError):
            process.kill()
            await process.wait()
            raise RecognitionError("speech recognizer worker failed to start") from None
        if wire.HEADER.unpack(header)[0] != wire.READY:
            process.kill()
            raise RecognitionError("speech recognizer worker sent garbage")
        return cls(process, capacity)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and not self._reader.done()

    def open(self, stream: int) -> asyncio.Future[str]:
        result: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        result.add_done_callback(_ignore_result)  # a turn dropped early never awaits it
        self._pending[stream] = result
        self.send(wire.OPEN, stream)
        return result

    def send(self, op: int, stream: int, payload: bytes = b"") -> None:
        if not self.alive:
            raise RecognitionError("speech recognizer worker is gone")
        assert self.process.stdin is not None
        self.process.stdin.write(wire.encode(op, stream, payload))

    async def drain(self) -> None:
        assert self.process.stdin is not None
        try:
            await self.process.stdin.drain()
        except (ConnectionError, BrokenPipeError):
            raise RecognitionError("speech recognizer worker is gone") from None

    async def aclose(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 2.0)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def _read_results(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                op, stream, size = wire.HEADER.unpack(await stdout.readexactly(wire.HEADER.size))
                payload = await stdout.readexactly(size) if size else b""
                result = self._pending.pop(stream, None)
                if result is None or result.done():
                    continue
                if op == wire.RESULT:
                    result.set_result(payload.decode("utf-8", "replace"))
                else:
                    result.set_exception(RecognitionError(payload.decode("utf-8", "replace")))
        except asyncio.IncompleteReadError:
            pass
        finally:
            for result in self._pending.values():
                if not result.done():
                    result.set_exception(RecognitionError("speech recognizer worker exited"))
            self._pending.clear()


class Utterance:
    """One turn on a borrowed decoder: ``feed`` audio as it arrives, then ``finish``."""

    def __init__(self, recognizer: LocalRecognizer, worker: _WorkerProcess, stream: int) -> None:
        self._recognizer = recognizer
        self._worker = worker
        self._stream = stream
        self._result = worker.open(stream)
        self._done = False

    async def feed(self, pcm: bytes) -> None:
        """16 kHz PCM16 mono; waits only if the worker is far behind (pipe back-pressure)."""
        if pcm:
            self._worker.send(wire.AUDIO, self._stream, pcm)
            await self._worker.drain()

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
            self._recognizer._release(self._worker)


def _ignore_result(result: asyncio.Future[str]) -> None:
    if not result.cancelled():
        result.exception()  # retrieved, so asyncio does not log it


class LocalRecognizer:
    """Process-wide: the decoder recipe, the worker processes, and who may use them."""

    sample_rate: Final = RECOGNIZER_SAMPLE_RATE

    def __init__(self, recipe: DecoderRecipe, *, workers: int, decoders_per_worker: int) -> None:
        self.recipe = recipe
        self._slots: list[_WorkerProcess | None] = [None] * workers
        self._capacity = decoders_per_worker
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._spawning = asyncio.Lock()
        self._streams = itertools.count(1)
        self._closed = False

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

    async def start(self) -> None:
        """Start every worker now, so the first turn does not pay for it."""
        await asyncio.gather(*(self._ensure_worker(i) for i in range(len(self._slots))))

    async def begin(self) -> Utterance:
        """A new utterance on the least busy worker; waits while every decoder is in use."""
        while True:
            if self._closed:
                raise RecognitionError("speech recognizer is closed")
            index = self._least_busy()
            if index is not None:
                worker = await self._ensure_worker(index)
                if worker.active < self._capacity:
                    worker.active += 1
                    return Utterance(self, worker, next(self._streams))
                continue  # taken while the worker was starting
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._wake_one()  # pass on the wake-up this waiter can no longer use
                raise

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (for CPU and memory measurements)."""
        return [w.process.pid for w in self._slots if w is not None and w.alive]

    async def aclose(self) -> None:
        self._closed = True
        workers = [w for w in self._slots if w is not None]
        self._slots = [None] * len(self._slots)
        for turn in self._waiters:
            if not turn.done():
                turn.set_result(None)
        await asyncio.gather(*(w.aclose() for w in workers))

    def _least_busy(self) -> int | None:
        best: int | None = None
        for index, worker in enumerate(self._slots):
            load = 0 if worker is None or not worker.alive else worker.active
            best_worker = None if best is None else self._slots[best]
            best_load = 0 if best_worker is None or not best_worker.alive else best_worker.active
            if load < self._capacity and (best is None or load < best_load):
                best = index
        return best

    async def _ensure_worker(self, index: int) -> _WorkerProcess:
        async with self._spawning:
            worker = self._slots[index]
            if worker is None or not worker.alive:
                if worker is not None:
                    await worker.aclose()
                worker = await _WorkerProcess.spawn(self.recipe, self._capacity)
                self._slots[index] = worker
            return worker

    def _release(self, worker: _WorkerProcess) -> None:
        worker.active -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                break
