"""Every store call with a deadline, and every failure of it as one StoreError.

Whatever the store (a Redis that stopped answering, a network fault), the session gets a
StoreError within ``timeout_s`` and carries on; the message names the operation only, never a
key (derived from a resume token) or a record (the learner's words).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from scenario_engine.store.base import Claim, SessionStore, StoreError

T = TypeVar("T")


class StoreGuard:
    def __init__(self, store: SessionStore, timeout_s: float) -> None:
        self._store = store
        self._timeout_s = timeout_s

    async def _call(self, operation: str, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self._timeout_s):
                return await call
        except TimeoutError:
            raise StoreError(f"the session store did not answer {operation} in time") from None
        except Exception as exc:
            message = f"the session store failed {operation} ({type(exc).__name__})"
            raise StoreError(message) from None

    async def create(
        self, key: str, owner: str, record: bytes, ttl_s: float, lease_s: float
    ) -> None:
        await self._call("create", self._store.create(key, owner, record, ttl_s, lease_s))

    async def save(self, key: str, owner: str, record: bytes, ttl_s: float) -> bool:
        return await self._call("save", self._store.save(key, owner, record, ttl_s))

    async def load(self, key: str) -> bytes | None:
        return await self._call("load", self._store.load(key))

    async def claim(self, key: str, owner: str, lease_s: float) -> Claim:
        return await self._call("claim", self._store.claim(key, owner, lease_s))

    async def renew(self, key: str, owner: str, lease_s: float, ttl_s: float) -> bool:
        return await self._call("renew", self._store.renew(key, owner, lease_s, ttl_s))

    async def release(self, key: str, owner: str) -> None:
        await self._call("release", self._store.release(key, owner))

    async def aclose(self) -> None:
        await self._call("close", self._store.aclose())
