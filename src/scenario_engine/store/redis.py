"""The Redis store: sessions shared by every instance, so a learner resumes on any of them.

Three keys per session: the record, its lease (value: the owner) and a takeover mark. Writes
and renewals are Lua scripts, so "only the lease holder writes" holds atomically, also when
a slow old instance writes after a new connection took the session over.
"""

from __future__ import annotations

from redis.asyncio import Redis

from scenario_engine.store.base import Claim

_PREFIX = "scenario-engine:"

_CREATE = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
return 1
"""
_SAVE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""
_CLAIM = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 'missing' end
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    redis.call('DEL', KEYS[3])
    return 'taken'
end
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
return 'held'
"""
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisStore:
    def __init__(self, url: str, timeout_s: float) -> None:
        # The client's own socket timeouts back up the caller's deadline (StoreGuard).
        self._redis = Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        self._create = self._redis.register_script(_CREATE)
        self._save = self._redis.register_script(_SAVE)
        self._claim = self._redis.register_script(_CLAIM)
        self._renew = self._redis.register_script(_RENEW)
        self._release = self._redis.register_script(_RELEASE)

    @staticmethod
    def _keys(key: str) -> list[str]:
        return [f"{_PREFIX}lease:{key}", f"{_PREFIX}record:{key}", f"{_PREFIX}takeover:{key}"]

    async def create(
        self, key: str, owner: str, record: bytes, ttl_s: float, lease_s: float
    ) -> None:
        keys = self._keys(key)[:2]
        await self._create(keys=keys, args=[owner, record, _ms(lease_s), _ms(ttl_s)])

    async def save(self, key: str, owner: str, record: bytes, ttl_s: float) -> bool:
        keys = self._keys(key)[:2]
        return bool(await self._save(keys=keys, args=[owner, record, _ms(ttl_s)]))

    async def load(self, key: str) -> bytes | None:
        record = await self._redis.get(self._keys(key)[1])
        return record.encode() if isinstance(record, str) else record

    async def claim(self, key: str, owner: str, lease_s: float) -> Claim:
        answer = await self._claim(keys=self._keys(key), args=[owner, _ms(lease_s)])
        return Claim(answer.decode() if isinstance(answer, bytes) else answer)

    async def renew(self, key: str, owner: str, lease_s: float, ttl_s: float) -> bool:
        args = (owner, _ms(lease_s), _ms(ttl_s))
        return bool(await self._renew(keys=self._keys(key), args=args))

    async def release(self, key: str, owner: str) -> None:
        await self._release(keys=self._keys(key)[:1], args=[owner])

    async def aclose(self) -> None:
        await self._redis.aclose()
