"""FloodReport: refuse input over a limit, reporting each code at most once a second.

Answering every frame of a flood would amplify it; one error a second tells the client.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from scenario_engine.protocol import ErrorCode, ProtocolError

REPORT_EVERY_S = 1.0


class FloodReport:
    def __init__(self, tell: Callable[[ProtocolError], Awaitable[None]]) -> None:
        self._tell = tell
        self._reported_at: dict[ErrorCode, float] = {}

    async def refuse(self, error: ProtocolError) -> None:
        now = time.monotonic()
        if now - self._reported_at.get(error.code, -1e9) >= REPORT_EVERY_S:
            self._reported_at[error.code] = now
            await self._tell(error)
