"""uvicorn's sans-I/O WebSocket protocol, with one frame of read-ahead before pausing reads.

uvicorn pauses the socket after every message it queues for the app and resumes it when the
app takes the message: two ``epoll_ctl`` calls and a reader handle made and cancelled per
frame, about a fifth of the service's CPU per relayed audio chunk. A session that keeps up
takes each chunk before the next one arrives, so reads now pause only when a second message
is already waiting: back-pressure is unchanged for a client that outruns its session, and a
connection buffers at most two frames instead of one.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

PAUSE_AT_QUEUED = 2
"""Messages waiting for the app at which reading from the socket pauses."""


class ReadAheadWebSocketProtocol(WebSocketsSansIOProtocol):
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
