"""The store the configuration names: Redis for ``SCENARIO_ENGINE_STATE_URL``, else memory."""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.store.guard import StoreGuard
from scenario_engine.store.memory import MemoryStore


def open_store(config: AppConfig) -> StoreGuard:
    """Connections are made on first use, so an instance starts even while Redis is down."""
    if config.state_url is None:
        return StoreGuard(MemoryStore(), config.state_timeout_s)
    from scenario_engine.store.redis import RedisStore

    url = config.state_url.get_secret_value()
    return StoreGuard(RedisStore(url, config.state_timeout_s), config.state_timeout_s)
