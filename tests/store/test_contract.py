"""What every session store promises, run against the memory store and a real redis-server."""

import asyncio
import secrets

from scenario_engine.store.base import Claim, SessionStore

LEASE_S = 5.0
"""A lease that outlasts every check made while it is held, on a loaded machine too."""
SHORT_LEASE_S = 1.0
"""A lease the test waits out; held for the one call made right after it was given."""
TTL_S = 10.0


def _key() -> str:
    return secrets.token_hex(8)


async def test_a_created_record_loads_back_and_only_the_holder_writes(
    store: SessionStore,
) -> None:
    key = _key()
    await store.create(key, "a", b"first", TTL_S, LEASE_S)
    assert await store.load(key) == b"first"
    assert await store.save(key, "a", b"second", TTL_S)
    assert not await store.save(key, "b", b"intruder", TTL_S)
    assert await store.load(key) == b"second"


async def test_an_unknown_key_is_missing(store: SessionStore) -> None:
    key = _key()
    assert await store.load(key) is None
    assert await store.claim(key, "a", LEASE_S) is Claim.MISSING


async def test_a_released_session_is_taken_at_once(store: SessionStore) -> None:
    key = _key()
    await store.create(key, "old", b"r", TTL_S, LEASE_S * 10)
    await store.release(key, "old")
    assert await store.claim(key, "new", LEASE_S) is Claim.TAKEN
    assert not await store.save(key, "old", b"late write", TTL_S)
    assert await store.save(key, "new", b"r2", TTL_S)


async def test_a_claim_on_a_held_lease_makes_the_holder_let_go(store: SessionStore) -> None:
    key = _key()
    await store.create(key, "old", b"r", TTL_S, LEASE_S * 10)
    assert await store.renew(key, "old", LEASE_S * 10, TTL_S)
    assert await store.claim(key, "new", LEASE_S) is Claim.HELD
    assert not await store.renew(key, "old", LEASE_S * 10, TTL_S)  # it was asked to go
    await store.release(key, "old")
    assert await store.claim(key, "new", LEASE_S) is Claim.TAKEN
    assert await store.renew(key, "new", LEASE_S, TTL_S)  # the mark went with the claim


async def test_a_dead_holders_lease_runs_out(store: SessionStore) -> None:
    key = _key()
    await store.create(key, "dead", b"r", TTL_S, SHORT_LEASE_S)
    assert await store.claim(key, "new", LEASE_S) is Claim.HELD
    await asyncio.sleep(SHORT_LEASE_S + 0.1)
    assert await store.claim(key, "new", LEASE_S) is Claim.TAKEN
    assert await store.load(key) == b"r"


async def test_the_record_expires_after_its_ttl_unless_renewed(store: SessionStore) -> None:
    """Both records live ``ttl``; one is renewed after half of it. At the first moment the
    other is gone, the renewed one is still there: it outlives it by at least the half slept
    (a lower bound, however loaded the machine), not by a race against the clock."""
    kept, dropped, ttl = _key(), _key(), 2.4
    await store.create(kept, "a", b"kept", ttl, LEASE_S)
    await store.create(dropped, "a", b"dropped", ttl, LEASE_S)
    await asyncio.sleep(ttl / 2)
    assert await store.renew(kept, "a", LEASE_S, ttl)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ttl + 10.0
    while await store.load(dropped) is not None:
        assert loop.time() < deadline, "the record outlived its TTL"
        await asyncio.sleep(0.02)
    assert await store.load(kept) == b"kept"
    assert await store.claim(dropped, "b", LEASE_S) is Claim.MISSING
