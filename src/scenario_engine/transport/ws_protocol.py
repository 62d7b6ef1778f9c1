"""uvicorn's sans-I/O WebSocket protocol, with one frame of read-ahead before pausing reads,
and a socket that cannot outlive its session by more than the close timeout.

Read-ahead: uvicorn pauses the socket after every message it queues for the app and resumes
it when the app takes the message: two ``epoll_ctl`` calls and a reader handle made and
cancelled per frame, about a fifth of the service's CPU per relayed audio chunk. A session
that keeps up takes each chunk before the next one arrives, so reads now pause only when a
second message is already waiting: back-pressure is unchanged for a client that outruns its
session, and a connection buffers at most two frames instead of one.

Abort: once the app is done with a connection, uvicorn closes its transport, and asyncio's
``close()`` waits for the write buffer to drain. A client that never reads never drains it:
a dropped slow client kept its socket, ~12 MB unsent and its fd for minutes, outside
``MAX_SESSIONS``. The transport is now aborted if it is still open ``close_timeout`` after
the app returned (the close handshake, or the last frames, had that long to go out).

Drain: on shutdown uvicorn asks every connection to shut down, and its WebSocket protocol
closed each with a bare 1012 at once, cutting the reply being spoken. Here a connection of a
running app sets the app's ``Lifecycle.draining`` instead: its session finishes the reply,
says ``server_shutting_down`` and closes with 1012 itself, and uvicorn waits for that. Only a
socket still open ``drain_s`` later gets uvicorn's close. Being in the protocol, this holds
for the servers uvicorn builds for ``serve --workers N`` as for ours.
"""

from __future__ import annotations

import asyncio

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from scenario_engine.transport.lifecycle import STATE_KEY, Lifecycle

PAUSE_AT_QUEUED = 2
"""Messages waiting for the app at which reading from the socket pauses."""


class ReadAheadWebSocketProtocol(WebSocketsSansIOProtocol):
    _abort_timer: asyncio.TimerHandle | None = None
    _shutdown_timer: asyncio.TimerHandle | None = None

    def send_receive_event_to_app(self) -> None:
        paused = self.read_paused
        self.read_paused = True  # keeps the parent from pausing after each message
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = paused
        if not paused and self.queue.qsize() >= PAUSE_AT_QUEUED:
            self.read_paused = True
            self.transport.pause_reading()

    async def send(self, message: ASGISendEvent) -> None:
        """A frame for a socket already failing is refused (the client is gone), instead of
        written: asyncio counts writes to a lost socket and logs each past the fifth."""
        if message["type"] == "websocket.send" and self.transport.is_closing():
            raise ClientDisconnected()
        await super().send(message)

    async def run_asgi(self) -> None:
        try:
            await super().run_asgi()
        finally:
            if not self.disconnected:
                self._abort_timer = self.loop.call_later(self.close_timeout, self._abort)

    def shutdown(self) -> None:
        lifecycle: Lifecycle | None = self.app_state.get(STATE_KEY)
        if lifecycle is None or not self.handshake_complete or self.close_sent:
            super().shutdown()
            return
        if self._shutdown_timer is None:
            lifecycle.draining.set()
            self._shutdown_timer = self.loop.call_later(lifecycle.drain_s, self._drained)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._abort_timer, self._shutdown_timer):
            if timer is not None:
                timer.cancel()
        self._abort_timer = self._shutdown_timer = None
        super().connection_lost(exc)

    def _drained(self) -> None:
        """The drain's time is up and the socket is still open: uvicorn's own close."""
        if not self.disconnected:
            super().shutdown()

    def _abort(self) -> None:
        self._abort_timer = None
        if not self.disconnected:
            self.logger.debug("WebSocket not closed %g s after its session: aborted",
                              self.close_timeout)
            self.transport.abort()
