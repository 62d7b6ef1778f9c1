"""Fixtures: a fake OpenAI peer per test (no schema violation allowed) and configs aimed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from scenario_engine.config import AppConfig
from tests.fake_openai import FakeOpenAI

API_KEY = "sk-test-DO-NOT-LEAK-4f9a2c"
"""A recognisable key: tests assert it never shows up in logs, errors or client frames."""


@pytest.fixture
async def peer() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server
    assert server.checker.violations == [], "wire schema violations"


@pytest.fixture
def make_config(peer: FakeOpenAI) -> Callable[..., AppConfig]:
    """An ``AppConfig`` for the openai engine pointed at the peer, with fast retries."""

    def build(**overrides: Any) -> AppConfig:
        settings: dict[str, Any] = {
            "engine": "openai",
            "openai_api_key": API_KEY,
            "openai_base_url": peer.base_url,
            "openai_timeout_s": 2.0,
            "max_retries": 2,
            "openai_retry_initial_delay_s": 0.01,
            "realtime_reconnect_attempts": 3,
            "realtime_reconnect_initial_delay_s": 0.02,
            "realtime_reconnect_max_delay_s": 0.1,
        }
        settings.update(overrides)
        return AppConfig(**settings)

    return build
