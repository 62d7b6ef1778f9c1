"""How many times one learner's Realtime socket may be reconnected: per turn and per session.

The SDK bounds the attempts after one drop, but its counter restarts with every reconnect
that succeeds. An upstream that accepts each new socket and drops it shortly after was
therefore reconnected forever (354 reconnects in 160 s, the same audio replayed each time,
no fallback ever). This budget counts drops — a reconnect sequence, however many attempts
it takes — since the last finished transcript and since the session began; once either is
spent the speech input stops reconnecting and fails for good.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """Passed to the SDK: attempts after a drop, first delay, cap of the doubling delay;
    and our budget of drops (``ReconnectBudget``), which the SDK does not keep."""

    attempts: int = 5
    initial_delay_s: float = 0.5
    max_delay_s: float = 8.0
    drops_per_turn: int = 3
    drops_per_session: int = 10


class ReconnectBudget:
    def __init__(self, per_turn: int, per_session: int) -> None:
        self._per_turn = per_turn
        self._per_session = per_session
        self._turn = 0
        self._session = 0

    def spend(self) -> str | None:
        """Count one drop; why no reconnect is left, or None while the budget holds."""
        self._turn += 1
        self._session += 1
        if self._turn > self._per_turn:
            return f"the connection dropped {self._turn} times in one turn"
        if self._session > self._per_session:
            return f"the connection dropped {self._session} times in this session"
        return None

    def turn_done(self) -> None:
        """A transcript arrived: the upstream works again, the next turn has its own budget."""
        self._turn = 0
