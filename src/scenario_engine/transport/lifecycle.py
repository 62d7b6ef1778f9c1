"""Process-wide session bookkeeping: admission under a cap, and the drain of a shutdown."""

from __future__ import annotations

import asyncio
import contextlib

from scenario_engine.protocol import ErrorCode, ProtocolError

CLOSE_SERVICE_RESTART = 1012
"""Shutdown: the client should reconnect (and resume), to another instance if need be."""
CLOSE_TRY_AGAIN_LATER = 1013


class Lifecycle:
    def __init__(self, max_sessions: int) -> None:
        self.max_sessions = max_sessions
        self.active = 0
        self.draining = asyncio.Event()
        """Set on SIGTERM: sessions finish the reply they are speaking, then close with 1012."""
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.active += 1
        self._idle.clear()

    def leave(self) -> None:
        self.active -= 1
        if not self.active:
            self._idle.set()

    def admission_problem(self) -> tuple[ProtocolError, int] | None:
        """Why a new session cannot start now, with the close code to send; None if it can."""
        if self.draining.is_set():
            error = ProtocolError(ErrorCode.SERVER_SHUTTING_DOWN, "the server is shutting down")
            return error, CLOSE_SERVICE_RESTART
        if self.active >= self.max_sessions:
            error = ProtocolError(
                ErrorCode.SERVER_BUSY,
                f"the server is at its limit of {self.max_sessions} sessions; try again later",
            )
            return error, CLOSE_TRY_AGAIN_LATER
        return None

    async def wait_idle(self, deadline_s: float) -> None:
        """Wait until every session has ended, at most ``deadline_s`` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), deadline_s)
