"""The bounded queue between a session and the one task that writes to its socket.

A single writer keeps frames whole and ordered; the bound keeps a client that stops reading
from growing the server's memory: when the queue stays full past ``put_timeout`` the client
is dropped with close code 1008.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

CLOSE_NORMAL = 1000
CLOSE_POLICY = 1008
CLOSE_INTERNAL_ERROR = 1011


@dataclass(frozen=True, slots=True)
class Close:
    """Close the socket once every frame queued before it has been sent."""

    code: int
    reason: str


class SlowClientError(Exception):
    """The client does not read what it is sent."""


MAX_LAST_WORDS = 1
"""Frames ``put_before_close`` keeps: one explanation is enough, a flood must not grow it."""


class Outbox:
    def __init__(self, maxsize: int, put_timeout: float = 5.0) -> None:
        self._queue: asyncio.Queue[str | Close] = asyncio.Queue(maxsize)
        self._put_timeout = put_timeout
        self._closing = False
        self._closed = False
        self._last_words: list[str] = []

    @property
    def closing(self) -> bool:
        return self._closing

    async def put(self, frame: str) -> None:
        """Queue a text frame; waits while the queue is full, up to ``put_timeout``."""
        if self._closing:
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            try:
                await asyncio.wait_for(self._queue.put(frame), self._put_timeout)
            except TimeoutError:
                self._closing = True
                raise SlowClientError("the client did not read its events in time") from None

    def put_before_close(self, frame: str) -> None:
        """Queue a frame that goes out after everything queued, just before the close.

        For the one event a closing session still owes the client: why the frame it sent
        while the session was closing (e.g. after ``scenario.completed``) is ignored. Dropped
        once the close has been sent, or when one such frame is already waiting.
        """
        if not self._closed and len(self._last_words) < MAX_LAST_WORDS:
            self._last_words.append(frame)

    def drop_queued(self, prefix: str) -> int:
        """Drop the frames still queued that start with ``prefix``; how many there were.

        For barge-in: a reply's audio deltas the writer has not sent yet are never sent."""
        kept: list[str | Close] = []
        dropped = 0
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if isinstance(item, str) and item.startswith(prefix):
                dropped += 1
            else:
                kept.append(item)
        for item in kept:
            self._queue.put_nowait(item)
        return dropped

    def close(self, code: int, reason: str) -> None:
        """Ask the writer to close after the frames already queued; later frames are dropped."""
        if self._closing:
            return
        self._closing = True
        try:
            self._queue.put_nowait(Close(code, reason))
        except asyncio.QueueFull:
            # The writer is behind: replace the backlog's tail by the close so it still happens.
            self._queue.get_nowait()
            self._queue.put_nowait(Close(code, reason))

    async def drain(
        self,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int, str], Awaitable[None]],
    ) -> Close:
        """Write queued frames until a Close is reached; returns it once the socket is closed."""
        while True:
            item = await self._queue.get()
            if isinstance(item, Close):
                self._closed = True
                for frame in self._last_words:
                    await send(frame)
                await close(item.code, item.reason)
                return item
            await send(item)
