"""What lets ``scenario-engine talk`` carry a dialog across lost connections.

The service hands out a resume token in ``session.ready``; when the socket drops (or the
instance shuts down: close 1012) ``talk`` connects again, sends ``session.resume`` first, and
sends again the turns that ``session.resumed``'s transcript does not have (they never reached
the service). Turns come from one queue that outlives each connection, so a turn being typed
when the socket dropped is not lost either.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Generic, TypeVar

from scenario_engine.cli.talk_events import progress

RESUMABLE_CLOSES = frozenset({None, 1001, 1005, 1006, 1011, 1012, 1013})
"""Closes after which the dialog may go on elsewhere: none received (the link died), going away,
service restart, an internal or engine failure, busy. 1000 (done) and 1008 (policy: unauthorized,
taken over by another client, limits) end the dialog."""
MAX_RESUMES = 5
"""Reconnections in a row without a successful resume before giving up."""
FIRST_RETRY_DELAY_S = 0.2
MAX_RETRY_DELAY_S = 3.0

T = TypeVar("T")


class TurnQueue(Generic[T]):
    """The learner's turns, across connections: sent ones are remembered until the service
    has them; a turn being waited for when a connection ends is still delivered later."""

    def __init__(self, source: AsyncIterator[T]) -> None:
        self._source = source
        self._waiting: asyncio.Future[T | None] | None = None
        self._again: list[T] = []
        self.sent: list[T] = []
        self.again = False
        """The turn ``next`` gave last goes again (it was shown when first sent)."""

    async def next(self) -> T | None:
        """The next turn to send (None: no more); it counts as sent from here on."""
        self.again = bool(self._again)
        if self._again:
            turn: T | None = self._again.pop(0)
        else:
            if self._waiting is None:
                self._waiting = asyncio.ensure_future(anext(self._source, None))
            turn = await asyncio.shield(self._waiting)  # a cancelled caller leaves it pending
            self._waiting = None
        if turn is not None:
            self.sent.append(turn)
        return turn

    def refused(self) -> None:
        """The service heard the last turn and asked for it again (no words recognized):
        it is not part of the dialog."""
        if self.sent:
            self.sent.pop()

    def kept(self, learner_turns: int) -> int:
        """The service has the first ``learner_turns`` turns sent: the rest go again first.
        Returns how many go again."""
        self._again = self.sent[learner_turns:] + self._again
        del self.sent[learner_turns:]
        return len(self._again)

    def cancel(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()


RESUME_REFUSALS = frozenset({"session_not_found", "session_in_use", "store_unavailable"})
"""Answers to ``session.resume`` after which this connection's new session carries the dialog."""


class Resumption:
    """The dialog's token, the resume handshake of each connection, and the retry budget."""

    def __init__(self) -> None:
        self.token: str | None = None
        self._fresh_token: str | None = None
        self._resuming = False
        self._failures = 0
        self.settled = asyncio.Event()
        """Set once this connection may send turns: fresh, resumed, or refused and fresh."""
        self.answer_pending = False
        """The resumed dialog's last turn is the learner's: its answer is on its way."""

    def first_frame(self) -> str | None:
        """``session.resume`` for a new connection when there is a dialog to go on with."""
        self._resuming = self.token is not None
        self.answer_pending = False
        if self._resuming:
            self.settled.clear()
            return json.dumps({"type": "session.resume", "token": self.token})
        self.settled.set()
        return None

    def on_event(self, event: dict[str, Any], turns: TurnQueue[Any]) -> None:
        kind = event.get("type")
        if kind == "session.ready":
            self._fresh_token = event.get("resume_token")
            if self.token is None:
                self.token = self._fresh_token
        elif kind == "session.resumed" and self._resuming:
            transcript = event.get("transcript", [])
            learner = sum(1 for line in transcript if line.get("speaker") == "learner")
            again = turns.kept(learner)
            self.answer_pending = bool(transcript) and transcript[-1].get("speaker") == "learner"
            self._settle()
            progress(f"[resumed {event.get('session_id')}: {learner} of your turns kept, "
                     f"{again} to send again]")  # fmt: skip
        elif kind == "error" and self._resuming and event.get("code") in RESUME_REFUSALS:
            again = turns.kept(0)
            self.token = self._fresh_token
            self._settle()
            progress(f"[the dialog could not be resumed; starting again ({again} turns to send)]")

    def _settle(self) -> None:
        self._resuming = False
        self._failures = 0
        self.settled.set()

    async def wait_before_retry(self, close_code: int | None) -> bool:
        """Wait before the next attempt; False when the dialog cannot or should not go on."""
        if self.token is None or close_code not in RESUMABLE_CLOSES:
            return False
        self._failures += 1
        if self._failures > MAX_RESUMES:
            return False
        progress(f"[connection lost (close {close_code}); resuming, attempt {self._failures}]")
        await asyncio.sleep(min(MAX_RETRY_DELAY_S, FIRST_RETRY_DELAY_S * 2 ** (self._failures - 1)))
        return True
