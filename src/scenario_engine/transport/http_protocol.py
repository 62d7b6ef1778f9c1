"""uvicorn's h11 protocol, with a deadline on the request head (the WebSocket handshake too).

uvicorn times out a keep-alive connection that sits idle after a response, but not one that
never completes a request: 150 TCP connections that sent nothing, or half a request, were
all still open after 140 s, each holding an fd outside ``MAX_SESSIONS``. Here a connection
gets ``timeout_keep_alive`` seconds (``SCENARIO_ENGINE_HTTP_IDLE_TIMEOUT_S``) from its first
byte of a request — or from connecting — to the end of the request's headers, however slowly
they trickle in; then it is closed. Once a request is whole (or upgraded to a WebSocket),
the deadline is off.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeaderDeadlineH11Protocol(H11Protocol):
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm()  # a request head has begun (the deadline runs from its start)
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _expired(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.logger.debug("no complete request within %g s: closing", self.timeout_keep_alive)
            self.transport.close()
