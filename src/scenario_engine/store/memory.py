"""The in-process store, the default: sessions resume across reconnects to the same process."""

from __future__ import annotations

import time
from collections.abc import Callable

from scenario_engine.store.base import Claim


class MemoryStore:
    """Dicts with expiry times; expired entries are dropped when next touched or swept.

    A record written or renewed moves to the end of its dict, so with one TTL for all the
    dict runs from the first to expire to the last: each write drops the expired ones at the
    front, and the dict holds the sessions of the last TTL, not every session ever served.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, tuple[bytes, float]] = {}
        self._leases: dict[str, tuple[str, float]] = {}
        self._takeovers: dict[str, float] = {}

    async def create(
        self, key: str, owner: str, record: bytes, ttl_s: float, lease_s: float
    ) -> None:
        now = self._clock()
        self._leases[key] = (owner, now + lease_s)
        self._write(key, record, now + ttl_s)

    async def save(self, key: str, owner: str, record: bytes, ttl_s: float) -> bool:
        if self._holder(key) != owner:
            return False
        self._write(key, record, self._clock() + ttl_s)
        return True

    async def load(self, key: str) -> bytes | None:
        entry = self._records.get(key)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    async def claim(self, key: str, owner: str, lease_s: float) -> Claim:
        if await self.load(key) is None:
            return Claim.MISSING
        now = self._clock()
        holder = self._holder(key)
        if holder is None or holder == owner:
            self._leases[key] = (owner, now + lease_s)
            self._takeovers.pop(key, None)
            return Claim.TAKEN
        self._takeovers[key] = now + lease_s
        return Claim.HELD

    async def renew(self, key: str, owner: str, lease_s: float, ttl_s: float) -> bool:
        now = self._clock()
        if self._holder(key) != owner or self._takeovers.get(key, 0.0) > now:
            return False
        self._leases[key] = (owner, now + lease_s)
        entry = self._records.get(key)
        if entry is not None:
            self._write(key, entry[0], now + ttl_s)
        return True

    async def release(self, key: str, owner: str) -> None:
        if self._holder(key) == owner:
            del self._leases[key]

    async def aclose(self) -> None:
        self._records.clear()
        self._leases.clear()
        self._takeovers.clear()

    def _holder(self, key: str) -> str | None:
        lease = self._leases.get(key)
        if lease is None or lease[1] <= self._clock():
            return None
        return lease[0]

    def _write(self, key: str, record: bytes, expires_at: float) -> None:
        self._records.pop(key, None)
        self._records[key] = (record, expires_at)
        now = self._clock()
        while (oldest := next(iter(self._records))) != key and self._records[oldest][1] <= now:
            del self._records[oldest]
            self._leases.pop(oldest, None)
            self._takeovers.pop(oldest, None)
