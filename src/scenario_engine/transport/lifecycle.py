"""Process-wide session bookkeeping: admission under a cap, and the drain of a shutdown.

The drain is started by the WebSocket protocol when uvicorn shuts a connection down (see
``ws_protocol``): it finds the ``Lifecycle`` in the lifespan state under ``STATE_KEY``. So the
same drain runs in one process and in every worker of ``serve --workers N``, whose servers
uvicorn builds itself.
"""

from __future__ import annotations

import asyncio

from scenario_engine.protocol import ErrorCode, ProtocolError

CLOSE_SERVICE_RESTART = 1012
"""Shutdown: the client should reconnect (and resume), to another instance if need be."""
CLOSE_TRY_AGAIN_LATER = 1013
STATE_KEY = "scenario_engine.lifecycle"
"""Where the app's lifespan state holds its ``Lifecycle`` (uvicorn hands that state to every
connection's protocol)."""


class Lifecycle:
    def __init__(self, max_sessions: int, drain_s: float) -> None:
        self.max_sessions = max_sessions
        self.drain_s = drain_s
        """How long a shutdown lets sessions end by themselves before closing their sockets."""
        self.active = 0
        self.draining = asyncio.Event()
        """Set on SIGTERM: sessions finish the reply they are speaking, then close with 1012."""

    def enter(self) -> None:
        self.active += 1

    def leave(self) -> None:
        self.active -= 1

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
