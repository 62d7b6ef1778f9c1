"""SessionPersistence: one session's link to the store — its resume token, saves, lease.

The resume token is the only handle a client holds; the store never sees it, only its SHA-256
(someone reading the store cannot resume a dialog), and no log line or error carries it. A new
session writes nothing until its first turn. Every save is awaited before the turn is answered:
what was accepted is in the store before anything depends on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from scenario_engine.config import AppConfig
from scenario_engine.protocol import ErrorCode
from scenario_engine.store import Claim, StoreError, StoreGuard

logger = logging.getLogger(__name__)

TOKEN_BYTES = 24
"""192 random bits (the issue asks >= 128): 32 URL-safe characters."""
CLAIM_POLL_S = 0.05
T = TypeVar("T")


class ResumeRefused(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def store_key(token: str) -> str:
    """The key a resume token's session is stored under: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class SessionPersistence:
    def __init__(self, store: StoreGuard, config: AppConfig) -> None:
        self.token = secrets.token_urlsafe(TOKEN_BYTES)
        self._key = store_key(self.token)
        self._owner = secrets.token_hex(8)
        self._store = store
        self._ttl_s = config.state_ttl_s
        self._lease_s = config.state_lease_s
        self._stored = False
        self._leased = asyncio.Event()
        self._lost = asyncio.Event()
        """Set once nothing more is written from here: the lease was released or lost."""
        self._writing = asyncio.Lock()
        self.taken_over = False
        """Another connection took the session over (this one should end)."""

    @property
    def claim_wait_s(self) -> float:
        """How long a resume waits for the session's lease: a live holder lets go at its next
        renewal (a third of a lease), a dead one's lease runs out (a lease), plus slack."""
        return self._lease_s + 1.0

    async def save(self, record: Callable[[], bytes]) -> None:
        """Store ``record()`` (built under the write lock, so the last write is the newest
        state); StoreError if the store failed. After a takeover nothing is written."""
        async with self._writing:
            if self._lost.is_set():
                return
            data = record()
            if not self._stored:
                await self._store.create(self._key, self._owner, data, self._ttl_s, self._lease_s)
                self._stored = True
                self._leased.set()
            elif not await self._store.save(self._key, self._owner, data, self._ttl_s):
                logger.info("the session was taken over; it is no longer saved here")
                self._taken_over()

    async def resume(self, token: str, read: Callable[[bytes], T]) -> T:
        """Take over the session of ``token``: its lease, then its record through ``read``
        (which raises ValueError on a record it cannot use). From then on saves go there."""
        key = store_key(token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.claim_wait_s
        try:
            while (claim := await self._store.claim(key, self._owner, self._lease_s)) is Claim.HELD:
                if loop.time() >= deadline:
                    raise ResumeRefused(
                        ErrorCode.SESSION_IN_USE,
                        "another connection still holds this session; try again shortly",
                    )
                await asyncio.sleep(CLAIM_POLL_S)
            data = await self._store.load(key) if claim is Claim.TAKEN else None
        except StoreError as exc:
            raise ResumeRefused(ErrorCode.STORE_UNAVAILABLE, str(exc)) from None
        try:
            if data is None:
                raise ValueError("no record")
            value = read(data)
        except ValueError:
            if claim is Claim.TAKEN:
                with contextlib.suppress(StoreError):
                    await self._store.release(key, self._owner)
            raise ResumeRefused(
                ErrorCode.SESSION_NOT_FOUND,
                f"no session to resume for that token: unknown, or idle for over {self._ttl_s:g} s",
            ) from None
        self.token, self._key, self._stored = token, key, True
        self._leased.set()
        return value

    async def hold_lease(self) -> None:
        """Renew the lease while connected; returns once it is lost (see ``taken_over``).

        A store failure does not end the dialog: the renewal is tried again a third of a lease
        later, and only a lease found lost (or asked for) ends it.
        """
        await self._leased.wait()
        while not self._lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self._lease_s / 3)
                return
            try:
                if not await self._store.renew(self._key, self._owner, self._lease_s, self._ttl_s):
                    self._taken_over()
            except StoreError as exc:
                logger.warning("lease not renewed (%s); trying again", exc)

    async def release(self) -> None:
        """Let the next connection take the session at once (the record stays for the TTL)."""
        if not self._stored or self._lost.is_set():
            return
        async with self._writing:
            self._lost.set()  # nothing more is written from here
            try:
                await self._store.release(self._key, self._owner)
            except StoreError as exc:
                logger.warning("lease not released (%s); it runs out by itself", exc)

    def _taken_over(self) -> None:
        self.taken_over = True
        self._lost.set()
