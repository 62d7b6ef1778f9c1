"""AudioPacer: one reply's audio on its way to the client — paced, held, resumed.

Speech synthesis runs faster than real time. Sent as fast as it is made, a whole reply sits in
the client's buffer within a second, and a barge-in can only be a cancel the client has to act
on. Paced, the client holds at most ``lead_s`` of audio ahead of what it plays, so holding the
reply (the learner may be starting to talk) stops its audio within one frame at the service
and within ``lead_s`` at the learner's ears, and resuming it (it was only a "mhm") goes on
where it stopped. Synthesis is not slowed: its frames wait here.

Without a lead (barge-in off, or no server VAD to start one) frames go out as they come.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class AudioPacer:
    def __init__(
        self, send: Callable[[str], Awaitable[None]], lead_s: float | None, *, held: bool = False
    ) -> None:
        self._send = send
        self.lead_s = lead_s
        """May change until ``send_all`` starts (speech made before it was known how the
        reply would be said)."""
        self._frames: deque[tuple[str, float]] = deque()
        self._changed = asyncio.Event()
        self._closed = False
        self._held = held
        self.first_sent_at: float | None = None
        """When the first frame went out (monotonic)."""
        self.plays_until = 0.0
        """When the client will have played every frame sent, had it started at once."""

    def put(self, frame: str, seconds: float) -> None:
        """Queue an encoded audio delta of ``seconds`` of audio."""
        self._frames.append((frame, seconds))
        self._changed.set()

    def close(self) -> None:
        """No more frames will come: ``send_all`` returns once the queued ones are out."""
        self._closed = True
        self._changed.set()

    @property
    def held(self) -> bool:
        return self._held

    def hold(self) -> None:
        """Send nothing more until ``resume``."""
        self._held = True

    def resume(self) -> None:
        self._held = False
        self._changed.set()

    async def send_all(self) -> None:
        """Send every frame, each once the client is within ``lead_s`` of playing it."""
        while True:
            wait = self._wait_s()
            if wait is None:
                return
            if wait > 0:
                self._changed.clear()
                try:
                    async with asyncio.timeout(None if wait == float("inf") else wait):
                        await self._changed.wait()
                except TimeoutError:
                    pass
                continue
            frame, seconds = self._frames.popleft()
            now = time.monotonic()
            if self.first_sent_at is None:
                self.first_sent_at = now
            self.plays_until = max(self.plays_until, now) + seconds
            await self._send(frame)

    def _wait_s(self) -> float | None:
        """How long until the next frame may go (inf: until something changes); None: done."""
        if not self._frames:
            return None if self._closed else float("inf")
        if self._held:
            return float("inf")
        if self.lead_s is None:
            return 0.0
        return max(0.0, self.plays_until - self.lead_s - time.monotonic())
