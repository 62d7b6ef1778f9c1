"""The recognizer's worker pool leaves no process behind, whenever it is stopped."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from scenario_engine.engines.local.worker_pool import RecognitionError, WorkerPool

SILENT = "tests.engines.local.silent_worker"


def _children_running(module: str) -> list[int]:
    """Process ids of this process's children that run ``module`` (zombies included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and module in cmdline:
            found.append(int(entry.name))
    return found


async def _until(condition: object, timeout_s: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_a_shutdown_while_the_workers_start_reaps_every_one_of_them() -> None:
    """The service stopped during start-up (Whisper loads for seconds): the first cancelled
    start ended the wait for all, and the other worker outlived the event loop."""
    pool = WorkerPool(SILENT, "60", workers=2, capacity=1)
    starting = asyncio.create_task(pool.start())
    await _until(lambda: len(_children_running(SILENT)) == 2)
    starting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starting
    # Nothing of the start goes on after it returned, and no worker is left to the GC.
    assert [task for task in asyncio.all_tasks() if task is not asyncio.current_task()] == []
    assert _children_running(SILENT) == []
    await pool.aclose()


async def test_a_closed_pool_starts_no_worker() -> None:
    """A start after the close (a late session, a start still queued) is refused at once:
    it spawned a worker nobody would close."""
    pool = WorkerPool(SILENT, "60", workers=1, capacity=1)
    await pool.aclose()
    async with asyncio.timeout(10):
        with pytest.raises(RecognitionError):
            await pool.acquire()
        with pytest.raises(RecognitionError):
            await pool.start()
    assert _children_running(SILENT) == []
