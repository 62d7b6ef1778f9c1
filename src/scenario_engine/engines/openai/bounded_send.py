"""Await an upstream send under a timeout that is armed only if the send has to wait.

A send to the Realtime socket almost always completes without suspending: the frame goes
into the transport's buffer and ``drain`` returns at once. Arming ``asyncio.timeout`` for
each one (a timer handle scheduled and cancelled per 20 ms audio chunk) cost more CPU than
the send itself, so the send is stepped once by hand and the timeout guards only the rare
send that waits (the upstream stopped reading and the write buffer is full).
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Coroutine, Generator
from typing import Any


async def send_within(send: Coroutine[Any, Any, None], timeout_s: float) -> None:
    """Run ``send`` to completion; TimeoutError if it waits longer than ``timeout_s``."""
    try:
        waiting_on = send.send(None)
    except StopIteration:
        return
    except BaseException:
        send.close()
        raise
    async with asyncio.timeout(timeout_s):
        await _resume(send, waiting_on)


@types.coroutine
def _resume(send: Coroutine[Any, Any, None], waiting_on: Any) -> Generator[Any, Any, None]:
    """Go on with a coroutine already started: what ``await`` would have done from its first
    suspension on (the future it waits on is handed to the task, results and exceptions such
    as the timeout's cancellation are passed back into it)."""
    while True:
        try:
            result = yield waiting_on
        except GeneratorExit:
            send.close()
            raise
        except BaseException as exc:
            try:
                waiting_on = send.throw(exc)
            except StopIteration:
                return
            continue
        try:
            waiting_on = send.send(result)
        except StopIteration:
            return
