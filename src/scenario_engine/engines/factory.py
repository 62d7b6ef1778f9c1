"""Build the engine the configuration asks for; each is imported only when chosen."""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import Engine


def build_engine(config: AppConfig) -> Engine:
    if config.resolved_engine == "openai":
        from scenario_engine.engines.openai.engine import OpenAIEngine

        return OpenAIEngine(config)
    from scenario_engine.engines.local.engine import LocalEngine

    return LocalEngine(config)
