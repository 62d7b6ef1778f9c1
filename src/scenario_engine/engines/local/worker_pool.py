"""A bounded pool of speech recognition worker processes, shared by every session.

Both recognizers (pocketsphinx and Whisper) decode in worker processes that speak the frame
protocol of ``asr_worker``: recognition is CPU work, and a process per core uses both cores
without stalling the event loop. Memory and CPU are bounded per process, not per session:
``workers`` processes each serve up to ``capacity`` streams at once; a turn that finds every
stream in use waits for one (its audio is kept, nothing is lost).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import sys
from typing import Final

from scenario_engine.engines.local import asr_worker as wire

_START_TIMEOUT_S: Final = 60.0
"""Whisper loads its model and decodes a warm-up clip before it is ready (~2 s idle)."""


class RecognitionError(Exception):
    """A turn could not be recognized (worker crashed or hung); the next turn may work."""


class WorkerProcess:
    """One worker process and the results it owes, by stream id."""

    def __init__(self, process: asyncio.subprocess.Process, capacity: int) -> None:
        self.process = process
        self.capacity = capacity
        self.active = 0
        self._pending: dict[int, asyncio.Future[str]] = {}
        self._reader = asyncio.create_task(self._read_results())

    @classmethod
    async def spawn(cls, module: str, settings: str, capacity: int) -> WorkerProcess:
        """Run ``python -m module settings`` and wait for its READY frame."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, settings,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        try:
            header = await asyncio.wait_for(
                process.stdout.readexactly(wire.HEADER.size), _START_TIMEOUT_S
            )
            if wire.HEADER.unpack(header)[0] != wire.READY:
                raise RecognitionError("speech recognizer worker sent garbage")
        except (asyncio.IncompleteReadError, TimeoutError):
            await _reap(process)
            raise RecognitionError("speech recognizer worker failed to start") from None
        except BaseException:  # garbage, or a shutdown during start-up: leave no process behind
            await _reap(process)
            raise
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


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Kill a worker that will not serve, and wait until it and its pipes are gone, even if
    cancelled again meanwhile: a process left to the garbage collector outlives the event
    loop ("Event loop is closed" from its transport's ``__del__``)."""
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    if process.stdin is not None:
        process.stdin.close()
    waiting = asyncio.ensure_future(process.wait())
    cancelled = False
    while not waiting.done():
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


def _ignore_result(result: asyncio.Future[str]) -> None:
    if not result.cancelled():
        result.exception()  # retrieved, so asyncio does not log it


class WorkerPool:
    """``workers`` processes of ``python -m module settings``, and who may use them."""

    def __init__(self, module: str, settings: str, *, workers: int, capacity: int) -> None:
        self._module = module
        self._settings = settings
        self.slots: list[WorkerProcess | None] = [None] * workers
        self._capacity = capacity
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._spawning = [asyncio.Lock() for _ in range(workers)]
        """One lock per slot: workers start in parallel, each slot only once at a time."""
        self._closed = False

    async def start(self) -> None:
        """Start every worker now, so the first turn does not pay for it. Returns (or raises,
        when cancelled too) only once every start has ended: a plain ``gather`` gave up at
        the first cancelled start and left the others' processes to outlive the loop."""
        starts = [self._ensure_worker(i) for i in range(len(self.slots))]
        for result in await asyncio.gather(*starts, return_exceptions=True):
            if isinstance(result, BaseException):
                raise result

    @property
    def started(self) -> bool:
        return all(worker is not None and worker.alive for worker in self.slots)

    async def acquire(self) -> WorkerProcess:
        """A stream on the least busy worker; waits while every stream is in use."""
        while True:
            if self._closed:
                raise RecognitionError("speech recognizer is closed")
            index = self._least_busy()
            if index is not None:
                worker = await self._ensure_worker(index)
                if worker.active < self._capacity:
                    worker.active += 1
                    return worker
                continue  # taken while the worker was starting
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._wake_one()  # pass on the wake-up this waiter can no longer use
                raise

    def release(self, worker: WorkerProcess) -> None:
        worker.active -= 1
        self._wake_one()

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (for CPU and memory measurements)."""
        return [w.process.pid for w in self.slots if w is not None and w.alive]

    async def aclose(self) -> None:
        self._closed = True
        for spawning in self._spawning:  # a start under way ends first (no new ones begin)
            async with spawning:
                pass
        workers = [w for w in self.slots if w is not None]
        self.slots = [None] * len(self.slots)
        for turn in self._waiters:
            if not turn.done():
                turn.set_result(None)
        await asyncio.gather(*(w.aclose() for w in workers))

    def _least_busy(self) -> int | None:
        best: int | None = None
        best_load = 0
        for index, worker in enumerate(self.slots):
            load = 0 if worker is None or not worker.alive else worker.active
            if load < self._capacity and (best is None or load < best_load):
                best, best_load = index, load
        return best

    async def _ensure_worker(self, index: int) -> WorkerProcess:
        async with self._spawning[index]:
            worker = self.slots[index]
            if worker is None or not worker.alive:
                if self._closed:
                    raise RecognitionError("speech recognizer is closed")
                if worker is not None:
                    await worker.aclose()
                worker = await WorkerProcess.spawn(self._module, self._settings, self._capacity)
                self.slots[index] = worker
            return worker

    def _wake_one(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                break
