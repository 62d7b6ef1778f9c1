"""send_within: a send that does not wait arms no timer; one that waits is bounded."""

import asyncio

import pytest

from scenario_engine.engines.openai.bounded_send import send_within


async def test_a_send_that_does_not_wait_completes_without_a_timer() -> None:
    done = []

    async def send() -> None:
        done.append(True)

    loop = asyncio.get_running_loop()
    before = len(loop._scheduled)  # type: ignore[attr-defined]
    await send_within(send(), 5)
    assert done == [True]
    assert len(loop._scheduled) == before  # type: ignore[attr-defined]


async def test_a_send_that_waits_gets_its_results_and_completes() -> None:
    gate: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    got = []

    async def send() -> None:
        got.append(await gate)
        await asyncio.sleep(0)
        got.append("after")

    task = asyncio.create_task(send_within(send(), 5))
    await asyncio.sleep(0.01)
    gate.set_result("drained")
    await task
    assert got == ["drained", "after"]


async def test_a_send_that_waits_too_long_times_out_and_is_cancelled() -> None:
    cleaned = []

    async def send() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(True)

    with pytest.raises(TimeoutError):
        await send_within(send(), 0.05)
    assert cleaned == [True]


async def test_errors_of_the_send_reach_the_caller_before_and_after_waiting() -> None:
    async def fails_at_once() -> None:
        raise OSError("gone")

    async def fails_later() -> None:
        await asyncio.sleep(0.01)
        raise ConnectionResetError("reset")

    with pytest.raises(OSError, match="gone"):
        await send_within(fails_at_once(), 5)
    with pytest.raises(ConnectionResetError):
        await send_within(fails_later(), 5)


async def test_cancelling_the_caller_cancels_the_send() -> None:
    cleaned = []

    async def send() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(True)

    task = asyncio.create_task(send_within(send(), 5))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]
