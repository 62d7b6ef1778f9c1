"""AnswerDeadlines: how long the speech input waits for each answer it expects upstream.

Two answers are awaited: a transcript for every committed turn (keyed by its item id), and
the confirmation of the configuration after a reconnect. An answer that does not come within
the timeout of one call runs its callback (the turn is given up, or the session fails), so no
learner waits on an upstream that went quiet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class AnswerDeadlines:
    def __init__(self, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def arm(self, key: str, overdue: Callable[..., None], *args: object) -> None:
        """Expect the answer ``key``; ``overdue(*args)`` runs if it is not in by the timeout
        (a deadline armed again under the same key starts over)."""
        self.disarm(key)
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(self._timeout_s, self._fire, key, overdue, args)

    def disarm(self, key: str) -> None:
        """The answer ``key`` came (or is no longer wanted)."""
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def clear(self) -> None:
        """Nothing is awaited any more (the socket dropped, or the input closes)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def _fire(self, key: str, overdue: Callable[..., None], args: tuple[object, ...]) -> None:
        self._timers.pop(key, None)
        overdue(*args)
