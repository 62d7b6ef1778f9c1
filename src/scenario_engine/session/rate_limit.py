"""A token bucket, pure: the caller passes the clock, so tests need no sleeping."""

from __future__ import annotations


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` saved up."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self._rate = rate
        self._capacity = capacity
        self._tokens = capacity
        self._updated = now

    def take(self, amount: float, now: float) -> bool:
        """Spend ``amount`` tokens if there are enough; False (nothing spent) otherwise."""
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if self._tokens < amount:
            return False
        self._tokens -= amount
        return True
