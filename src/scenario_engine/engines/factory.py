"""Build the engine the configuration asks for: each part's module is imported only when chosen."""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.engines.assembled import AssembledEngine
from scenario_engine.engines.base import Engine


def build_engine(config: AppConfig) -> Engine:
    return AssembledEngine(config, config.resolved_parts)
