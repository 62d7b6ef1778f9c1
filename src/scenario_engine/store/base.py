"""The session store's interface: records under a key, guarded by a lease.

A record is the snapshot of one dialog (opaque bytes here). A lease names the one connection
that serves the session: only the holder may write, and it renews the lease while connected.
A new connection that wants the session *claims* it: free, it gets the lease; held, it leaves a
takeover mark, which the holder sees at its next renewal and gives the session up (the newest
connection of a learner wins: the old socket is usually a dead phone link nobody reads).
A holder that died simply lets its lease run out.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class StoreError(Exception):
    """The store failed or did not answer in time; the message never holds a key or token."""


class Claim(StrEnum):
    TAKEN = "taken"
    """The lease is the claimant's now."""
    HELD = "held"
    """Another connection holds it; it was asked to let go (claim again shortly)."""
    MISSING = "missing"
    """No record under that key: never stored, or expired."""


class SessionStore(Protocol):
    async def create(
        self, key: str, owner: str, record: bytes, ttl_s: float, lease_s: float
    ) -> None:
        """Store a new session's first record, leased to ``owner``."""

    async def save(self, key: str, owner: str, record: bytes, ttl_s: float) -> bool:
        """Replace the record if ``owner`` holds the lease; False (nothing written) if not."""

    async def load(self, key: str) -> bytes | None: ...

    async def claim(self, key: str, owner: str, lease_s: float) -> Claim: ...

    async def renew(self, key: str, owner: str, lease_s: float, ttl_s: float) -> bool:
        """Extend the lease and the record's TTL; False once the lease is lost or wanted."""

    async def release(self, key: str, owner: str) -> None:
        """Give the lease up (if still held by ``owner``); the record stays until its TTL."""

    async def aclose(self) -> None: ...
