from collections.abc import AsyncIterator, Iterator

import pytest

from scenario_engine.store.memory import MemoryStore
from scenario_engine.store.redis import RedisStore
from tests.services import redis_server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[MemoryStore | RedisStore]:
    if request.param == "memory":
        memory = MemoryStore()
        yield memory
        await memory.aclose()
        return
    redis = RedisStore(request.getfixturevalue("redis_url"), timeout_s=2.0)
    yield redis
    await redis.aclose()
