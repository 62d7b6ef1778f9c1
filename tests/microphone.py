"""A client's always-open microphone: PCM16 chunks at real-time pace, silence between turns.

A learner's browser sends audio continuously; turn ends and barge-in are decided on what
arrives when, so tests and benchmarks that are about timing send audio the same way.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Awaitable, Callable


class Microphone:
    """Sends ``chunk_ms`` chunks at real-time pace: speech handed to ``say``, else silence."""

    def __init__(
        self, send: Callable[[str], Awaitable[None]], rate: int = 24_000, chunk_ms: int = 20
    ) -> None:
        self._send = send
        self._rate = rate
        self._chunk_ms = chunk_ms
        self._chunk_bytes = rate * chunk_ms // 1000 * 2
        self._speech = bytearray()
        self._began: asyncio.Future[float] | None = None
        self._spoken: asyncio.Future[float] | None = None
        self._task = asyncio.create_task(self._run())

    def say(self, pcm: bytes) -> tuple[asyncio.Future[float], asyncio.Future[float]]:
        """Queue ``pcm``; resolves to when (perf_counter) its first and its last chunk went out."""
        loop = asyncio.get_running_loop()
        self._speech += pcm
        self._began, self._spoken = loop.create_future(), loop.create_future()
        return self._began, self._spoken

    async def _run(self) -> None:
        started = time.perf_counter()
        sent = 0
        while True:
            speaking = bool(self._speech)
            piece = bytes(self._speech[: self._chunk_bytes]).ljust(self._chunk_bytes, b"\0")
            del self._speech[: self._chunk_bytes]
            audio = base64.b64encode(piece).decode("ascii")
            await self._send(json.dumps(
                {"type": "input_audio_chunk", "audio": audio, "sample_rate": self._rate}
            ))
            sent += 1
            now = time.perf_counter()
            if speaking and self._began is not None and not self._began.done():
                self._began.set_result(now)
            if speaking and not self._speech and self._spoken is not None:
                self._spoken.set_result(now)
            await asyncio.sleep(max(0.0, started + sent * self._chunk_ms / 1000 - now))

    async def aclose(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
