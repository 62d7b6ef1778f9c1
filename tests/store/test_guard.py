"""A store that fails or hangs becomes a StoreError within the deadline, naming no key."""

import asyncio
import time

import pytest

from scenario_engine.config import AppConfig
from scenario_engine.store import StoreError, open_store
from scenario_engine.store.guard import StoreGuard
from scenario_engine.store.memory import MemoryStore
from tests.services import free_port


class _HangingStore(MemoryStore):
    async def load(self, key: str) -> bytes | None:
        await asyncio.sleep(3600)
        return None


async def test_a_hanging_store_call_ends_at_its_deadline() -> None:
    guard = StoreGuard(_HangingStore(), timeout_s=0.2)
    started = time.monotonic()
    with pytest.raises(StoreError, match="did not answer load in time") as raised:
        await guard.load("secret-key")
    assert time.monotonic() - started < 5.0  # the deadline, not the hour it hangs
    assert "secret-key" not in str(raised.value)


async def test_an_unreachable_redis_is_a_store_error_not_a_crash() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    guard = open_store(AppConfig(engine="local", state_url=url, state_timeout_s=0.5))
    with pytest.raises(StoreError, match="failed load") as raised:
        await guard.load("secret-key")
    assert "secret-key" not in str(raised.value)
    await guard.aclose()
