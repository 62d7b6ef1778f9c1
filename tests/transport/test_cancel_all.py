"""A connection's tasks all end, also one that swallows its first cancellation."""

import asyncio

from scenario_engine.transport.connection import _cancel_all


async def test_a_task_that_swallows_a_cancellation_is_cancelled_again() -> None:
    swallowed = asyncio.Event()

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            swallowed.set()  # as a library catching it while it connects
        await asyncio.sleep(3600)

    tasks = [asyncio.create_task(stubborn()), asyncio.create_task(asyncio.sleep(3600))]
    await asyncio.sleep(0)
    await asyncio.wait_for(_cancel_all(tasks), 5)
    assert swallowed.is_set() and all(task.done() for task in tasks)
